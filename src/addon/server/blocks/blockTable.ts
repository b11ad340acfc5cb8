/**
 * Turns a query result into the values and number formats of a block, checks where it may be
 * written, and writes it. Writing is all or nothing: the caller checks `fitFor` first.
 */
import type { Column, Lang, QueryResult, Unit } from '../../../contract/types';
import { cellText } from '../../../contract/columnText';
import type { RangeLike, SheetCell, SheetLike } from './sheetTypes';

export interface BlockTable {
  values: SheetCell[][];
  formats: string[][];
  /**
   * Cell notes on the first column, by row of `values` (see footnotes.ts): on a body row, what concerns
   * that row (the partial period); on the header (row 0), what concerns the whole table (hidden groups).
   */
  notes: Array<{ row: number; note: string }>;
}

export interface Extent {
  rows: number;
  columns: number;
}

/** Sheets number formats: yen without decimals, ratios as percentages, periods as dates. */
const UNIT_FORMAT: Record<Unit, string> = { JPY: '[$¥]#,##0', count: '#,##0', ratio: '0.0%', score: '0.00' };

/** A change shows its sign, and a zero none; the change of a ratio is a difference in points (+0.6%pt). */
const signed = (format: string): string => `+${format};-${format};${format}`;

function columnFormat(column: Column): string {
  if (column.type === 'date') return 'yyyy-mm-dd';
  const unitFormat = UNIT_FORMAT[column.unit ?? 'count'];
  if (column.role === 'change') return signed(column.unit === 'ratio' ? '0.0%"pt"' : unitFormat);
  if (column.role === 'changeRatio') return signed('0.0%');
  // Every other measure (a query's value and comparison; a forecast's actual, forecast and bounds) in its unit; an integer dimension plain.
  if (column.type === 'number' && column.role !== 'dimension') return unitFormat;
  return column.type === 'number' ? '0' : '@';
}

/** `headerOf` names each column (a query's value header carries its unit: columnText.ts); dimension values show as their labels. */
export function tableOf(
  result: Pick<QueryResult, 'columns' | 'rows'>,
  lang: Lang,
  dateOfDay: (day: string) => Date,
  headerOf: (column: Column, lang: Lang) => string = (column) => column.title[lang],
): BlockTable {
  const header = result.columns.map((column) => headerOf(column, lang));
  const rows = result.rows.map((row) =>
    row.map((cell, i): SheetCell => {
      if (cell === null) return '';
      return result.columns[i]?.type === 'date' && typeof cell === 'string' ? dateOfDay(cell) : cellText(cell, result.columns[i], lang);
    }),
  );
  const bodyFormats = result.columns.map(columnFormat);
  return {
    values: [header, ...rows],
    formats: [header.map(() => '@'), ...rows.map(() => bodyFormats)],
    notes: [],
  };
}

/** The table with `note` on the first column of the body row that `isNoted` picks (none when no row does). */
export function withNote(table: BlockTable, note: string | undefined, isNoted: (row: SheetCell[]) => boolean): BlockTable {
  const row = note === undefined ? -1 : table.values.findIndex((cells, index) => index > 0 && isNoted(cells));
  return row > 0 ? { ...table, notes: [...table.notes, { row, note: note! }] } : table;
}

/** The table with `note` on its header cell: about the whole table, and there even when no row is left. */
export function withTableNote(table: BlockTable, note: string | undefined): BlockTable {
  return note === undefined ? table : { ...table, notes: [...table.notes, { row: 0, note }] };
}

export function extentOf(table: BlockTable): Extent {
  return { rows: table.values.length, columns: table.values[0]?.length ?? 0 };
}

const isEmpty = (value: unknown, formula: string | undefined): boolean => (value === '' || value === null || value === undefined) && !formula;

/**
 * Whether `next` can be written at (row, column) over a block that occupies `previous`: every
 * cell it adds must be empty. Returns how many cells are in the way.
 */
export function cellsInTheWay(sheet: SheetLike, row: number, column: number, previous: Extent, next: Extent): number {
  const rows = Math.min(next.rows, Math.max(0, sheet.getMaxRows() - row + 1));
  const columns = Math.min(next.columns, Math.max(0, sheet.getMaxColumns() - column + 1));
  if (rows === 0 || columns === 0) return 0;
  const range = sheet.getRange(row, column, rows, columns);
  const values = range.getValues();
  const formulas = range.getFormulas();
  let blocked = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const ours = r < previous.rows && c < previous.columns;
      if (!ours && !isEmpty(values[r]?.[c], formulas[r]?.[c])) blocked++;
    }
  }
  return blocked;
}

/** Writes the table, clearing what the block held beyond its new extent. */
export function writeTable(sheet: SheetLike, row: number, column: number, previous: Extent, table: BlockTable): void {
  const next = extentOf(table);
  // A block may grow past the sheet's edge: new rows and columns are empty by definition.
  const missingRows = row + next.rows - 1 - sheet.getMaxRows();
  if (missingRows > 0) sheet.insertRowsAfter(sheet.getMaxRows(), missingRows);
  const missingColumns = column + next.columns - 1 - sheet.getMaxColumns();
  if (missingColumns > 0) sheet.insertColumnsAfter(sheet.getMaxColumns(), missingColumns);
  const clear = (range: RangeLike) => range.clearContent().clearFormat();
  if (previous.rows > next.rows && previous.columns > 0) clear(sheet.getRange(row + next.rows, column, previous.rows - next.rows, previous.columns));
  if (previous.columns > next.columns && previous.rows > 0) {
    clear(sheet.getRange(row, column + next.columns, Math.min(previous.rows, next.rows), previous.columns - next.columns));
  }
  sheet.getRange(row, column, next.rows, next.columns).setValues(table.values).setNumberFormats(table.formats);
  // The first column's notes are the table's, so a write replaces them all: a note that no longer
  // applies goes, and so does a failed refresh's note on the header cell (blockService).
  sheet.getRange(row, column, Math.max(previous.rows, next.rows), 1).clearNote();
  for (const { row: at, note } of table.notes) sheet.getRange(row + at, column).setNote(note);
  sheet.getRange(row, column, 1, next.columns).setFontWeight('bold');
}
