/**
 * Turns what Sheets passes to a custom function into a contract request. Sheets passes Dates for
 * date cells, numbers, strings, '' for empty cells, and 2-D arrays for ranges. A wrong argument
 * throws a UserFacingError: one sentence that says what to fix.
 */
import { addDays, addMonths, GRAINS, isGrain, latestRangeEnd, parseIsoDate, truncateToGrain, type Grain } from '../../contract/dates';
import { COMPARISONS } from '../../contract/comparison';
import { LIMITS } from '../../contract/limits';
import type { Comparison, FilterValue, Lang } from '../../contract/types';
import { say, UserFacingError, type MessageId } from './messages';

export interface ArgumentContext {
  lang: Lang;
  /** Today in the spreadsheet's time zone, YYYY-MM-DD. */
  today: string;
  dayOf(date: Date): string;
}

export interface DateRange {
  from: string;
  /** Exclusive: the contract's ranges are half-open. */
  to: string;
}

/** Cells a range argument may hold: a whole column would mean a typo, not a request. */
const MAX_RANGE_CELLS = 200;
/** Sheets counts days from 1899-12-30. */
const SHEETS_EPOCH = '1899-12-30';

function fail(context: ArgumentContext, id: MessageId, params: Record<string, string | number> = {}): never {
  throw new UserFacingError(say(context.lang, id, params));
}

function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

const isBlank = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** Every non-blank cell of a scalar or a range, as trimmed text. */
function cellsOf(value: unknown, arg: string, context: ArgumentContext): string[] {
  const cells = Array.isArray(value) ? (value as unknown[]).flat() : [value];
  if (cells.length > MAX_RANGE_CELLS) fail(context, 'argumentTooLarge', { arg, max: MAX_RANGE_CELLS });
  return cells.filter((cell) => !isBlank(cell)).map((cell) => String(cell).trim());
}

/** A calendar span a date argument names: one day, a month or a year. */
interface Span {
  first: string;
  /** The day after the span. */
  after: string;
}

function spanOf(value: unknown, arg: string, context: ArgumentContext): Span {
  if (isDate(value)) {
    if (Number.isNaN(value.getTime())) fail(context, 'dateInvalid', { arg, value: String(value) });
    const day = context.dayOf(value);
    return { first: day, after: addDays(day, 1) };
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (Number.isInteger(value) && value >= 1900 && value <= 2100) return { first: `${value}-01-01`, after: `${value + 1}-01-01` };
    if (value >= 1 && value < 2_958_466) {
      const day = addDays(SHEETS_EPOCH, Math.floor(value));
      return { first: day, after: addDays(day, 1) };
    }
  }
  const text = String(value).trim().replace(/\//g, '-');
  const day = /^\d{4}-\d{1,2}-\d{1,2}$/.test(text) ? parseIsoDate(text.replace(/-(\d)(?=-|$)/g, '-0$1')) : null;
  if (day) return { first: day, after: addDays(day, 1) };
  const month = /^(\d{4})-(\d{1,2})$/.exec(text);
  if (month) {
    const first = parseIsoDate(`${month[1]}-${month[2]!.padStart(2, '0')}-01`);
    if (first) return { first, after: addMonths(first, 1) };
  }
  if (/^\d{4}$/.test(text)) return { first: `${text}-01-01`, after: `${Number(text) + 1}-01-01` };
  return fail(context, 'dateInvalid', { arg, value: String(value) });
}

/** Fiscal years start in April. */
function fiscalYearStart(day: string): string {
  const year = Number(day.slice(0, 4));
  return Number(day.slice(5, 7)) >= 4 ? `${year}-04-01` : `${year - 1}-04-01`;
}

/** The `months` whole months before this one. */
function lastMonths(months: number): (today: string) => DateRange {
  return (t) => ({ from: addMonths(truncateToGrain(t, 'month'), -months), to: truncateToGrain(t, 'month') });
}

/**
 * Period keywords, because TODAY() as an argument is volatile and never settles. "this_*" and
 * "ytd" run to today inclusive; "last_*" are whole, finished periods.
 */
const KEYWORDS: Record<string, (today: string) => DateRange> = {
  today: (t) => ({ from: t, to: addDays(t, 1) }),
  yesterday: (t) => ({ from: addDays(t, -1), to: t }),
  this_week: (t) => ({ from: truncateToGrain(t, 'week'), to: addDays(t, 1) }),
  last_week: (t) => ({ from: addDays(truncateToGrain(t, 'week'), -7), to: truncateToGrain(t, 'week') }),
  last_7_days: (t) => ({ from: addDays(t, -6), to: addDays(t, 1) }),
  last_30_days: (t) => ({ from: addDays(t, -29), to: addDays(t, 1) }),
  this_month: (t) => ({ from: truncateToGrain(t, 'month'), to: addDays(t, 1) }),
  last_month: (t) => ({ from: addMonths(truncateToGrain(t, 'month'), -1), to: truncateToGrain(t, 'month') }),
  last_3_months: lastMonths(3),
  last_12_months: lastMonths(12),
  last_24_months: lastMonths(24),
  this_quarter: (t) => ({ from: truncateToGrain(t, 'quarter'), to: addDays(t, 1) }),
  last_quarter: (t) => ({ from: addMonths(truncateToGrain(t, 'quarter'), -3), to: truncateToGrain(t, 'quarter') }),
  ytd: (t) => ({ from: truncateToGrain(t, 'year'), to: addDays(t, 1) }),
  this_year: (t) => ({ from: truncateToGrain(t, 'year'), to: addDays(t, 1) }),
  last_year: (t) => ({ from: addMonths(truncateToGrain(t, 'year'), -12), to: truncateToGrain(t, 'year') }),
  this_fiscal_year: (t) => ({ from: fiscalYearStart(t), to: addDays(t, 1) }),
  last_fiscal_year: (t) => ({ from: addMonths(fiscalYearStart(t), -12), to: fiscalYearStart(t) }),
};

export const PERIOD_KEYWORDS = Object.keys(KEYWORDS);

/** `from` and an inclusive `to` (or a keyword and nothing) → the contract's half-open range. */
export function parseRange(fromArg: unknown, toArg: unknown, context: ArgumentContext): DateRange {
  if (isBlank(fromArg)) fail(context, 'dateRequired', { arg: 'from' });
  const word = typeof fromArg === 'string' ? fromArg.trim().toLowerCase() : '';
  // Own keys only: "constructor" or "tostring" must read as a bad date, not as Object.prototype's functions.
  const keyword = Object.prototype.hasOwnProperty.call(KEYWORDS, word) ? KEYWORDS[word] : undefined;
  let range: DateRange;
  if (keyword) {
    if (!isBlank(toArg)) fail(context, 'keywordWithEnd', { keyword: String(fromArg).trim() });
    range = keyword(context.today);
  } else {
    if (isBlank(toArg)) fail(context, 'dateRequired', { arg: 'to' });
    const from = spanOf(fromArg, 'from', context);
    const to = spanOf(toArg, 'to', context);
    if (from.first >= to.after) fail(context, 'rangeInverted', { from: from.first, to: addDays(to.after, -1) });
    range = { from: from.first, to: to.after };
  }
  if (range.to > latestRangeEnd(range.from)) fail(context, 'rangeTooLong', { years: LIMITS.maxRangeYears });
  return range;
}

export function parseGrain(value: unknown, context: ArgumentContext): Grain | undefined {
  if (isBlank(value)) return undefined;
  const grain = String(value).trim().toLowerCase();
  if (!isGrain(grain)) fail(context, 'grainInvalid', { value: String(value), options: GRAINS.join(', ') });
  return grain;
}

export function parseDimensions(value: unknown, context: ArgumentContext): string[] {
  const names = cellsOf(value, 'dimensions', context)
    .flatMap((cell) => cell.split(/[,、\s]+/))
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length > LIMITS.maxDimensions) fail(context, 'tooManyDimensions', { max: LIMITS.maxDimensions });
  return names;
}

/** "plan=biweekly;gender=female,male", a one-column range of "k=v", or a two-column range. */
export function parseFilters(value: unknown, context: ArgumentContext): Record<string, FilterValue> {
  const pairs: Array<[string, string]> = [];
  const isTwoColumns = Array.isArray(value) && (value as unknown[][]).every((row) => Array.isArray(row) && row.length === 2);
  if (isTwoColumns) {
    if ((value as unknown[][]).length * 2 > MAX_RANGE_CELLS) fail(context, 'argumentTooLarge', { arg: 'filters', max: MAX_RANGE_CELLS });
    for (const [key, cell] of value as unknown[][]) {
      if (isBlank(key) && isBlank(cell)) continue;
      if (isBlank(key) || isBlank(cell)) fail(context, 'filterMalformed', { part: `${String(key ?? '')}=${String(cell ?? '')}` });
      pairs.push([String(key).trim(), String(cell).trim()]);
    }
  } else {
    for (const part of cellsOf(value, 'filters', context).flatMap((cell) => cell.split(/[;\n]/))) {
      if (!part.trim()) continue;
      const match = /^\s*([A-Za-z_][\w]*)\s*=\s*(.+?)\s*$/.exec(part);
      if (!match) fail(context, 'filterMalformed', { part: part.trim() });
      pairs.push([match[1]!, match[2]!]);
    }
  }
  // A Map, not an object: "__proto__" or "constructor" written in a cell is a filter name like any
  // other (the API refuses unknown ones), not Object.prototype's.
  const filters = new Map<string, string[]>();
  for (const [key, text] of pairs) {
    const values = text
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (!values.length) fail(context, 'filterMalformed', { part: `${key}=${text}` });
    filters.set(key, [...(filters.get(key) ?? []), ...values]);
  }
  // Sorted, so the same filters written in another order share one cache entry.
  return Object.fromEntries(
    [...filters.keys()].sort().map((key) => {
      const values = [...new Set(filters.get(key))].sort();
      return [key, values.length === 1 ? values[0]! : values];
    }),
  );
}

export interface CellOptions {
  header: boolean;
  /** Footnote rows after the table (footnotes.ts); `nonotes` leaves them out. */
  notes: boolean;
  limit?: number;
  lang?: Lang;
  /** `compare=previous_year` or `前年比`, `compare=previous_period` or `前期比`: adds the comparison columns. */
  compare?: Comparison;
}

/** The Japanese spellings a cell may use for a comparison. */
const COMPARISON_WORDS: Record<string, Comparison> = { 前年比: 'previous_year', 前期比: 'previous_period' };

export function parseOptions(value: unknown, context: ArgumentContext): CellOptions {
  const options: CellOptions = { header: true, notes: true };
  for (const option of cellsOf(value, 'options', context)
    .flatMap((cell) => cell.split(/[,;\s]+/))
    .filter(Boolean)) {
    const [name = '', setting] = option.toLowerCase().split('=', 2);
    if (name === 'noheader' && setting === undefined) options.header = false;
    else if (name === 'header' && setting === undefined) options.header = true;
    else if (name === 'nonotes' && setting === undefined) options.notes = false;
    else if (name === 'notes' && setting === undefined) options.notes = true;
    else if (name === 'lang' && (setting === 'ja' || setting === 'en')) options.lang = setting;
    else if (setting === undefined && Object.prototype.hasOwnProperty.call(COMPARISON_WORDS, name)) options.compare = COMPARISON_WORDS[name];
    else if (name === 'compare' && (COMPARISONS as readonly string[]).includes(setting!)) options.compare = setting as Comparison;
    else if (name === 'limit') {
      const limit = Number(setting);
      if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.maxRows) fail(context, 'limitInvalid', { max: LIMITS.maxRows });
      options.limit = limit;
    } else fail(context, 'optionUnknown', { option });
  }
  return options;
}

/** Periods to forecast: a whole number 1–104 (two years of weeks). */
export function parseHorizon(value: unknown, context: ArgumentContext): number {
  const horizon = typeof value === 'number' ? value : isBlank(value) ? Number.NaN : Number(String(value).trim());
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > LIMITS.maxForecastHorizon) fail(context, 'horizonInvalid', { max: LIMITS.maxForecastHorizon });
  return horizon;
}

/** The interval's coverage: 0.8, 80 or "80%" (a percent-formatted cell arrives as 0.8); empty means 0.8. */
export function parseInterval(value: unknown, context: ArgumentContext): number | undefined {
  if (isBlank(value)) return undefined;
  const text = String(value).trim();
  let interval = typeof value === 'number' ? value : Number(text.replace(/%$/, ''));
  if (typeof value !== 'number' && text.endsWith('%')) interval /= 100;
  else if (interval > 1 && interval < 100) interval /= 100;
  if (!(interval >= 0.5 && interval <= 0.99)) fail(context, 'intervalInvalid', { value: text });
  return interval;
}

export function parseMetricName(value: unknown, context: ArgumentContext): string {
  if (isBlank(value) || Array.isArray(value)) fail(context, 'metricRequired');
  return String(value).trim();
}
