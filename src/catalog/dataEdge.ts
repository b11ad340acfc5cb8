/**
 * Where a metric's data ends, and what that means for each period of a range. A lake snapshot
 * holds what happened before it was taken: a period after that moment has no data (which is not
 * zero), and the period holding it has only its first part (partial).
 */
import { nextPeriodStart, periodStarts, type Grain } from '../contract/dates';
import type { Cell } from '../contract/types';
import type { LakeManifest } from '../contract/snapshot';
import { countsAtPeriodEnd, factTablesOf, type MetricDef } from './vocabulary';

/** complete: the data covers the whole period; partial: only its start; none: nothing of it. */
export type Coverage = 'complete' | 'partial' | 'none';

export interface PeriodRange {
  from: string;
  to: string;
  grain?: Grain;
}

/**
 * The earliest snapshot among the metric's fact tables (ISO UTC), or null when one is missing. Only
 * fact tables count: the weekly product master, joined for names, must not blank a week of boxes.
 */
export function dataEndOf(metric: MetricDef, manifest: LakeManifest): string | null {
  const times = factTablesOf(metric).map((table) => manifest.tables[table]?.snapshotAt);
  if (times.some((time) => time === undefined)) return null;
  return (times as string[]).sort()[0] ?? null;
}

/** JST has no daylight saving: a JST day starts at 15:00 UTC the day before. */
const JST_OFFSET_MS = 9 * 3_600_000;
const jstDayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`) - JST_OFFSET_MS;

export interface RangeEdge {
  dataEnd: string;
  /** The period (its start; `from` without a grain) whose value covers only its part before `dataEnd`. */
  partialPeriod?: string;
  /** How much of a period of the range (by its start) the data covers. */
  coverage(period: string): Coverage;
}

export function edgeOfRange(range: PeriodRange, metric: MetricDef, dataEnd: string): RangeEdge {
  const edge = Date.parse(dataEnd);
  // A value counted as the period ends (active at period end) is unknown until the period has ended.
  const partialIsUnknown = countsAtPeriodEnd(metric);
  const coverage = (period: string): Coverage => {
    const begin = jstDayStart(period > range.from ? period : range.from);
    const next = range.grain ? nextPeriodStart(period, range.grain) : range.to;
    const end = jstDayStart(next < range.to ? next : range.to);
    if (begin >= edge) return 'none';
    if (end <= edge) return 'complete';
    return partialIsUnknown ? 'none' : 'partial';
  };
  const periods = range.grain ? periodStarts(range.from, range.to, range.grain) : [range.from];
  const partialPeriod = periods.find((period) => coverage(period) === 'partial');
  return { dataEnd, ...(partialPeriod ? { partialPeriod } : {}), coverage };
}

/**
 * Rows with what the data cannot know taken out: without dimensions a period stays, with its value
 * (and record count) emptied, so the series keeps every period; with dimensions its rows go, as
 * groups without data have no row.
 */
export function blankPastTheEdge(
  rows: readonly Cell[][],
  edge: RangeEdge,
  layout: { periodOf: (row: readonly Cell[]) => string; valueIndex: number; sizeIndex: number; keepsEveryPeriod: boolean },
): Cell[][] {
  const known = (row: readonly Cell[]) => edge.coverage(layout.periodOf(row)) !== 'none';
  if (!layout.keepsEveryPeriod) return rows.filter(known);
  return rows.map((row) => {
    if (known(row)) return row;
    const emptied = [...row];
    emptied[layout.valueIndex] = null;
    emptied[layout.sizeIndex] = 0;
    return emptied;
  });
}
