/**
 * What `snaq lake status` shows: the current snapshot, the recent history (runs, rollbacks,
 * samples, with their quality verdicts and errors), and per table the freshness SLO attainment
 * over the last 30 days (sloAttainment.ts).
 */
import { existsSync } from 'node:fs';
import { LAKE_TABLES, type TableName } from '../contract/lakeSchema';
import { FRESHNESS_SLO_HOURS } from '../catalog/freshness';
import { readHistory, type HistoryEntry } from './lakeHistory';
import { lakePaths } from './lakeLayout';
import { LakeError, readManifest, type ReadableLakeManifest } from './manifest';
import { sloAttainment } from './sloAttainment';

const HOUR_MS = 3_600_000;
export const STATUS_WINDOW_DAYS = 30;
export const STATUS_RECENT_LINES = 10;

export interface TableStatus {
  table: TableName;
  sloHours: number;
  /** The served snapshot's instant for the table; null when no manifest can be read. */
  servedSnapshotAt: string | null;
  /** Over the last 30 days' whole hours; null when the history holds no hour yet. */
  attainment30d: number | null;
  hoursMet: number;
  hours: number;
}

export interface LakeStatus {
  current: { snapshotId: string; generatedAt: string } | null;
  /** Why there is no current snapshot (a broken root manifest), when so. */
  currentProblem?: LakeError;
  /** Up to 10 history lines, newest first. */
  recent: HistoryEntry[];
  tables: TableStatus[];
  /** The history holds made-up lines (the sample's, syntheticHistory.ts): its figures show the view, not a real export. */
  syntheticHistory: boolean;
}

/**
 * The lake's status at `now`. A lake whose root manifest cannot be read still shows its history
 * (that is when one needs it); a path with neither manifest nor history is no lake and throws.
 */
export function lakeStatus(lakeDir: string, now: Date = new Date()): LakeStatus {
  const history = readHistory(lakeDir);
  let manifest: ReadableLakeManifest | undefined;
  let currentProblem: LakeError | undefined;
  try {
    manifest = readManifest(lakeDir);
  } catch (error) {
    if (!(error instanceof LakeError) || (history.length === 0 && !existsSync(lakePaths(lakeDir).history))) throw error;
    currentProblem = error;
  }
  return statusOf({ manifest, currentProblem, history }, now);
}

/** The status from what a lake holds, wherever it lives (a folder, or S3: s3/s3LakeStatus.ts). */
export function statusOf(
  lake: { manifest: ReadableLakeManifest | undefined; currentProblem?: LakeError | undefined; history: readonly HistoryEntry[] },
  now: Date,
): LakeStatus {
  const { manifest, currentProblem, history } = lake;
  // Whole clock hours: the last 30 × 24 of them that have ended.
  const to = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const from = new Date(to.getTime() - STATUS_WINDOW_DAYS * 24 * HOUR_MS);
  const tables = LAKE_TABLES.map((table): TableStatus => {
    const sloHours = FRESHNESS_SLO_HOURS[table];
    const { attainment, hoursMet, hours } = sloAttainment(history, table, sloHours, { from, to });
    return { table, sloHours, servedSnapshotAt: manifest?.tables[table].snapshotAt ?? null, attainment30d: attainment, hoursMet, hours };
  });
  return {
    current: manifest ? { snapshotId: manifest.snapshotId, generatedAt: manifest.generatedAt } : null,
    ...(currentProblem ? { currentProblem } : {}),
    recent: history.slice(-STATUS_RECENT_LINES).reverse(),
    tables,
    syntheticHistory: history.some((entry) => entry.synthetic === true),
  };
}
