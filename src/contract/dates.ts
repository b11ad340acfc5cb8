/**
 * Calendar dates as plain `YYYY-MM-DD` strings and the business periods built on them.
 * Pure arithmetic on UTC day numbers, so it behaves the same in Node, a browser and Apps Script.
 */
import { LIMITS } from './limits';

export const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

export function isGrain(value: unknown): value is Grain {
  return typeof value === 'string' && (GRAINS as readonly string[]).includes(value);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Parses a strict ISO date; returns null for anything that is not a real calendar day (2024-02-30). */
export function parseIsoDate(text: string): string | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return formatDay(date);
}

function toDate(iso: string): Date {
  return new Date(Date.parse(`${iso}T00:00:00Z`));
}

function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return formatDay(new Date(toDate(iso).getTime() + days * MS_PER_DAY));
}

/** Calendar months later (or earlier): a day past the target month's end clamps to it (01-31 + 1 → 02-29). */
export function addMonths(iso: string, months: number): string {
  const date = toDate(iso);
  const [year, month] = [date.getUTCFullYear(), date.getUTCMonth() + months];
  // Day 0 of the following month is the target month's last day; Date.UTC would roll over instead.
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return formatDay(new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay))));
}

/** The latest exclusive `to` a range from `from` may have: `to ≤ from + LIMITS.maxRangeYears` calendar years. */
export function latestRangeEnd(from: string): string {
  return addMonths(from, LIMITS.maxRangeYears * 12);
}

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((toDate(toIso).getTime() - toDate(fromIso).getTime()) / MS_PER_DAY);
}

/** The start of the period holding `iso`: ISO weeks start on Monday. */
export function truncateToGrain(iso: string, grain: Grain): string {
  const date = toDate(iso);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (grain) {
    case 'day':
      return iso;
    case 'week':
      return addDays(iso, -((date.getUTCDay() + 6) % 7));
    case 'month':
      return formatDay(new Date(Date.UTC(year, month, 1)));
    case 'quarter':
      return formatDay(new Date(Date.UTC(year, month - (month % 3), 1)));
    case 'year':
      return formatDay(new Date(Date.UTC(year, 0, 1)));
  }
}

/** The first day after the period that starts at `periodStart`. */
export function nextPeriodStart(periodStart: string, grain: Grain): string {
  switch (grain) {
    case 'day':
      return addDays(periodStart, 1);
    case 'week':
      return addDays(periodStart, 7);
    case 'month':
      return addMonths(periodStart, 1);
    case 'quarter':
      return addMonths(periodStart, 3);
    case 'year':
      return addMonths(periodStart, 12);
  }
}

/** Period starts covering the half-open range [from, to). */
export function periodStarts(from: string, to: string, grain: Grain): string[] {
  const starts: string[] = [];
  for (let start = truncateToGrain(from, grain); start < to; start = nextPeriodStart(start, grain)) starts.push(start);
  return starts;
}

/** An instant as staff read it: "2026-11-01 09:00 JST" (JST has no daylight saving). */
export function jstMinute(iso: string): string {
  return `${new Date(Date.parse(iso) + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} JST`;
}
