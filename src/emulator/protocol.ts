/**
 * What a worker and the main thread say to each other. The worker calls `HostApi` methods
 * synchronously (syncRpc.ts); the main thread implements them, possibly asynchronously (host.ts).
 */
import type { Box } from './a1';

export type ExecutionMode = 'customFunction' | 'menu' | 'trigger' | 'rpc';
export type Scope = 'script' | 'document' | 'user';

/** Everything a worker needs to run one execution; passed as `workerData`. */
export interface WorkerInput {
  execution: number;
  mode: ExecutionMode;
  fn: string;
  /** Custom functions are looked up case-insensitively (as Sheets does); everything else exactly. */
  caseInsensitive: boolean;
  args: unknown[];
  source: string;
  codePath: string;
  bundleDir: string;
  port: import('node:worker_threads').MessagePort;
  flag: SharedArrayBuffer;
  session: { email: string; locale: string; scriptTimeZone: string };
  addonName: string;
  /** Whether SpreadsheetApp.getActive() returns the workbook in a trigger run (unverified in Apps Script). */
  activeInTriggers: boolean;
  /** The formula cell a custom function runs for (recalculate): its active sheet and range. */
  caller?: CallerCell;
  /** What ScriptApp.getIdentityToken() returns in this execution (null in custom functions). */
  identityToken?: string | null;
}

export interface CallerCell {
  sheet: string;
  row: number;
  col: number;
}

export interface Outcome {
  value?: unknown;
  error?: string;
  errorName?: string;
}

export interface FetchRequest {
  url: string;
  method: string;
  headers: Array<[string, string]>;
  body?: Uint8Array;
  followRedirects: boolean;
  validateHttpsCertificates: boolean;
}

export type FetchOutcome =
  { ok: true; status: number; headers: Array<[string, string]>; body: Uint8Array; url: string } | { ok: false; name: string; message: string };

export interface SheetInfo {
  name: string;
  id: number;
  maxRows: number;
  maxCols: number;
  frozenRows: number;
  frozenCols: number;
}

export interface SpreadsheetInfo {
  id: string;
  name: string;
  timeZone: string;
  locale: string;
  activeSheet: string;
  sheets: SheetInfo[];
}

export type ReadKind = 'values' | 'displayValues' | 'formulas' | 'numberFormats' | 'notes' | 'fontWeights' | 'backgrounds';

export type WriteOp =
  | { kind: 'values'; data: unknown[][] }
  | { kind: 'formulas'; data: string[][] }
  | { kind: 'numberFormats'; data: string[][] }
  | { kind: 'notes'; data: string[][] }
  | { kind: 'fontWeights'; data: string[][] }
  | { kind: 'backgrounds'; data: string[][] }
  | { kind: 'clearContent' }
  /** Range.clear / clearFormat / clearNote: any mix of contents, formats and notes. */
  | { kind: 'clear'; contents: boolean; formats: boolean; notes: boolean };

/** Inserting or deleting rows or columns of a sheet; `at` is the first inserted/deleted index (1-based). */
export interface DimensionOp {
  kind: 'insert' | 'delete';
  dimension: 'ROWS' | 'COLUMNS';
  at: number;
  count: number;
}

export type MetadataLocationType = 'SPREADSHEET' | 'SHEET' | 'ROW' | 'COLUMN';
export type MetadataVisibility = 'DOCUMENT' | 'PROJECT';

/** Where metadata goes, as the worker names it (sheet by name). */
export type MetadataTarget =
  | { type: 'SPREADSHEET' }
  | { type: 'SHEET'; sheet: string }
  /** RANGE: Range.addDeveloperMetadata (one entire row or column); ROW/COLUMN: moveToRow/moveToColumn (the range's single row/column). */
  | { type: 'RANGE' | 'ROW' | 'COLUMN'; sheet: string; box: Box };

export interface MetadataInfo {
  id: number;
  key: string;
  value: string | null;
  visibility: MetadataVisibility;
  locationType: MetadataLocationType;
  /** The sheet of a SHEET, ROW or COLUMN location. */
  sheet: string | null;
  /** The row (ROW) or column (COLUMN) number, 1-based. */
  index: number | null;
}

export interface MetadataQuery {
  scope:
    | { kind: 'spreadsheet' }
    | { kind: 'sheet'; sheet: string }
    | { kind: 'range'; sheet: string; box: Box; intersecting: boolean }
    | { kind: 'exact'; target: MetadataTarget };
  id?: number;
  key?: string;
  value?: string;
  locationType?: MetadataLocationType;
  visibility?: MetadataVisibility;
}

export interface MetadataPatch {
  key?: string;
  value?: string | null;
  visibility?: MetadataVisibility;
  location?: MetadataTarget;
}

/** A chart's data range as the worker names it (sheet by name); it may be on another sheet than the chart. */
export interface ChartRange {
  sheet: string;
  box: Box;
}

/** Where a chart's top-left corner is: a cell (1-based) plus a pixel offset. */
export interface ChartAnchor {
  row: number;
  column: number;
  offsetX: number;
  offsetY: number;
}

/** What EmbeddedChartBuilder.build() holds: everything but the chart's id. Options are JSON-compatible. */
export interface ChartSpec {
  /** A Charts.ChartType name ('LINE'), or null until one is set. */
  type: string | null;
  ranges: ChartRange[];
  options: Record<string, unknown>;
  /** -1 until setNumHeaders (Sheets then guesses). */
  numHeaders: number;
  transpose: boolean;
  anchor: ChartAnchor;
}

/** A chart on a sheet. */
export interface ChartInfo extends ChartSpec {
  chartId: number;
  /** EmbeddedChart.getId()'s string id. */
  id: string;
}

export interface Selection {
  sheet: string;
  box: Box;
  current: { row: number; col: number };
}

export type MenuEntry = { caption: string; functionName: string } | { separator: true } | { subMenu: MenuRecord };

export interface MenuRecord {
  name: string;
  addon: boolean;
  items: MenuEntry[];
}

export interface ShownHtml {
  kind: 'sidebar' | 'modalDialog' | 'modelessDialog';
  html: string;
  title?: string;
  width?: number;
  height?: number;
}

export interface AlertRecord {
  title?: string;
  prompt: string;
  buttons: string;
}

export interface ClockSchedule {
  everyHours?: number;
  everyDays?: number;
  everyWeeks?: number;
  atHour?: number;
  nearMinute?: number;
  onWeekDay?: string;
  onMonthDay?: number;
  at?: number;
  after?: number;
  timeZone?: string;
}

export interface TriggerSpec {
  handler: string;
  eventType: 'CLOCK' | 'ON_OPEN' | 'ON_EDIT' | 'ON_CHANGE' | 'ON_FORM_SUBMIT';
  clock?: ClockSchedule;
}

export interface TriggerInfo extends TriggerSpec {
  uid: string;
  /** The user who created (owns) it; executions see only the emulator user's triggers. */
  user: string;
  /** The document it was created in (an add-on's triggers, time-driven ones included, belong to a document). */
  documentId: string;
  source: 'CLOCK' | 'SPREADSHEETS';
  sourceId: string | null;
  createdAt: number;
  nextRunAt: number | null;
}

/** The worker's view: every method is synchronous. */
export interface HostApi {
  start(): void;
  done(outcome: Outcome): void;

  cacheGet(scope: Scope, keys: string[]): Record<string, string>;
  cachePut(scope: Scope, entries: Array<[string, string]>, ttlSeconds: number | null): void;
  cacheRemove(scope: Scope, keys: string[]): void;

  propsGet(scope: Scope): Array<[string, string]>;
  propsSet(scope: Scope, entries: Array<[string, string]>, deleteAllOthers: boolean): void;
  propsDelete(scope: Scope, keys: string[] | null): void;

  lockAcquire(scope: Scope, timeoutMs: number): boolean;
  lockRelease(scope: Scope): void;

  urlFetch(requests: FetchRequest[]): FetchOutcome[];

  spreadsheet(): SpreadsheetInfo;
  insertSheet(name: string | null): SheetInfo;
  sheetExtent(sheet: string): { lastRow: number; lastCol: number };
  rangeRead(sheet: string, box: Box, kind: ReadKind): unknown[][];
  rangeWrite(sheet: string, box: Box, op: WriteOp): void;
  flush(): void;
  sheetInfo(sheet: string): SheetInfo;
  sheetDimension(sheet: string, op: DimensionOp): SheetInfo;
  sheetFreeze(sheet: string, dimension: 'ROWS' | 'COLUMNS', count: number): void;
  selectionGet(): Selection;
  /** Activates a sheet and, with a box, selects it (current cell: `current` or its top-left). */
  selectionSet(sheet: string, box: Box | null, current: { row: number; col: number } | null): void;

  metadataAdd(target: MetadataTarget, key: string, value: string | null, visibility: MetadataVisibility): MetadataInfo;
  metadataFind(query: MetadataQuery): MetadataInfo[];
  metadataGet(id: number): MetadataInfo;
  metadataUpdate(id: number, patch: MetadataPatch): MetadataInfo;
  metadataRemove(id: number): void;

  /** The sheet's charts, in insertion order. */
  chartList(sheet: string): ChartInfo[];
  chartInsert(sheet: string, spec: ChartSpec): ChartInfo;
  /** Replaces chart `chartId` of the sheet (in place); throws when the sheet has no such chart. */
  chartUpdate(sheet: string, chartId: number, spec: ChartSpec): ChartInfo;
  chartRemove(sheet: string, chartId: number): void;

  uiAddMenu(menu: MenuRecord): void;
  uiShow(shown: ShownHtml): void;
  uiAlert(alert: AlertRecord): string;
  uiPrompt(alert: AlertRecord): { text: string; button: string };

  /** This user's triggers; with a document id, only those of that document. */
  triggerList(documentId: string | null): TriggerInfo[];
  triggerCreate(spec: TriggerSpec): TriggerInfo;
  triggerDelete(uid: string): void;
}

export type WireRequest = { type: 'call'; id: number; method: string; args: unknown[] } | { type: 'log'; level: string; message: string };

export type WireReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string };
