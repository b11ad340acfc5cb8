/**
 * One business day of `source advance`: the window (previous clock, clock + 24 h], its JST date and
 * the moments inside it. Times are whole epoch seconds (the source's DATETIME has no fraction, and a
 * rounded fraction could land after the clock); dates are epoch day numbers.
 */
import { JST_HOUR_WEIGHTS } from '../../lake/reference-data';
import { Dice } from './dice';

export const DAY_SECONDS = 86_400;
const JST_OFFSET_SECONDS = 9 * 3600;

export interface BusinessDay {
  /** The clock before the day, in milliseconds (the marker keeps milliseconds). */
  readonly startMs: number;
  /** The clock after the day: no timestamp the day writes is later. */
  readonly endMs: number;
  /** The latest whole second inside the window. */
  readonly lastSecond: number;
  /** The JST date at the end of the day, as the generator's as_of_date() (epoch day number). */
  readonly jstDate: number;
  /** Draws keyed by this day. */
  readonly dice: Dice;
}

export function businessDay(seed: number, startMs: number): BusinessDay {
  const endMs = startMs + DAY_SECONDS * 1000;
  return {
    startMs,
    endMs,
    lastSecond: Math.floor(endMs / 1000),
    jstDate: jstDateOf(Math.floor(endMs / 1000)),
    dice: new Dice(seed, new Date(endMs).toISOString()),
  };
}

/** The JST calendar date (epoch day number) of an instant in seconds. */
export function jstDateOf(seconds: number): number {
  return Math.floor((seconds + JST_OFFSET_SECONDS) / DAY_SECONDS);
}

/** The instant of `secondsIntoDay` on JST date `date` (the generator's jst_ts). */
export function jstMoment(date: number, secondsIntoDay: number): number {
  return date * DAY_SECONDS + secondsIntoDay - JST_OFFSET_SECONDS;
}

/**
 * A whole second in the day's window, at a JST hour drawn from the app-usage profile (evenings
 * dominate, as in the generator): strictly after the old clock, never after the new one.
 */
export function momentIn(day: BusinessDay, salt: string, key: string | number = ''): number {
  const jstSecond = day.dice.weighted(JST_HOUR_WEIGHTS, `${salt}:hour`, key) * 3600 + day.dice.int(0, 3599, `${salt}:sec`, key);
  const firstWhole = Math.floor(day.startMs / 1000);
  const offset = (((jstSecond - ((firstWhole + JST_OFFSET_SECONDS) % DAY_SECONDS)) % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
  const moment = firstWhole + offset;
  return moment * 1000 <= day.startMs ? moment + DAY_SECONDS : moment;
}

/** `seconds` later than `from`, but never after the day's end (an event a visit starts ends by the clock). */
export function laterInDay(day: BusinessDay, from: number, seconds: number): number {
  return Math.min(day.lastSecond, from + Math.floor(seconds));
}

/** A whole second in (old clock, `until`]: for what happened earlier in the day than `until`. */
export function earlierInDay(day: BusinessDay, until: number, u: number): number {
  const first = Math.floor(day.startMs / 1000) + 1;
  return first + Math.floor(u * Math.max(0, until - first + 1));
}

/** `YYYY-MM-DD HH:MM:SS`, UTC: how the source's DATETIME columns hold instants. */
export function sqlDateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** `YYYY-MM-DD` of an epoch day number. */
export function sqlDate(date: number): string {
  return new Date(date * DAY_SECONDS * 1000).toISOString().slice(0, 10);
}

/** Seconds of a DATETIME the driver returned as text (UTC). */
export function secondsOf(dateTime: string): number {
  return Date.parse(`${dateTime.replace(' ', 'T')}Z`) / 1000;
}

/** Epoch day number of a `YYYY-MM-DD` DATE the driver returned as text. */
export function dateNumberOf(date: string): number {
  return Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / 1000 / DAY_SECONDS;
}
