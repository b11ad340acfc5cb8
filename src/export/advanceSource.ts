/**
 * `snaq source advance`: applies the next N days of business to the sample source the way the
 * application would (src/export/advance/): sign-ups, boxes booked, shipped, delivered and rated,
 * cancellations, shop orders, profile edits, and erasures on request. One short transaction per day,
 * which also moves the marker's business clock to that day's end, so a run that dies part-way leaves
 * the clock at the last day it completed. Every draw is keyed by (seed, day): the same sample advanced
 * by the same days holds the same rows. Refuses any database that is not a completed sample source.
 */
import type { Connection } from 'mysql2/promise';
import { activeSubscriptions, cancelSubscriptions, moveBoxesAlong, rateDeliveredBoxes } from './advance/boxes';
import { businessDay } from './advance/businessDay';
import { openDay, type DayContext } from './advance/dayContext';
import { DayWriter, noChanges, type ChangeCounts } from './advance/dayWriter';
import { Dice } from './advance/dice';
import { diagnosisRetakes, erasures, profileEdits, signUps } from './advance/people';
import { shopCancellations, shopOrders } from './advance/shop';
import { connectToSampleSource, isDriverError, tablesOf } from './sampleSourceConnection';
import { SAMPLE_SOURCE_MARKER } from './sourceDdl';
import { SourceError, sourceErrorFrom } from './sourceErrors';
import { describeSource, type SourceLocation } from './sourceUrl';
import { LAKE_TABLES } from '../contract/lakeSchema';

/** A year, leap day included: enough for any test or demo, and a bound on one command's work. */
export const MAX_ADVANCE_DAYS = 366;

export interface AdvanceResult {
  /** `user@host:port/db`, never the password. */
  source: string;
  seed: number;
  scale: number;
  days: number;
  /** The business clock before and after. */
  from: Date;
  to: Date;
  /** Rows inserted, updated and deleted, per table. */
  changes: ChangeCounts;
  /** People erased on request. */
  erased: number;
}

export function isWholeDayCount(days: number): boolean {
  return Number.isInteger(days) && days >= 1 && days <= MAX_ADVANCE_DAYS;
}

export async function advanceSource(location: SourceLocation, options: { days: number }): Promise<AdvanceResult> {
  const { days } = options;
  if (!isWholeDayCount(days)) throw new RangeError(`days must be a whole number from 1 to ${MAX_ADVANCE_DAYS}; got ${days}.`);
  const source = describeSource(location);
  const conn = await connectToSampleSource(location, source, { dateStrings: true });
  try {
    const marker = await readCompletedMarker(conn, source);
    const lasting = new Dice(marker.seed, 'lasting');
    const changes = noChanges();
    let erased = 0;
    let clockMs = marker.clockMs;
    for (let i = 0; i < days; i++) {
      await conn.beginTransaction();
      try {
        // The marker row, locked, is the day's starting point: two runs at once take turns day by day.
        const [row] = (await conn.query(`SELECT business_clock FROM ${SAMPLE_SOURCE_MARKER} FOR UPDATE`))[0] as Array<{ business_clock: string }>;
        const day = businessDay(marker.seed, millisecondsOf(row!.business_clock));
        const w = new DayWriter(conn);
        erased += await businessOfOneDay(await openDay(w, day, marker.scale, lasting));
        await conn.query(`UPDATE ${SAMPLE_SOURCE_MARKER} SET business_clock = ?`, [sqlDateTimeMs(day.endMs)]);
        await conn.commit();
        clockMs = day.endMs;
        for (const table of LAKE_TABLES) for (const kind of ['inserted', 'updated', 'deleted'] as const) changes[table][kind] += w.changes[table][kind];
      } catch (error) {
        await conn.rollback().catch(() => undefined);
        throw error;
      }
    }
    return { source, seed: marker.seed, scale: marker.scale, days, from: new Date(marker.clockMs), to: new Date(clockMs), changes, erased };
  } catch (error) {
    throw error instanceof SourceError || !isDriverError(error) ? error : sourceErrorFrom(error, { source });
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/**
 * One day, in an order that keeps every foreign key: erasures first (so nobody erased today acts
 * today), then people, then boxes, ratings and the shop.
 */
async function businessOfOneDay(ctx: DayContext): Promise<number> {
  const erased = await erasures(ctx);
  await signUps(ctx);
  const active = await activeSubscriptions(ctx);
  const canceled = await cancelSubscriptions(ctx, active);
  await moveBoxesAlong(
    ctx,
    active.filter((s) => !canceled.has(s.subscriptionId)),
  );
  await rateDeliveredBoxes(ctx);
  await shopOrders(ctx);
  await shopCancellations(ctx);
  await profileEdits(ctx);
  await diagnosisRetakes(ctx);
  return erased;
}

interface SampleMarker {
  seed: number;
  scale: number;
  clockMs: number;
}

/** The marker of a sample source whose seed completed; refuses, changing nothing, anything else. */
async function readCompletedMarker(conn: Connection, source: string): Promise<SampleMarker> {
  const { names, hasMarker } = await tablesOf(conn);
  if (!hasMarker) {
    throw new SourceError(
      'not_a_sample_source',
      `Refusing to advance ${source}: it has no ${SAMPLE_SOURCE_MARKER} marker (${names.length} table(s)), so it is not a sample source; nothing was changed. Create one with "npx snaq source seed".`,
      { source, detail: String(names.length) },
    );
  }
  const [rows] = await conn.query(`SELECT CAST(seed AS CHAR) AS seed, scale, business_clock, completed_at FROM ${SAMPLE_SOURCE_MARKER}`);
  const [marker] = rows as Array<{ seed: string; scale: number; business_clock: string; completed_at: string | null }>;
  if (!marker || marker.completed_at === null) {
    throw new SourceError(
      'incomplete_seed',
      `Refusing to advance ${source}: its seed never completed (${SAMPLE_SOURCE_MARKER}.completed_at is empty), so its business is partial; nothing was changed. Seed it again with "npx snaq source seed".`,
      { source },
    );
  }
  return { seed: Number(marker.seed), scale: Number(marker.scale), clockMs: millisecondsOf(marker.business_clock) };
}

/** The marker's DATETIME(3), which the driver returns as text, in UTC. */
function millisecondsOf(dateTime: string): number {
  return Date.parse(`${dateTime.replace(' ', 'T')}Z`);
}

function sqlDateTimeMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}
