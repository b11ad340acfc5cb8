/**
 * What a period is compared with (`compare` on a query), as one rule the compiler, the service and
 * the docs share. A shift moves a JST day back:
 *   - previous_year: one calendar year (2024-02-29 → 2023-02-28, the closest day of the earlier
 *     February); by week, 52 weeks (364 days), so a Monday-week meets the Monday-week of last year;
 *   - previous_period: one period of the grain (a day, 7 days, a month, 3 months, a year); without
 *     a grain, the range of the same length just before.
 * The comparison range is [shift(from), shift(to)); each period p is compared with shift(p).
 */
import { addDays, addMonths, daysBetween, type Grain } from './dates';
import type { Comparison } from './types';

export const COMPARISONS: readonly Comparison[] = ['previous_period', 'previous_year'];

/** A shift by whole days or calendar months (negative: back). */
export interface Shift {
  unit: 'day' | 'month';
  count: number;
}

export function comparisonShift(range: { from: string; to: string; grain?: Grain }, compare: Comparison): Shift {
  const { grain } = range;
  if (compare === 'previous_year') return grain === 'week' ? { unit: 'day', count: -364 } : { unit: 'month', count: -12 };
  switch (grain) {
    case undefined:
      return { unit: 'day', count: -daysBetween(range.from, range.to) };
    case 'day':
      return { unit: 'day', count: -1 };
    case 'week':
      return { unit: 'day', count: -7 };
    case 'month':
      return { unit: 'month', count: -1 };
    case 'quarter':
      return { unit: 'month', count: -3 };
    case 'year':
      return { unit: 'month', count: -12 };
  }
}

export function shiftDay(iso: string, shift: Shift): string {
  return shift.unit === 'day' ? addDays(iso, shift.count) : addMonths(iso, shift.count);
}

/** The earlier range the comparison reads. */
export function comparisonRange(range: { from: string; to: string; grain?: Grain }, compare: Comparison): { from: string; to: string } {
  const shift = comparisonShift(range, compare);
  return { from: shiftDay(range.from, shift), to: shiftDay(range.to, shift) };
}

const JST_OFFSET_MS = 9 * 3_600_000;

/** An instant moved back by the shift on the JST calendar, at the same JST time of day (ISO UTC). */
export function shiftInstant(isoInstant: string, shift: Shift): string {
  const jst = new Date(Date.parse(isoInstant) + JST_OFFSET_MS);
  const day = jst.toISOString().slice(0, 10);
  const timeOfDayMs = jst.getTime() - Date.parse(`${day}T00:00:00Z`);
  return new Date(Date.parse(`${shiftDay(day, shift)}T00:00:00Z`) + timeOfDayMs - JST_OFFSET_MS).toISOString();
}
