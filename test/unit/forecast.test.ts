/** src/forecast: model choice, accuracy, intervals and awkward series on seeded synthetic data. */
import { anomalies, centralZ, detectAnomalies, detectSeasonLength, forecast, normalQuantile } from '../../src/forecast';
import { mulberry32, normalSampler } from '../../src/forecast/random';
import { synthetic } from '../../src/forecast/synthetic';

describe('normalQuantile', () => {
  it('matches known quantiles', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.9)).toBeCloseTo(1.281552, 5);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 5);
    expect(centralZ(0.8)).toBeCloseTo(1.281552, 5);
  });
});

describe('forecast on trend + monthly seasonality + noise', () => {
  const horizon = 12;
  const s = synthetic({ seed: 7, length: 84 + horizon, period: 12 });
  const train = s.values.slice(0, 84);
  const result = forecast(train, { horizon, seasonality: 'auto', interval: 0.8 });

  it('chooses a seasonal model with season length 12', () => {
    expect(result.model.seasonLength).toBe(12);
    expect(result.model.name).toMatch(/holt-winters|seasonal-naive/);
    expect(result.backtest.folds).toBeGreaterThanOrEqual(1);
    expect(result.backtest.mase).not.toBeNull();
  });

  it('forecasts close to the generating function', () => {
    const errors = result.points.map((p) => Math.abs(p.forecast - s.truth(83 + p.step)));
    const mae = errors.reduce((a, e) => a + e, 0) / errors.length;
    expect(mae).toBeLessThan(2 * s.noiseSd);
    expect(Math.max(...errors)).toBeLessThan(4 * s.noiseSd);
  });

  it('widens intervals with the horizon', () => {
    const widths = result.points.map((p) => p.upper - p.lower);
    for (let i = 1; i < widths.length; i++) expect(widths[i]!).toBeGreaterThanOrEqual(widths[i - 1]! - 1e-9);
    expect(widths[widths.length - 1]!).toBeGreaterThan(widths[0]!);
    for (const p of result.points) expect(p.lower).toBeLessThanOrEqual(p.forecast);
  });

  it('detects seasonality 12 from the autocorrelation', () => {
    expect(detectSeasonLength(train)).toBe(12);
  });
});

describe('seasonality auto', () => {
  it('finds 52 in three years of weekly data (not the short lags a smooth season also correlates at)', () => {
    const s = synthetic({ seed: 31, length: 156, period: 52 });
    expect(detectSeasonLength(s.values)).toBe(52);
    const r = forecast(s.values, { horizon: 13, seasonality: 'auto', interval: 0.8 });
    expect(r.model.seasonLength).toBe(52);
  });

  it('finds none in a trending random walk', () => {
    const noise = normalSampler(mulberry32(32));
    let level = 100;
    const y = Array.from({ length: 80 }, () => (level += 0.3 + noise()));
    expect(detectSeasonLength(y)).toBe(1);
    const r = forecast(y, { horizon: 6, seasonality: 'auto', interval: 0.8 });
    expect(r.model.seasonLength).toBe(1);
    expect(r.notes.join(' ')).toMatch(/no clear seasonality/);
  });

  it('falls back to AICc when the series is too short for a backtest', () => {
    const s = synthetic({ seed: 33, length: 24, period: 12 });
    const r = forecast(s.values, { horizon: 12, seasonality: 12, interval: 0.8 });
    expect(r.backtest).toEqual({ mase: null, folds: 0 });
    expect(r.notes.join(' ')).toMatch(/AICc/);
  });
});

describe('interval coverage', () => {
  it('80% intervals cover 65–95% of held-out synthetic data', () => {
    let covered = 0;
    let total = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const period = seed % 2 ? 12 : 4;
      const s = synthetic({ seed: 1000 + seed, length: 72 + 12, period, multiplicative: seed % 4 === 0 });
      const r = forecast(s.values.slice(0, 72), { horizon: 12, seasonality: period, interval: 0.8 });
      r.points.forEach((p) => {
        const actual = s.values[71 + p.step]!;
        if (actual >= p.lower && actual <= p.upper) covered++;
        total++;
      });
    }
    const coverage = covered / total;
    expect(coverage).toBeGreaterThanOrEqual(0.65);
    expect(coverage).toBeLessThanOrEqual(0.95);
  });
});

describe('awkward series', () => {
  it('constant series: flat forecast, zero-width interval, noted', () => {
    const r = forecast(new Array(30).fill(5), { horizon: 4, seasonality: 'auto', interval: 0.9 });
    for (const p of r.points) expect(p).toMatchObject({ forecast: 5, lower: 5, upper: 5 });
    expect(r.notes.join(' ')).toMatch(/constant/);
  });

  it('a single period: naive with a zero-width interval and a note', () => {
    const r = forecast([42], { horizon: 3, seasonality: 12, interval: 0.8 });
    expect(r.model.name).toBe('naive');
    expect(r.points).toEqual([1, 2, 3].map((step) => ({ step, forecast: 42, lower: 42, upper: 42 })));
    expect(r.notes.join(' ')).toMatch(/single period/);
  });

  it('zeros: multiplicative models are excluded, forecasts finite', () => {
    const s = synthetic({ seed: 3, length: 60, period: 12, level: 10, slope: 0, amplitude: 10, noiseSd: 1 });
    const y = s.values.map((v) => Math.max(0, v));
    y[5] = 0;
    const r = forecast(y, { horizon: 12, seasonality: 12, interval: 0.8 });
    expect(r.model.name).not.toMatch(/multiplicative/);
    expect(r.notes.join(' ')).toMatch(/multiplicative models excluded/);
    for (const p of r.points) expect(Number.isFinite(p.forecast) && Number.isFinite(p.lower) && Number.isFinite(p.upper)).toBe(true);
  });

  it('missing periods are filled and flagged', () => {
    const s = synthetic({ seed: 4, length: 48, period: 12 });
    const y: Array<number | null> = [...s.values];
    y[10] = null;
    y[11] = null;
    y[47] = null;
    const r = forecast(y, { horizon: 6, seasonality: 12, interval: 0.8 });
    expect(r.notes).toContain('filled 3 missing periods by interpolation');
    for (const p of r.points) expect(Number.isFinite(p.forecast)).toBe(true);
  });

  it('shorter than two seasons: falls back to a non-seasonal model with a note', () => {
    const s = synthetic({ seed: 5, length: 18, period: 12 });
    const r = forecast(s.values, { horizon: 6, seasonality: 12, interval: 0.8 });
    expect(r.model.seasonLength).toBe(1);
    expect(r.notes.join(' ')).toMatch(/shorter than two seasons/);
  });

  it('a level shift: no crash, forecasts near the new level', () => {
    const noise = normalSampler(mulberry32(9));
    const y = Array.from({ length: 60 }, (_, t) => (t < 40 ? 100 : 150) + noise());
    const r = forecast(y, { horizon: 6, seasonality: 'auto', interval: 0.8 });
    for (const p of r.points) expect(Math.abs(p.forecast - 150)).toBeLessThan(10);
  });

  it('very large values: scale-safe', () => {
    const s = synthetic({ seed: 6, length: 60, period: 12 });
    const big = s.values.map((v) => v * 1e12);
    const small = forecast(s.values, { horizon: 6, seasonality: 12, interval: 0.8 });
    const r = forecast(big, { horizon: 6, seasonality: 12, interval: 0.8 });
    expect(r.model.name).toBe(small.model.name);
    r.points.forEach((p, i) => expect(p.forecast / 1e12).toBeCloseTo(small.points[i]!.forecast, 3));
  });

  it('rejects invalid options', () => {
    expect(() => forecast([1, 2, 3], { horizon: 0, seasonality: 'auto', interval: 0.8 })).toThrow(RangeError);
    expect(() => forecast([1, 2, 3], { horizon: 2, seasonality: 'auto', interval: 0.3 })).toThrow(RangeError);
    expect(() => forecast([null, null], { horizon: 2, seasonality: 'auto', interval: 0.8 })).toThrow(RangeError);
  });
});

describe('anomalies', () => {
  it('finds injected spikes', () => {
    const s = synthetic({ seed: 11, length: 96, period: 12 });
    const y = [...s.values];
    const spikes = [30, 55, 80];
    y[30]! += 25;
    y[55]! -= 20;
    y[80]! += 30;
    const found = anomalies(y, { seasonality: 12, confidence: 0.99 });
    const idx = found.map((a) => a.index);
    for (const t of spikes) expect(idx).toContain(t);
    expect(idx.length).toBeLessThanOrEqual(spikes.length + 1);
    const first = found.find((a) => a.index === 30)!;
    expect(first.score).toBeGreaterThan(3);
    expect(first.actual).toBeGreaterThan(first.upper);
  });

  it('a level shift flags at most the first few points after it', () => {
    const noise = normalSampler(mulberry32(41));
    const y = Array.from({ length: 80 }, (_, t) => (t < 50 ? 100 : 130) + noise());
    const found = anomalies(y, { seasonality: 0, confidence: 0.99 });
    expect(found.map((a) => a.index)).toContain(50);
    expect(found.length).toBeLessThanOrEqual(4);
  });

  it('ordinary noise yields at most one false positive in 100 points at 99%', () => {
    for (const seed of [21, 22, 23, 24, 25]) {
      const s = synthetic({ seed, length: 100, period: 12 });
      expect(anomalies(s.values, { seasonality: 'auto', confidence: 0.99 }).length).toBeLessThanOrEqual(1);
    }
  });
});

test('detectAnomalies never flags a missing period: its interpolated value is not an observation', () => {
  // A gap just before a jump is interpolated half-way up; only the observed jump may be flagged.
  const series: Array<number | null> = Array.from({ length: 40 }, (_, t) => 100 + ((t * 7) % 5));
  series[30] = null;
  for (let t = 31; t < 40; t++) series[t] = 1_000 + ((t * 3) % 4);
  const { anomalies } = detectAnomalies(series, { seasonality: 1, confidence: 0.99 });
  expect(anomalies.map((a) => a.index)).toContain(31);
  expect(anomalies.map((a) => a.index)).not.toContain(30);
});
