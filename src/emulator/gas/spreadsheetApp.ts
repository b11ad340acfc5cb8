/**
 * SpreadsheetApp, Spreadsheet, Sheet, Range, DeveloperMetadata (with its location and finder) over
 * the workbook in the main thread (Sheet's charts: charts.ts). Reads are allowed in custom functions; writes, selection
 * changes, flush, getUi and openById are not. A Sheet is looked up by name on every call, so its
 * size is always current (rows inserted by this or another execution count); a Range keeps its
 * coordinates, as Apps Script's do.
 */
import { boxA1, parseA1, toBox, type Box } from '../a1';
import { GasException, MSG } from '../messages';
import type {
  DimensionOp,
  MetadataInfo,
  MetadataLocationType,
  MetadataPatch,
  MetadataQuery,
  MetadataTarget,
  MetadataVisibility,
  ReadKind,
  SheetInfo,
  SpreadsheetInfo,
  WriteOp,
} from '../protocol';
import { SheetCharts, type EmbeddedChart, type EmbeddedChartBuilder, type RangeBridge } from './charts';
import { forbidInCustomFunction, mismatch, type GasContext } from './context';
import { EnumValue, enumName, enumValues, HostObject } from './hostObject';
import { Ui } from './ui';

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

const LOCATION_TYPE_NAMES = ['SPREADSHEET', 'SHEET', 'ROW', 'COLUMN', 'OBJECT'] as const;
const VISIBILITY_NAMES = ['DOCUMENT', 'PROJECT'] as const;
/** One object per enum value per execution (this module is loaded once per worker). */
const LOCATION_TYPES = enumValues('DeveloperMetadataLocationType', LOCATION_TYPE_NAMES);
const VISIBILITIES = enumValues('DeveloperMetadataVisibility', VISIBILITY_NAMES);

/** Sheets stores colours as lowercase #rrggbb; a few CSS names are translated. */
const COLOR_NAMES: Record<string, string> = {
  white: '#ffffff',
  black: '#000000',
  red: '#ff0000',
  green: '#008000',
  blue: '#0000ff',
  yellow: '#ffff00',
  gray: '#808080',
  grey: '#808080',
  orange: '#ffa500',
  purple: '#800080',
  cyan: '#00ffff',
  magenta: '#ff00ff',
  lime: '#00ff00',
};
function normalizeColor(color: string): string {
  const c = color.trim().toLowerCase();
  if (COLOR_NAMES[c]) return COLOR_NAMES[c] as string;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(c);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  return c;
}

/** Parses addDeveloperMetadata's overloads: (key), (key, value), (key, visibility), (key, value, visibility). */
function metadataArgs(method: string, args: unknown[]): { key: string; value: string | null; visibility: MetadataVisibility } {
  const bad = () => mismatch(method, args);
  if (args.length < 1 || args.length > 3 || typeof args[0] !== 'string') throw bad();
  const textual = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  let value: string | null = null;
  let visibility: MetadataVisibility = 'DOCUMENT';
  if (args.length === 2) {
    const v = enumName(args[1], VISIBILITIES);
    if (v) visibility = v;
    else if (textual(args[1])) value = String(args[1]);
    else if (args[1] !== null) throw bad();
  } else if (args.length === 3) {
    const v = enumName(args[2], VISIBILITIES);
    if (!v || !(textual(args[1]) || args[1] === null)) throw bad();
    value = args[1] === null ? null : String(args[1]);
    visibility = v;
  }
  return { key: args[0], value, visibility };
}

export class SpreadsheetApp extends HostObject {
  readonly gasClass = 'SpreadsheetApp';
  constructor(private readonly ctx: GasContext) {
    super();
  }
  override _props(): Record<string, unknown> {
    return { DeveloperMetadataLocationType: LOCATION_TYPES, DeveloperMetadataVisibility: VISIBILITIES };
  }
  getActive(): Spreadsheet | null {
    if (this.ctx.input.mode === 'trigger' && !this.ctx.input.activeInTriggers) return null;
    return new Spreadsheet(this.ctx);
  }
  getActiveSpreadsheet(): Spreadsheet | null {
    return this.getActive();
  }
  getActiveSheet(): Sheet | null {
    return this.getActive()?.getActiveSheet() ?? null;
  }
  getActiveRange(): Range | null {
    return this.getActive()?.getActiveRange() ?? null;
  }
  getCurrentCell(): Range | null {
    return this.getActive()?.getCurrentCell() ?? null;
  }
  setActiveSheet(sheet: unknown): Sheet {
    const ss = this.getActive();
    if (!ss) throw new GasException(MSG.rangeNotFound);
    return ss.setActiveSheet(sheet);
  }
  setActiveRange(range: unknown): Range {
    const ss = this.getActive();
    if (!ss) throw new GasException(MSG.rangeNotFound);
    return ss.setActiveRange(range);
  }
  setCurrentCell(cell: unknown): Range {
    const ss = this.getActive();
    if (!ss) throw new GasException(MSG.rangeNotFound);
    return ss.setCurrentCell(cell);
  }
  openById(id: unknown): Spreadsheet {
    forbidInCustomFunction(this.ctx, 'SpreadsheetApp.openById');
    const ss = new Spreadsheet(this.ctx);
    if (String(id) !== ss.getId()) throw new GasException('Unexpected error while getting the method or property openById on object SpreadsheetApp.');
    return ss;
  }
  openByUrl(url: unknown): Spreadsheet {
    forbidInCustomFunction(this.ctx, 'SpreadsheetApp.openByUrl');
    const ss = new Spreadsheet(this.ctx);
    const id = /\/spreadsheets\/d\/([^/?#]+)/.exec(String(url))?.[1];
    if (id !== ss.getId()) throw new GasException('Unexpected error while getting the method or property openByUrl on object SpreadsheetApp.');
    return ss;
  }
  flush(): void {
    forbidInCustomFunction(this.ctx, 'SpreadsheetApp.flush');
    this.ctx.host.call('flush');
  }
  getUi(): Ui {
    forbidInCustomFunction(this.ctx, 'SpreadsheetApp.getUi');
    if (this.ctx.input.mode === 'trigger') throw new GasException(MSG.uiFromThisContext);
    return new Ui(this.ctx);
  }
}

export class Spreadsheet extends HostObject {
  readonly gasClass = 'Spreadsheet';
  constructor(private readonly ctx: GasContext) {
    super();
  }
  private _info(): SpreadsheetInfo {
    return this.ctx.host.call('spreadsheet');
  }
  _sheet(name: string): Sheet {
    const info = this._info().sheets.find((s) => s.name === name);
    if (!info) throw new GasException(MSG.rangeNotFound);
    return new Sheet(this.ctx, info);
  }
  getId(): string {
    return this._info().id;
  }
  getName(): string {
    return this._info().name;
  }
  getUrl(): string {
    return `https://docs.google.com/spreadsheets/d/${this.getId()}/edit`;
  }
  getSpreadsheetTimeZone(): string {
    return this._info().timeZone;
  }
  getSpreadsheetLocale(): string {
    return this._info().locale;
  }
  getSheets(): Sheet[] {
    return this._info().sheets.map((s) => new Sheet(this.ctx, s));
  }
  getNumSheets(): number {
    return this._info().sheets.length;
  }
  getSheetByName(name: unknown): Sheet | null {
    const info = this._info().sheets.find((s) => s.name === String(name));
    return info ? new Sheet(this.ctx, info) : null;
  }
  getSheetById(id: unknown): Sheet | null {
    const info = this._info().sheets.find((s) => s.id === Number(id));
    return info ? new Sheet(this.ctx, info) : null;
  }
  /** The active sheet; in a custom function, the sheet of the formula's cell. */
  getActiveSheet(): Sheet {
    const caller = this.ctx.input.caller;
    if (caller) return this._sheet(caller.sheet);
    const info = this._info();
    const sheet = info.sheets.find((s) => s.name === info.activeSheet) ?? info.sheets[0];
    if (!sheet) throw new GasException('The spreadsheet has no sheets.');
    return new Sheet(this.ctx, sheet);
  }
  /** The selected range (A1 of the active sheet until something is selected); in a custom function, the formula's cell. */
  getActiveRange(): Range {
    const caller = this.ctx.input.caller;
    if (caller) return new Range(this.ctx, this._sheet(caller.sheet), { row: caller.row, col: caller.col, numRows: 1, numCols: 1 });
    const sel = this.ctx.host.call('selectionGet');
    return new Range(this.ctx, this._sheet(sel.sheet), sel.box);
  }
  getActiveCell(): Range {
    return this.getCurrentCell();
  }
  getCurrentCell(): Range {
    const caller = this.ctx.input.caller;
    if (caller) return this.getActiveRange();
    const sel = this.ctx.host.call('selectionGet');
    return new Range(this.ctx, this._sheet(sel.sheet), { row: sel.current.row, col: sel.current.col, numRows: 1, numCols: 1 });
  }
  setActiveSheet(sheet: unknown): Sheet {
    if (!(sheet instanceof Sheet)) throw mismatch('Spreadsheet.setActiveSheet', [sheet]);
    return sheet.activate();
  }
  setActiveRange(range: unknown): Range {
    if (!(range instanceof Range)) throw mismatch('Spreadsheet.setActiveRange', [range]);
    return range.activate();
  }
  setCurrentCell(cell: unknown): Range {
    if (!(cell instanceof Range)) throw mismatch('Spreadsheet.setCurrentCell', [cell]);
    return cell.activateAsCurrentCell();
  }
  getRange(a1: unknown): Range {
    if (typeof a1 !== 'string') throw mismatch('Spreadsheet.getRange', [a1]);
    const parsed = parseA1(a1);
    if (!parsed) throw new GasException(MSG.rangeNotFound);
    const sheet = parsed.sheet === undefined ? this.getActiveSheet() : this.getSheetByName(parsed.sheet);
    if (!sheet) throw new GasException(MSG.rangeNotFound);
    return sheet.getRange(a1);
  }
  insertSheet(name?: unknown): Sheet {
    forbidInCustomFunction(this.ctx, 'Spreadsheet.insertSheet');
    return new Sheet(this.ctx, this.ctx.host.call('insertSheet', name === undefined || name === null ? null : String(name)));
  }
  addDeveloperMetadata(...args: unknown[]): Spreadsheet {
    forbidInCustomFunction(this.ctx, 'Spreadsheet.addDeveloperMetadata');
    const { key, value, visibility } = metadataArgs('Spreadsheet.addDeveloperMetadata', args);
    this.ctx.host.call('metadataAdd', { type: 'SPREADSHEET' }, key, value, visibility);
    return this;
  }
  /** Metadata on the spreadsheet itself (not its sheets, rows or columns). */
  getDeveloperMetadata(): DeveloperMetadata[] {
    return findMetadata(this.ctx, { scope: { kind: 'exact', target: { type: 'SPREADSHEET' } } });
  }
  createDeveloperMetadataFinder(): DeveloperMetadataFinder {
    return new DeveloperMetadataFinder(this.ctx, { kind: 'spreadsheet' });
  }
}

export class Sheet extends HostObject {
  readonly gasClass = 'Sheet';
  constructor(
    private readonly ctx: GasContext,
    readonly _info: SheetInfo,
  ) {
    super();
  }
  /** The sheet's current size and frozen panes. */
  private _now(): SheetInfo {
    return this.ctx.host.call('sheetInfo', this._info.name);
  }
  getName(): string {
    return this._info.name;
  }
  getSheetId(): number {
    return this._info.id;
  }
  getParent(): Spreadsheet {
    return new Spreadsheet(this.ctx);
  }
  getMaxRows(): number {
    return this._now().maxRows;
  }
  getMaxColumns(): number {
    return this._now().maxCols;
  }
  getLastRow(): number {
    return this.ctx.host.call('sheetExtent', this._info.name).lastRow;
  }
  getLastColumn(): number {
    return this.ctx.host.call('sheetExtent', this._info.name).lastCol;
  }
  getFrozenRows(): number {
    return this._now().frozenRows;
  }
  getFrozenColumns(): number {
    return this._now().frozenCols;
  }
  setFrozenRows(rows: unknown): void {
    forbidInCustomFunction(this.ctx, 'Sheet.setFrozenRows');
    if (!isInt(rows)) throw mismatch('Sheet.setFrozenRows', [rows]);
    this.ctx.host.call('sheetFreeze', this._info.name, 'ROWS', Math.floor(rows));
  }
  setFrozenColumns(columns: unknown): void {
    forbidInCustomFunction(this.ctx, 'Sheet.setFrozenColumns');
    if (!isInt(columns)) throw mismatch('Sheet.setFrozenColumns', [columns]);
    this.ctx.host.call('sheetFreeze', this._info.name, 'COLUMNS', Math.floor(columns));
  }
  getDataRange(): Range {
    const { lastRow, lastCol } = this.ctx.host.call('sheetExtent', this._info.name);
    return new Range(this.ctx, this, { row: 1, col: 1, numRows: Math.max(1, lastRow), numCols: Math.max(1, lastCol) });
  }
  getRange(...args: unknown[]): Range {
    if (args.length === 1 && typeof args[0] === 'string') {
      const parsed = parseA1(args[0]);
      if (!parsed) throw new GasException(MSG.rangeNotFound);
      if (parsed.sheet !== undefined && parsed.sheet !== this._info.name) {
        const other = new Spreadsheet(this.ctx).getSheetByName(parsed.sheet);
        if (!other) throw new GasException(MSG.rangeNotFound);
        return other.getRange(args[0]);
      }
      const now = this._now();
      const box = toBox(parsed, now.maxRows, now.maxCols);
      this._check(box, now);
      return new Range(this.ctx, this, box);
    }
    if (args.length < 2 || args.length > 4 || !args.every(isInt)) throw mismatch('Sheet.getRange', args);
    const [row, col, numRows = 1, numCols = 1] = (args as number[]).map(Math.floor);
    const box: Box = { row: row as number, col: col as number, numRows, numCols };
    this._check(box);
    return new Range(this.ctx, this, box);
  }
  _check(box: Box, now: SheetInfo = this._now()): void {
    if (box.row < 1) throw new GasException(MSG.rowTooSmall);
    if (box.col < 1) throw new GasException(MSG.columnTooSmall);
    if (box.numRows < 1) throw new GasException(MSG.rowsAtLeastOne);
    if (box.numCols < 1) throw new GasException(MSG.columnsAtLeastOne);
    if (box.row + box.numRows - 1 > now.maxRows || box.col + box.numCols - 1 > now.maxCols) throw new GasException(MSG.outsideSheet);
  }

  // ---- rows and columns ----
  private _dimension(
    method: string,
    args: unknown[],
    arity: number,
    op: (n: number[]) => Omit<DimensionOp, 'dimension'>,
    dimension: DimensionOp['dimension'],
  ): void {
    forbidInCustomFunction(this.ctx, `Sheet.${method}`);
    const optional = method === 'insertRows' || method === 'insertColumns';
    if (args.length > arity || args.length < (optional ? 1 : arity) || !args.every(isInt)) throw mismatch(`Sheet.${method}`, args);
    this.ctx.host.call('sheetDimension', this._info.name, { ...op((args as number[]).map(Math.floor)), dimension });
  }
  insertRowBefore(...args: unknown[]): Sheet {
    this._dimension('insertRowBefore', args, 1, ([at]) => ({ kind: 'insert', at: at as number, count: 1 }), 'ROWS');
    return this;
  }
  insertRowAfter(...args: unknown[]): Sheet {
    this._dimension('insertRowAfter', args, 1, ([after]) => ({ kind: 'insert', at: (after as number) + 1, count: 1 }), 'ROWS');
    return this;
  }
  insertRowsBefore(...args: unknown[]): Sheet {
    this._dimension('insertRowsBefore', args, 2, ([at, n]) => ({ kind: 'insert', at: at as number, count: n as number }), 'ROWS');
    return this;
  }
  insertRowsAfter(...args: unknown[]): Sheet {
    this._dimension('insertRowsAfter', args, 2, ([after, n]) => ({ kind: 'insert', at: (after as number) + 1, count: n as number }), 'ROWS');
    return this;
  }
  insertRows(...args: unknown[]): void {
    this._dimension('insertRows', args, 2, ([at, n = 1]) => ({ kind: 'insert', at: at as number, count: n }), 'ROWS');
  }
  insertColumnBefore(...args: unknown[]): Sheet {
    this._dimension('insertColumnBefore', args, 1, ([at]) => ({ kind: 'insert', at: at as number, count: 1 }), 'COLUMNS');
    return this;
  }
  insertColumnAfter(...args: unknown[]): Sheet {
    this._dimension('insertColumnAfter', args, 1, ([after]) => ({ kind: 'insert', at: (after as number) + 1, count: 1 }), 'COLUMNS');
    return this;
  }
  insertColumnsBefore(...args: unknown[]): Sheet {
    this._dimension('insertColumnsBefore', args, 2, ([at, n]) => ({ kind: 'insert', at: at as number, count: n as number }), 'COLUMNS');
    return this;
  }
  insertColumnsAfter(...args: unknown[]): Sheet {
    this._dimension('insertColumnsAfter', args, 2, ([after, n]) => ({ kind: 'insert', at: (after as number) + 1, count: n as number }), 'COLUMNS');
    return this;
  }
  insertColumns(...args: unknown[]): void {
    this._dimension('insertColumns', args, 2, ([at, n = 1]) => ({ kind: 'insert', at: at as number, count: n }), 'COLUMNS');
  }
  deleteRow(...args: unknown[]): Sheet {
    this._dimension('deleteRow', args, 1, ([at]) => ({ kind: 'delete', at: at as number, count: 1 }), 'ROWS');
    return this;
  }
  deleteRows(...args: unknown[]): void {
    this._dimension('deleteRows', args, 2, ([at, n]) => ({ kind: 'delete', at: at as number, count: n as number }), 'ROWS');
  }
  deleteColumn(...args: unknown[]): Sheet {
    this._dimension('deleteColumn', args, 1, ([at]) => ({ kind: 'delete', at: at as number, count: 1 }), 'COLUMNS');
    return this;
  }
  deleteColumns(...args: unknown[]): void {
    this._dimension('deleteColumns', args, 2, ([at, n]) => ({ kind: 'delete', at: at as number, count: n as number }), 'COLUMNS');
  }

  // ---- whole-sheet clears ----
  private _all(): Range {
    const now = this._now();
    return new Range(this.ctx, this, { row: 1, col: 1, numRows: now.maxRows, numCols: now.maxCols });
  }
  clear(options?: unknown): Sheet {
    forbidInCustomFunction(this.ctx, 'Sheet.clear');
    this._all().clear(options);
    return this;
  }
  clearContents(): Sheet {
    forbidInCustomFunction(this.ctx, 'Sheet.clearContents');
    this._all().clearContent();
    return this;
  }
  clearFormats(): Sheet {
    forbidInCustomFunction(this.ctx, 'Sheet.clearFormats');
    this._all().clearFormat();
    return this;
  }
  clearNotes(): Sheet {
    forbidInCustomFunction(this.ctx, 'Sheet.clearNotes');
    this._all().clearNote();
    return this;
  }

  // ---- selection ----
  activate(): Sheet {
    forbidInCustomFunction(this.ctx, 'Sheet.activate');
    this.ctx.host.call('selectionSet', this._info.name, null, null);
    return this;
  }
  getActiveRange(): Range | null {
    return new Spreadsheet(this.ctx).getActiveRange();
  }
  getActiveCell(): Range {
    return new Spreadsheet(this.ctx).getCurrentCell();
  }
  getCurrentCell(): Range | null {
    return new Spreadsheet(this.ctx).getCurrentCell();
  }
  setActiveRange(range: unknown): Range {
    if (!(range instanceof Range)) throw mismatch('Sheet.setActiveRange', [range]);
    return range.activate();
  }
  setCurrentCell(cell: unknown): Range {
    if (!(cell instanceof Range)) throw mismatch('Sheet.setCurrentCell', [cell]);
    return cell.activateAsCurrentCell();
  }

  // ---- developer metadata ----
  addDeveloperMetadata(...args: unknown[]): Sheet {
    forbidInCustomFunction(this.ctx, 'Sheet.addDeveloperMetadata');
    const { key, value, visibility } = metadataArgs('Sheet.addDeveloperMetadata', args);
    this.ctx.host.call('metadataAdd', { type: 'SHEET', sheet: this._info.name }, key, value, visibility);
    return this;
  }
  /** Metadata on the sheet itself (not its rows or columns). */
  getDeveloperMetadata(): DeveloperMetadata[] {
    return findMetadata(this.ctx, { scope: { kind: 'exact', target: { type: 'SHEET', sheet: this._info.name } } });
  }
  createDeveloperMetadataFinder(): DeveloperMetadataFinder {
    return new DeveloperMetadataFinder(this.ctx, { kind: 'sheet', sheet: this._info.name });
  }

  // ---- charts (gas/charts.ts) ----
  private _charts(): SheetCharts {
    return new SheetCharts(this.ctx, rangeBridge(this.ctx), this._info.name);
  }
  newChart(): EmbeddedChartBuilder {
    return this._charts().newChart();
  }
  /** In insertion order. */
  getCharts(): EmbeddedChart[] {
    return this._charts().list();
  }
  insertChart(chart: unknown): void {
    this._charts().insert(chart);
  }
  updateChart(chart: unknown): void {
    this._charts().update(chart);
  }
  removeChart(chart: unknown): void {
    this._charts().remove(chart);
  }
}

/** Lets charts take and give Ranges without importing this module. */
function rangeBridge(ctx: GasContext): RangeBridge {
  return {
    ref: (value) => (value instanceof Range ? { sheet: value.getSheet().getName(), box: { ...value._box } } : undefined),
    range: (ref) => new Range(ctx, new Spreadsheet(ctx)._sheet(ref.sheet), ref.box),
  };
}

export class Range extends HostObject {
  readonly gasClass = 'Range';
  constructor(
    private readonly ctx: GasContext,
    private readonly sheet: Sheet,
    readonly _box: Box,
  ) {
    super();
  }
  private get box(): Box {
    return this._box;
  }
  private _read(kind: ReadKind): unknown[][] {
    return this.ctx.host.call('rangeRead', this.sheet.getName(), this.box, kind);
  }
  private _write(method: string, op: WriteOp): Range {
    forbidInCustomFunction(this.ctx, `Range.${method}`);
    this.ctx.host.call('rangeWrite', this.sheet.getName(), this.box, op);
    return this;
  }
  private _grid<T>(method: string, data: unknown, cell: (v: unknown) => T): T[][] {
    if (!Array.isArray(data) || !data.every((row) => Array.isArray(row))) throw mismatch(`SpreadsheetApp.Range.${method}`, [data]);
    if (data.length !== this.box.numRows) throw new GasException(MSG.rowsMismatch(data.length, this.box.numRows));
    return data.map((row: unknown[]) => {
      if (row.length !== this.box.numCols) throw new GasException(MSG.columnsMismatch(row.length, this.box.numCols));
      return row.map(cell);
    });
  }
  private _fill<T>(value: T): T[][] {
    return Array.from({ length: this.box.numRows }, () => Array.from({ length: this.box.numCols }, () => value));
  }
  private _first(kind: ReadKind): string {
    const one: Box = { ...this.box, numRows: 1, numCols: 1 };
    return String(this.ctx.host.call('rangeRead', this.sheet.getName(), one, kind)[0]?.[0] ?? '');
  }

  getValues(): unknown[][] {
    return this._read('values');
  }
  getValue(): unknown {
    return this.ctx.host.call('rangeRead', this.sheet.getName(), { ...this.box, numRows: 1, numCols: 1 }, 'values')[0]?.[0];
  }
  getDisplayValues(): string[][] {
    return this._read('displayValues') as string[][];
  }
  getDisplayValue(): string {
    return this._first('displayValues');
  }
  getFormulas(): string[][] {
    return this._read('formulas') as string[][];
  }
  getFormula(): string {
    return this._first('formulas');
  }
  getNumberFormats(): string[][] {
    return this._read('numberFormats') as string[][];
  }
  getNumberFormat(): string {
    return this._first('numberFormats');
  }
  getNotes(): string[][] {
    return this._read('notes') as string[][];
  }
  getNote(): string {
    return this._first('notes');
  }
  getFontWeights(): string[][] {
    return this._read('fontWeights') as string[][];
  }
  getFontWeight(): string {
    return this._first('fontWeights');
  }
  getBackgrounds(): string[][] {
    return this._read('backgrounds') as string[][];
  }
  getBackground(): string {
    return this._first('backgrounds');
  }
  isBlank(): boolean {
    const values = this._read('values');
    const formulas = this._read('formulas');
    return values.every((row, r) => row.every((v, c) => v === '' && formulas[r]?.[c] === ''));
  }
  setValue(value: unknown): Range {
    return this._write('setValue', { kind: 'values', data: this._fill(value) });
  }
  setValues(values: unknown): Range {
    forbidInCustomFunction(this.ctx, 'Range.setValues');
    return this._write('setValues', { kind: 'values', data: this._grid('setValues', values, (v) => v) });
  }
  setFormula(formula: unknown): Range {
    return this._write('setFormula', { kind: 'formulas', data: this._fill(String(formula)) });
  }
  setFormulas(formulas: unknown): Range {
    forbidInCustomFunction(this.ctx, 'Range.setFormulas');
    return this._write('setFormulas', { kind: 'formulas', data: this._grid('setFormulas', formulas, (v) => String(v ?? '')) });
  }
  setNumberFormat(format: unknown): Range {
    return this._write('setNumberFormat', { kind: 'numberFormats', data: this._fill(String(format)) });
  }
  setNumberFormats(formats: unknown): Range {
    forbidInCustomFunction(this.ctx, 'Range.setNumberFormats');
    return this._write('setNumberFormats', { kind: 'numberFormats', data: this._grid('setNumberFormats', formats, (v) => String(v ?? '')) });
  }
  /** A null or empty note removes the note. */
  setNote(note: unknown): Range {
    return this._write('setNote', { kind: 'notes', data: this._fill(note === null || note === undefined ? '' : String(note)) });
  }
  setNotes(notes: unknown): Range {
    forbidInCustomFunction(this.ctx, 'Range.setNotes');
    return this._write('setNotes', { kind: 'notes', data: this._grid('setNotes', notes, (v) => (v === null || v === undefined ? '' : String(v))) });
  }
  clearNote(): Range {
    return this._write('clearNote', { kind: 'clear', contents: false, formats: false, notes: true });
  }
  /** 'bold' or 'normal'; null resets to normal. */
  setFontWeight(weight: unknown): Range {
    const w = weight === null || weight === undefined || weight === 'normal' ? '' : String(weight);
    return this._write('setFontWeight', { kind: 'fontWeights', data: this._fill(w) });
  }
  setFontWeights(weights: unknown): Range {
    forbidInCustomFunction(this.ctx, 'Range.setFontWeights');
    return this._write('setFontWeights', {
      kind: 'fontWeights',
      data: this._grid('setFontWeights', weights, (v) => (v === null || v === undefined || v === 'normal' ? '' : String(v))),
    });
  }
  /** A CSS colour ('#rgb', '#rrggbb' or a few names); null resets to white. */
  setBackground(color: unknown): Range {
    const c = color === null || color === undefined ? '' : normalizeColor(String(color));
    return this._write('setBackground', { kind: 'backgrounds', data: this._fill(c === '#ffffff' ? '' : c) });
  }
  setBackgrounds(colors: unknown): Range {
    forbidInCustomFunction(this.ctx, 'Range.setBackgrounds');
    return this._write('setBackgrounds', {
      kind: 'backgrounds',
      data: this._grid('setBackgrounds', colors, (v) => {
        const c = v === null || v === undefined ? '' : normalizeColor(String(v));
        return c === '#ffffff' ? '' : c;
      }),
    });
  }
  clearContent(): Range {
    return this._write('clearContent', { kind: 'clearContent' });
  }
  clearFormat(): Range {
    return this._write('clearFormat', { kind: 'clear', contents: false, formats: true, notes: false });
  }
  /**
   * Contents, formats and notes; with options, only what `contentsOnly`, `formatOnly` and
   * `commentsOnly` (notes: Apps Script's old name for them) ask for (`validationsOnly` clears nothing here).
   */
  clear(options?: unknown): Range {
    if (options === undefined || options === null) return this._write('clear', { kind: 'clear', contents: true, formats: true, notes: true });
    if (typeof options !== 'object' || Array.isArray(options)) throw mismatch('Range.clear', [options]);
    const o = options as Record<string, unknown>;
    const any = ['contentsOnly', 'formatOnly', 'commentsOnly', 'validationsOnly'].some((k) => o[k] === true);
    return this._write('clear', {
      kind: 'clear',
      contents: !any || o.contentsOnly === true,
      formats: !any || o.formatOnly === true,
      notes: !any || o.commentsOnly === true,
    });
  }
  /** Same size (or numRows × numColumns), moved by rowOffset/columnOffset; must stay on the sheet. */
  offset(...args: unknown[]): Range {
    if (args.length < 2 || args.length > 4 || !args.every(isInt)) throw mismatch('Range.offset', args);
    const [dr, dc, numRows = this.box.numRows, numCols = this.box.numCols] = (args as number[]).map(Math.floor);
    const box: Box = { row: this.box.row + (dr as number), col: this.box.col + (dc as number), numRows, numCols };
    this.sheet._check(box);
    return new Range(this.ctx, this.sheet, box);
  }
  /** The cell at (row, column) of this range, 1-based. */
  getCell(row: unknown, column: unknown): Range {
    if (!isInt(row) || !isInt(column)) throw mismatch('Range.getCell', [row, column]);
    const r = Math.floor(row);
    const c = Math.floor(column);
    if (r < 1 || c < 1 || r > this.box.numRows || c > this.box.numCols) throw new GasException(MSG.cellOutOfRange);
    return new Range(this.ctx, this.sheet, { row: this.box.row + r - 1, col: this.box.col + c - 1, numRows: 1, numCols: 1 });
  }
  /** Selects this range (and activates its sheet); the current cell becomes its top-left cell. */
  activate(): Range {
    forbidInCustomFunction(this.ctx, 'Range.activate');
    this.ctx.host.call('selectionSet', this.sheet.getName(), this.box, null);
    return this;
  }
  /** Makes the top-left cell the current cell, keeping the selection when it contains it. */
  activateAsCurrentCell(): Range {
    forbidInCustomFunction(this.ctx, 'Range.activateAsCurrentCell');
    const sel = this.ctx.host.call('selectionGet');
    const cell = { row: this.box.row, col: this.box.col };
    const b = sel.box;
    const inside = sel.sheet === this.sheet.getName() && cell.row >= b.row && cell.row < b.row + b.numRows && cell.col >= b.col && cell.col < b.col + b.numCols;
    this.ctx.host.call('selectionSet', this.sheet.getName(), inside ? b : { ...cell, numRows: 1, numCols: 1 }, cell);
    return new Range(this.ctx, this.sheet, { ...cell, numRows: 1, numCols: 1 });
  }
  /** Only on one entire row or one entire column (Apps Script refuses any other range). */
  addDeveloperMetadata(...args: unknown[]): Range {
    forbidInCustomFunction(this.ctx, 'Range.addDeveloperMetadata');
    const { key, value, visibility } = metadataArgs('Range.addDeveloperMetadata', args);
    this.ctx.host.call('metadataAdd', { type: 'RANGE', sheet: this.sheet.getName(), box: this.box }, key, value, visibility);
    return this;
  }
  /** Metadata located exactly here: this range must be the whole row or column it sits on. */
  getDeveloperMetadata(): DeveloperMetadata[] {
    return findMetadata(this.ctx, { scope: { kind: 'exact', target: { type: 'RANGE', sheet: this.sheet.getName(), box: this.box } } });
  }
  createDeveloperMetadataFinder(): DeveloperMetadataFinder {
    return new DeveloperMetadataFinder(this.ctx, { kind: 'range', sheet: this.sheet.getName(), box: this.box, intersecting: false });
  }
  getA1Notation(): string {
    return boxA1(this.box);
  }
  getRow(): number {
    return this.box.row;
  }
  getColumn(): number {
    return this.box.col;
  }
  getRowIndex(): number {
    return this.box.row;
  }
  getLastRow(): number {
    return this.box.row + this.box.numRows - 1;
  }
  getLastColumn(): number {
    return this.box.col + this.box.numCols - 1;
  }
  getNumRows(): number {
    return this.box.numRows;
  }
  getNumColumns(): number {
    return this.box.numCols;
  }
  getHeight(): number {
    return this.box.numRows;
  }
  getWidth(): number {
    return this.box.numCols;
  }
  getSheet(): Sheet {
    return this.sheet;
  }
  getGridId(): number {
    return this.sheet.getSheetId();
  }
}

function findMetadata(ctx: GasContext, query: MetadataQuery): DeveloperMetadata[] {
  return ctx.host.call('metadataFind', query).map((m) => new DeveloperMetadata(ctx, m.id));
}

export class DeveloperMetadata extends HostObject {
  readonly gasClass = 'DeveloperMetadata';
  constructor(
    private readonly ctx: GasContext,
    private readonly id: number,
  ) {
    super();
  }
  private _info(): MetadataInfo {
    return this.ctx.host.call('metadataGet', this.id);
  }
  private _update(method: string, patch: MetadataPatch): DeveloperMetadata {
    forbidInCustomFunction(this.ctx, `DeveloperMetadata.${method}`);
    this.ctx.host.call('metadataUpdate', this.id, patch);
    return this;
  }
  getId(): number {
    return this.id;
  }
  getKey(): string {
    return this._info().key;
  }
  /** null when the metadata has no value. */
  getValue(): string | null {
    return this._info().value;
  }
  getVisibility(): EnumValue {
    return VISIBILITIES[this._info().visibility];
  }
  getLocation(): DeveloperMetadataLocation {
    return new DeveloperMetadataLocation(this.ctx, this._info());
  }
  setKey(key: unknown): DeveloperMetadata {
    if (typeof key !== 'string') throw mismatch('DeveloperMetadata.setKey', [key]);
    return this._update('setKey', { key });
  }
  setValue(value: unknown): DeveloperMetadata {
    if (!(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null))
      throw mismatch('DeveloperMetadata.setValue', [value]);
    return this._update('setValue', { value: value === null ? null : String(value) });
  }
  setVisibility(visibility: unknown): DeveloperMetadata {
    const v = enumName(visibility, VISIBILITIES);
    if (!v) throw mismatch('DeveloperMetadata.setVisibility', [visibility]);
    return this._update('setVisibility', { visibility: v });
  }
  private _move(method: string, location: MetadataTarget): DeveloperMetadata {
    return this._update(method, { location });
  }
  /** To the range's row (the range must span one row). */
  moveToRow(row: unknown): DeveloperMetadata {
    if (!(row instanceof Range)) throw mismatch('DeveloperMetadata.moveToRow', [row]);
    return this._move('moveToRow', { type: 'ROW', sheet: row.getSheet().getName(), box: row._box });
  }
  /** To the range's column (the range must span one column). */
  moveToColumn(column: unknown): DeveloperMetadata {
    if (!(column instanceof Range)) throw mismatch('DeveloperMetadata.moveToColumn', [column]);
    return this._move('moveToColumn', { type: 'COLUMN', sheet: column.getSheet().getName(), box: column._box });
  }
  moveToSheet(sheet: unknown): DeveloperMetadata {
    if (!(sheet instanceof Sheet)) throw mismatch('DeveloperMetadata.moveToSheet', [sheet]);
    return this._move('moveToSheet', { type: 'SHEET', sheet: sheet.getName() });
  }
  moveToSpreadsheet(): DeveloperMetadata {
    return this._move('moveToSpreadsheet', { type: 'SPREADSHEET' });
  }
  remove(): void {
    forbidInCustomFunction(this.ctx, 'DeveloperMetadata.remove');
    this.ctx.host.call('metadataRemove', this.id);
  }
}

/** Where a metadata was when getLocation() was called. */
export class DeveloperMetadataLocation extends HostObject {
  readonly gasClass = 'DeveloperMetadataLocation';
  constructor(
    private readonly ctx: GasContext,
    private readonly info: MetadataInfo,
  ) {
    super();
  }
  private _sheet(): Sheet {
    return new Spreadsheet(this.ctx)._sheet(this.info.sheet as string);
  }
  getLocationType(): EnumValue {
    return LOCATION_TYPES[this.info.locationType];
  }
  /** The whole row, or null unless the location is a ROW. */
  getRow(): Range | null {
    if (this.info.locationType !== 'ROW') return null;
    const sheet = this._sheet();
    return new Range(this.ctx, sheet, { row: this.info.index as number, col: 1, numRows: 1, numCols: sheet.getMaxColumns() });
  }
  /** The whole column, or null unless the location is a COLUMN. */
  getColumn(): Range | null {
    if (this.info.locationType !== 'COLUMN') return null;
    const sheet = this._sheet();
    return new Range(this.ctx, sheet, { row: 1, col: this.info.index as number, numRows: sheet.getMaxRows(), numCols: 1 });
  }
  /** The sheet, or null unless the location is a SHEET. */
  getSheet(): Sheet | null {
    return this.info.locationType === 'SHEET' ? this._sheet() : null;
  }
  /** The spreadsheet, or null unless the location is the SPREADSHEET. */
  getSpreadsheet(): Spreadsheet | null {
    return this.info.locationType === 'SPREADSHEET' ? new Spreadsheet(this.ctx) : null;
  }
}

export class DeveloperMetadataFinder extends HostObject {
  readonly gasClass = 'DeveloperMetadataFinder';
  private readonly query: Omit<MetadataQuery, 'scope'> = {};
  constructor(
    private readonly ctx: GasContext,
    private scope: MetadataQuery['scope'],
  ) {
    super();
  }
  withId(id: unknown): DeveloperMetadataFinder {
    if (!isInt(id)) throw mismatch('DeveloperMetadataFinder.withId', [id]);
    this.query.id = id;
    return this;
  }
  withKey(key: unknown): DeveloperMetadataFinder {
    if (typeof key !== 'string') throw mismatch('DeveloperMetadataFinder.withKey', [key]);
    this.query.key = key;
    return this;
  }
  withValue(value: unknown): DeveloperMetadataFinder {
    if (typeof value !== 'string') throw mismatch('DeveloperMetadataFinder.withValue', [value]);
    this.query.value = value;
    return this;
  }
  withLocationType(locationType: unknown): DeveloperMetadataFinder {
    const t = enumName(locationType, LOCATION_TYPES);
    if (!t) throw mismatch('DeveloperMetadataFinder.withLocationType', [locationType]);
    this.query.locationType = t as MetadataLocationType;
    return this;
  }
  withVisibility(visibility: unknown): DeveloperMetadataFinder {
    const v = enumName(visibility, VISIBILITIES);
    if (!v) throw mismatch('DeveloperMetadataFinder.withVisibility', [visibility]);
    this.query.visibility = v;
    return this;
  }
  /** Range finders only: rows and columns that cross the range count too, not just those wholly inside it. */
  onIntersectingLocations(): DeveloperMetadataFinder {
    if (this.scope.kind === 'range') this.scope = { ...this.scope, intersecting: true };
    return this;
  }
  find(): DeveloperMetadata[] {
    if ((this.query.locationType as string) === 'OBJECT') return [];
    return findMetadata(this.ctx, { ...this.query, scope: this.scope });
  }
}
