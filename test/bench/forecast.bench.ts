/**
 * src/forecast on synthetic series (10 monthly, period 12; 10 weekly, period 52), rolling origin:
 * at each of 3 origins per series the model is chosen and fitted on the data before the origin and
 * scored on the next `horizon` points:
 *  - mean MASE of the chosen model next to seasonal naive (same scale: in-sample seasonal-naive MAE
 *    of the training data), and their ratio (target ≤ 0.9);
 *  - coverage of the 80% interval over all held-out points;
 *  - median wall time per forecast() call; the models chosen.
 */
import { forecast } from '../../src/forecast';
import { mulberry32 } from '../../src/forecast/random';
import { synthetic } from '../../src/forecast/synthetic';
import { median, round } from './stats';

interface BenchSeries {
  label: string;
  values: number[];
  period: number;
  horizon: number;
  trainLength: number;
}

function benchSeries(): BenchSeries[] {
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
    out.push({ label: `${monthly ? 'monthly' : 'weekly'}#${i}`, values: s.values, period, horizon, trainLength });
  }
  return out;
}

function seasonalNaiveMae(train: readonly number[], period: number): number {
  let acc = 0;
  for (let t = period; t < train.length; t++) acc += Math.abs(train[t]! - train[t - period]!);
  return acc / (train.length - period);
}

export async function runForecastBench(): Promise<void> {
  const chosenMase: number[] = [];
  const naiveMase: number[] = [];
  const times: number[] = [];
  const models = new Map<string, number>();
  let covered = 0;
  let total = 0;
  const coverageBy = new Map<string, { covered: number; total: number }>();
  for (const s of benchSeries()) {
    for (let k = 0; k < 3; k++) {
      const origin = s.trainLength + k * s.horizon;
      const train = s.values.slice(0, origin);
      const test = s.values.slice(origin, origin + s.horizon);
      const start = performance.now();
      const r = forecast(train, { horizon: s.horizon, seasonality: 'auto', interval: 0.8 });
      times.push(performance.now() - start);
      const key = `${r.model.name}/${r.model.seasonLength}`;
      models.set(key, (models.get(key) ?? 0) + 1);
      const scale = seasonalNaiveMae(train, s.period);
      const bucket = coverageBy.get(s.label.split('#')[0]!) ?? { covered: 0, total: 0 };
      coverageBy.set(s.label.split('#')[0]!, bucket);
      let maeChosen = 0;
      let maeNaive = 0;
      test.forEach((actual, i) => {
        const p = r.points[i]!;
        maeChosen += Math.abs(actual - p.forecast);
        maeNaive += Math.abs(actual - train[origin - s.period + (i % s.period)]!);
        const inside = actual >= p.lower && actual <= p.upper;
        if (inside) covered++;
        total++;
        bucket.total++;
        if (inside) bucket.covered++;
      });
      chosenMase.push(maeChosen / test.length / scale);
      naiveMase.push(maeNaive / test.length / scale);
    }
  }
  const mean = (xs: readonly number[]): number => xs.reduce((a, v) => a + v, 0) / xs.length;
  const mChosen = mean(chosenMase);
  const mNaive = mean(naiveMase);
  const ratio = mChosen / mNaive;
  console.log('forecast — 20 synthetic series (10 monthly m=12, 10 weekly m=52), 3 rolling origins each');
  console.log(`  mean MASE chosen model     ${round(mChosen, 3)}`);
  console.log(`  mean MASE seasonal naive   ${round(mNaive, 3)}`);
  console.log(`  ratio chosen / naive       ${round(ratio, 3)}  (target ≤ 0.9: ${ratio <= 0.9 ? 'met' : 'NOT met'})`);
  console.log(`  80% interval coverage      ${round((100 * covered) / total, 1)}% of ${total} held-out points (${[...coverageBy.entries()].map(([k, v]) => `${k} ${round((100 * v.covered) / v.total, 1)}%`).join(', ')})`);
  console.log(`  median time per forecast   ${round(median(times), 1)} ms (max ${round(Math.max(...times), 1)} ms, ${times.length} calls)`);
  console.log(`  models chosen              ${[...models.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}×${v}`).join(', ')}`);
}
