/**
 * Freshness promises: how old each table's snapshot may be. The data team exports Aurora nightly,
 * so a day plus two hours of slack; the product master changes rarely and is exported weekly.
 */
import type { TableFreshness } from '../contract/types';
import type { LakeManifest } from '../contract/snapshot';
import { LAKE_TABLES, type TableName } from '../contract/lakeSchema';
import type { FreshnessSlo } from './vocabulary';

export const FRESHNESS_SLO_HOURS: FreshnessSlo = {
  users: 26,
  subscriptions: 26,
  boxes: 26,
  box_items: 26,
  products: 170,
  ratings: 26,
  snack_requests: 26,
  diagnoses: 26,
  shop_orders: 26,
  shop_order_items: 26,
};

const HOUR_MS = 3_600_000;

/** Freshness of the given tables; a table missing from the snapshot is reported as not met. */
export function tableFreshness(manifest: LakeManifest, tables: readonly TableName[] = LAKE_TABLES, nowMs = Date.now()): TableFreshness[] {
  return tables.map((table) => {
    const snapshot = manifest.tables[table];
    const sloHours = FRESHNESS_SLO_HOURS[table];
    if (!snapshot) return { table, snapshotAt: null, sloHours, ageHours: null, met: false };
    const ageHours = Math.max(0, (nowMs - Date.parse(snapshot.snapshotAt)) / HOUR_MS);
    return { table, snapshotAt: snapshot.snapshotAt, sloHours, ageHours: Math.round(ageHours * 10) / 10, met: ageHours <= sloHours };
  });
}

/** The oldest snapshot among tables: a result is only as fresh as its stalest input. */
export function oldestSnapshot(freshness: readonly TableFreshness[]): string | null {
  const times = freshness.flatMap((entry) => (entry.snapshotAt ? [entry.snapshotAt] : [])).sort();
  return times.length === freshness.length ? (times[0] ?? null) : null;
}

/** When the stalest input is due to be replaced: until then a result cannot change. */
export function freshUntil(freshness: readonly TableFreshness[]): string | null {
  const deadlines = freshness.flatMap((entry) => (entry.snapshotAt ? [Date.parse(entry.snapshotAt) + entry.sloHours * HOUR_MS] : []));
  return deadlines.length === freshness.length && deadlines.length > 0 ? new Date(Math.min(...deadlines)).toISOString() : null;
}
