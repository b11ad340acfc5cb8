/**
 * The document's refresh schedule, in JST: daily at an hour, or weekly on a day at an hour.
 * Editor add-ons may run a time-driven trigger at most hourly, so one hourly trigger per document
 * and user checks whether a scheduled slot has passed since the last completed run. A run that
 * meets the 6-minute execution limit saves where it stopped and the next hour continues.
 */
import type { Lang } from '../../contract/types';
import { locateBlocks } from './blocks/blockLocator';
import { refreshLocatedBlock, type BlockContext } from './blocks/blockService';
import { say, UserFacingError } from './messages';
import type { PropertiesLike } from './platform';

export interface Schedule {
  kind: 'daily' | 'weekly';
  /** 0–23, JST. */
  hour: number;
  /** Weekly only: 1 = Monday … 7 = Sunday (ISO). */
  weekday?: number;
}

/** What the trigger remembers between runs, in document properties. */
interface ScheduleRecord {
  schedule: Schedule;
  /** The last slot whose run completed (epoch ms). */
  completedSlot?: number;
  /** A slot in progress: the blocks it still has to refresh. */
  pending?: { slot: number; ids: string[] };
  lastRun?: { at: string; refreshed: number; failed: number; finished: boolean };
}

const SCHEDULE_PROPERTY = 'SNAQ_SCHEDULE';
const HOUR_MS = 3_600_000;
const JST_MS = 9 * HOUR_MS;
/** Stop starting new blocks after this, well inside the 6-minute execution limit. */
export const SCHEDULED_RUN_BUDGET_MS = 4.5 * 60_000;
/** One block's query may take this long. */
const BLOCK_BUDGET_MS = 60_000;

export function validSchedule(value: unknown, lang: Lang): Schedule {
  const schedule = value as Partial<Schedule> | null;
  const hourOk = Number.isInteger(schedule?.hour) && schedule!.hour! >= 0 && schedule!.hour! <= 23;
  const weekdayOk = schedule?.kind !== 'weekly' || (Number.isInteger(schedule.weekday) && schedule.weekday! >= 1 && schedule.weekday! <= 7);
  if (!schedule || (schedule.kind !== 'daily' && schedule.kind !== 'weekly') || !hourOk || !weekdayOk) {
    throw new UserFacingError(say(lang, 'scheduleInvalid'));
  }
  return schedule.kind === 'daily' ? { kind: 'daily', hour: schedule.hour! } : { kind: 'weekly', hour: schedule.hour!, weekday: schedule.weekday! };
}

/** The most recent slot at or before `nowMs` (epoch ms). */
export function lastSlot(schedule: Schedule, nowMs: number): number {
  const jst = new Date(nowMs + JST_MS); // fields read as UTC are JST wall time
  let slot = Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate(), schedule.hour) - JST_MS;
  if (schedule.kind === 'daily') return slot > nowMs ? slot - 24 * HOUR_MS : slot;
  const isoWeekday = ((jst.getUTCDay() + 6) % 7) + 1;
  slot -= ((isoWeekday - schedule.weekday! + 7) % 7) * 24 * HOUR_MS;
  return slot > nowMs ? slot - 7 * 24 * HOUR_MS : slot;
}

export function nextSlot(schedule: Schedule, nowMs: number): number {
  return lastSlot(schedule, nowMs) + (schedule.kind === 'daily' ? 24 : 7 * 24) * HOUR_MS;
}

function readRecord(properties: PropertiesLike): ScheduleRecord | null {
  try {
    const record = JSON.parse(properties.getProperty(SCHEDULE_PROPERTY) ?? '') as ScheduleRecord;
    return record && record.schedule ? record : null;
  } catch {
    return null;
  }
}

export interface ScheduleView {
  schedule: Schedule | null;
  nextRun?: string;
  lastRun?: ScheduleRecord['lastRun'];
}

export function scheduleView(properties: PropertiesLike, nowMs: number): ScheduleView {
  const record = readRecord(properties);
  if (!record) return { schedule: null };
  return { schedule: record.schedule, nextRun: new Date(nextSlot(record.schedule, nowMs)).toISOString(), ...(record.lastRun ? { lastRun: record.lastRun } : {}) };
}

/** Saves (or clears) the schedule; a new schedule counts from now, so it does not fire at once. */
export function saveSchedule(properties: PropertiesLike, schedule: Schedule | null, nowMs: number): void {
  if (!schedule) {
    properties.deleteProperty(SCHEDULE_PROPERTY);
    return;
  }
  const record: ScheduleRecord = { schedule, completedSlot: lastSlot(schedule, nowMs) };
  properties.setProperty(SCHEDULE_PROPERTY, JSON.stringify(record));
}

export interface ScheduledRunOutcome {
  due: boolean;
  refreshed: number;
  failed: number;
  remaining: number;
}

/**
 * One hourly trigger run: if a slot has passed since the last completed run, refresh the
 * document's blocks (continuing a slot left unfinished), and call `refreshFormulas` once per slot.
 */
export function runScheduledRefresh(
  context: Omit<BlockContext, 'deadline' | 'by'>,
  refreshFormulas: () => void,
  startedMs: number,
): ScheduledRunOutcome {
  const { platform, spreadsheet } = context;
  const properties = platform.documentProperties;
  const record = readRecord(properties);
  const now = platform.now();
  if (!record) return { due: false, refreshed: 0, failed: 0, remaining: 0 };
  const slot = lastSlot(record.schedule, now);
  let pending = record.pending;
  if (!pending || pending.slot !== slot) {
    if ((record.completedSlot ?? 0) >= slot) return { due: false, refreshed: 0, failed: 0, remaining: 0 };
    pending = { slot, ids: locateBlocks(spreadsheet).blocks.map((block) => block.spec.id) };
    refreshFormulas();
  }
  let refreshed = 0;
  let failed = 0;
  // Located once: a refresh writes only inside its own block, so other blocks' anchors stay put.
  const located = new Map(locateBlocks(spreadsheet).blocks.map((block) => [block.spec.id, block]));
  while (pending.ids.length && platform.now() - startedMs < SCHEDULED_RUN_BUDGET_MS) {
    const id = pending.ids[0]!;
    const block = located.get(id);
    if (block) {
      const outcome = refreshLocatedBlock({ ...context, by: 'schedule', deadline: platform.now() + BLOCK_BUDGET_MS }, block);
      if (outcome.ok) refreshed++;
      else failed++;
    }
    pending.ids.shift();
    // Saved after every block, so a run cut short by the execution limit loses nothing.
    properties.setProperty(SCHEDULE_PROPERTY, JSON.stringify({ ...record, pending } satisfies ScheduleRecord));
  }
  const finished = pending.ids.length === 0;
  const next: ScheduleRecord = {
    schedule: record.schedule,
    ...(finished ? { completedSlot: slot } : { completedSlot: record.completedSlot, pending }),
    lastRun: { at: new Date(platform.now()).toISOString(), refreshed, failed, finished },
  };
  properties.setProperty(SCHEDULE_PROPERTY, JSON.stringify(next));
  return { due: true, refreshed, failed, remaining: pending.ids.length };
}
