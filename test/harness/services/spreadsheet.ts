/**
 * The in-memory workbook, in the main thread. Cells hold a value (string, number, boolean, Date or
 * '' for empty), an optional formula, an optional error (after recalculation) and a number format.
 * A formula's spilled neighbours remember their anchor so that rewriting or clearing it clears them.
 */
import { parseA1, type Box } from '../a1';
import { GasException, MSG } from '../messages';
import { DEFAULT_NUMBER_FORMAT, displayValue } from '../numberFormat';
import type { ReadKind, SheetInfo, SpreadsheetInfo, WriteOp } from '../protocol';

export type CellValue = string | number | boolean | Date;
export type ErrorCode = '#ERROR!' | '#REF!' | '#NAME?' | '#N/A' | '#VALUE!';

export interface Cell {
  value: CellValue;
  formula?: string;
  error?: { code: ErrorCode; message: string };
  spillOf?: string;
  numberFormat?: string;
}

export interface WorkbookSpec {
  /** Default 'Asia/Tokyo'. */
  timeZone?: string;
  /** Default 'ja_JP'. */
  locale?: string;
  /** Default 'Harness workbook'. */
  name?: string;
  /** Default 'harness-spreadsheet-id'. */
  id?: string;
  /** Rows of cells; a string starting with '=' is a formula; null is an empty cell. */
  sheets: Record<string, Array<Array<string | number | boolean | Date | null>>>;
}

const DEFAULT_ROWS = 1000;
const DEFAULT_COLS = 26;

export class SheetModel {
  private readonly cells = new Map<string, Cell>();
  constructor(
    public name: string,
    readonly id: number,
    public maxRows: number,
    public maxCols: number,
  ) {}

  static key(row: number, col: number): string {
    return `${row}:${col}`;
  }
  get(row: number, col: number): Cell | undefined {
    return this.cells.get(SheetModel.key(row, col));
  }
  ensure(row: number, col: number): Cell {
    const key = SheetModel.key(row, col);
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { value: '' };
      this.cells.set(key, cell);
    }
    return cell;
  }
  static hasContent(cell: Cell | undefined): boolean {
    return cell !== undefined && (cell.value !== '' || cell.formula !== undefined || cell.error !== undefined);
  }
  entries(): Array<[number, number, Cell]> {
    return [...this.cells.entries()].map(([key, cell]) => {
      const [r, c] = key.split(':').map(Number);
      return [r as number, c as number, cell];
    });
  }
  extent(): { lastRow: number; lastCol: number } {
    let lastRow = 0;
    let lastCol = 0;
    for (const [r, c, cell] of this.entries()) {
      if (!SheetModel.hasContent(cell)) continue;
      lastRow = Math.max(lastRow, r);
      lastCol = Math.max(lastCol, c);
    }
    return { lastRow, lastCol };
  }
  info(): SheetInfo {
    return { name: this.name, id: this.id, maxRows: this.maxRows, maxCols: this.maxCols };
  }

  /** Removes the values a formula at (row, col) spilled. */
  clearSpill(row: number, col: number): void {
    const anchor = SheetModel.key(row, col);
    for (const [, , cell] of this.entries()) {
      if (cell.spillOf === anchor) {
        cell.value = '';
        delete cell.spillOf;
      }
    }
  }

  /** Sets what a user (or the test) typed: a formula, or a value; clears errors and spills it owned. */
  setContent(row: number, col: number, content: { value: CellValue } | { formula: string }): void {
    const cell = this.ensure(row, col);
    if (cell.formula !== undefined) this.clearSpill(row, col);
    delete cell.error;
    delete cell.spillOf;
    if ('formula' in content) {
      cell.formula = content.formula;
      cell.value = '';
    } else {
      delete cell.formula;
      cell.value = content.value;
    }
  }
}

/** Test data and `setCell`: '=…' is a formula, null/undefined empty, everything else kept as is. */
export function literalContent(value: unknown): { value: CellValue } | { formula: string } {
  if (typeof value === 'string' && value.startsWith('=')) return { formula: value };
  if (value === null || value === undefined) return { value: '' };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return { value };
  return { value: String(value) };
}

/** What Range.setValue(s) stores: Sheets parses strings as if typed (numbers, TRUE/FALSE, '=' formulas, a leading apostrophe keeps text). */
export function typedContent(value: unknown): { value: CellValue } | { formula: string } {
  if (typeof value === 'string') {
    if (value.startsWith('=') && value.length > 1) return { formula: value };
    if (value.startsWith("'")) return { value: value.slice(1) };
    if (/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return { value: Number(value) };
    if (/^(true|false)$/i.test(value.trim())) return { value: value.trim().toLowerCase() === 'true' };
    return { value };
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { value: '#NUM!' };
  return literalContent(value);
}

export class Workbook {
  readonly sheets: SheetModel[] = [];
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly locale: string;
  activeSheet: string;
  private nextSheetId = 0;

  constructor(spec: WorkbookSpec | undefined) {
    this.id = spec?.id ?? 'harness-spreadsheet-id';
    this.name = spec?.name ?? 'Harness workbook';
    this.timeZone = spec?.timeZone ?? 'Asia/Tokyo';
    this.locale = spec?.locale ?? 'ja_JP';
    const sheets = spec?.sheets ?? { Sheet1: [] };
    for (const [name, rows] of Object.entries(sheets)) {
      const width = Math.max(0, ...rows.map((r) => r.length));
      const sheet = this.addSheet(name, Math.max(DEFAULT_ROWS, rows.length), Math.max(DEFAULT_COLS, width));
      rows.forEach((row, r) => row.forEach((value, c) => {
        if (value !== null && value !== '') sheet.setContent(r + 1, c + 1, literalContent(value));
      }));
    }
    if (this.sheets.length === 0) this.addSheet('Sheet1', DEFAULT_ROWS, DEFAULT_COLS);
    this.activeSheet = (this.sheets[0] as SheetModel).name;
  }

  private addSheet(name: string, rows: number, cols: number): SheetModel {
    const sheet = new SheetModel(name, this.nextSheetId === 0 ? 0 : 100_000 + this.nextSheetId * 7919, rows, cols);
    this.nextSheetId += 1;
    this.sheets.push(sheet);
    return sheet;
  }

  find(name: string): SheetModel | undefined {
    return this.sheets.find((s) => s.name === name);
  }

  sheet(name: string): SheetModel {
    const sheet = this.find(name);
    if (!sheet) throw new GasException(`Sheet not found: ${name}`);
    return sheet;
  }

  info(): SpreadsheetInfo {
    return { id: this.id, name: this.name, timeZone: this.timeZone, locale: this.locale, activeSheet: this.activeSheet, sheets: this.sheets.map((s) => s.info()) };
  }

  insertSheet(name: string | null): SheetInfo {
    let chosen = name;
    if (chosen === null) {
      let n = this.sheets.length + 1;
      while (this.find(`Sheet${n}`)) n += 1;
      chosen = `Sheet${n}`;
    }
    if (this.sheets.some((s) => s.name.toLowerCase() === (chosen as string).toLowerCase())) throw new GasException(MSG.sheetExists(chosen));
    const sheet = this.addSheet(chosen, DEFAULT_ROWS, DEFAULT_COLS);
    this.activeSheet = sheet.name;
    return sheet.info();
  }

  private cellValue(cell: Cell | undefined): CellValue {
    if (!cell) return '';
    return cell.error ? cell.error.code : cell.value;
  }

  read(sheetName: string, box: Box, kind: ReadKind): unknown[][] {
    const sheet = this.sheet(sheetName);
    const out: unknown[][] = [];
    for (let r = 0; r < box.numRows; r += 1) {
      const row: unknown[] = [];
      for (let c = 0; c < box.numCols; c += 1) {
        const cell = sheet.get(box.row + r, box.col + c);
        if (kind === 'values') row.push(this.cellValue(cell));
        else if (kind === 'formulas') row.push(cell?.formula ?? '');
        else if (kind === 'numberFormats') row.push(cell?.numberFormat ?? DEFAULT_NUMBER_FORMAT);
        else row.push(cell?.error ? cell.error.code : displayValue(cell?.value ?? '', cell?.numberFormat, this.timeZone));
      }
      out.push(row);
    }
    return out;
  }

  write(sheetName: string, box: Box, op: WriteOp): void {
    const sheet = this.sheet(sheetName);
    if (box.row + box.numRows - 1 > sheet.maxRows || box.col + box.numCols - 1 > sheet.maxCols) throw new GasException(MSG.outsideSheet);
    for (let r = 0; r < box.numRows; r += 1) {
      for (let c = 0; c < box.numCols; c += 1) {
        const row = box.row + r;
        const col = box.col + c;
        if (op.kind === 'clearContent') sheet.setContent(row, col, { value: '' });
        else if (op.kind === 'numberFormats') sheet.ensure(row, col).numberFormat = op.data[r]?.[c] ?? DEFAULT_NUMBER_FORMAT;
        else if (op.kind === 'formulas') {
          const f = op.data[r]?.[c] ?? '';
          sheet.setContent(row, col, f === '' ? { value: '' } : f.startsWith('=') ? { formula: f } : typedContent(f));
        } else sheet.setContent(row, col, typedContent(op.data[r]?.[c]));
      }
    }
  }

  // ---- test API ----

  /** Values from A1 to the last cell with content (errors as their code, e.g. '#REF!'). */
  values(sheetName: string): unknown[][] {
    const { lastRow, lastCol } = this.sheet(sheetName).extent();
    if (lastRow === 0) return [];
    return this.read(sheetName, { row: 1, col: 1, numRows: lastRow, numCols: lastCol }, 'values');
  }

  formulas(sheetName: string): string[][] {
    const { lastRow, lastCol } = this.sheet(sheetName).extent();
    if (lastRow === 0) return [];
    return this.read(sheetName, { row: 1, col: 1, numRows: lastRow, numCols: lastCol }, 'formulas') as string[][];
  }

  displayValues(sheetName: string): string[][] {
    const { lastRow, lastCol } = this.sheet(sheetName).extent();
    if (lastRow === 0) return [];
    return this.read(sheetName, { row: 1, col: 1, numRows: lastRow, numCols: lastCol }, 'displayValues') as string[][];
  }

  /** One cell in full: value, formula, error, number format. */
  cell(sheetName: string, a1: string): Cell {
    const { row, col } = this.at(a1);
    const cell = this.sheet(sheetName).get(row, col);
    return cell ? { ...cell } : { value: '' };
  }

  setCell(sheetName: string, a1: string, value: unknown): void {
    const { row, col } = this.at(a1);
    const sheet = this.sheet(sheetName);
    if (row > sheet.maxRows || col > sheet.maxCols) throw new Error(`${a1} is outside ${sheetName}`);
    sheet.setContent(row, col, literalContent(value));
  }

  private at(a1: string): { row: number; col: number } {
    const parsed = parseA1(a1);
    if (!parsed || parsed.r1 === undefined || parsed.c1 === undefined) throw new Error(`Not a cell: ${a1}`);
    return { row: parsed.r1, col: parsed.c1 };
  }
}
