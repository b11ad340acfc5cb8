/**
 * Display values, simply: enough of Sheets' number formats for what an add-on sets — `0`, `0.00`,
 * `#,##0`, `0.0%`, quoted or `[$¥]` prefixes and suffixes, and dates like `yyyy-mm-dd hh:mm:ss`.
 * Without a format: numbers as Sheets' default (up to 15 significant digits), booleans as
 * TRUE/FALSE, dates as `yyyy-MM-dd` (plus ` HH:mm:ss` when not midnight) in the spreadsheet's zone.
 */
import { formatDate, zonedParts } from './dates';

export const DEFAULT_NUMBER_FORMAT = '0.###############';

function defaultNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

function isDatePattern(format: string): boolean {
  return /[yd]|h{1,2}|s{1,2}/i.test(format.replace(/"[^"]*"|\[\$[^\]]*\]/g, '')) && !/[0#]/.test(format);
}

/** Sheets date tokens (`mm` is minutes after `h` or before `s`, else month) → Java pattern. */
function sheetsDateToJava(format: string): string {
  const tokens = format.match(/"[^"]*"|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am\/pm|./gi) ?? [];
  let out = '';
  tokens.forEach((tok, i) => {
    const lower = tok.toLowerCase();
    const prev =
      tokens
        .slice(0, i)
        .reverse()
        .find((t) => /[a-z]/i.test(t))
        ?.toLowerCase() ?? '';
    const next =
      tokens
        .slice(i + 1)
        .find((t) => /[a-z]/i.test(t))
        ?.toLowerCase() ?? '';
    if (tok.startsWith('"')) out += `'${tok.slice(1, -1).replace(/'/g, "''")}'`;
    else if (lower === 'yyyy' || lower === 'yy') out += lower;
    else if (lower === 'mmmm') out += 'MMMM';
    else if (lower === 'mmm') out += 'MMM';
    else if (lower === 'mm' || lower === 'm') out += prev.startsWith('h') || next.startsWith('s') ? lower : lower.toUpperCase();
    else if (lower === 'dddd') out += 'EEEE';
    else if (lower === 'ddd') out += 'EEE';
    else if (lower === 'dd' || lower === 'd') out += lower;
    else if (lower === 'hh' || lower === 'h') out += lower.toUpperCase();
    else if (lower === 'ss' || lower === 's') out += lower;
    else if (lower === 'am/pm') out += 'a';
    else if (/[a-z]/i.test(tok)) out += `'${tok}'`;
    else out += tok === "'" ? "''" : tok;
  });
  return out;
}

function formatNumber(n: number, format: string): string {
  const section = format.split(';')[n < 0 ? 1 : 0] ?? format.split(';')[0] ?? format;
  const value = n < 0 && format.includes(';') ? -n : n;
  const literal = (s: string) =>
    s
      .replace(/"([^"]*)"/g, '$1')
      .replace(/\[\$([^\]-]*)(?:-[^\]]*)?\]/g, '$1')
      .replace(/\\(.)/g, '$1');
  const m = /^(.*?)([#0,]*0[#0,]*|#[#0,]*)(\.[0#]+)?(%?)(.*)$/.exec(section);
  if (!m) return defaultNumber(n);
  const [, prefix = '', intPart = '', frac = '', percent = '', suffix = ''] = m;
  const decimals = frac ? frac.length - 1 : 0;
  const scaled = percent ? value * 100 : value;
  const grouping = intPart.includes(',');
  const text = Math.abs(scaled).toLocaleString('en-US', {
    minimumFractionDigits: frac ? (frac.slice(1).match(/0/g) ?? []).length : 0,
    maximumFractionDigits: decimals,
    useGrouping: grouping,
  });
  const sign = scaled < 0 && Math.abs(scaled) >= 0.5 * 10 ** -decimals ? '-' : '';
  return `${sign}${literal(prefix)}${text}${percent}${literal(suffix)}`;
}

export function displayValue(value: unknown, format: string | undefined, timeZone: string): string {
  if (value === '' || value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    if (format && format !== DEFAULT_NUMBER_FORMAT && isDatePattern(format)) return formatDate(value, timeZone, sheetsDateToJava(format));
    const p = zonedParts(value.getTime(), timeZone);
    const midnight = p.hour === 0 && p.minute === 0 && p.second === 0;
    return formatDate(value, timeZone, midnight ? 'yyyy-MM-dd' : 'yyyy-MM-dd HH:mm:ss');
  }
  if (typeof value === 'number') {
    if (!format || format === DEFAULT_NUMBER_FORMAT || format === 'General') return defaultNumber(value);
    return formatNumber(value, format);
  }
  return String(value);
}
