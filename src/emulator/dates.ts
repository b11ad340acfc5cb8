/**
 * Time zones and Java SimpleDateFormat, for Utilities.formatDate, display values and trigger schedules.
 * Like Java, an unknown time zone id silently means GMT.
 */
import { GasException, MSG } from './messages';

export interface ZonedParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number; // 1 = Monday … 7 = Sunday
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(timeZone)) {
    let fmt: Intl.DateTimeFormat | null;
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        weekday: 'short',
        era: 'short',
      });
    } catch {
      fmt = null;
    }
    formatters.set(timeZone, fmt);
  }
  return formatters.get(timeZone) ?? null;
}

/** `GMT+9`, `GMT+09:00`, `UTC-0530` → fixed offset in minutes; otherwise null. */
function fixedOffset(timeZone: string): number | null {
  if (/^(GMT|UTC|Z)$/i.test(timeZone)) return 0;
  const m = /^(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(timeZone);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const fixed = fixedOffset(timeZone);
  const fmt = fixed === null ? formatterFor(timeZone) : null;
  const offset = fixed ?? (fmt ? null : 0);
  if (offset !== null) {
    const d = new Date(ms + offset * 60_000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      millisecond: d.getUTCMilliseconds(),
      weekday: ((d.getUTCDay() + 6) % 7) + 1,
      offsetMinutes: offset,
    };
  }
  const parts: Record<string, string> = {};
  for (const p of (fmt as Intl.DateTimeFormat).formatToParts(new Date(ms))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC') year = 1 - year;
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const millisecond = ((ms % 1000) + 1000) % 1000;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    millisecond,
    weekday: WEEKDAYS.indexOf(parts.weekday ?? 'Mon') + 1,
    offsetMinutes: Math.round((asUtc - ms) / 60_000),
  };
}

/** The short zone name Java would print for `z` (Intl's, e.g. "GMT+9" for Asia/Tokyo; "UTC"). */
function zoneName(ms: number, timeZone: string, long: boolean): string {
  const offset = zonedParts(ms, timeZone).offsetMinutes;
  if (fixedOffset(timeZone) === null && formatterFor(timeZone)) {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: long ? 'long' : 'short' })
      .formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName')?.value;
    if (name) return name;
  }
  if (offset === 0) return 'GMT';
  return `GMT${offsetText(offset, true, true)}`;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

function offsetText(minutes: number, colon: boolean, withMinutes: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = pad(Math.floor(abs / 60), 2);
  const mm = pad(abs % 60, 2);
  return withMinutes ? `${sign}${hh}${colon ? ':' : ''}${mm}` : `${sign}${hh}`;
}

/** Java SimpleDateFormat: G y Y M L d D E u a H k K h m s S z Z X, quoted text, '' for a quote. */
export function formatDate(date: Date, timeZone: string, pattern: string): string {
  const ms = date.getTime();
  const p = zonedParts(ms, timeZone);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = '';
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j += 1;
      }
      out += text;
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      out += ch;
      i += 1;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === ch) n += 1;
    i += n;
    switch (ch) {
      case 'G':
        out += p.year > 0 ? 'AD' : 'BC';
        break;
      case 'y':
      case 'Y':
        out += n === 2 ? pad(p.year % 100, 2) : pad(p.year, n);
        break;
      case 'M':
      case 'L':
        out += n >= 4 ? MONTH_NAMES[p.month - 1] : n === 3 ? (MONTH_NAMES[p.month - 1] ?? '').slice(0, 3) : pad(p.month, n);
        break;
      case 'd':
        out += pad(p.day, n);
        break;
      case 'D': {
        const dayOfYear = Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86_400_000) + 1;
        out += pad(dayOfYear, n);
        break;
      }
      case 'E':
        out += n >= 4 ? DAY_NAMES[p.weekday - 1] : (DAY_NAMES[p.weekday - 1] ?? '').slice(0, 3);
        break;
      case 'u':
        out += pad(p.weekday, n);
        break;
      case 'a':
        out += p.hour < 12 ? 'AM' : 'PM';
        break;
      case 'H':
        out += pad(p.hour, n);
        break;
      case 'k':
        out += pad(p.hour === 0 ? 24 : p.hour, n);
        break;
      case 'K':
        out += pad(p.hour % 12, n);
        break;
      case 'h':
        out += pad(p.hour % 12 === 0 ? 12 : p.hour % 12, n);
        break;
      case 'm':
        out += pad(p.minute, n);
        break;
      case 's':
        out += pad(p.second, n);
        break;
      case 'S':
        out += pad(p.millisecond, n);
        break;
      case 'z':
        out += zoneName(ms, timeZone, n >= 4);
        break;
      case 'Z':
        out += offsetText(p.offsetMinutes, false, true);
        break;
      case 'X':
        if (n > 3) throw new GasException(MSG.illegalPattern(ch));
        out += p.offsetMinutes === 0 ? 'Z' : offsetText(p.offsetMinutes, n === 3, n >= 2);
        break;
      default:
        throw new GasException(MSG.illegalPattern(ch));
    }
  }
  return out;
}
