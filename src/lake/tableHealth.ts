/**
 * What the lake's history says about each table's health: its freshness SLO attainment over the
 * last 30 days (as `lake status` computes it), the same day by day for a chart, and the quality
 * gate's last result over it. Pure: `GET /v1/freshness`, the metric page and their tests read it.
 */
import type { DailyAttainmentPoint, QualityGateResult } from '../contract/types';
import type { HistoryEntry } from './lakeHistory';
import { dailySloAttainment, sloAttainment } from './sloAttainment';

const HOUR_MS = 3_600_000;
export const HEALTH_WINDOW_DAYS = 30;

export interface TableHistoryHealth {
  lastQuality: QualityGateResult | null;
  attainment30d: number | null;
  hoursMet: number;
  hours: number;
  daily: DailyAttainmentPoint[];
}

/** The last 30 × 24 whole clock hours that have ended at `now`: `lake status`'s window. */
export function healthWindow(now: Date): { from: Date; to: Date } {
  const to = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  return { from: new Date(to.getTime() - HEALTH_WINDOW_DAYS * 24 * HOUR_MS), to };
}

/** The latest run that went through the quality gate and staged this table. */
export function lastQualityOf(history: readonly HistoryEntry[], table: string): QualityGateResult | null {
  let last: HistoryEntry | undefined;
  for (const entry of history) {
    if (!entry.quality || (entry.tables && !entry.tables[table])) continue;
    if (!last || Date.parse(entry.at) >= Date.parse(last.at)) last = entry;
  }
  if (!last?.quality) return null;
  const failed = last.quality.failed ?? (last.quality.passed ? [] : undefined);
  const failedChecks = failed ? failed.filter((failure) => failure.table === table).map((failure) => failure.check) : null;
  return { at: last.at, runId: last.runId, passed: last.quality.passed, report: last.quality.report, failedChecks };
}

export function tableHistoryHealth(history: readonly HistoryEntry[], table: string, sloHours: number, now: Date): TableHistoryHealth {
  const window = healthWindow(now);
  const { attainment, hoursMet, hours } = sloAttainment(history, table, sloHours, window);
  const daily = dailySloAttainment(history, table, sloHours, window.to, HEALTH_WINDOW_DAYS);
  return { lastQuality: lastQualityOf(history, table), attainment30d: attainment, hoursMet, hours, daily };
}

export function isSyntheticHistory(history: readonly HistoryEntry[]): boolean {
  return history.some((entry) => entry.synthetic === true);
}
