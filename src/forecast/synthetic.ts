/** Synthetic series with known generating functions, for tests and benchmarks (seeded, deterministic). */
import { mulberry32, normalSampler } from './random';

export interface SyntheticSeries {
  /** Noisy observations for t = 0..length−1 followed by `holdout` more. */
  values: number[];
  /** Noise-free generating function. */
  truth: (t: number) => number;
  period: number;
  noiseSd: number;
}

export interface SyntheticOptions {
  seed: number;
  length: number;
  period: number;
  level?: number;
  slope?: number;
  amplitude?: number;
  noiseSd?: number;
  /** Seasonal shape multiplies the level (true) or adds to it (false). */
  multiplicative?: boolean;
}

export function synthetic(options: SyntheticOptions): SyntheticSeries {
  const { seed, length, period } = options;
  const level = options.level ?? 100;
  const slope = options.slope ?? 0.5;
  const amplitude = options.amplitude ?? 10;
  const noiseSd = options.noiseSd ?? 2;
  const noise = normalSampler(mulberry32(seed));
  const phase = mulberry32(seed ^ 0x9e3779b9)() * 2 * Math.PI;
  const shape = (t: number): number => Math.sin((2 * Math.PI * t) / period + phase) + 0.4 * Math.cos((4 * Math.PI * t) / period);
  const truth = options.multiplicative
    ? (t: number): number => (level + slope * t) * (1 + (amplitude / level) * shape(t))
    : (t: number): number => level + slope * t + amplitude * shape(t);
  const values = Array.from({ length }, (_, t) => truth(t) + noiseSd * noise());
  return { values, truth, period, noiseSd };
}
