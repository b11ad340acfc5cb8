/**
 * A made-up export history for the sample lake, so the data-health view (freshness SLO attainment,
 * the quality gate's results) has something to show before any real export ran. Every line is
 * marked `synthetic: true`, and everything that reads the history says so.
 *
 * Nightly export runs at about 03:00 JST for `nights` nights before `asOf`: most published on time,
 * two late (the snapshot taken hours after the usual time, so the SLO lapses for a while before),
 * one refused by the quality gate (nothing published that night). Deterministic: every choice is a
 * hash of the seed, the night and what is chosen, so the same seed and asOf give the same lines.
 */
import { createHash } from 'node:crypto';
import type { HistoryEntry, HistoryTable } from './lakeHistory';
import { qualityReportPath } from './lakeLayout';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const JST_OFFSET_MS = 9 * HOUR_MS;
/** 03:00 JST, when the nightly export takes its snapshot. */
const NIGHTLY_AT_JST_MS = 3 * HOUR_MS;
export const SYNTHETIC_NIGHTS = 35;

export interface SyntheticHistoryInputs {
  seed: number;
  asOf: Date;
  /** The sample's row counts: earlier nights held a little fewer rows. */
  rows: Readonly<Record<string, number>>;
  nights?: number;
}

type NightKind = 'on_time' | 'late' | 'refused';

/** A number in [0, 1) from the seed, the night and what is being decided. */
function dice(seed: number, night: string, what: string): number {
  return createHash('sha256').update(`synthetic-history;seed=${seed};night=${night};${what}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** The refused night and the two late ones: never the first two nor the last three, so the view ends healthy. */
function chooseKinds(seed: number, nights: readonly string[]): Map<string, NightKind> {
  const candidates = nights.slice(2, -3);
  const ranked = [...candidates].sort((a, b) => dice(seed, a, 'pick') - dice(seed, b, 'pick'));
  const kinds = new Map<string, NightKind>(nights.map((night) => [night, 'on_time']));
  ranked.slice(0, 1).forEach((night) => kinds.set(night, 'refused'));
  ranked.slice(1, 3).forEach((night) => kinds.set(night, 'late'));
  return kinds;
}

/** The synthetic lines, oldest first; each publish names the one before it. */
export function syntheticExportHistory(inputs: SyntheticHistoryInputs): HistoryEntry[] {
  const { seed, asOf, rows } = inputs;
  const count = inputs.nights ?? SYNTHETIC_NIGHTS;
  const asOfMs = asOf.getTime();
  // The JST day of asOf; nights run at 03:00 JST of each earlier day whose run finished before asOf.
  const asOfDayStartJst = Math.floor((asOfMs + JST_OFFSET_MS) / DAY_MS) * DAY_MS - JST_OFFSET_MS;
  const nightStarts: number[] = [];
  for (let day = asOfDayStartJst; nightStarts.length < count; day -= DAY_MS) {
    if (day + NIGHTLY_AT_JST_MS + 3 * HOUR_MS <= asOfMs) nightStarts.unshift(day + NIGHTLY_AT_JST_MS);
  }
  const names = nightStarts.map((ms) => new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10));
  const kinds = chooseKinds(seed, names);
  let previous: string | null = null;
  return nightStarts.map((nominalMs, index): HistoryEntry => {
    const night = names[index]!;
    const kind = kinds.get(night)!;
    const daysBefore = count - index;
    const lateBy = kind === 'late' ? (5 + Math.floor(dice(seed, night, 'late') * 5)) * HOUR_MS : 0;
    const snapshotMs = nominalMs + lateBy + Math.floor(dice(seed, night, 'start') * 20) * MINUTE_MS;
    const elapsedMs = (15 + Math.floor(dice(seed, night, 'elapsed') * 30)) * MINUTE_MS;
    const runId = `synthetic-${night.replace(/-/g, '')}-${createHash('sha256').update(`${seed};${night}`).digest('hex').slice(0, 8)}`;
    const snapshotAt = new Date(snapshotMs).toISOString();
    const tables = Object.fromEntries(
      Object.entries(rows).map(([table, n]): [string, HistoryTable] => [table, { snapshotAt, rows: Math.round(n * (1 - 0.002 * daysBefore)) }]),
    );
    const common = { at: new Date(snapshotMs + elapsedMs).toISOString(), kind: 'export' as const, runId, tables, elapsedMs, synthetic: true as const };
    if (kind === 'refused') {
      return {
        ...common,
        outcome: 'refused',
        previousSnapshotId: previous,
        quality: { passed: false, report: qualityReportPath(runId), failed: [{ table: 'shop_orders', check: 'row_count' }] },
      };
    }
    const entry: HistoryEntry = {
      ...common,
      outcome: 'published',
      snapshotId: runId,
      previousSnapshotId: previous,
      quality: { passed: true, report: qualityReportPath(runId) },
    };
    previous = runId;
    return entry;
  });
}
