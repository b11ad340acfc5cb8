/** What the service computes for one query before per-request shaping, shared by the query path and the insights. */
import type { Cell, Column, Meta, Suppressed } from '../contract/types';
import type { MetricDef } from '../catalog/vocabulary';

/** A finished computation, before per-request shaping (limit, meta). */
export interface ComputedResult {
  columns: Column[];
  rows: Cell[][];
  /** With `compare`: the earlier range the comparison column reads. */
  comparison?: Meta['comparison'];
  /** What was hidden and why, when anything was. */
  suppressed?: Suppressed;
  /**
   * When something was hidden: every row with its value, and which are hidden. Never answered:
   * only the anomaly search reads it, to model each group's history (insightsService.ts).
   */
  beforeSuppression?: { rows: Cell[][]; hidden: boolean[] };
  dataAsOf: string | null;
  /** Where the metric's facts end (catalog/dataEdge.ts): periods after it have no value. */
  dataEnd: string | null;
  /** The period holding `dataEnd`, whose value covers only its part before it. */
  partialPeriod?: string;
  freshUntil: string | null;
  /** The snapshot the rows were read from; absent when the engine could not tell (the lake changed meanwhile). */
  snapshotId?: string;
  engineElapsedMs: number;
  bytesScanned?: number;
  /**
   * False when the rows may come from another snapshot than the one the cache key names (the lake
   * changed while the query ran): such a result answers its request but is not cached.
   */
  cacheable?: boolean;
}

/** One metric's series as forecasts and anomaly flags read it, and whether it came from the cache. */
export interface MetricSeries {
  result: ComputedResult;
  cached: boolean;
  metric: MetricDef;
}

/** A one-series result's values (period, value rows), null where the value is hidden or missing. */
export function valuesOf(series: ComputedResult): Array<number | null> {
  return series.rows.map((row) => (typeof row[1] === 'number' ? row[1] : null));
}
