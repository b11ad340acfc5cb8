/**
 * Footnotes: the one way a SNAQ_* formula says more than its values. A custom function cannot set
 * notes or formats, and its period cells must stay Dates (charts and formulas read them), so what a
 * table needs said follows it as rows of text, each starting with ※. Options `nonotes` leaves them
 * out. Blocks say the same sentences as cell notes instead (blocks/blockTable.ts).
 */
import { addDays, jstMinute, truncateToGrain, type Grain } from '../../contract/dates';
import { suppressionText } from '../../contract/suppressionText';
import type { ForecastResult, Lang, Meta } from '../../contract/types';
import { say } from './messages';

export const FOOTNOTE_MARK = '※';

/** One row per note, after the table: `rectangular` pads them to the table's width. */
export function footnoteRows(notes: readonly string[]): string[][] {
  return notes.map((note) => [`${FOOTNOTE_MARK} ${note}`]);
}

const JST_OFFSET_MS = 9 * 3_600_000;

/** A period by its start, as its grain names it: 2026-11 for a month, 2026 Q4 for a quarter. */
export function periodLabel(period: string, grain: Grain | undefined, lang: Lang): string {
  switch (grain) {
    case 'month':
      return period.slice(0, 7);
    case 'quarter':
      return `${period.slice(0, 4)} Q${Math.floor(Number(period.slice(5, 7)) / 3) + 1}`;
    case 'year':
      return period.slice(0, 4);
    case 'week':
      return say(lang, 'weekOf', { day: period });
    default:
      return period;
  }
}

/** When a range ends after the data (`to` exclusive, JST): its later periods are empty, not zero. */
export function runsPastTheData(meta: Pick<Meta, 'dataEnd'>, to: string): boolean {
  return meta.dataEnd !== undefined && Date.parse(`${to}T00:00:00Z`) - JST_OFFSET_MS > Date.parse(meta.dataEnd);
}

/** What a table of a range says about the data's edge: the partial period, or that later periods are empty. */
export function dataEdgeNotes(meta: Pick<Meta, 'dataEnd' | 'partialPeriod'>, range: { to: string; grain?: Grain }, lang: Lang): string[] {
  if (!meta.dataEnd || !runsPastTheData(meta, range.to)) return [];
  const asOf = jstMinute(meta.dataEnd);
  if (meta.partialPeriod) return [say(lang, 'notePartialPeriod', { period: periodLabel(meta.partialPeriod, range.grain, lang), asOf })];
  return [say(lang, 'noteDataEnds', { asOf })];
}

/** What an answer that hid groups says about them (contract/suppressionText.ts, as the CLI and the sidebar say it). */
export function suppressionNotes(meta: Pick<Meta, 'suppressed'>, lang: Lang): string[] {
  return meta.suppressed && meta.suppressed.groups > 0 ? [suppressionText(meta.suppressed, lang)] : [];
}

/**
 * What a comparison compares with: the earlier range, by its periods for months, quarters and years
 * (2024-01〜2024-06), else by its days; and, when the range runs past the data, that the partial
 * period is compared with the same part of its earlier period (contract/comparison.ts).
 */
export function comparisonNotes(meta: Pick<Meta, 'comparison' | 'dataEnd' | 'partialPeriod'>, range: { to: string; grain?: Grain }, lang: Lang): string[] {
  const earlier = meta.comparison;
  if (!earlier) return [];
  const { grain } = range;
  const label = (day: string) => (grain === 'month' || grain === 'quarter' || grain === 'year' ? periodLabel(truncateToGrain(day, grain), grain, lang) : day);
  const [first, last] = [label(earlier.from), label(addDays(earlier.to, -1))];
  const notes = [say(lang, 'noteComparison', { compare: earlier.compare, range: first === last ? first : `${first}〜${last}` })];
  if (meta.partialPeriod && runsPastTheData(meta, range.to))
    notes.push(say(lang, 'noteComparisonPartial', { period: periodLabel(meta.partialPeriod, grain, lang) }));
  return notes;
}

/** Where the forecast starts when the range runs past the data, or why there is none. */
export function forecastNotes(result: ForecastResult, range: { to: string; grain: Grain }, lang: Lang): string[] {
  const firstFuture = result.rows.findIndex((row) => row[2] !== null);
  if (firstFuture < 0) return [say(lang, 'noteNothingToForecast')];
  const lastComplete = result.rows[firstFuture - 1]?.[0];
  if (!result.meta.dataEnd || !runsPastTheData(result.meta, range.to) || typeof lastComplete !== 'string') return [];
  return [say(lang, 'noteForecastFrom', { asOf: jstMinute(result.meta.dataEnd), period: periodLabel(lastComplete, range.grain, lang) })];
}
