/**
 * Which dimension values made a period unusual. Each value's own series gets one-step
 * expectations by the same rule as the metric's (`detectAnomalies` with the metric's season
 * length), so a value's move is measured against what that value alone would have done. Values
 * are ranked by how far they moved in the anomaly's direction; for additive metrics (sums and
 * counts) each move is also given as a share of the metric's own move.
 */
import { detectAnomalies } from './index';

export type DimensionValue = string | number | boolean | null;

export interface ValueSeries {
  dimension: string;
  value: DimensionValue;
  /** Aligned with the metric's periods; null where the value is unknown (0 where it had nothing). */
  series: Array<number | null>;
  /**
   * Aligned too: false where the group is hidden from users (the person floor). Its value still
   * feeds the model of this series, but it is never named as a contributor there.
   */
  shown?: boolean[];
}

export interface ValueExpectations extends ValueSeries {
  expected: Array<number | null>;
}

export interface Contribution {
  dimension: string;
  value: DimensionValue;
  actual: number;
  expected: number;
  delta: number;
  share?: number;
}

/** One detection per value series, reused for every anomalous period. */
export function expectationsOf(values: readonly ValueSeries[], options: { seasonLength: number; confidence: number }): ValueExpectations[] {
  return values
    .filter((value) => value.series.some((v) => v !== null))
    .map((value) => ({
      ...value,
      expected: detectAnomalies(value.series, { seasonality: options.seasonLength, confidence: options.confidence }).expected,
    }));
}

export interface AttributionOptions {
  /** +1 for a period above its expectation, −1 below. */
  direction: 1 | -1;
  /** The metric's own actual − expected, for shares (additive metrics only). */
  totalDelta?: number;
  /** How many values to keep per dimension. */
  perDimension: number;
}

/** The values that moved most in the anomaly's direction at `index`, per dimension, largest first. */
export function contributorsAt(values: readonly ValueExpectations[], index: number, options: AttributionOptions): Contribution[] {
  const byDimension = new Map<string, Contribution[]>();
  for (const value of values) {
    // Unknown: not attributed rather than guessed. Hidden from users: never named.
    if (value.shown?.[index] === false) continue;
    const actual = value.series[index];
    const expected = value.expected[index];
    if (actual === null || actual === undefined || expected === null || expected === undefined) continue;
    const delta = actual - expected;
    if (delta * options.direction <= 0) continue;
    const contribution: Contribution = { dimension: value.dimension, value: value.value, actual, expected, delta };
    if (options.totalDelta) contribution.share = delta / options.totalDelta;
    const list = byDimension.get(value.dimension) ?? [];
    list.push(contribution);
    byDimension.set(value.dimension, list);
  }
  return [...byDimension.values()]
    .flatMap((list) => list.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta)).slice(0, options.perDimension))
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
}
