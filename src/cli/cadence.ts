/**
 * The cadence of a CSV series' periods, so `snaq forecast --csv` can label its future rows with
 * real dates. Pure: the arithmetic is the contract's (addDays, addMonths), nothing of its own.
 *
 * Month ends: a monthly series is anchored on its largest day of the month, and every period is
 * that day clamped to its month's length. So 2024-01-31, 02-29, 03-31 (a month-end series) goes on
 * 04-30, 05-31, and 2024-01-30, 02-29, 03-30 goes on 04-30, 05-30. Future periods are always
 * counted in whole months from the anchor, never stepped from a clamped day (02-29 + 1 month would
 * give 03-29).
 *
 * Months written `YYYY-MM` (as spreadsheets often export them) are read as their first days and
 * continue as `YYYY-MM`.
 */
import { addDays, addMonths, daysBetween, parseIsoDate } from '../contract/dates';

export type CadenceKind = 'day' | 'week' | 'month' | 'quarter' | 'year';

export type Cadence = (
  { kind: 'day' | 'week'; days: number } | { kind: 'month' | 'quarter' | 'year'; months: number; dayOfMonth: number; anchor: string; anchorIndex: number }
) & { /** The periods are `YYYY-MM`. */ yearMonth?: true };

/** Why no cadence was found: the first period that is no ISO date, or the first pair that breaks the step. */
export type NoCadence = { problem: 'too_few' } | { problem: 'not_a_date'; period: string } | { problem: 'irregular'; from: string; to: string };

const MONTH_STEPS: ReadonlyArray<{ kind: 'month' | 'quarter' | 'year'; months: number }> = [
  { kind: 'month', months: 1 },
  { kind: 'quarter', months: 3 },
  { kind: 'year', months: 12 },
];

const dayOf = (iso: string): number => Number(iso.slice(8, 10));
const YEAR_MONTH = /^\d{4}-\d{2}$/;

/** The cadence of `periods` (oldest first), or why there is none. Two periods are the least it reads. */
export function detectCadence(periods: readonly string[]): Cadence | NoCadence {
  if (periods.length === 0 || !periods.every((period) => YEAR_MONTH.test(period))) return detectDateCadence(periods);
  const found = detectDateCadence(periods.map((period) => `${period}-01`));
  const month = (day: string) => day.slice(0, 7);
  if (isCadence(found)) return { ...found, yearMonth: true };
  if (found.problem === 'not_a_date') return { problem: 'not_a_date', period: month(found.period) };
  return found.problem === 'irregular' ? { problem: 'irregular', from: month(found.from), to: month(found.to) } : found;
}

function detectDateCadence(periods: readonly string[]): Cadence | NoCadence {
  if (periods.length < 2) return { problem: 'too_few' };
  const notDate = periods.find((period) => parseIsoDate(period) !== period);
  if (notDate !== undefined) return { problem: 'not_a_date', period: notDate };

  const step = daysBetween(periods[0]!, periods[1]!);
  if (step === 1 || step === 7) {
    const kind = step === 1 ? 'day' : 'week';
    const broken = firstBreak(periods, (previous) => addDays(previous, step));
    return broken ?? { kind, days: step };
  }

  // Month-based: every period is the anchor's day of the month (clamped) a whole number of steps away.
  const dayOfMonth = Math.max(...periods.map(dayOf));
  const anchorIndex = periods.findIndex((period) => dayOf(period) === dayOfMonth);
  const anchor = periods[anchorIndex]!;
  let worst: NoCadence | undefined;
  let bestBreak = 0;
  for (const { kind, months } of MONTH_STEPS) {
    const bad = periods.findIndex((period, index) => period !== addMonths(anchor, (index - anchorIndex) * months));
    if (bad === -1) return { kind, months, dayOfMonth, anchor, anchorIndex };
    // Report the break of the step that fits longest (a monthly series with one month missing names that gap).
    if (bad > bestBreak || worst === undefined) {
      bestBreak = bad;
      worst = { problem: 'irregular', from: periods[Math.max(0, bad - 1)]!, to: periods[Math.max(1, bad)]! };
    }
  }
  return worst!;
}

function firstBreak(periods: readonly string[], next: (previous: string) => string): NoCadence | undefined {
  for (let i = 1; i < periods.length; i++) {
    if (next(periods[i - 1]!) !== periods[i]) return { problem: 'irregular', from: periods[i - 1]!, to: periods[i]! };
  }
  return undefined;
}

export function isCadence(found: Cadence | NoCadence): found is Cadence {
  return 'kind' in found;
}

/** The `count` periods after the last of `periods`, at the cadence found in them. */
export function periodsAfter(periods: readonly string[], cadence: Cadence, count: number): string[] {
  const last = periods.length - 1;
  const steps = Array.from({ length: count }, (_, i) => i + 1);
  if ('days' in cadence) return steps.map((step) => addDays(periods[last]!, cadence.days * step));
  const days = steps.map((step) => addMonths(cadence.anchor, (last + step - cadence.anchorIndex) * cadence.months));
  return cadence.yearMonth ? days.map((day) => day.slice(0, 7)) : days;
}
