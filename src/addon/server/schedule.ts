/**
 * The document's refresh schedule, in JST: daily at an hour, or weekly on a day at an hour.
 * Editor add-ons may run a time-driven trigger at most hourly, so one hourly trigger per document
 * and user checks whether a scheduled slot has passed since the last completed run. A run that
 * meets the 6-minute execution limit saves where it stopped and the next hour continues. Triggers
 * are per user, so several editors' runs may fire at once: a run marker lets one do the work.
 */
import type { Lang } from '../../contract/types';
import { locateBlocks } from './blocks/blockLocator';
import { refreshBlock, type BlockContext } from './blocks/blockService';
import { DocumentBusy, whileLocked } from './documentLock';
import { say, UserFacingError } from './messages';
import type { PropertiesLike } from './platform';
import { isObject, readStored, type Stored } from './storedJson';

export interface Schedule {
  kind: 'daily' | 'weekly';
  /** 0–23, JST. */
  hour: number;
  /** Weekly only: 1 = Monday … 7 = Sunday (ISO). */
  weekday?: number;
}

/**
 * The schedule as saved from the sidebar (document property SNAQ_SCHEDULE). Only saving writes it,
 * so a schedule saved while a run is going is never overwritten by the run.
 */
interface ScheduleRecord {
  schedule: Schedule;
  /** Slots up to this one count as done: a new schedule starts from the slot after saving. */
  completedSlot?: number;
}

/** The runs' own state (document property SNAQ_SCHEDULE_RUN), written only under the document lock. */
interface RunProgress {
  /** The last slot whose run completed (epoch ms). */
  completedSlot?: number;
  /** A slot in progress: when its work began and the blocks it still has to refresh. */
  pending?: { slot: number; since: number; ids: string[] };
  /** The run working on it now, until when it may still be alive. */
  runner?: { id: string; until: number };
  lastRun?: { at: string; refreshed: number; failed: number; finished: boolean };
}

const SCHEDULE_PROPERTY = 'SNAQ_SCHEDULE';
/** Set when a KPI dashboard was inserted into a document without a schedule; any save answers it. */
const OFFER_PROPERTY = 'SNAQ_SCHEDULE_OFFER';
/** What the sidebar offers then: every Monday at 08:00 JST, before the weekly meeting. */
const WEEKLY_MONDAY_8: Schedule = { kind: 'weekly', hour: 8, weekday: 1 };
const PROGRESS_PROPERTY = 'SNAQ_SCHEDULE_RUN';
const HOUR_MS = 3_600_000;
const JST_MS = 9 * HOUR_MS;
/** Stop starting new blocks after this, well inside the 6-minute execution limit. */
export const SCHEDULED_RUN_BUDGET_MS = 4.5 * 60_000;
/** One block's query may take this long. */
const BLOCK_BUDGET_MS = 60_000;
/** No execution outlives Apps Script's 6-minute limit: a run marker older than this is a dead run's. */
const RUN_MARKER_MS = 7 * 60_000;

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

const isScheduleRecord = (value: unknown): value is ScheduleRecord => isObject(value) && isObject(value.schedule);

function readRecord(properties: PropertiesLike): Stored<ScheduleRecord> {
  return readStored(properties, SCHEDULE_PROPERTY, isScheduleRecord);
}

function readProgress(properties: PropertiesLike): RunProgress {
  const stored = readStored(properties, PROGRESS_PROPERTY, isObject);
  // The runs' bookkeeping only (the schedule itself is elsewhere): a damaged copy is logged and replaced.
  if (stored.kind === 'damaged') console.warn(`SNAQ: unreadable ${PROGRESS_PROPERTY} replaced: ${stored.raw.slice(0, 200)}`);
  return stored.kind === 'ok' ? (stored.value as RunProgress) : {};
}

export interface ScheduleView {
  schedule: Schedule | null;
  nextRun?: string;
  lastRun?: RunProgress['lastRun'];
  /** A sentence when the saved schedule cannot be read. */
  problem?: string;
  /** A schedule the sidebar suggests for the person to accept (after a dashboard was inserted). */
  offer?: Schedule;
}

/** Makes the sidebar offer the weekly refresh, unless the document has a schedule (even an unreadable one). */
export function offerWeeklyRefresh(properties: PropertiesLike): void {
  if (readRecord(properties).kind === 'absent') properties.setProperty(OFFER_PROPERTY, '1');
}

export function scheduleView(properties: PropertiesLike, nowMs: number, lang: Lang): ScheduleView {
  const record = readRecord(properties);
  if (record.kind === 'damaged') return { schedule: null, problem: say(lang, 'scheduleDamaged') };
  if (record.kind === 'absent') return properties.getProperty(OFFER_PROPERTY) ? { schedule: null, offer: WEEKLY_MONDAY_8 } : { schedule: null };
  const { lastRun } = readProgress(properties);
  const schedule = record.value.schedule;
  return { schedule, nextRun: new Date(nextSlot(schedule, nowMs)).toISOString(), ...(lastRun ? { lastRun } : {}) };
}

/** Saves (or clears) the schedule; a new schedule counts from now, so it does not fire at once. */
export function saveSchedule(properties: PropertiesLike, schedule: Schedule | null, nowMs: number): void {
  properties.deleteProperty(OFFER_PROPERTY);
  if (!schedule) {
    properties.deleteProperty(SCHEDULE_PROPERTY);
    return;
  }
  const record: ScheduleRecord = { schedule, completedSlot: lastSlot(schedule, nowMs) };
  properties.setProperty(SCHEDULE_PROPERTY, JSON.stringify(record));
}

export interface ScheduledRunOutcome {
  due: boolean;
  /** Another run is working on the slot: this one left the work to it. */
  busy?: boolean;
  refreshed: number;
  failed: number;
  /** Blocks someone else edited or refreshed after the slot's work began. */
  skipped: number;
  remaining: number;
  /** Why nothing ran, when something is wrong (e.g. the saved schedule cannot be read). */
  problem?: string;
}

const idle = (extra: Partial<ScheduledRunOutcome> = {}): ScheduledRunOutcome => ({ due: false, refreshed: 0, failed: 0, skipped: 0, remaining: 0, ...extra });

/**
 * One hourly trigger run: if a slot has passed since the last completed run, refresh the
 * document's blocks (continuing a slot left unfinished), and call `refreshFormulas` once per slot.
 * Every editor's trigger fires, so a run first claims the slot with a marker (under the document
 * lock); a run that finds another live marker leaves the work to it. `runnerId` is the trigger's
 * id: the same hourly trigger never overlaps itself, so its marker is always a dead run's.
 */
export function runScheduledRefresh(
  context: Omit<BlockContext, 'deadline' | 'by'>,
  refreshFormulas: () => void,
  startedMs: number,
  runnerId: string,
): ScheduledRunOutcome {
  const { platform, lang } = context;
  const properties = platform.documentProperties;
  const record = readRecord(properties);
  if (record.kind === 'damaged') {
    // Left as it is for a person to see in the sidebar and save again; the operator log says why.
    console.error(`SNAQ: scheduled refresh skipped, ${SCHEDULE_PROPERTY} cannot be read: ${record.raw.slice(0, 200)}`);
    return idle({ problem: say(lang, 'scheduleDamaged') });
  }
  if (record.kind === 'absent') return idle();
  const settings = record.value;
  const slot = lastSlot(settings.schedule, platform.now());
  let claim: { pending: NonNullable<RunProgress['pending']>; fresh: boolean } | 'busy' | 'done';
  try {
    claim = whileLocked(platform, lang, () => {
      const progress = readProgress(properties);
      const runner = progress.runner;
      if (runner && runner.id !== runnerId && runner.until > platform.now()) return 'busy';
      let fresh = false;
      if (!progress.pending || progress.pending.slot !== slot) {
        if (Math.max(settings.completedSlot ?? 0, progress.completedSlot ?? 0) >= slot) return 'done';
        progress.pending = { slot, since: platform.now(), ids: locateBlocks(context.spreadsheet).blocks.map((block) => block.spec.id) };
        fresh = true;
      }
      progress.runner = { id: runnerId, until: startedMs + RUN_MARKER_MS };
      properties.setProperty(PROGRESS_PROPERTY, JSON.stringify(progress));
      return { pending: progress.pending, fresh };
    });
  } catch (error) {
    if (error instanceof DocumentBusy) return idle({ due: true, busy: true });
    throw error;
  }
  if (claim === 'busy') return idle({ due: true, busy: true });
  if (claim === 'done') return idle();
  if (claim.fresh) refreshFormulas();
  const { since } = claim.pending;
  let ids = claim.pending.ids;
  let refreshed = 0;
  let failed = 0;
  let skipped = 0;
  let stillMine = true;
  /** Under the document lock: `update` the progress if this run still holds the slot. */
  const saveProgress = (update: (progress: RunProgress) => void) =>
    whileLocked(platform, lang, () => {
      const progress = readProgress(properties);
      stillMine = progress.runner?.id === runnerId && progress.pending?.slot === slot;
      if (!stillMine) return;
      update(progress);
      properties.setProperty(PROGRESS_PROPERTY, JSON.stringify(progress));
    });
  while (ids.length && stillMine && platform.now() - startedMs < SCHEDULED_RUN_BUDGET_MS) {
    const id = ids[0]!;
    try {
      const outcome = refreshBlock({ ...context, by: 'schedule', deadline: platform.now() + BLOCK_BUDGET_MS }, id, { unlessRefreshedSince: since });
      if (outcome.skipped) skipped++;
      else if (outcome.ok) refreshed++;
      else failed++;
    } catch (error) {
      if (error instanceof DocumentBusy) break; // the next hourly run continues from this block
      if (!(error instanceof UserFacingError)) throw error;
      failed++; // e.g. the block was deleted meanwhile
    }
    // Saved after every block, so a run cut short by the execution limit loses nothing.
    saveProgress((progress) => {
      progress.pending!.ids = progress.pending!.ids.filter((pendingId) => pendingId !== id);
      ids = progress.pending!.ids;
    });
  }
  const finished = ids.length === 0;
  saveProgress((progress) => {
    if (finished) {
      progress.completedSlot = slot;
      delete progress.pending;
    }
    delete progress.runner;
    progress.lastRun = { at: new Date(platform.now()).toISOString(), refreshed, failed, finished };
  });
  return { due: true, refreshed, failed, skipped, remaining: ids.length };
}
