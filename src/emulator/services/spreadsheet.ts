/**
 * The in-memory workbook, in the main thread. Cells hold a value (string, number, boolean, Date or
 * '' for empty), an optional formula, an optional error (after recalculation), a note and formats
 * (number format, font weight, background). A formula's spilled neighbours remember their anchor so
 * that rewriting or clearing it clears them. The workbook also keeps developer metadata (on the
 * spreadsheet, a sheet, one row or one column), embedded charts (charts.ts), frozen rows/columns and
 * each sheet's selection. Inserting or deleting rows/columns moves cells, metadata, charts and
 * formulas' references as Sheets does.
 */
import { boxA1, cellA1, columnLetters, parseA1, sheetPrefix, toBox, type Box } from '../a1';
import { METADATA_MAX_VALUE_LENGTH } from '../limits';
import { GasException, MSG } from '../messages';
import { DEFAULT_NUMBER_FORMAT, displayValue } from '../numberFormat';
import type {
  ChartInfo,
  ChartSpec,
  DimensionOp,
  MetadataInfo,
  MetadataLocationType,
  MetadataPatch,
  MetadataQuery,
  MetadataTarget,
  MetadataVisibility,
  ReadKind,
  Selection,
  SheetInfo,
  SpreadsheetInfo,
  WriteOp,
} from '../protocol';
import { adjustFormula } from '../refs';
import { ChartStore, type ChartEntry } from './charts';

export type CellValue = string | number | boolean | Date;
export type ErrorCode = '#ERROR!' | '#REF!' | '#NAME?' | '#N/A' | '#VALUE!';

export interface Cell {
  value: CellValue;
  formula?: string;
  error?: { code: ErrorCode; message: string };
  spillOf?: string;
  numberFormat?: string;
  note?: string;
  fontWeight?: string;
  background?: string;
}

export const DEFAULT_FONT_WEIGHT = 'normal';
export const DEFAULT_BACKGROUND = '#ffffff';

/** One developer metadata as the test sees it (`env.workbook.metadata()`). */
export interface MetadataEntry {
  id: number;
  key: string;
  value: string | null;
  visibility: MetadataVisibility;
  locationType: MetadataLocationType;
  /** The sheet's name (null for SPREADSHEET). */
  sheet: string | null;
  /** ROW: the row number; COLUMN: the column number (1-based); else null. */
  index: number | null;
  /** 'Sheet1!3:3', 'Sheet1!C:C', 'Sheet1' or '' (spreadsheet). */
  a1: string;
}

interface MetadataRecord {
  id: number;
  key: string;
  value: string | null;
  visibility: MetadataVisibility;
  type: MetadataLocationType;
  sheetId: number | null;
  index: number | null;
}

const FORMAT_FIELDS = ['numberFormat', 'fontWeight', 'background'] as const;

export interface WorkbookSpec {
  /** Default 'Asia/Tokyo'. */
  timeZone?: string;
  /** Default 'ja_JP'. */
  locale?: string;
  /** Default 'Emulator workbook'. */
  name?: string;
  /** Default 'emulator-spreadsheet-id'. */
  id?: string;
  /** Rows of cells; a string starting with '=' is a formula; null is an empty cell. */
  sheets: Record<string, Array<Array<string | number | boolean | Date | null>>>;
}

const DEFAULT_ROWS = 1000;
const DEFAULT_COLS = 26;

export class SheetModel {
  private cells = new Map<string, Cell>();
  frozenRows = 0;
  frozenCols = 0;
  /** The selection Sheets remembers for this sheet (A1 until something is selected). */
  selection: { box: Box; current: { row: number; col: number } } = { box: { row: 1, col: 1, numRows: 1, numCols: 1 }, current: { row: 1, col: 1 } };
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
    return { name: this.name, id: this.id, maxRows: this.maxRows, maxCols: this.maxCols, frozenRows: this.frozenRows, frozenCols: this.frozenCols };
  }

  /**
   * Inserts `count` rows/columns before index `at`, moving later cells (and spill anchors). The new
   * ones take the formats (not values or notes) of the row/column before them, or after them when
   * inserted at the top/left (Sheets' "inherit" rule; which neighbour Apps Script uses is unverified).
   */
  insert(dimension: 'ROWS' | 'COLUMNS', at: number, count: number): void {
    const rows = dimension === 'ROWS';
    const move = (r: number, c: number): [number, number] => (rows ? [r >= at ? r + count : r, c] : [r, c >= at ? c + count : c]);
    this.remap(move);
    const source = at > 1 ? at - 1 : at + count;
    for (const [r, c, cell] of this.entries()) {
      if ((rows ? r : c) !== source || !FORMAT_FIELDS.some((f) => cell[f] !== undefined)) continue;
      for (let i = 0; i < count; i += 1) {
        const target = rows ? this.ensure(at + i, c) : this.ensure(r, at + i);
        for (const f of FORMAT_FIELDS) if (cell[f] !== undefined) target[f] = cell[f];
      }
    }
    if (rows) this.maxRows += count;
    else this.maxCols += count;
    const frozen = rows ? this.frozenRows : this.frozenCols;
    if (at <= frozen) {
      if (rows) this.frozenRows += count;
      else this.frozenCols += count;
    }
  }

  /** Deletes `count` rows/columns from index `at`; later cells move back; spills whose formula went are cleared. */
  delete(dimension: 'ROWS' | 'COLUMNS', at: number, count: number): void {
    const rows = dimension === 'ROWS';
    const last = at + count - 1;
    const gone = (i: number) => i >= at && i <= last;
    const move = (r: number, c: number): [number, number] | null => {
      const i = rows ? r : c;
      if (gone(i)) return null;
      const j = i > last ? i - count : i;
      return rows ? [j, c] : [r, j];
    };
    this.remap(move);
    if (rows) this.maxRows -= count;
    else this.maxCols -= count;
    const frozen = rows ? this.frozenRows : this.frozenCols;
    const lostFrozen = Math.max(0, Math.min(frozen, last) - at + 1);
    if (rows) this.frozenRows -= lostFrozen;
    else this.frozenCols -= lostFrozen;
    const { box } = this.selection;
    if (box.row + box.numRows - 1 > this.maxRows || box.col + box.numCols - 1 > this.maxCols) {
      this.selection = { box: { row: 1, col: 1, numRows: 1, numCols: 1 }, current: { row: 1, col: 1 } };
    }
  }

  /** Moves every cell (null drops it) and re-points spilled cells at their anchor's new place. */
  private remap(move: (r: number, c: number) => [number, number] | null): void {
    const next = new Map<string, Cell>();
    for (const [key, cell] of this.cells) {
      const [r, c] = key.split(':').map(Number) as [number, number];
      const to = move(r, c);
      if (!to) continue;
      if (cell.spillOf !== undefined) {
        const [ar, ac] = cell.spillOf.split(':').map(Number) as [number, number];
        const anchor = move(ar, ac);
        if (anchor) cell.spillOf = SheetModel.key(anchor[0], anchor[1]);
        else {
          delete cell.spillOf;
          cell.value = '';
        }
      }
      next.set(SheetModel.key(to[0], to[1]), cell);
    }
    this.cells = next;
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
  // A Date from a worker (structured clone) belongs to Node's realm, not jest's: rebuild it here.
  if (Object.prototype.toString.call(value) === '[object Date]') return { value: new Date(Date.prototype.getTime.call(value)) };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { value };
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
  private readonly metadataRecords: MetadataRecord[] = [];
  private nextMetadataId = 0;
  private readonly chartStore = new ChartStore({ byName: (name) => this.sheet(name), byId: (id) => this.byId(id) });

  constructor(spec: WorkbookSpec | undefined) {
    this.id = spec?.id ?? 'emulator-spreadsheet-id';
    this.name = spec?.name ?? 'Emulator workbook';
    this.timeZone = spec?.timeZone ?? 'Asia/Tokyo';
    this.locale = spec?.locale ?? 'ja_JP';
    const sheets = spec?.sheets ?? { Sheet1: [] };
    for (const [name, rows] of Object.entries(sheets)) {
      const width = Math.max(0, ...rows.map((r) => r.length));
      const sheet = this.addSheet(name, Math.max(DEFAULT_ROWS, rows.length), Math.max(DEFAULT_COLS, width));
      rows.forEach((row, r) =>
        row.forEach((value, c) => {
          if (value !== null && value !== '') sheet.setContent(r + 1, c + 1, literalContent(value));
        }),
      );
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

  private byId(id: number | null): SheetModel | undefined {
    return this.sheets.find((s) => s.id === id);
  }

  sheet(name: string): SheetModel {
    const sheet = this.find(name);
    if (!sheet) throw new GasException(`Sheet not found: ${name}`);
    return sheet;
  }

  info(): SpreadsheetInfo {
    return {
      id: this.id,
      name: this.name,
      timeZone: this.timeZone,
      locale: this.locale,
      activeSheet: this.activeSheet,
      sheets: this.sheets.map((s) => s.info()),
    };
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
        else if (kind === 'notes') row.push(cell?.note ?? '');
        else if (kind === 'fontWeights') row.push(cell?.fontWeight ?? DEFAULT_FONT_WEIGHT);
        else if (kind === 'backgrounds') row.push(cell?.background ?? DEFAULT_BACKGROUND);
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
        else if (op.kind === 'clear') {
          if (op.contents) sheet.setContent(row, col, { value: '' });
          const cell = sheet.get(row, col);
          if (cell && op.formats) for (const f of FORMAT_FIELDS) delete cell[f];
          if (cell && op.notes) delete cell.note;
        } else if (op.kind === 'numberFormats') sheet.ensure(row, col).numberFormat = op.data[r]?.[c] ?? DEFAULT_NUMBER_FORMAT;
        else if (op.kind === 'notes' || op.kind === 'fontWeights' || op.kind === 'backgrounds') {
          const field = op.kind === 'notes' ? 'note' : op.kind === 'fontWeights' ? 'fontWeight' : 'background';
          const v = op.data[r]?.[c] ?? '';
          if (v === '') delete sheet.get(row, col)?.[field];
          else sheet.ensure(row, col)[field] = v;
        } else if (op.kind === 'formulas') {
          const f = op.data[r]?.[c] ?? '';
          sheet.setContent(row, col, f === '' ? { value: '' } : f.startsWith('=') ? { formula: f } : typedContent(f));
        } else sheet.setContent(row, col, typedContent(op.data[r]?.[c]));
      }
    }
  }

  // ---- rows and columns ----

  /** Sheet.insertRows…/deleteRows…/insertColumns…/deleteColumns…: cells, metadata, references, frozen panes. */
  dimension(sheetName: string, op: DimensionOp): SheetInfo {
    const sheet = this.sheet(sheetName);
    const rows = op.dimension === 'ROWS';
    const max = rows ? sheet.maxRows : sheet.maxCols;
    const what = rows ? 'rows' : 'columns';
    if (!Number.isInteger(op.count) || op.count < 1) throw new GasException(MSG.dimensionCount(what));
    if (op.kind === 'insert') {
      if (!Number.isInteger(op.at) || op.at < 1 || op.at > max + 1) throw new GasException(MSG.dimensionOutOfBounds(what));
      sheet.insert(op.dimension, op.at, op.count);
    } else {
      const last = op.at + op.count - 1;
      if (!Number.isInteger(op.at) || op.at < 1 || last > max) throw new GasException(MSG.dimensionOutOfBounds(what));
      const frozen = rows ? sheet.frozenRows : sheet.frozenCols;
      if (op.at <= frozen + 1 && last >= max) throw new GasException(MSG.deleteAllNonFrozen(what));
      sheet.delete(op.dimension, op.at, op.count);
    }
    const type: MetadataLocationType = rows ? 'ROW' : 'COLUMN';
    for (let i = this.metadataRecords.length - 1; i >= 0; i -= 1) {
      const m = this.metadataRecords[i] as MetadataRecord;
      if (m.type !== type || m.sheetId !== sheet.id || m.index === null) continue;
      if (op.kind === 'insert') {
        if (m.index >= op.at) m.index += op.count;
      } else if (m.index >= op.at && m.index < op.at + op.count) this.metadataRecords.splice(i, 1);
      else if (m.index >= op.at + op.count) m.index -= op.count;
    }
    const edit = { sheet: sheet.name, dimension: op.dimension, kind: op.kind, at: op.at, count: op.count };
    for (const s of this.sheets) {
      for (const [, , cell] of s.entries()) {
        if (cell.formula !== undefined) cell.formula = adjustFormula(cell.formula, s.name, edit);
      }
    }
    this.chartStore.adjust(sheet, edit);
    return sheet.info();
  }

  freeze(sheetName: string, dimension: 'ROWS' | 'COLUMNS', count: number): void {
    const sheet = this.sheet(sheetName);
    const max = dimension === 'ROWS' ? sheet.maxRows : sheet.maxCols;
    if (!Number.isInteger(count) || count < 0 || count >= max) throw new GasException(MSG.invalidArgument(dimension === 'ROWS' ? 'rows' : 'columns'));
    if (dimension === 'ROWS') sheet.frozenRows = count;
    else sheet.frozenCols = count;
  }

  // ---- selection ----

  selection(): Selection {
    const sheet = this.sheet(this.activeSheet);
    return { sheet: sheet.name, box: { ...sheet.selection.box }, current: { ...sheet.selection.current } };
  }

  select(sheetName: string, box: Box | null, current: { row: number; col: number } | null): void {
    const sheet = this.sheet(sheetName);
    this.activeSheet = sheet.name;
    if (!box) return;
    if (box.row + box.numRows - 1 > sheet.maxRows || box.col + box.numCols - 1 > sheet.maxCols) throw new GasException(MSG.outsideSheet);
    sheet.selection = { box: { ...box }, current: current ? { ...current } : { row: box.row, col: box.col } };
  }

  // ---- developer metadata ----

  private metadataInfo(m: MetadataRecord): MetadataInfo {
    return { id: m.id, key: m.key, value: m.value, visibility: m.visibility, locationType: m.type, sheet: this.byId(m.sheetId)?.name ?? null, index: m.index };
  }

  /** Resolves where metadata may go; a RANGE must be one entire row or one entire column. */
  private location(target: MetadataTarget): Pick<MetadataRecord, 'type' | 'sheetId' | 'index'> {
    if (target.type === 'SPREADSHEET') return { type: 'SPREADSHEET', sheetId: null, index: null };
    const sheet = this.sheet(target.sheet);
    if (target.type === 'SHEET') return { type: 'SHEET', sheetId: sheet.id, index: null };
    const { box } = target;
    const wholeRow = box.numRows === 1 && box.col === 1 && box.numCols === sheet.maxCols;
    const wholeColumn = box.numCols === 1 && box.row === 1 && box.numRows === sheet.maxRows;
    if (target.type === 'ROW' ? box.numRows === 1 : target.type === 'RANGE' && wholeRow) return { type: 'ROW', sheetId: sheet.id, index: box.row };
    if (target.type === 'COLUMN' ? box.numCols === 1 : target.type === 'RANGE' && wholeColumn) return { type: 'COLUMN', sheetId: sheet.id, index: box.col };
    throw new GasException(MSG.metadataArbitraryRange);
  }

  private checkMetadata(key: string, value: string | null): void {
    if (key === '') throw new GasException(MSG.metadataKeyRequired);
    if (value !== null && value.length > METADATA_MAX_VALUE_LENGTH) throw new GasException(MSG.metadataValueTooLong(value.length));
  }

  metadataAdd(target: MetadataTarget, key: string, value: string | null, visibility: MetadataVisibility): MetadataInfo {
    this.checkMetadata(key, value);
    const record: MetadataRecord = { id: this.newMetadataId(), key, value, visibility, ...this.location(target) };
    this.metadataRecords.push(record);
    return this.metadataInfo(record);
  }

  /** Unique positive ids that do not look like positions (the Sheets API's are arbitrary int32s). */
  private newMetadataId(): number {
    this.nextMetadataId += 1;
    return 1_000_000 + ((this.nextMetadataId * 7_919) % 1_000_003);
  }

  private record(id: number): MetadataRecord {
    const m = this.metadataRecords.find((r) => r.id === id);
    if (!m) throw new GasException(MSG.metadataNotFound);
    return m;
  }

  metadataGet(id: number): MetadataInfo {
    return this.metadataInfo(this.record(id));
  }

  metadataUpdate(id: number, patch: MetadataPatch): MetadataInfo {
    const m = this.record(id);
    const key = patch.key ?? m.key;
    const value = patch.value === undefined ? m.value : patch.value;
    this.checkMetadata(key, value);
    const location = patch.location ? this.location(patch.location) : undefined;
    m.key = key;
    m.value = value;
    if (patch.visibility) m.visibility = patch.visibility;
    if (location) Object.assign(m, location);
    return this.metadataInfo(m);
  }

  metadataRemove(id: number): void {
    const i = this.metadataRecords.findIndex((r) => r.id === id);
    if (i >= 0) this.metadataRecords.splice(i, 1);
  }

  /**
   * DeveloperMetadataFinder.find(): a spreadsheet finder sees everything, a sheet finder the sheet's
   * own metadata and its rows' and columns', a range finder the rows/columns wholly inside the range
   * (or, with onIntersectingLocations, crossing it); 'exact' is getDeveloperMetadata().
   */
  metadataFind(q: MetadataQuery): MetadataInfo[] {
    const scope = q.scope;
    let inScope: (m: MetadataRecord) => boolean;
    if (scope.kind === 'spreadsheet') inScope = () => true;
    else if (scope.kind === 'sheet') {
      const id = this.sheet(scope.sheet).id;
      inScope = (m) => m.sheetId === id;
    } else if (scope.kind === 'range') {
      const sheet = this.sheet(scope.sheet);
      const { box, intersecting } = scope;
      const allCols = box.col === 1 && box.numCols === sheet.maxCols;
      const allRows = box.row === 1 && box.numRows === sheet.maxRows;
      inScope = (m) => {
        if (m.sheetId !== sheet.id || m.index === null) return false;
        if (m.type === 'ROW') return m.index >= box.row && m.index < box.row + box.numRows && (intersecting || allCols);
        if (m.type === 'COLUMN') return m.index >= box.col && m.index < box.col + box.numCols && (intersecting || allRows);
        return false;
      };
    } else {
      let at: Pick<MetadataRecord, 'type' | 'sheetId' | 'index'> | null;
      try {
        at = this.location(scope.target);
      } catch {
        at = null;
      }
      inScope = (m) => at !== null && m.type === at.type && m.sheetId === at.sheetId && m.index === at.index;
    }
    return this.metadataRecords
      .filter(
        (m) =>
          inScope(m) &&
          (q.id === undefined || m.id === q.id) &&
          (q.key === undefined || m.key === q.key) &&
          (q.value === undefined || m.value === q.value) &&
          (q.locationType === undefined || m.type === q.locationType) &&
          (q.visibility === undefined || m.visibility === q.visibility),
      )
      .map((m) => this.metadataInfo(m));
  }

  // ---- charts ----

  chartList(sheetName: string): ChartInfo[] {
    return this.chartStore.list(sheetName);
  }

  chartInsert(sheetName: string, spec: ChartSpec): ChartInfo {
    return this.chartStore.insert(sheetName, spec);
  }

  chartUpdate(sheetName: string, chartId: number, spec: ChartSpec): ChartInfo {
    return this.chartStore.update(sheetName, chartId, spec);
  }

  chartRemove(sheetName: string, chartId: number): void {
    this.chartStore.remove(sheetName, chartId);
  }

  // ---- test API ----

  /** A sheet's charts in insertion order: type, A1 ranges, options, headers, anchor. */
  charts(sheetName: string): ChartEntry[] {
    return this.chartStore.entries(sheetName);
  }

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

  /** A1 to the last row/column with content or with `field` set (so a grid shows every note or format). */
  private grid(sheetName: string, field: 'note' | 'numberFormat', kind: ReadKind): string[][] {
    const sheet = this.sheet(sheetName);
    let { lastRow, lastCol } = sheet.extent();
    for (const [r, c, cell] of sheet.entries()) {
      if (cell[field] === undefined) continue;
      lastRow = Math.max(lastRow, r);
      lastCol = Math.max(lastCol, c);
    }
    if (lastRow === 0) return [];
    return this.read(sheetName, { row: 1, col: 1, numRows: lastRow, numCols: lastCol }, kind) as string[][];
  }

  /** Notes from A1 ('' where there is none), like Range.getNotes() over the used area. */
  notes(sheetName: string): string[][] {
    return this.grid(sheetName, 'note', 'notes');
  }

  /** Number formats from A1, like Range.getNumberFormats() over the used area (unformatted: '0.###############'). */
  numberFormats(sheetName: string): string[][] {
    return this.grid(sheetName, 'numberFormat', 'numberFormats');
  }

  /** Every developer metadata, in creation order. */
  metadata(): MetadataEntry[] {
    return this.metadataRecords.map((m) => {
      const info = this.metadataInfo(m);
      const sheet = info.sheet;
      const quoted = sheet === null ? '' : sheetPrefix(sheet);
      const a1 =
        m.type === 'ROW'
          ? `${quoted}!${m.index}:${m.index}`
          : m.type === 'COLUMN'
            ? `${quoted}!${columnLetters(m.index ?? 0)}:${columnLetters(m.index ?? 0)}`
            : quoted;
      return { ...info, a1 };
    });
  }

  /** The person at the keyboard selects a range (and so activates its sheet). */
  selectA1(sheetName: string, a1: string): void {
    const sheet = this.sheet(sheetName);
    const parsed = parseA1(a1);
    if (!parsed) throw new Error(`Not a range: ${a1}`);
    this.select(sheetName, toBox(parsed, sheet.maxRows, sheet.maxCols), null);
  }

  /** The active sheet, selected range and current cell, in A1. */
  activeRange(): { sheet: string; a1: string; currentCell: string } {
    const sel = this.selection();
    return { sheet: sel.sheet, a1: boxA1(sel.box), currentCell: cellA1(sel.current.row, sel.current.col) };
  }
}
