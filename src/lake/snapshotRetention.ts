/**
 * Which snapshots may be deleted (pure: it reads the listing and history lines it is given).
 *
 * The newest `keep` snapshots stay, and the current one always. On S3 a query can still be reading
 * a snapshot after the root manifest moved on (Athena runs up to its DML timeout), so an older one
 * goes only once it has been superseded for longer than `retireAfterMs`. It was superseded when the
 * history's next serving event (a publish or rollback) after it was last made current took place.
 */
import { isServingEvent, type AttainmentEvent } from './sloAttainment';

export interface RetentionCandidate {
  snapshotId: string;
  generatedAt: string;
}

export interface RetentionRule {
  keep: number;
  /** How long a snapshot must have been superseded before it may go (0: at once, as a local lake does). */
  retireAfterMs: number;
}

type ServingEvent = AttainmentEvent & { snapshotId?: string | undefined };

/** When `snapshotId` stopped being served for the last time, or undefined while it is (or may be) served. */
export function supersededAt(snapshotId: string, generatedAt: string, history: readonly ServingEvent[]): number | undefined {
  const serving = history.filter((event) => isServingEvent(event) && !Number.isNaN(Date.parse(event.at))).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const lastServed = serving.map((event) => event.snapshotId).lastIndexOf(snapshotId);
  // Never served according to the history (published before it was kept): superseded by the first event after it was made.
  const after = lastServed >= 0 ? serving.slice(lastServed + 1) : serving.filter((event) => Date.parse(event.at) > Date.parse(generatedAt));
  const next = after.find((event) => event.snapshotId !== snapshotId);
  return next ? Date.parse(next.at) : undefined;
}

/** The ids to delete now, oldest last as listed (newest first in, newest first out). */
export function snapshotsToRetire(
  snapshots: readonly RetentionCandidate[],
  currentId: string | undefined,
  history: readonly ServingEvent[],
  nowMs: number,
  rule: RetentionRule,
): string[] {
  if (!Number.isInteger(rule.keep) || rule.keep < 1) throw new Error(`keep must be a whole number of snapshots, at least 1; got ${rule.keep}.`);
  const newestFirst = [...snapshots].sort((a, b) => Date.parse(b.generatedAt) - Date.parse(a.generatedAt) || (a.snapshotId < b.snapshotId ? 1 : -1));
  return newestFirst
    .slice(rule.keep)
    .filter((snapshot) => snapshot.snapshotId !== currentId)
    .filter((snapshot) => {
      if (rule.retireAfterMs <= 0) return true;
      const at = supersededAt(snapshot.snapshotId, snapshot.generatedAt, history);
      return at !== undefined && nowMs - at > rule.retireAfterMs;
    })
    .map((snapshot) => snapshot.snapshotId);
}
