/**
 * Exponential-smoothing models in error-correction (ETS, additive-error) form, fitted by minimising
 * the in-sample one-step-ahead SSE with a deterministic Nelder–Mead search over the smoothing
 * parameters (initial states come from a least-squares heuristic and are not optimised: for seasonal
 * models a line with one dummy per season position through the first two or three whole seasons —
 * a plain line would be tilted by the seasonal shape — and the mean detrended value per position).
 *
 *   forecast  mu_t = l + phi·b (+ s)           or (l + phi·b)·s   (multiplicative season)
 *   error     e_t  = y_t − mu_t
 *   level     l'   = l + phi·b + alpha·e        (alpha·e / s when multiplicative)
 *   trend     b'   = phi·b + beta·e             (beta·e / s when multiplicative)
 *   season    s'   = s + gamma·e                (gamma·e / (l + phi·b) when multiplicative)
 *
 * with 0 < alpha < 1, 0 < beta < alpha, 0 < gamma < 1 − alpha, 0.8 ≤ phi ≤ 0.98 (phi = 1 undamped).
 */
import { nelderMead } from './nelderMead';

export type ModelKind =
  | 'naive'
  | 'seasonal-naive'
  | 'ses'
  | 'holt'
  | 'holt-damped'
  | 'holt-winters-additive'
  | 'holt-winters-additive-damped'
  | 'holt-winters-multiplicative'
  | 'holt-winters-multiplicative-damped';

export interface ModelSpec {
  kind: ModelKind;
  trend: 'none' | 'additive' | 'damped';
  season: 'none' | 'additive' | 'multiplicative';
}

export const MODEL_SPECS: Record<ModelKind, ModelSpec> = {
  naive: { kind: 'naive', trend: 'none', season: 'none' },
  'seasonal-naive': { kind: 'seasonal-naive', trend: 'none', season: 'none' },
  ses: { kind: 'ses', trend: 'none', season: 'none' },
  holt: { kind: 'holt', trend: 'additive', season: 'none' },
  'holt-damped': { kind: 'holt-damped', trend: 'damped', season: 'none' },
  'holt-winters-additive': { kind: 'holt-winters-additive', trend: 'additive', season: 'additive' },
  'holt-winters-additive-damped': { kind: 'holt-winters-additive-damped', trend: 'damped', season: 'additive' },
  'holt-winters-multiplicative': { kind: 'holt-winters-multiplicative', trend: 'additive', season: 'multiplicative' },
  'holt-winters-multiplicative-damped': { kind: 'holt-winters-multiplicative-damped', trend: 'damped', season: 'multiplicative' },
};

/** A fitted model: enough to forecast, to give one-step residuals, and to compute interval widths. */
export interface FittedModel {
  kind: ModelKind;
  seasonLength: number;
  params: Record<string, number>;
  /** In-sample one-step-ahead forecasts (NaN where the model has no forecast, e.g. the first season of seasonal naive). */
  fitted: number[];
  /** y − fitted, NaN where fitted is NaN. */
  residuals: number[];
  sse: number;
  /** Residuals counted in sse. */
  nResiduals: number;
  /** Number of estimated quantities (smoothing parameters + initial states), for AICc. */
  nParams: number;
  /** Point forecasts for steps 1..h. */
  forecast(h: number): number[];
  /** Multipliers k_h with Var(error at step h) = sigma² · k_h (k_1 = 1), for homoscedastic one-step errors. */
  varianceFactors(h: number): number[];
  /**
   * psi[i][j] = ∂(forecast at step i + 1) / ∂(one-step error at step j + 1) for j ≤ i, psi[i][i] = 1: how a
   * future one-step error moves every later forecast, to first order around the point-forecast path
   * (exact for the linear additive models). Var(error at step h) = Σ_j psi[h−1][j]² · Var(one-step error at j).
   */
  impulseResponses(h: number): number[][];
  /**
   * Sensitivities to the estimated initial states (level, trend, all season positions but the last —
   * the season indices' sum and the level are not separately identifiable): `fitted[t]` = ∂(in-sample
   * one-step forecast t)/∂x0 and `forecast[i]` = ∂(forecast at step i + 1)/∂x0, for the estimation-error
   * part of the forecast variance. Empty rows for models without estimated initial states.
   */
  initialStateGradients(h: number): { fitted: number[][]; forecast: number[][] };
}

interface Params {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

interface State {
  l: number;
  b: number;
  /** s[i] is the seasonal index for positions t ≡ i (mod m). */
  s: number[];
}

const sigmoid = (u: number): number => 1 / (1 + Math.exp(-u));
const logit = (p: number): number => Math.log(p / (1 - p));

function decode(spec: ModelSpec, u: readonly number[]): Params {
  let i = 0;
  const alpha = 1e-4 + (1 - 2e-4) * sigmoid(u[i++] ?? 0);
  const beta = spec.trend === 'none' ? 0 : alpha * 0.999 * sigmoid(u[i++] ?? 0);
  const gamma = spec.season === 'none' ? 0 : (1 - alpha) * 0.999 * sigmoid(u[i++] ?? 0);
  const phi = spec.trend === 'damped' ? 0.8 + 0.18 * sigmoid(u[i] ?? 0) : 1;
  return { alpha, beta, gamma, phi };
}

function startVector(spec: ModelSpec): number[] {
  const u = [logit(0.3)];
  if (spec.trend !== 'none') u.push(logit(0.1));
  if (spec.season !== 'none') u.push(logit(0.1));
  if (spec.trend === 'damped') u.push(logit((0.95 - 0.8) / 0.18));
  return u;
}

/** Ordinary least squares line through (i, y[i]), i = 0..k−1. */
function lineFit(y: readonly number[], k: number): { intercept: number; slope: number } {
  if (k <= 1) return { intercept: y[0] ?? 0, slope: 0 };
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < k; i++) {
    sx += i;
    sy += y[i]!;
  }
  const mx = sx / k;
  const my = sy / k;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < k; i++) {
    sxy += (i - mx) * (y[i]! - my);
    sxx += (i - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: my - slope * mx, slope };
}

/**
 * Least-squares line with one dummy per season position through y[0..k), k a whole number of seasons:
 * the slope comes from the change between seasons only (a plain line through whole seasons of a
 * sinusoid is tilted by the seasonal shape), the intercept makes the seasonal effects average zero.
 */
function seasonalLineFit(y: readonly number[], k: number, m: number): { intercept: number; slope: number } {
  const cycles = k / m;
  let sxy = 0;
  let sxx = 0;
  let sy = 0;
  for (let t = 0; t < k; t++) {
    // Within its season position, t is offset from that position's mean time by m·(cycle − mean cycle).
    const dt = m * (Math.floor(t / m) - (cycles - 1) / 2);
    let slotMean = 0;
    for (let c = 0; c < cycles; c++) slotMean += y[(t % m) + c * m]! / cycles;
    sxy += dt * (y[t]! - slotMean);
    sxx += dt * dt;
    sy += y[t]!;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: sy / k - (slope * (k - 1)) / 2, slope };
}

/** The state "just before t = 0", so the first one-step forecast is for y[0]. */
function initialState(spec: ModelSpec, y: readonly number[], m: number): State | null {
  const n = y.length;
  if (spec.season === 'none') {
    if (spec.trend === 'none') return { l: y[0]!, b: 0, s: [] };
    const { intercept, slope } = lineFit(y, Math.min(n, 10));
    return { l: intercept - slope, b: slope, s: [] };
  }
  const k = Math.min(n, 3 * m) - (Math.min(n, 3 * m) % m);
  if (k < 2 * m) return null;
  const { intercept, slope } = seasonalLineFit(y, k, m);
  const s = new Array<number>(m).fill(0);
  const cycles = k / m;
  for (let t = 0; t < k; t++) {
    const trendValue = intercept + slope * t;
    if (spec.season === 'additive') s[t % m]! += (y[t]! - trendValue) / cycles;
    else {
      if (trendValue <= 0) return null;
      s[t % m]! += y[t]! / trendValue / cycles;
    }
  }
  // Normalise: additive indices sum to 0, multiplicative indices average 1.
  const mean = s.reduce((a, v) => a + v, 0) / m;
  for (let i = 0; i < m; i++) s[i] = spec.season === 'additive' ? s[i]! - mean : s[i]! / mean;
  return { l: intercept - slope, b: slope, s };
}

interface RunResult {
  sse: number;
  fitted: number[];
  state: State;
}

function run(spec: ModelSpec, p: Params, y: readonly number[], m: number, init: State, keepFitted: boolean): RunResult {
  let { l, b } = init;
  const s = [...init.s];
  const mult = spec.season === 'multiplicative';
  const seasonal = spec.season !== 'none';
  let sse = 0;
  const fitted: number[] = keepFitted ? new Array<number>(y.length) : [];
  for (let t = 0; t < y.length; t++) {
    const base = l + p.phi * b;
    const si = seasonal ? s[t % m]! : mult ? 1 : 0;
    const mu = mult ? base * si : base + si;
    const e = y[t]! - mu;
    if (keepFitted) fitted[t] = mu;
    sse += e * e;
    if (mult) {
      if (!(si > 1e-8) || !(base > 1e-8)) return { sse: Number.POSITIVE_INFINITY, fitted, state: { l, b, s } };
      l = base + (p.alpha * e) / si;
      b = p.phi * b + (p.beta * e) / si;
      s[t % m] = si + (p.gamma * e) / base;
    } else {
      l = base + p.alpha * e;
      b = p.phi * b + p.beta * e;
      if (seasonal) s[t % m] = si + p.gamma * e;
    }
    if (!Number.isFinite(l) || !Number.isFinite(sse)) return { sse: Number.POSITIVE_INFINITY, fitted, state: { l, b, s } };
  }
  return { sse, fitted, state: { l, b, s } };
}

/**
 * Forward-mode derivatives of the filter in `run` with respect to the initial state (see
 * FittedModel.initialStateGradients): one tangent vector per state component, propagated exactly
 * through the (nonlinear, when multiplicative) error-correction recursion.
 */
function initialStateGradients(
  spec: ModelSpec,
  p: Params,
  y: readonly number[],
  m: number,
  init: State,
  h: number,
): { fitted: number[][]; forecast: number[][] } {
  const trend = spec.trend !== 'none';
  const seasonal = spec.season !== 'none';
  const mult = spec.season === 'multiplicative';
  const dim = 1 + (trend ? 1 : 0) + (seasonal ? m - 1 : 0);
  const unit = (k: number): number[] => {
    const v = new Array<number>(dim).fill(0);
    if (k >= 0) v[k] = 1;
    return v;
  };
  let dl = unit(0);
  let db = trend ? unit(1) : unit(-1);
  const ds: number[][] = seasonal ? Array.from({ length: m }, (_, i) => unit(i < m - 1 ? 1 + (trend ? 1 : 0) + i : -1)) : [];
  let { l, b } = init;
  const s = [...init.s];
  const fitted: number[][] = [];
  const dbase = new Array<number>(dim);
  for (let t = 0; t < y.length; t++) {
    const base = l + p.phi * b;
    const si = seasonal ? s[t % m]! : mult ? 1 : 0;
    const mu = mult ? base * si : base + si;
    const e = y[t]! - mu;
    const dsi = seasonal ? ds[t % m]! : null;
    const dmu = new Array<number>(dim);
    for (let k = 0; k < dim; k++) {
      dbase[k] = dl[k]! + p.phi * db[k]!;
      dmu[k] = mult ? dbase[k]! * si + base * dsi![k]! : dbase[k]! + (dsi ? dsi[k]! : 0);
    }
    fitted.push(dmu);
    const nl = new Array<number>(dim);
    const nb = new Array<number>(dim);
    const ns = seasonal ? new Array<number>(dim) : null;
    for (let k = 0; k < dim; k++) {
      const de = -dmu[k]!;
      if (mult) {
        // d(e/s) and d(e/base)
        const dErrOverS = de / si - (e * dsi![k]!) / (si * si);
        nl[k] = dbase[k]! + p.alpha * dErrOverS;
        nb[k] = p.phi * db[k]! + p.beta * dErrOverS;
        ns![k] = dsi![k]! + p.gamma * (de / base - (e * dbase[k]!) / (base * base));
      } else {
        nl[k] = dbase[k]! + p.alpha * de;
        nb[k] = p.phi * db[k]! + p.beta * de;
        if (ns) ns[k] = dsi![k]! + p.gamma * de;
      }
    }
    dl = nl;
    db = nb;
    if (ns) ds[t % m] = ns;
    if (mult) {
      l = base + (p.alpha * e) / si;
      b = p.phi * b + (p.beta * e) / si;
      s[t % m] = si + (p.gamma * e) / base;
    } else {
      l = base + p.alpha * e;
      b = p.phi * b + p.beta * e;
      if (seasonal) s[t % m] = si + p.gamma * e;
    }
  }
  const forecast: number[][] = [];
  const n = y.length;
  for (let i = 1; i <= h; i++) {
    const damp = dampedSum(p.phi, i);
    const base = l + damp * b;
    const slot = (n + i - 1) % m;
    const row = new Array<number>(dim);
    for (let k = 0; k < dim; k++) {
      const dBase = dl[k]! + damp * db[k]!;
      row[k] = !seasonal ? dBase : mult ? dBase * s[slot]! + base * ds[slot]![k]! : dBase + ds[slot]![k]!;
    }
    forecast.push(row);
  }
  return { fitted, forecast };
}

function dampedSum(phi: number, h: number): number {
  if (phi === 1) return h;
  let acc = 0;
  let pw = 1;
  for (let i = 1; i <= h; i++) {
    pw *= phi;
    acc += pw;
  }
  return acc;
}

/** Point forecasts for steps 1..h from the state after n observations. */
function forecastFrom(spec: ModelSpec, p: Params, state: State, n: number, m: number, h: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= h; i++) {
    const base = state.l + dampedSum(p.phi, i) * state.b;
    if (spec.season === 'none') out.push(base);
    else {
      const si = state.s[(n + i - 1) % m]!;
      out.push(spec.season === 'multiplicative' ? base * si : base + si);
    }
  }
  return out;
}

/** Fit one smoothing model; null when the model cannot be fitted to this series. */
export function fitSmoothing(kind: ModelKind, y: readonly number[], m: number): FittedModel | null {
  const spec = MODEL_SPECS[kind];
  if (kind === 'naive' || kind === 'seasonal-naive') return fitSeasonalNaive(y, kind === 'naive' ? 1 : m);
  const n = y.length;
  if (spec.season !== 'none' && (m < 2 || n < 2 * m)) return null;
  if (spec.season === 'multiplicative' && y.some((v) => v <= 0)) return null;
  if (spec.trend !== 'none' && n < 3) return null;
  const init = initialState(spec, y, m);
  if (!init) return null;
  const objective = (u: readonly number[]): number => run(spec, decode(spec, u), y, m, init, false).sse;
  const best = nelderMead(objective, startVector(spec), { maxIterations: 250 + 50 * startVector(spec).length, step: 1 });
  const p = decode(spec, best.x);
  const result = run(spec, p, y, m, init, true);
  if (!Number.isFinite(result.sse)) return null;
  const fitted = result.fitted;
  const residuals = y.map((v, t) => v - fitted[t]!);
  const final = result.state;
  const seasonal = spec.season !== 'none';
  const nSmoothing = 1 + (spec.trend !== 'none' ? 1 : 0) + (seasonal ? 1 : 0) + (spec.trend === 'damped' ? 1 : 0);
  const nInit = 1 + (spec.trend !== 'none' ? 1 : 0) + (seasonal ? m - 1 : 0);
  const params: Record<string, number> = { alpha: p.alpha };
  if (spec.trend !== 'none') params.beta = p.beta;
  if (seasonal) params.gamma = p.gamma;
  if (spec.trend === 'damped') params.phi = p.phi;
  const impulseResponses = (h: number): number[][] => {
    // An error e at step j moves the level by alpha·e (÷ s_j when the season is multiplicative), the
    // trend by beta·e (÷ s_j) and season slot j by gamma·e (÷ base_j); with no later errors the level
    // change reaches step i > j as (alpha + beta·phi_{i−j})·e and the slot recurs at i ≡ j (mod m).
    // Multiplicative season: the base change is scaled by s_i, the slot change by base_i, giving
    // psi_ij = (alpha + beta·phi_{i−j})·s_i/s_j + gamma·[m | i−j]·base_i/base_j (ETS class 1 when additive).
    const mult = spec.season === 'multiplicative';
    const damped = [0];
    for (let i = 1; i <= h; i++) damped.push(damped[i - 1]! + p.phi ** i);
    const base: number[] = [];
    const season: number[] = [];
    for (let i = 1; i <= h; i++) {
      base.push(final.l + damped[i]! * final.b);
      season.push(seasonal ? final.s[(n + i - 1) % m]! : 1);
    }
    const ratio = (a: number, b: number): number => (Math.abs(b) > 1e-12 ? a / b : 0);
    const out: number[][] = [];
    for (let i = 1; i <= h; i++) {
      const row: number[] = [];
      for (let j = 1; j < i; j++) {
        const levelPart = p.alpha + p.beta * damped[i - j]!;
        const seasonPart = seasonal && (i - j) % m === 0 ? p.gamma : 0;
        row.push(mult ? levelPart * ratio(season[i - 1]!, season[j - 1]!) + seasonPart * ratio(base[i - 1]!, base[j - 1]!) : levelPart + seasonPart);
      }
      row.push(1);
      out.push(row);
    }
    return out;
  };
  return {
    kind,
    seasonLength: seasonal ? m : 1,
    params,
    fitted,
    residuals,
    sse: result.sse,
    nResiduals: n,
    nParams: nSmoothing + nInit,
    forecast: (h: number) => forecastFrom(spec, p, final, n, m, h),
    varianceFactors(h: number): number[] {
      return impulseResponses(h).map((row) => row.reduce((acc, w) => acc + w * w, 0));
    },
    impulseResponses,
    initialStateGradients: (h: number) => initialStateGradients(spec, p, y, m, init, h),
  };
}

/** Seasonal naive (m = 1: naive): the forecast repeats the last observed season. */
export function fitSeasonalNaive(y: readonly number[], m: number): FittedModel {
  const n = y.length;
  const lag = Math.max(1, Math.min(m, n));
  const fitted = y.map((_, t) => (t >= lag ? y[t - lag]! : Number.NaN));
  const residuals = y.map((v, t) => v - fitted[t]!);
  let sse = 0;
  let count = 0;
  for (const r of residuals) {
    if (Number.isFinite(r)) {
      sse += r * r;
      count++;
    }
  }
  return {
    kind: lag === 1 ? 'naive' : 'seasonal-naive',
    seasonLength: lag,
    params: {},
    fitted,
    residuals,
    sse,
    nResiduals: count,
    nParams: 0,
    forecast(h: number): number[] {
      const out: number[] = [];
      for (let i = 1; i <= h; i++) out.push(y[n - lag + ((i - 1) % lag)]!);
      return out;
    },
    varianceFactors(h: number): number[] {
      const out: number[] = [];
      for (let i = 1; i <= h; i++) out.push(Math.floor((i - 1) / lag) + 1);
      return out;
    },
    impulseResponses(h: number): number[][] {
      // A seasonal random walk: the error at step j is carried into every later step of its season.
      return Array.from({ length: h }, (_, i) => Array.from({ length: i + 1 }, (_, j) => ((i - j) % lag === 0 ? 1 : 0)));
    },
    initialStateGradients: () => ({ fitted: [], forecast: [] }),
  };
}
