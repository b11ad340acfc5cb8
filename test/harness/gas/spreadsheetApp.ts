/**
 * SpreadsheetApp, Spreadsheet, Sheet and Range over the workbook in the main thread. Reads are
 * allowed in custom functions; writes, flush, getUi and openById are not.
 */
import { boxA1, parseA1, toBox, type Box } from '../a1';
import { GasException, MSG } from '../messages';
import type { ReadKind, SheetInfo, SpreadsheetInfo, WriteOp } from '../protocol';
import { forbidInCustomFunction, mismatch, type GasContext } from './context';
import { HostObject } from './hostObject';
import { Ui } from './ui';

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

export class SpreadsheetApp extends HostObject {
  readonly gasClass = 'SpreadsheetApp';
  constructor(private readonly ctx: GasContext) {
    super();
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
  openById(id: unknown): Spreadsheet {
    forbidInCustomFunction(this.ctx, 'SpreadsheetApp.openById');
    const ss = new Spreadsheet(this.ctx);
    if (String(id) !== ss.getId()) throw new GasException('Unexpected error while getting the method or property openById on object SpreadsheetApp.');
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
  getActiveSheet(): Sheet {
    const info = this._info();
    const sheet = info.sheets.find((s) => s.name === info.activeSheet) ?? info.sheets[0];
    if (!sheet) throw new GasException('The spreadsheet has no sheets.');
    return new Sheet(this.ctx, sheet);
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
}

export class Sheet extends HostObject {
  readonly gasClass = 'Sheet';
  constructor(
    private readonly ctx: GasContext,
    readonly _info: SheetInfo,
  ) {
    super();
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
    return this._info.maxRows;
  }
  getMaxColumns(): number {
    return this._info.maxCols;
  }
  getLastRow(): number {
    return this.ctx.host.call('sheetExtent', this._info.name).lastRow;
  }
  getLastColumn(): number {
    return this.ctx.host.call('sheetExtent', this._info.name).lastCol;
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
      const box = toBox(parsed, this._info.maxRows, this._info.maxCols);
      this._check(box);
      return new Range(this.ctx, this, box);
    }
    if (args.length < 2 || args.length > 4 || !args.every(isInt)) throw mismatch('Sheet.getRange', args);
    const [row, col, numRows = 1, numCols = 1] = (args as number[]).map(Math.floor);
    const box: Box = { row: row as number, col: col as number, numRows, numCols };
    this._check(box);
    return new Range(this.ctx, this, box);
  }
  private _check(box: Box): void {
    if (box.row < 1) throw new GasException(MSG.rowTooSmall);
    if (box.col < 1) throw new GasException(MSG.columnTooSmall);
    if (box.numRows < 1) throw new GasException(MSG.rowsAtLeastOne);
    if (box.numCols < 1) throw new GasException(MSG.columnsAtLeastOne);
    if (box.row + box.numRows - 1 > this._info.maxRows || box.col + box.numCols - 1 > this._info.maxCols) throw new GasException(MSG.outsideSheet);
  }
}

export class Range extends HostObject {
  readonly gasClass = 'Range';
  constructor(
    private readonly ctx: GasContext,
    private readonly sheet: Sheet,
    private readonly box: Box,
  ) {
    super();
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

  getValues(): unknown[][] {
    return this._read('values');
  }
  getValue(): unknown {
    return this._read('values')[0]?.[0];
  }
  getDisplayValues(): string[][] {
    return this._read('displayValues') as string[][];
  }
  getDisplayValue(): string {
    return String(this._read('displayValues')[0]?.[0] ?? '');
  }
  getFormulas(): string[][] {
    return this._read('formulas') as string[][];
  }
  getFormula(): string {
    return String(this._read('formulas')[0]?.[0] ?? '');
  }
  getNumberFormats(): string[][] {
    return this._read('numberFormats') as string[][];
  }
  getNumberFormat(): string {
    return String(this._read('numberFormats')[0]?.[0] ?? '');
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
  clearContent(): Range {
    return this._write('clearContent', { kind: 'clearContent' });
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
}
