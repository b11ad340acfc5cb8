/**
 * Installable triggers of the add-on, each owned by a user and belonging to a document, with the
 * editor add-on rules: at most 20 per user per script ("This script has too many triggers…"), at
 * most one of each event type per user per document ("This add-on has created too many time-based
 * triggers in this document for this Google user account."). Executions run as the emulator user and
 * see only that user's triggers; tests may `seed` other users' (or other documents') triggers.
 * Schedules run on the emulator clock: `takeDue()` takes the emulator user's clock triggers of this
 * document whose next run time has passed.
 */
import type { Clock } from '../clock';
import { zonedParts } from '../dates';
import { ADDON_TRIGGERS_PER_TYPE_PER_DOCUMENT, TRIGGERS_PER_USER_PER_SCRIPT } from '../limits';
import { GasException, MSG } from '../messages';
import type { ClockSchedule, TriggerInfo, TriggerSpec } from '../protocol';

const HOUR = 3_600_000;
const KIND_NAMES: Record<TriggerSpec['eventType'], string> = {
  CLOCK: 'time-based',
  ON_OPEN: 'open',
  ON_EDIT: 'edit',
  ON_CHANGE: 'change',
  ON_FORM_SUBMIT: 'form submit',
};
const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

export class TriggerRegistry {
  private readonly triggers: TriggerInfo[] = [];
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly documentId: string,
    private readonly timeZone: string,
    private readonly user: string,
  ) {}

  /** Every trigger (all users), for the test. */
  list(): TriggerInfo[] {
    return this.triggers.map((t) => ({ ...t }));
  }

  /** What the emulator user's ScriptApp sees: its own triggers, of one document or of all. */
  listMine(documentId: string | null): TriggerInfo[] {
    return this.triggers.filter((t) => t.user === this.user && (documentId === null || t.documentId === documentId)).map((t) => ({ ...t }));
  }

  /** Test setup: a trigger someone else installed (`user`), or one in another document; no limits apply. */
  seed(spec: TriggerSpec & { user?: string; documentId?: string }): TriggerInfo {
    const { user = this.user, documentId = this.documentId, ...rest } = spec;
    return this.add(rest, user, documentId);
  }

  get(uid: string): TriggerInfo | undefined {
    return this.triggers.find((t) => t.uid === uid);
  }

  create(spec: TriggerSpec): TriggerInfo {
    const mine = this.triggers.filter((t) => t.user === this.user);
    if (mine.length >= TRIGGERS_PER_USER_PER_SCRIPT) throw new GasException(MSG.tooManyScriptTriggers);
    const sameKind = mine.filter((t) => t.eventType === spec.eventType && t.documentId === this.documentId);
    if (sameKind.length >= ADDON_TRIGGERS_PER_TYPE_PER_DOCUMENT) throw new GasException(MSG.tooManyAddonTriggers(KIND_NAMES[spec.eventType]));
    return this.add(spec, this.user, this.documentId);
  }

  private add(spec: TriggerSpec, user: string, documentId: string): TriggerInfo {
    const now = this.clock.now();
    const info: TriggerInfo = {
      ...spec,
      uid: String(1_000_000 + ++this.seq),
      user,
      documentId,
      source: spec.eventType === 'CLOCK' ? 'CLOCK' : 'SPREADSHEETS',
      sourceId: spec.eventType === 'CLOCK' ? null : documentId,
      createdAt: now,
      nextRunAt: spec.clock ? this.nextRun(spec.clock, now, true) : null,
    };
    this.triggers.push(info);
    return { ...info };
  }

  delete(uid: string): void {
    const i = this.triggers.findIndex((t) => t.uid === uid);
    if (i >= 0) this.triggers.splice(i, 1);
  }

  /** The emulator user's clock triggers in this document due now; each is moved to its next run (one-shot triggers are removed). */
  takeDue(): TriggerInfo[] {
    const now = this.clock.now();
    const due = this.triggers.filter((t) => t.user === this.user && t.documentId === this.documentId && t.nextRunAt !== null && t.nextRunAt <= now);
    for (const t of due) {
      const next = t.clock ? this.nextRun(t.clock, now, false) : null;
      if (next === null) this.delete(t.uid);
      else t.nextRunAt = next;
    }
    return due.map((t) => ({ ...t }));
  }

  /** The first run time strictly after `from` (approximate, like Apps Script's ±15 min). */
  private nextRun(s: ClockSchedule, from: number, first: boolean): number | null {
    if (s.at !== undefined) return first ? s.at : null;
    if (s.after !== undefined) return first ? from + s.after : null;
    if (s.everyHours !== undefined) return from + s.everyHours * HOUR;
    const tz = s.timeZone ?? this.timeZone;
    const hour = s.atHour ?? zonedParts(from, tz).hour;
    const minute = s.nearMinute ?? 0;
    const periodDays = s.everyWeeks !== undefined ? 7 * s.everyWeeks : (s.everyDays ?? 1);
    // Walk forward hour by hour to the first matching wall-clock hour (and weekday), then add the period's remaining days.
    let t = Math.floor(from / HOUR) * HOUR + HOUR;
    for (let i = 0; i < 24 * 8; i += 1, t += HOUR) {
      const p = zonedParts(t, tz);
      if (p.hour !== hour) continue;
      if (s.onWeekDay !== undefined && WEEKDAYS[p.weekday - 1] !== s.onWeekDay) continue;
      if (s.onMonthDay !== undefined && p.day !== s.onMonthDay) continue;
      const start = t - p.minute * 60_000 + minute * 60_000;
      const extraDays = first ? 0 : Math.max(0, periodDays - (s.everyWeeks !== undefined ? 7 : 1));
      return start + extraDays * 24 * HOUR;
    }
    return from + periodDays * 24 * HOUR;
  }
}
