/**
 * Prediction-interval spread for a fitted model: the standard deviation of the forecast error at
 * each step, and the widening the rolling-origin backtest asks for. The method is described in
 * the header of index.ts.
 */
import { cholesky, gramMatrix, inverseQuadraticForm } from './linalg';
import type { FittedModel } from './models';

/** One backtest fold of a candidate: its fit on the data before the window, the window, the forecast. */
export interface FoldRecord {
  fit: FittedModel;
  test: number[];
  forecast: number[];
}

/** One-step errors have standard deviation sigma · max(|mu|, floor)^power around the one-step forecast mu. */
export interface NoiseModel {
  sigma: number;
  power: number;
  floor: number;
}

/** Candidate powers: constant spread, Poisson-like (counts), proportional (multiplicative error). */
const POWERS = [0, 0.5, 1];

/** Steps before this are the warm-up: their one-step forecasts lean on the initial-state heuristic. */
export function warmUpLength(model: FittedModel): number {
  return model.seasonLength >= 2 ? model.seasonLength : 2;
}

/**
 * The one-step error scale, from the in-sample residuals after the warm-up: for each power p the
 * Gaussian maximum-likelihood sigma² of r_t / |mu_t|^p, the power with the highest likelihood wins
 * (p > 0 only when every one-step forecast is positive); sigma² is corrected for the fitted
 * quantities by n / (n − k), as SSE / (n − k) would be on every residual.
 */
export function noiseModel(model: FittedModel): NoiseModel {
  const all: number[] = [];
  for (let t = 0; t < model.residuals.length; t++) if (Number.isFinite(model.residuals[t]!) && Number.isFinite(model.fitted[t]!)) all.push(t);
  const afterWarmUp = all.filter((t) => t >= warmUpLength(model));
  const used = afterWarmUp.length > model.nParams + 2 ? afterWarmUp : all;
  const correction = all.length / Math.max(1, all.length - model.nParams);
  let floor = Number.POSITIVE_INFINITY;
  for (const t of used) floor = Math.min(floor, Math.abs(model.fitted[t]!));
  let best: NoiseModel = { sigma: Math.sqrt(model.sse / Math.max(1, model.nResiduals - model.nParams)), power: 0, floor: 0 };
  let bestLogLik = Number.NEGATIVE_INFINITY;
  for (const power of POWERS) {
    if (power > 0 && used.some((t) => !(model.fitted[t]! > 0))) continue;
    let ss = 0;
    let logScale = 0;
    for (const t of used) {
      const w = power > 0 ? model.fitted[t]! ** power : 1;
      ss += (model.residuals[t]! / w) ** 2;
      logScale += Math.log(w);
    }
    if (used.length === 0 || !(ss > 0)) continue;
    const logLik = -(used.length / 2) * Math.log(ss / used.length) - logScale;
    if (logLik > bestLogLik) {
      bestLogLik = logLik;
      best = { sigma: Math.sqrt((ss / used.length) * correction), power, floor: power > 0 ? floor : 0 };
    }
  }
  return best;
}

function noiseScale(noise: NoiseModel, mu: number): number {
  return noise.power > 0 ? Math.max(Math.abs(mu), noise.floor) ** noise.power : 1;
}

/**
 * Variance of the forecast at each step from estimating the initial states on this series:
 * sigma² · a_hᵀ (Σ_t z_t z_tᵀ / w_t²)⁻¹ a_h, with z_t = ∂(one-step forecast t)/∂x0, a_h = ∂(forecast h)/∂x0
 * and w_t the noise scale at t — the least-squares prediction variance of x0, linearised.
 */
function estimationVariance(model: FittedModel, noise: NoiseModel, h: number): number[] {
  const zero = new Array<number>(h).fill(0);
  const g = model.initialStateGradients(h);
  const dim = g.forecast[0]?.length ?? 0;
  if (dim === 0 || g.fitted.length === 0) return zero;
  const information = gramMatrix(g.fitted, dim, (t) => (Number.isFinite(model.residuals[t]!) ? noiseScale(noise, model.fitted[t]!) ** -2 : 0));
  const l = cholesky(information);
  if (!l) return zero;
  return g.forecast.map((a) => noise.sigma * noise.sigma * inverseQuadraticForm(l, a));
}

/**
 * Standard deviation of the error of each point forecast fc[0..h): future one-step errors
 * (scale from `noiseModel` at the forecast path) propagated through the model's impulse responses,
 * plus the initial-state estimation variance. The estimation part's ratio to the propagated part
 * is carried forward as a running maximum: the linearised state covariance can dip slightly with
 * the horizon (e.g. Holt with beta ≈ alpha), and an interval should not narrow because of it.
 */
export function forecastSds(model: FittedModel, fc: readonly number[], noise: NoiseModel = noiseModel(model)): number[] {
  const psi = model.impulseResponses(fc.length);
  const innovation = fc.map((f) => (noise.sigma * noiseScale(noise, f)) ** 2);
  const estimation = estimationVariance(model, noise, fc.length);
  let share = 0;
  return psi.map((row, i) => {
    const propagated = row.reduce((acc, w, j) => acc + w * w * innovation[j]!, 0);
    if (propagated > 0) share = Math.max(share, estimation[i]! / propagated);
    return Math.sqrt(propagated > 0 ? propagated * (1 + share) : estimation[i]!);
  });
}

/**
 * Variance widening from the backtest: each held-out error of the chosen model's folds, standardised
 * by that fold fit's own `forecastSds`, gives z²; c = (Σ z² + N/F) / (N + N/F) over N points in
 * F folds (one pseudo-fold of z² = 1 damps the noise of a few folds), floored at 1. The folds
 * belong to the candidate with the best backtest, so their errors are if anything optimistic: they
 * may widen the interval, never narrow it.
 */
export function backtestCalibration(records: readonly FoldRecord[]): number {
  let sum = 0;
  let count = 0;
  for (const record of records) {
    const sds = forecastSds(record.fit, record.forecast);
    record.test.forEach((actual, i) => {
      const sd = sds[i]!;
      if (!(sd > 0) || !Number.isFinite(actual)) return;
      sum += ((actual - record.forecast[i]!) / sd) ** 2;
      count++;
    });
  }
  if (count === 0) return 1;
  const prior = count / records.length;
  return Math.max(1, (sum + prior) / (count + prior));
}
