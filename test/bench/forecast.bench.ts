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
 * Printed per group and overall, and written as JSON under .snaq/bench/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog } from '../../src/catalog/catalog';
import { MetricsService } from '../../src/api/service';
import { truncateToGrain, type Grain } from '../../src/contract/dates';
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
/** What the service passes as seasonCandidates per grain (src/api/service.ts SEASONS). */
const SEASONS: Partial<Record<Grain, number[]>> = { week: [52], month: [12] };
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

/** The lake's series through the real service; the engine is closed before returning. */
async function lakeSeries(lakeDir: string): Promise<BenchSeries[]> {
  const engine = await DuckDbEngine.open({ lakeDir });
  const service = new MetricsService(loadCatalog(), engine);
  const out: BenchSeries[] = [];
  // Lake days are JST days; the period holding asOf is still filling up, so `to` is its start.
  const asOfDay = new Date(AS_OF.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  try {
    for (const grain of ['month', 'week'] as const) {
      const period = SEASONS[grain]![0]!;
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
          seasonCandidates: SEASONS[grain],
        });
      }
    }
  } finally {
    await engine.close();
  }
  return out;
}

function seasonalNaiveMae(train: readonly number[], period: number): number {
  let acc = 0;
  for (let t = period; t < train.length; t++) acc += Math.abs(train[t]! - train[t - period]!);
  return acc / (train.length - period);
}

interface Score {
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

function backtest(s: BenchSeries): Score[] {
  return s.origins.map((origin) => {
    const train = s.values.slice(0, origin);
    const test = s.values.slice(origin, origin + s.horizon);
    const start = performance.now();
    const r = forecast(train, {
      horizon: s.horizon,
      seasonality: 'auto',
      interval: INTERVAL,
      ...(s.seasonCandidates ? { seasonCandidates: s.seasonCandidates } : {}),
    });
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
      group: s.group,
      label: s.label,
      origin,
      model: `${r.model.name}/${r.model.seasonLength}`,
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
    `  models chosen              ${Object.entries(s.models).map(([k, v]) => `${k}×${v}`).join(', ')}`,
  ];
}

export async function runForecastBench(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'snaq-forecast-bench-'));
  const lakeDir = path.join(root, 'lake');
  let lake: BenchSeries[];
  let generateMs: number;
  try {
    ({ elapsedMs: generateMs } = await generateLake({ outDir: lakeDir, scale: LAKE_SCALE, seed: LAKE_SEED, asOf: AS_OF }));
    lake = await lakeSeries(lakeDir);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const all = [...syntheticSeries(), ...lake];
  // One untimed call first, so the median is not charged for JIT warm-up.
  forecast(all[0]!.values.slice(0, all[0]!.origins[0]), { horizon: all[0]!.horizon, seasonality: 'auto', interval: INTERVAL });
  const scores = all.flatMap(backtest);
  const groups = [...new Set(scores.map((s) => s.group))];
  const summaries = [...groups.map((g) => summarise(g, scores.filter((s) => s.group === g))), summarise('overall', scores)];
  const lines = [
    `forecast — rolling-origin backtest; sample lake scale ${LAKE_SCALE}, seed ${LAKE_SEED}, asOf ${AS_OF.toISOString().slice(0, 10)} (generated in ${round(generateMs / 1000, 1)} s)`,
    `  lake series: ${lake.map((s) => `${s.label} n=${s.values.length} (${s.origins.length}×${s.horizon})`).join(', ')}`,
    ...summaries.flatMap(formatSummary),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const report = {
    lake: { scale: LAKE_SCALE, seed: LAKE_SEED, asOf: AS_OF.toISOString(), generateMs, series: lake.map((s) => ({ label: s.label, length: s.values.length, horizon: s.horizon, origins: s.origins })) },
    interval: INTERVAL,
    targets: { ratio: '≤ 0.9', coverage80: '75–85%' },
    summaries,
    forecasts: scores.map((s) => ({ ...s, maseChosen: round(s.maseChosen, 4), maseNaive: round(s.maseNaive, 4), ms: round(s.ms, 2) })),
  };
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `forecast-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`report: ${file}\n`);
}
