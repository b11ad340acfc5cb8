/**
 * src/forecast, rolling origin, on two kinds of series:
 *  - synthetic: 20 seeded series (10 monthly, period 12; 10 weekly, period 52), 3 origins each;
 *  - the sample lake (scale 1, seed 42, asOf 2026-11-01, generated in a temp folder): revenue,
 *    boxes_shipped and new_subscribers at grain month and week over the lake's whole history, read
 *    through the real MetricsService on DuckDB (a trailing incomplete period at asOf is dropped);
 *    the last 4 non-overlapping windows of 12 months / 13 weeks are the origins.
 * At each origin the model is chosen and fitted on the data before it (seasonality 'auto'; lake
 * series with the service's season candidates per grain) and scored on the next `horizon` points:
 *  - mean MASE of the chosen model next to seasonal naive (same scale: in-sample seasonal-naive MAE
 *    of the training data), and their ratio (target ≤ 0.9);
 *  - coverage of the 80% interval over all held-out points (target 75–85%);
 *  - median wall time per forecast() call; the models chosen.
 * The same backtest runs a proven library side by side, to justify writing our own: Grafana's
 * augurs (Rust, as WebAssembly: `@bsull/augurs`), MSTL decomposition with AutoETS on the trend.
 * Last, what forecast and anomaly requests cost in the service next to the plain (cached) query.
 * Printed per group and overall, and written as JSON under .snaq/bench/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog } from '../../src/catalog/catalog';
import { MetricsService } from '../../src/api/service';
import { SEASON_CANDIDATES } from '../../src/api/insights';
import { truncateToGrain } from '../../src/contract/dates';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { forecast } from '../../src/forecast';
import { mulberry32 } from '../../src/forecast/random';
import { synthetic } from '../../src/forecast/synthetic';
import { generateLake } from '../../src/lake/generate';
import { HORIZON_START } from '../../src/lake/horizon';
import { median, round } from './stats';

const BENCH_DIR = path.resolve('.snaq', 'bench');
const LAKE_SCALE = 1;
const LAKE_SEED = 42;
const AS_OF = new Date('2026-11-01T00:00:00Z');
const LAKE_METRICS = ['revenue', 'boxes_shipped', 'new_subscribers'] as const;
const LAKE_ORIGINS = 4;
const INTERVAL = 0.8;

interface BenchSeries {
  group: string;
  label: string;
  values: number[];
  period: number;
  horizon: number;
  origins: number[];
  seasonCandidates?: number[];
}

function syntheticSeries(): BenchSeries[] {
  const out: BenchSeries[] = [];
  const rand = mulberry32(2026);
  for (let i = 0; i < 20; i++) {
    const monthly = i < 10;
    const period = monthly ? 12 : 52;
    const horizon = monthly ? 12 : 13;
    const trainLength = monthly ? 60 : 156;
    const level = 50 + 200 * rand();
    const s = synthetic({
      seed: 500 + i,
      length: trainLength + 2 * horizon + horizon,
      period,
      level,
      slope: (rand() - 0.3) * level * 0.01,
      amplitude: level * (0.05 + 0.2 * rand()),
      noiseSd: level * (0.01 + 0.04 * rand()),
      multiplicative: i % 3 === 0,
    });
    out.push({
      group: `synthetic ${monthly ? 'monthly' : 'weekly'}`,
      label: `${monthly ? 'monthly' : 'weekly'}#${i}`,
      values: s.values,
      period,
      horizon,
      origins: [0, 1, 2].map((k) => trainLength + k * horizon),
    });
  }
  return out;
}

/** The lake's series through the real service. */
async function lakeSeries(service: MetricsService): Promise<BenchSeries[]> {
  const out: BenchSeries[] = [];
  // Lake days are JST days; the period holding asOf is still filling up, so `to` is its start.
  const asOfDay = new Date(AS_OF.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  for (const grain of ['month', 'week'] as const) {
    const period = SEASON_CANDIDATES[grain][0]!;
    const horizon = grain === 'month' ? 12 : 13;
    for (const metric of LAKE_METRICS) {
      const outcome = await service.query({ metric, from: HORIZON_START, to: truncateToGrain(asOfDay, grain), grain }, 'bench');
      if (outcome.status !== 200) throw new Error(`${metric} by ${grain}: the query did not finish in time`);
      const values = outcome.body.rows.map((row) => Number(row[1] ?? Number.NaN));
      if (values.some((v) => !Number.isFinite(v))) throw new Error(`${metric} by ${grain}: missing values`);
      const n = values.length;
      // Up to LAKE_ORIGINS windows, each training on at least three seasons.
      const windows = Math.min(LAKE_ORIGINS, Math.floor((n - 3 * period) / horizon));
      out.push({
        group: `lake ${grain === 'month' ? 'monthly' : 'weekly'}`,
        label: `${metric}/${grain}`,
        values,
        period,
        horizon,
        origins: Array.from({ length: windows }, (_, k) => n - (windows - k) * horizon),
        seasonCandidates: SEASON_CANDIDATES[grain],
      });
    }
  }
  return out;
}

/**
 * What a request costs end to end in the service (series already in the result cache, as on a
 * sheet's second refresh): the query alone, its forecast, and its anomalies with attribution
 * over every dimension of the metric. Medians of `runs`, side by side.
 */
async function serviceTimings(service: MetricsService, runs = 15): Promise<Array<{ request: string; medianMs: number; ratio: number }>> {
  const series = { metric: 'revenue', from: HORIZON_START, to: '2026-10-26', grain: 'week' };
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['query revenue by week (cached)', () => service.query(series, 'bench')],
    ['forecast 13 weeks', () => service.forecast({ ...series, horizon: 13 })],
    ['anomalies + attribution, 4 dimensions', () => service.anomalies(series)],
  ];
  const out: Array<{ request: string; medianMs: number; ratio: number }> = [];
  for (const [request, run] of cases) {
    await run(); // fills the cache and warms up
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    const medianMs = median(times);
    out.push({ request, medianMs: round(medianMs, 2), ratio: round(medianMs / (out[0]?.medianMs ?? medianMs), 1) });
  }
  return out;
}

function seasonalNaiveMae(train: readonly number[], period: number): number {
  let acc = 0;
  for (let t = period; t < train.length; t++) acc += Math.abs(train[t]! - train[t - period]!);
  return acc / (train.length - period);
}

/** What the backtest needs of a forecaster: points with bounds for `horizon` steps after `train`. */
interface Forecaster {
  name: string;
  run(train: number[], s: BenchSeries): { model: string; points: Array<{ forecast: number; lower: number; upper: number }> };
}

const OURS: Forecaster = {
  name: 'src/forecast',
  run(train, s) {
    const r = forecast(train, {
      horizon: s.horizon,
      seasonality: 'auto',
      interval: INTERVAL,
      ...(s.seasonCandidates ? { seasonCandidates: s.seasonCandidates } : {}),
    });
    return { model: `${r.model.name}/${r.model.seasonLength}`, points: r.points };
  },
};

/** augurs' MSTL + AutoETS, given the true season length (an advantage ours does not get). */
async function augurs(): Promise<Forecaster> {
  const mstl = await import('@bsull/augurs/mstl');
  mstl.initSync({ module: readFileSync(path.join(path.dirname(require.resolve('@bsull/augurs/mstl')), 'mstl_bg.wasm')) });
  return {
    name: 'augurs MSTL+AutoETS',
    run(train, s) {
      const model = mstl.MSTL.ets([s.period]);
      try {
        model.fit(train);
        const f = model.predict(s.horizon, INTERVAL);
        return {
          model: `mstl/${s.period}`,
          points: f.point.map((point, i) => ({ forecast: point, lower: f.intervals?.lower[i] ?? point, upper: f.intervals?.upper[i] ?? point })),
        };
      } finally {
        model.free();
      }
    },
  };
}

interface Score {
  forecaster: string;
  group: string;
  label: string;
  origin: number;
  model: string;
  maseChosen: number;
  maseNaive: number;
  covered: number;
  points: number;
  ms: number;
}

function backtest(s: BenchSeries, forecaster: Forecaster): Score[] {
  return s.origins.map((origin) => {
    const train = s.values.slice(0, origin);
    const test = s.values.slice(origin, origin + s.horizon);
    const start = performance.now();
    const r = forecaster.run(train, s);
    const ms = performance.now() - start;
    const scale = seasonalNaiveMae(train, s.period);
    let maeChosen = 0;
    let maeNaive = 0;
    let covered = 0;
    test.forEach((actual, i) => {
      const p = r.points[i]!;
      maeChosen += Math.abs(actual - p.forecast);
      maeNaive += Math.abs(actual - train[origin - s.period + (i % s.period)]!);
      if (actual >= p.lower && actual <= p.upper) covered++;
    });
    return {
      forecaster: forecaster.name,
      group: s.group,
      label: s.label,
      origin,
      model: r.model,
      maseChosen: maeChosen / test.length / scale,
      maseNaive: maeNaive / test.length / scale,
      covered,
      points: test.length,
      ms,
    };
  });
}

interface Summary {
  group: string;
  series: number;
  forecasts: number;
  meanMaseChosen: number;
  meanMaseSeasonalNaive: number;
  ratio: number;
  coverage80: number;
  heldOutPoints: number;
  medianMs: number;
  maxMs: number;
  models: Record<string, number>;
}

function summarise(group: string, scores: readonly Score[]): Summary {
  const mean = (xs: readonly number[]): number => xs.reduce((a, v) => a + v, 0) / xs.length;
  const models: Record<string, number> = {};
  for (const s of scores) models[s.model] = (models[s.model] ?? 0) + 1;
  const covered = scores.reduce((a, s) => a + s.covered, 0);
  const points = scores.reduce((a, s) => a + s.points, 0);
  const chosen = mean(scores.map((s) => s.maseChosen));
  const naive = mean(scores.map((s) => s.maseNaive));
  return {
    group,
    series: new Set(scores.map((s) => s.label)).size,
    forecasts: scores.length,
    meanMaseChosen: round(chosen, 3),
    meanMaseSeasonalNaive: round(naive, 3),
    ratio: round(chosen / naive, 3),
    coverage80: round((100 * covered) / points, 1),
    heldOutPoints: points,
    medianMs: round(median(scores.map((s) => s.ms)), 1),
    maxMs: round(Math.max(...scores.map((s) => s.ms)), 1),
    models: Object.fromEntries(Object.entries(models).sort((a, b) => b[1] - a[1])),
  };
}

function formatSummary(s: Summary): string[] {
  const ratioMet = s.ratio <= 0.9 ? 'met' : 'NOT met';
  const coverageMet = s.coverage80 >= 75 && s.coverage80 <= 85 ? 'met' : 'NOT met';
  return [
    `${s.group} — ${s.series} series, ${s.forecasts} forecasts`,
    `  mean MASE chosen model     ${s.meanMaseChosen}`,
    `  mean MASE seasonal naive   ${s.meanMaseSeasonalNaive}`,
    `  ratio chosen / naive       ${s.ratio}  (target ≤ 0.9: ${ratioMet})`,
    `  80% interval coverage      ${s.coverage80}% of ${s.heldOutPoints} held-out points  (target 75–85%: ${coverageMet})`,
    `  median time per forecast   ${s.medianMs} ms (max ${s.maxMs} ms)`,
    `  models chosen              ${Object.entries(s.models)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ')}`,
  ];
}

export async function runForecastBench(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'snaq-forecast-bench-'));
  const lakeDir = path.join(root, 'lake');
  let lake: BenchSeries[];
  let generateMs: number;
  let timings: Awaited<ReturnType<typeof serviceTimings>>;
  try {
    ({ elapsedMs: generateMs } = await generateLake({ outDir: lakeDir, scale: LAKE_SCALE, seed: LAKE_SEED, asOf: AS_OF }));
    const engine = await DuckDbEngine.open({ lakeDir });
    try {
      const service = new MetricsService(loadCatalog(), engine);
      lake = await lakeSeries(service);
      timings = await serviceTimings(service);
    } finally {
      await engine.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const all = [...syntheticSeries(), ...lake];
  const library = await augurs();
  // One untimed call each first, so the median is not charged for JIT or WebAssembly warm-up.
  for (const forecaster of [OURS, library]) forecaster.run(all[0]!.values.slice(0, all[0]!.origins[0]), all[0]!);
  const scores = all.flatMap((s) => backtest(s, OURS));
  const libraryScores = all.flatMap((s) => backtest(s, library));
  const groups = [...new Set(scores.map((s) => s.group))];
  const summaries = [
    ...groups.map((g) =>
      summarise(
        g,
        scores.filter((s) => s.group === g),
      ),
    ),
    summarise('overall', scores),
  ];
  const librarySummaries = [
    ...groups.map((g) =>
      summarise(
        g,
        libraryScores.filter((s) => s.group === g),
      ),
    ),
    summarise('overall', libraryScores),
  ];
  const lines = [
    `forecast — rolling-origin backtest; sample lake scale ${LAKE_SCALE}, seed ${LAKE_SEED}, asOf ${AS_OF.toISOString().slice(0, 10)} (generated in ${round(generateMs / 1000, 1)} s)`,
    `  lake series: ${lake.map((s) => `${s.label} n=${s.values.length} (${s.origins.length}×${s.horizon})`).join(', ')}`,
    ...summaries.flatMap(formatSummary),
    '',
    `side by side with ${library.name} (same series and origins; it is given the true season length)`,
    `  ${'group'.padEnd(18)} ${'MASE ratio ours'.padStart(16)} ${'library'.padStart(8)} ${'80% cover ours'.padStart(15)} ${'library'.padStart(8)} ${'median ms ours'.padStart(15)} ${'library'.padStart(8)}`,
    ...summaries.map((ours, i) => {
      const lib = librarySummaries[i]!;
      return `  ${ours.group.padEnd(18)} ${String(ours.ratio).padStart(16)} ${String(lib.ratio).padStart(8)} ${`${ours.coverage80}%`.padStart(15)} ${`${lib.coverage80}%`.padStart(8)} ${String(ours.medianMs).padStart(15)} ${String(lib.medianMs).padStart(8)}`;
    }),
    '',
    'in the service, revenue by week since 2018 (series cached; medians of 15):',
    ...timings.map((t) => `  ${t.request.padEnd(40)} ${String(t.medianMs).padStart(8)} ms   ×${t.ratio}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const report = {
    lake: {
      scale: LAKE_SCALE,
      seed: LAKE_SEED,
      asOf: AS_OF.toISOString(),
      generateMs,
      series: lake.map((s) => ({ label: s.label, length: s.values.length, horizon: s.horizon, origins: s.origins })),
    },
    interval: INTERVAL,
    targets: { ratio: '≤ 0.9', coverage80: '75–85%' },
    summaries,
    library: { name: library.name, summaries: librarySummaries },
    serviceTimings: timings,
    forecasts: [...scores, ...libraryScores].map((s) => ({ ...s, maseChosen: round(s.maseChosen, 4), maseNaive: round(s.maseNaive, 4), ms: round(s.ms, 2) })),
  };
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `forecast-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`report: ${file}\n`);
}
