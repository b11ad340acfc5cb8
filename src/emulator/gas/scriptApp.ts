/**
 * ScriptApp: triggers (kept in the main thread, which enforces the editor add-on rules) and enums.
 * `everyMinutes` is refused at once: an editor add-on's time trigger runs at most hourly.
 */
import { EVERY_HOURS_VALUES } from '../limits';
import { GasException, MSG } from '../messages';
import type { ClockSchedule, TriggerInfo } from '../protocol';
import { forbidInCustomFunction, mismatch, type GasContext } from './context';
import { HostObject } from './hostObject';
import { Spreadsheet } from './spreadsheetApp';

const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const enumOf = (names: string[]) => Object.fromEntries(names.map((n) => [n, n]));

export class Trigger extends HostObject {
  readonly gasClass = 'Trigger';
  constructor(readonly _info: TriggerInfo) {
    super();
  }
  getUniqueId(): string {
    return this._info.uid;
  }
  getHandlerFunction(): string {
    return this._info.handler;
  }
  getEventType(): string {
    return this._info.eventType;
  }
  getTriggerSource(): string {
    return this._info.source;
  }
  getTriggerSourceId(): string | null {
    return this._info.sourceId;
  }
}

export class ClockTriggerBuilder extends HostObject {
  readonly gasClass = 'ClockTriggerBuilder';
  private readonly schedule: ClockSchedule = {};
  constructor(
    private readonly ctx: GasContext,
    private readonly handler: string,
  ) {
    super();
  }
  private _int(method: string, n: unknown, min: number, max: number): number {
    if (typeof n !== 'number' || !Number.isInteger(n)) throw mismatch(`ClockTriggerBuilder.${method}`, [n]);
    if (n < min || n > max) throw new GasException(`Invalid argument: ${method}`);
    return n;
  }
  everyMinutes(n: unknown): ClockTriggerBuilder {
    this._int('everyMinutes', n, 1, 30);
    throw new GasException(MSG.addonMinutes);
  }
  everyHours(n: unknown): ClockTriggerBuilder {
    const hours = this._int('everyHours', n, 1, 12);
    if (!(EVERY_HOURS_VALUES as readonly number[]).includes(hours)) throw new GasException(MSG.everyHoursValue);
    this.schedule.everyHours = hours;
    return this;
  }
  everyDays(n: unknown): ClockTriggerBuilder {
    this.schedule.everyDays = this._int('everyDays', n, 1, 365);
    return this;
  }
  everyWeeks(n: unknown): ClockTriggerBuilder {
    this.schedule.everyWeeks = this._int('everyWeeks', n, 1, 52);
    return this;
  }
  atHour(hour: unknown): ClockTriggerBuilder {
    this.schedule.atHour = this._int('atHour', hour, 0, 23);
    return this;
  }
  nearMinute(minute: unknown): ClockTriggerBuilder {
    this.schedule.nearMinute = this._int('nearMinute', minute, 0, 59);
    return this;
  }
  onWeekDay(day: unknown): ClockTriggerBuilder {
    if (!WEEKDAYS.includes(String(day))) throw mismatch('ClockTriggerBuilder.onWeekDay', [day]);
    this.schedule.onWeekDay = String(day);
    return this;
  }
  onMonthDay(day: unknown): ClockTriggerBuilder {
    this.schedule.onMonthDay = this._int('onMonthDay', day, 1, 31);
    return this;
  }
  at(date: unknown): ClockTriggerBuilder {
    if (!(date instanceof Date)) throw mismatch('ClockTriggerBuilder.at', [date]);
    this.schedule.at = date.getTime();
    return this;
  }
  after(ms: unknown): ClockTriggerBuilder {
    this.schedule.after = this._int('after', ms, 0, Number.MAX_SAFE_INTEGER);
    return this;
  }
  inTimezone(timeZone: unknown): ClockTriggerBuilder {
    if (typeof timeZone !== 'string') throw mismatch('ClockTriggerBuilder.inTimezone', [timeZone]);
    this.schedule.timeZone = timeZone;
    return this;
  }
  create(): Trigger {
    const s = this.schedule;
    if (s.everyHours === undefined && s.everyDays === undefined && s.everyWeeks === undefined && s.at === undefined && s.after === undefined) {
      throw new GasException(MSG.triggerNeedsFrequency);
    }
    return new Trigger(this.ctx.host.call('triggerCreate', { handler: this.handler, eventType: 'CLOCK', clock: { ...s } }));
  }
}

export class SpreadsheetTriggerBuilder extends HostObject {
  readonly gasClass = 'SpreadsheetTriggerBuilder';
  private eventType: TriggerInfo['eventType'] | undefined;
  constructor(
    private readonly ctx: GasContext,
    private readonly handler: string,
  ) {
    super();
  }
  onOpen(): SpreadsheetTriggerBuilder {
    this.eventType = 'ON_OPEN';
    return this;
  }
  onEdit(): SpreadsheetTriggerBuilder {
    this.eventType = 'ON_EDIT';
    return this;
  }
  onChange(): SpreadsheetTriggerBuilder {
    this.eventType = 'ON_CHANGE';
    return this;
  }
  onFormSubmit(): SpreadsheetTriggerBuilder {
    this.eventType = 'ON_FORM_SUBMIT';
    return this;
  }
  create(): Trigger {
    if (!this.eventType) throw new GasException('Missing trigger event type: call onOpen(), onEdit(), onChange() or onFormSubmit().');
    return new Trigger(this.ctx.host.call('triggerCreate', { handler: this.handler, eventType: this.eventType }));
  }
}

export class TriggerBuilder extends HostObject {
  readonly gasClass = 'TriggerBuilder';
  constructor(
    private readonly ctx: GasContext,
    private readonly handler: string,
  ) {
    super();
  }
  timeBased(): ClockTriggerBuilder {
    return new ClockTriggerBuilder(this.ctx, this.handler);
  }
  forSpreadsheet(_spreadsheet: unknown): SpreadsheetTriggerBuilder {
    return new SpreadsheetTriggerBuilder(this.ctx, this.handler);
  }
}

export class ScriptApp extends HostObject {
  readonly gasClass = 'ScriptApp';
  constructor(private readonly ctx: GasContext) {
    super();
  }
  override _props(): Record<string, unknown> {
    return {
      AuthMode: enumOf(['NONE', 'CUSTOM_FUNCTION', 'LIMITED', 'FULL']),
      EventType: enumOf(['CLOCK', 'ON_OPEN', 'ON_EDIT', 'ON_FORM_SUBMIT', 'ON_CHANGE', 'ON_EVENT_UPDATED']),
      TriggerSource: enumOf(['SPREADSHEETS', 'CLOCK', 'FORMS', 'DOCUMENTS', 'CALENDAR']),
      WeekDay: enumOf(WEEKDAYS),
    };
  }
  private _allowed(method: string): void {
    forbidInCustomFunction(this.ctx, `ScriptApp.${method}`);
  }
  /** This user's triggers of this project (add-on), in every document. */
  getProjectTriggers(): Trigger[] {
    this._allowed('getProjectTriggers');
    return this.ctx.host.call('triggerList', null).map((t) => new Trigger(t));
  }
  /** This user's triggers of this project in the given document (Spreadsheet). */
  getUserTriggers(document: unknown): Trigger[] {
    this._allowed('getUserTriggers');
    if (!(document instanceof Spreadsheet)) throw mismatch('ScriptApp.getUserTriggers', [document]);
    return this.ctx.host.call('triggerList', document.getId()).map((t) => new Trigger(t));
  }
  newTrigger(functionName: unknown): TriggerBuilder {
    this._allowed('newTrigger');
    if (typeof functionName !== 'string') throw mismatch('ScriptApp.newTrigger', [functionName]);
    return new TriggerBuilder(this.ctx, functionName);
  }
  deleteTrigger(trigger: unknown): void {
    this._allowed('deleteTrigger');
    if (!(trigger instanceof Trigger)) throw mismatch('ScriptApp.deleteTrigger', [trigger]);
    this.ctx.host.call('triggerDelete', trigger.getUniqueId());
  }
  /** The user's OpenID Connect ID token (the `openid` scope), or null: always null in a custom function. */
  getIdentityToken(): string | null {
    return this.ctx.input.mode === 'customFunction' ? null : (this.ctx.input.identityToken ?? null);
  }
  getScriptId(): string {
    this._allowed('getScriptId');
    return 'emulator-script-id';
  }
}
