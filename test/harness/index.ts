/**
 * A stand-in for Google Apps Script that runs a built bundle (top-level `function`s plus an IIFE)
 * in Node: each execution in its own Worker and fresh vm context, services emulated in the main
 * thread with their documented limits (limits.ts). See README.md in this folder.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Clock } from './clock';
import { Executor, type ConcurrencyStats, type RunResult } from './executor';
import { createDispatch, type SharedState } from './host';
import { EXECUTION_LIMIT_MS, URLFETCH_DAILY_QUOTA } from './limits';
import type { ExecutionMode, Scope, TriggerInfo } from './protocol';
import { recalculate, type CellOutcome } from './recalc';
import { CacheStore } from './services/cache';
import { LockManager } from './services/lock';
import { PropertyStore } from './services/properties';
import { Workbook, type Cell, type WorkbookSpec } from './services/spreadsheet';
import { TriggerRegistry } from './services/triggers';
import { UiRecorder } from './services/ui';
import { UrlFetchService, type FetchLogEntry } from './services/urlFetch';
import type { WorkerLoader } from './workerScript';

export type { CellOutcome, ConcurrencyStats, ExecutionMode, FetchLogEntry, RunResult, TriggerInfo, WorkbookSpec, WorkerLoader };
export { CacheStore, UiRecorder };

export interface AppsScriptEnvOptions {
  /** The built bundle, e.g. dist/addon/Code.js; `<name>.html` files are read next to it. */
  codePath: string;
  workbook?: WorkbookSpec;
  scriptProperties?: Record<string, string>;
  documentProperties?: Record<string, string>;
  userProperties?: Record<string, string>;
  /** Wall-time limit of every execution; default 30000 (Apps Script's 30 s for custom functions). */
  executionLimitMs?: number;
  /** UrlFetchApp calls per day; default 20000. */
  urlFetchDailyQuota?: number;
  /** Start of the harness clock (cache TTLs, quota window, trigger schedules); default Date.now(). */
  now?: number;
  /** The harness user: email default 'user@example.com', locale default 'ja' (Session.getActiveUserLocale). */
  user?: { email?: string; locale?: string };
  /** Session.getScriptTimeZone(); default the workbook's time zone. */
  scriptTimeZone?: string;
  /** The name of createAddonMenu()'s menu; default 'Add-on'. */
  addonName?: string;
  /** Whether SpreadsheetApp.getActive() returns the workbook in a 'trigger' run (unverified in Apps Script); default true. */
  activeSpreadsheetInTriggers?: boolean;
  /** How workers load the harness's TypeScript: 'esbuild' (default, fast) or 'tsx' (worker.js bootstrap). */
  workerLoader?: WorkerLoader;
}

export interface RunOptions {
  /** Default 'menu'. 'customFunction' applies the custom-function restrictions and finds names case-insensitively. */
  mode?: ExecutionMode;
}

export interface AppsScriptEnv {
  run(fn: string, args?: unknown[], opts?: RunOptions): Promise<RunResult>;
  recalculate(opts?: { sheet?: string; concurrency?: number }): Promise<CellOutcome[]>;
  workbook: {
    values(sheet: string): unknown[][];
    formulas(sheet: string): string[][];
    displayValues(sheet: string): string[][];
    cell(sheet: string, a1: string): Cell;
    setCell(sheet: string, a1: string, value: unknown): void;
    readonly model: Workbook;
  };
  fetchLog: FetchLogEntry[];
  urlFetch: { readonly callsToday: number; readonly dailyQuota: number };
  properties: Record<Scope, Map<string, string>>;
  caches: Record<Scope, CacheStore>;
  ui: UiRecorder;
  triggers: {
    list(): TriggerInfo[];
    /** Runs one trigger's handler now (mode 'trigger') with a time-driven event object. */
    fire(uid: string): Promise<RunResult>;
    /** Runs every clock trigger due at clock.now() and moves it to its next run. */
    runDue(): Promise<Array<{ trigger: TriggerInfo; result: RunResult }>>;
  };
  locks: { holder(scope: Scope): number | undefined };
  /** Executions running now and the most seen at once (in total and per mode). */
  stats: ConcurrencyStats;
  resetStats(): void;
  /** console and Logger lines of every execution. */
  logs: Array<{ execution: number; fn: string; level: string; message: string }>;
  clock: { now(): number; advance(ms: number): void };
  close(): Promise<void>;
}

function clockEvent(trigger: TriggerInfo, when: number): Record<string, unknown> {
  const d = new Date(when);
  return {
    authMode: 'FULL',
    triggerUid: trigger.uid,
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    'day-of-month': d.getUTCDate(),
    'day-of-week': ((d.getUTCDay() + 6) % 7) + 1,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    timezone: 'UTC',
  };
}

export async function createAppsScriptEnv(options: AppsScriptEnvOptions): Promise<AppsScriptEnv> {
  const codePath = path.resolve(options.codePath);
  const source = await fs.readFile(codePath, 'utf8');
  const clock = new Clock(options.now ?? Date.now());
  const workbook = new Workbook(options.workbook);
  const properties: Record<Scope, Map<string, string>> = {
    script: new Map(Object.entries(options.scriptProperties ?? {})),
    document: new Map(Object.entries(options.documentProperties ?? {})),
    user: new Map(Object.entries(options.userProperties ?? {})),
  };
  const state: SharedState = {
    caches: { script: new CacheStore(clock), document: new CacheStore(clock), user: new CacheStore(clock) },
    properties: { script: new PropertyStore(properties.script), document: new PropertyStore(properties.document), user: new PropertyStore(properties.user) },
    locks: new LockManager(),
    urlFetch: new UrlFetchService(clock, options.urlFetchDailyQuota ?? URLFETCH_DAILY_QUOTA),
    workbook,
    ui: new UiRecorder(),
    triggers: new TriggerRegistry(clock, workbook.id, options.scriptTimeZone ?? workbook.timeZone),
  };
  const executor = new Executor({
    executionLimitMs: options.executionLimitMs ?? EXECUTION_LIMIT_MS,
    workerLoader: options.workerLoader ?? 'esbuild',
    base: {
      source,
      codePath,
      bundleDir: path.dirname(codePath),
      session: {
        email: options.user?.email ?? 'user@example.com',
        locale: options.user?.locale ?? 'ja',
        scriptTimeZone: options.scriptTimeZone ?? workbook.timeZone,
      },
      addonName: options.addonName ?? 'Add-on',
      activeInTriggers: options.activeSpreadsheetInTriggers ?? true,
    },
    dispatch: createDispatch(state),
    onEnd: (execution) => state.locks.releaseAll(execution.id),
  });

  const fire = (trigger: TriggerInfo) => executor.run(trigger.handler, [clockEvent(trigger, clock.now())], 'trigger');

  return {
    run: (fn, args = [], opts = {}) => executor.run(fn, args, opts.mode ?? 'menu', opts.mode === 'customFunction'),
    recalculate: (opts = {}) => recalculate(workbook, (fn, args) => executor.run(fn, args, 'customFunction', true), opts),
    workbook: {
      values: (sheet) => workbook.values(sheet),
      formulas: (sheet) => workbook.formulas(sheet),
      displayValues: (sheet) => workbook.displayValues(sheet),
      cell: (sheet, a1) => workbook.cell(sheet, a1),
      setCell: (sheet, a1, value) => workbook.setCell(sheet, a1, value),
      model: workbook,
    },
    fetchLog: state.urlFetch.log,
    urlFetch: {
      get callsToday() {
        return state.urlFetch.callsToday;
      },
      dailyQuota: state.urlFetch.dailyQuota,
    },
    properties,
    caches: state.caches,
    ui: state.ui,
    triggers: {
      list: () => state.triggers.list(),
      fire: (uid) => {
        const trigger = state.triggers.get(uid);
        if (!trigger) return Promise.reject(new Error(`No trigger ${uid}`));
        return fire(trigger);
      },
      runDue: async () => Promise.all(state.triggers.takeDue().map(async (trigger) => ({ trigger, result: await fire(trigger) }))),
    },
    locks: { holder: (scope) => state.locks.holder(scope) },
    stats: executor.stats,
    resetStats: () => executor.resetStats(),
    logs: executor.logs,
    clock: { now: () => clock.now(), advance: (ms) => clock.advance(ms) },
    close: () => executor.close(),
  };
}
