/** src/forecast intervals: calibration on held-out synthetic data, the variance formulas, and their edge cases. */
import { detectSeasonLength, forecast } from '../../src/forecast';
import { backtestCalibration, forecastSds, noiseModel } from '../../src/forecast/intervals';
import { fitSeasonalNaive, fitSmoothing, type FittedModel } from '../../src/forecast/models';
import { mulberry32, normalSampler } from '../../src/forecast/random';
import { synthetic } from '../../src/forecast/synthetic';

describe('80% interval coverage on held-out synthetic data', () => {
  it('covers 72–88% of 296 held-out points of 24 monthly and weekly series (additive and multiplicative)', () => {
    let covered = 0;
    let total = 0;
    for (let i = 0; i < 24; i++) {
      const weekly = i % 3 === 2;
      const period = weekly ? 52 : 12;
      const n = weekly ? 156 : 72;
      const horizon = weekly ? 13 : 12;
      const rand = mulberry32(4000 + i);
      const level = 50 + 150 * rand();
      const s = synthetic({
        seed: 4100 + i,
        length: n + horizon,
        period,
        level,
        slope: (rand() - 0.3) * level * 0.01,
        amplitude: level * (0.05 + 0.2 * rand()),
        noiseSd: level * (0.01 + 0.04 * rand()),
        multiplicative: i % 4 === 1,
      });
      const r = forecast(s.values.slice(0, n), { horizon, seasonality: 'auto', interval: 0.8, seasonCandidates: [period] });
      for (const p of r.points) {
        const actual = s.values[n - 1 + p.step]!;
        if (actual >= p.lower && actual <= p.upper) covered++;
        total++;
      }
    }
    expect(total).toBe(296);
    expect(covered / total).toBeGreaterThanOrEqual(0.72);
    expect(covered / total).toBeLessThanOrEqual(0.88);
  });
});

describe('weekly series with a yearly season', () => {
  it('gets season length 52 and forecasts a quarter ahead close to the generating function', () => {
    const s = synthetic({ seed: 31, length: 156 + 13, period: 52 });
    const train = s.values.slice(0, 156);
    expect(detectSeasonLength(train, [52])).toBe(52);
    const r = forecast(train, { horizon: 13, seasonality: 'auto', interval: 0.8, seasonCandidates: [52] });
    expect(r.model.seasonLength).toBe(52);
    const errors = r.points.map((p) => Math.abs(p.forecast - s.truth(155 + p.step)));
    expect(errors.reduce((a, e) => a + e, 0) / errors.length).toBeLessThan(2 * s.noiseSd);
    expect(Math.max(...errors)).toBeLessThan(4 * s.noiseSd);
    for (const p of r.points) expect(p.lower).toBeLessThan(s.truth(155 + p.step) + 4 * s.noiseSd);
  });
});

describe('variance propagation', () => {
  const damped = (() => {
    const noise = normalSampler(mulberry32(51));
    let level = 100;
    return Array.from({ length: 60 }, (_, t) => (level += 0.8 + (t % 7 === 0 ? 2 : 0) * noise() + noise()));
  })();

  it('additive Holt–Winters: the ETS class-1 multipliers 1 + Σ (alpha + beta·phi_j + gamma·[m | j])²', () => {
    const s = synthetic({ seed: 52, length: 72, period: 12 });
    const fit = fitSmoothing('holt-winters-additive-damped', s.values, 12)!;
    const { alpha, beta, gamma, phi } = fit.params as { alpha: number; beta: number; gamma: number; phi: number };
    const expected: number[] = [];
    let acc = 1;
    let phiSum = 0;
    for (let j = 1; j <= 30; j++) {
      expected.push(acc);
      phiSum += phi ** j;
      acc += (alpha + beta * phiSum + (j % 12 === 0 ? gamma : 0)) ** 2;
    }
    fit.varianceFactors(30).forEach((k, i) => expect(k).toBeCloseTo(expected[i]!, 10));
  });

  it('damped trend: the interval widens with every step', () => {
    const fit = fitSmoothing('holt-damped', damped, 1)!;
    const sds = forecastSds(fit, fit.forecast(24));
    for (let i = 1; i < sds.length; i++) expect(sds[i]!).toBeGreaterThanOrEqual(sds[i - 1]! - 1e-12);
    expect(sds[23]!).toBeGreaterThan(1.5 * sds[0]!);
  });

  it('multiplicative season (damped or not): wider a season later at the same season position, and following the seasonal factor', () => {
    const s = synthetic({ seed: 53, length: 96, period: 12, multiplicative: true, amplitude: 30, noiseSd: 3 });
    for (const kind of ['holt-winters-multiplicative', 'holt-winters-multiplicative-damped'] as const) {
      const fit = fitSmoothing(kind, s.values, 12)!;
      const fc = fit.forecast(36);
      const sds = forecastSds(fit, fc);
      for (let i = 0; i + 12 < 36; i++) expect(sds[i + 12]!).toBeGreaterThan(sds[i]!);
      // At the peak of the season the spread is wider than in the trough of the same year.
      const year = [...Array(12).keys()].map((i) => 12 + i);
      const peak = year.reduce((a, i) => (fc[i]! > fc[a]! ? i : a));
      const trough = year.reduce((a, i) => (fc[i]! < fc[a]! ? i : a));
      expect(sds[peak]!).toBeGreaterThan(sds[trough]!);
    }
  });

  it('seasonal naive: the error of step h adds one season error per completed season', () => {
    const fit = fitSeasonalNaive([1, 5, 2, 7, 2, 6, 3, 8, 3, 7, 4, 9], 4);
    expect(fit.varianceFactors(9)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3]);
    expect(fit.impulseResponses(9).map((row) => row.reduce((a, w) => a + w * w, 0))).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3]);
  });
});

describe('one-step error scale', () => {
  it('a series that grew about thirtyfold with 3% noise gets a 3% one-step spread, not its historical average', () => {
    const noise = normalSampler(mulberry32(77));
    const y = Array.from({ length: 96 }, (_, t) => 100 * Math.exp(0.035 * t) * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 12)) * (1 + 0.03 * noise()));
    const r = forecast(y, { horizon: 12, seasonality: 12, interval: 0.8 });
    const relative = (r.points[0]!.upper - r.points[0]!.forecast) / r.points[0]!.forecast / 1.2816;
    expect(relative).toBeGreaterThan(0.024);
    expect(relative).toBeLessThan(0.038);
  });

  it('constant-noise data keeps a constant spread', () => {
    const s = synthetic({ seed: 54, length: 96, period: 12, slope: 2, noiseSd: 2 });
    const fit = fitSmoothing('holt-winters-additive', s.values, 12)!;
    expect(noiseModel(fit).power).toBe(0);
  });
});

describe('backtest widening', () => {
  const series = [10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 15, 17];
  const fit: FittedModel = fitSeasonalNaive(series, 1);
  const forecastValues = fit.forecast(4);
  const sds = forecastSds(fit, forecastValues);

  it('never narrows the interval', () => {
    expect(backtestCalibration([{ fit, test: [...forecastValues], forecast: forecastValues }])).toBe(1);
    expect(backtestCalibration([])).toBe(1);
  });

  it('widens by the held-out errors, damped by one pseudo-fold at 1', () => {
    const test = forecastValues.map((f, i) => f + 3 * sds[i]!);
    // Four points with z² = 9 in one fold, plus a pseudo-fold of four points at 1: (36 + 4) / (4 + 4).
    expect(backtestCalibration([{ fit, test, forecast: forecastValues }])).toBeCloseTo(5, 9);
  });

  it('notes when a forecast interval was widened', () => {
    // Calm for two years, then four times as noisy in the backtest windows: the folds' errors exceed the in-sample spread.
    const noise = normalSampler(mulberry32(55));
    const y = Array.from({ length: 48 }, (_, t) => 100 + 0.5 * t + (t < 30 ? 1 : 4) * noise());
    const r = forecast(y, { horizon: 6, seasonality: 0, interval: 0.8 });
    expect(r.notes.join(' ')).toMatch(/interval widened ×/);
  });
});
