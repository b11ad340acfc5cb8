/**
 * The Apps Script emulator: runs a built bundle (top-level `function`s plus an IIFE)
 * in Node: each execution in its own Worker and fresh vm context, services emulated in the main
 * thread with their documented limits (limits.ts). See README.md in this folder.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { columnNumber } from './a1';
import { Clock } from './clock';
import { Executor, type ConcurrencyStats, type RunResult } from './executor';
import { createDispatch, type SharedState } from './host';
import { EXECUTION_LIMIT_MS, OTHER_EXECUTION_LIMIT_MS, URLFETCH_DAILY_QUOTA } from './limits';
import type { ExecutionMode, Scope, TriggerInfo, TriggerSpec } from './protocol';
import { recalculate, type CellOutcome } from './recalc';
import { CacheStore } from './services/cache';
import { LockManager } from './services/lock';
import { PropertyStore } from './services/properties';
import type { ChartEntry } from './services/charts';
import { Workbook, type Cell, type MetadataEntry, type WorkbookSpec } from './services/spreadsheet';
import { TriggerRegistry } from './services/triggers';
import { UiRecorder } from './services/ui';
import { UrlFetchService, type FetchLogEntry } from './services/urlFetch';
import type { WorkerLoader } from './workerScript';

export type {
  CellOutcome,
  ChartEntry,
  ConcurrencyStats,
  ExecutionMode,
  FetchLogEntry,
  MetadataEntry,
  RunResult,
  TriggerInfo,
  TriggerSpec,
  WorkbookSpec,
  WorkerLoader,
};
export { CacheStore, UiRecorder };

/**
 * What every document (and user) of one script shares: the script cache, script properties and
 * the script lock. Pass one env's `script` to another to open the same add-on in a second document.
 */
export interface ScriptScope {
  readonly cache: CacheStore;
  readonly properties: PropertyStore;
  readonly lock: LockManager;
}

export interface AppsScriptEnvOptions {
  /** The built bundle, e.g. dist/addon/Code.js; `<name>.html` files are read next to it. */
  codePath: string;
  workbook?: WorkbookSpec;
  scriptProperties?: Record<string, string>;
  /** Another env's `script`: this one is a second document of the same script (scriptProperties is then ignored). */
  script?: ScriptScope;
  /**
   * How long each CacheService call takes, in ms; default 0. Real calls take tens of ms, and that
   * time is what lets two executions' check-then-put interleave.
   */
  cacheLatencyMs?: number;
  documentProperties?: Record<string, string>;
  userProperties?: Record<string, string>;
  /** Wall-time limit of a custom function execution; default 30000 (Apps Script's 30 s). */
  executionLimitMs?: number;
  /** Wall-time limit of every other execution (menu, rpc, trigger); default 360000 (Apps Script's 6 min). */
  otherExecutionLimitMs?: number;
  /** UrlFetchApp calls per day; default 20000. */
  urlFetchDailyQuota?: number;
  /** Start of the emulator clock (cache TTLs, quota window, trigger schedules); default Date.now(). */
  now?: number;
  /** The emulator user: email default 'user@example.com', locale default 'ja' (Session.getActiveUserLocale). */
  user?: { email?: string; locale?: string };
  /**
   * What ScriptApp.getIdentityToken() returns for a user (outside custom functions), minted per
   * execution; default none (null). The workbench and tests sign with a local issuer.
   */
  identityTokenFor?: (email: string) => string | null;
  /** Session.getScriptTimeZone(); default the workbook's time zone. */
  scriptTimeZone?: string;
  /** The name of createAddonMenu()'s menu; default 'Add-on'. */
  addonName?: string;
  /** Whether SpreadsheetApp.getActive() returns the workbook in a 'trigger' run (unverified in Apps Script); default true. */
  activeSpreadsheetInTriggers?: boolean;
  /** How workers load the emulator's TypeScript: 'esbuild' (default, fast) or 'tsx' (worker.js bootstrap). */
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
    /** Notes from A1 over the used area ('' where none): `notes('Sheet1')[row - 1][col - 1]`. */
    notes(sheet: string): string[][];
    /** Number formats from A1 over the used area (unformatted cells: '0.###############'). */
    numberFormats(sheet: string): string[][];
    /** Every developer metadata: id, key, value, visibility, locationType, sheet, index (row/column number), a1. */
    metadata(): MetadataEntry[];
    /**
     * A sheet's embedded charts in insertion order: chartId, id, type ('LINE'), ranges in A1
     * ('A1:E40'; 'Other!A1:B5' on another sheet), options, numHeaders, transpose, anchor.
     */
    charts(sheet: string): ChartEntry[];
    /**
     * The person editing the sheet, between executions: insert `count` rows before row `beforeRow`
     * (as Sheet.insertRowsBefore: cells, notes, formats, metadata, charts and references move).
     */
    insertRows(sheet: string, beforeRow: number, count?: number): void;
    /** Insert `count` columns before `beforeColumn` (a number or letters, e.g. 'C'). */
    insertColumns(sheet: string, beforeColumn: number | string, count?: number): void;
    /** Delete `count` rows from `row` (their metadata is deleted with them). */
    deleteRows(sheet: string, row: number, count?: number): void;
    /** Delete `count` columns from `column` (a number or letters). */
    deleteColumns(sheet: string, column: number | string, count?: number): void;
    /** Select a range (activates the sheet; the current cell is its top-left cell). */
    select(sheet: string, a1: string): void;
    /** The active sheet, selection and current cell. */
    activeRange(): { sheet: string; a1: string; currentCell: string };
    /** Size and frozen panes of a sheet. */
    size(sheet: string): { maxRows: number; maxColumns: number; frozenRows: number; frozenColumns: number };
    readonly model: Workbook;
  };
  fetchLog: FetchLogEntry[];
  urlFetch: { readonly callsToday: number; readonly dailyQuota: number };
  properties: Record<Scope, Map<string, string>>;
  caches: Record<Scope, CacheStore>;
  /** The script's shared part, to open a second document of the same script (`options.script`). */
  script: ScriptScope;
  ui: UiRecorder;
  triggers: {
    list(): TriggerInfo[];
    /** Runs one trigger's handler now (mode 'trigger') with a time-driven event object. */
    fire(uid: string): Promise<RunResult>;
    /** Runs the emulator user's clock triggers of this document due at clock.now(), moving each to its next run. */
    runDue(): Promise<Array<{ trigger: TriggerInfo; result: RunResult }>>;
    /** Plants a trigger another user (`user`) or another document (`documentId`) owns; scripts never see it. */
    seed(spec: TriggerSpec & { user?: string; documentId?: string }): TriggerInfo;
  };
  locks: { holder(scope: Scope): number | undefined };
  /** Executions running now and the most seen at once (in total and per mode). */
  stats: ConcurrencyStats;
  resetStats(): void;
  /** console and Logger lines of every execution. */
  logs: Array<{ execution: number; fn: string; level: string; message: string }>;
  clock: { now(): number; advance(ms: number): void };
  /**
   * Later executions run as another person (Session, ScriptApp.getIdentityToken): another editor of
   * the same document. Triggers keep the owner they were created by.
   */
  setUser(email: string, locale?: string): void;
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

type Dispatch = ReturnType<typeof createDispatch>;

/** Delays every CacheService call by `latencyMs` before it acts (0: no delay). */
function withCacheLatency(dispatch: Dispatch, latencyMs: number): Dispatch {
  if (latencyMs <= 0) return dispatch;
  return (exec, method, args) =>
    method.startsWith('cache')
      ? new Promise((resolve) => setTimeout(resolve, latencyMs)).then(() => dispatch(exec, method, args))
      : dispatch(exec, method, args);
}

function columnIndex(column: number | string): number {
  return typeof column === 'number' ? column : columnNumber(column);
}

export async function createAppsScriptEnv(options: AppsScriptEnvOptions): Promise<AppsScriptEnv> {
  const codePath = path.resolve(options.codePath);
  const source = await fs.readFile(codePath, 'utf8');
  const clock = new Clock(options.now ?? Date.now());
  const workbook = new Workbook(options.workbook);
  const script: ScriptScope = options.script ?? {
    cache: new CacheStore(clock),
    properties: new PropertyStore(new Map(Object.entries(options.scriptProperties ?? {}))),
    lock: new LockManager(),
  };
  const properties: Record<Scope, Map<string, string>> = {
    script: script.properties.map,
    document: new Map(Object.entries(options.documentProperties ?? {})),
    user: new Map(Object.entries(options.userProperties ?? {})),
  };
  const state: SharedState = {
    caches: { script: script.cache, document: new CacheStore(clock), user: new CacheStore(clock) },
    properties: { script: script.properties, document: new PropertyStore(properties.document), user: new PropertyStore(properties.user) },
    locks: new LockManager(),
    scriptLock: script.lock,
    urlFetch: new UrlFetchService(clock, options.urlFetchDailyQuota ?? URLFETCH_DAILY_QUOTA),
    workbook,
    ui: new UiRecorder(),
    triggers: new TriggerRegistry(clock, workbook.id, options.scriptTimeZone ?? workbook.timeZone, options.user?.email ?? 'user@example.com'),
  };
  const session = {
    email: options.user?.email ?? 'user@example.com',
    locale: options.user?.locale ?? 'ja',
    scriptTimeZone: options.scriptTimeZone ?? workbook.timeZone,
  };
  const executor = new Executor({
    executionLimitMs: options.executionLimitMs ?? EXECUTION_LIMIT_MS,
    otherExecutionLimitMs: options.otherExecutionLimitMs ?? OTHER_EXECUTION_LIMIT_MS,
    workerLoader: options.workerLoader ?? 'esbuild',
    base: {
      source,
      codePath,
      bundleDir: path.dirname(codePath),
      session,
      addonName: options.addonName ?? 'Add-on',
      activeInTriggers: options.activeSpreadsheetInTriggers ?? true,
    },
    ...(options.identityTokenFor ? { identityTokenFor: options.identityTokenFor } : {}),
    dispatch: withCacheLatency(createDispatch(state), options.cacheLatencyMs ?? 0),
    onEnd: (execution) => {
      state.locks.releaseAll(execution.id);
      state.scriptLock.releaseAll(execution.id);
    },
  });

  const fire = (trigger: TriggerInfo) => executor.run(trigger.handler, [clockEvent(trigger, clock.now())], 'trigger');

  return {
    run: (fn, args = [], opts = {}) => executor.run(fn, args, opts.mode ?? 'menu', opts.mode === 'customFunction'),
    recalculate: (opts = {}) => recalculate(workbook, (fn, args, caller) => executor.run(fn, args, 'customFunction', true, caller), opts),
    workbook: {
      values: (sheet) => workbook.values(sheet),
      formulas: (sheet) => workbook.formulas(sheet),
      displayValues: (sheet) => workbook.displayValues(sheet),
      cell: (sheet, a1) => workbook.cell(sheet, a1),
      setCell: (sheet, a1, value) => workbook.setCell(sheet, a1, value),
      notes: (sheet) => workbook.notes(sheet),
      numberFormats: (sheet) => workbook.numberFormats(sheet),
      metadata: () => workbook.metadata(),
      charts: (sheet) => workbook.charts(sheet),
      insertRows: (sheet, beforeRow, count = 1) => void workbook.dimension(sheet, { kind: 'insert', dimension: 'ROWS', at: beforeRow, count }),
      insertColumns: (sheet, beforeColumn, count = 1) =>
        void workbook.dimension(sheet, { kind: 'insert', dimension: 'COLUMNS', at: columnIndex(beforeColumn), count }),
      deleteRows: (sheet, row, count = 1) => void workbook.dimension(sheet, { kind: 'delete', dimension: 'ROWS', at: row, count }),
      deleteColumns: (sheet, column, count = 1) => void workbook.dimension(sheet, { kind: 'delete', dimension: 'COLUMNS', at: columnIndex(column), count }),
      select: (sheet, a1) => workbook.selectA1(sheet, a1),
      activeRange: () => workbook.activeRange(),
      size: (sheet) => {
        const info = workbook.sheet(sheet).info();
        return { maxRows: info.maxRows, maxColumns: info.maxCols, frozenRows: info.frozenRows, frozenColumns: info.frozenCols };
      },
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
    script,
    ui: state.ui,
    triggers: {
      list: () => state.triggers.list(),
      fire: (uid) => {
        const trigger = state.triggers.get(uid);
        if (!trigger) return Promise.reject(new Error(`No trigger ${uid}`));
        return fire(trigger);
      },
      runDue: async () => Promise.all(state.triggers.takeDue().map(async (trigger) => ({ trigger, result: await fire(trigger) }))),
      seed: (spec) => state.triggers.seed(spec),
    },
    locks: { holder: (scope) => (scope === 'script' ? state.scriptLock : state.locks).holder(scope) },
    stats: executor.stats,
    resetStats: () => executor.resetStats(),
    logs: executor.logs,
    clock: { now: () => clock.now(), advance: (ms) => clock.advance(ms) },
    setUser: (email, locale) => {
      session.email = email;
      if (locale) session.locale = locale;
    },
    close: () => executor.close(),
  };
}
