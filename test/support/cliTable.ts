/** Reads a `--format json` table of the `snaq` CLI (src/cli/format.ts `CliTable`) and checks its shape on the way. */
import type { ColumnRole, ColumnType } from '../../src/contract/types';

export interface ParsedColumn {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  title?: { ja: string; en: string };
  unit?: string;
}

export interface ParsedTable {
  columns: ParsedColumn[];
  rows: unknown[][];
  meta?: any;
}

// Keyed by the contract's unions, so a type or role added there fails to compile here until listed.
const TYPES = Object.keys({ date: 1, number: 1, string: 1, boolean: 1 } satisfies Record<ColumnType, 1>);
const ROLES = Object.keys({
  period: 1,
  dimension: 1,
  value: 1,
  comparison: 1,
  change: 1,
  changeRatio: 1,
  actual: 1,
  forecast: 1,
  lower: 1,
  upper: 1,
} satisfies Record<ColumnRole, 1>);

function cellFits(cell: unknown, type: ColumnType): boolean {
  if (cell === null) return true;
  switch (type) {
    case 'number':
      return typeof cell === 'number' && Number.isFinite(cell);
    case 'boolean':
      return typeof cell === 'boolean';
    case 'date':
      return typeof cell === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(cell);
    case 'string':
      return typeof cell === 'string';
  }
}

/**
 * The parsed table, after checking: only `columns`, `rows` and `meta`; unique column names with a
 * known type and role; every row as long as the columns, each cell null or of its column's type.
 */
export function checkedTable(stdout: string): ParsedTable {
  const table = JSON.parse(stdout) as ParsedTable;
  expect(Object.keys(table).filter((key) => key !== 'meta')).toEqual(['columns', 'rows']);
  const names = table.columns.map((column) => column.name);
  expect(new Set(names).size).toBe(names.length);
  for (const column of table.columns) {
    expect(typeof column.name).toBe('string');
    expect(TYPES).toContain(column.type);
    expect(ROLES).toContain(column.role);
  }
  for (const row of table.rows) {
    expect(row).toHaveLength(table.columns.length);
    const misfits = row.flatMap((cell, i) => (cellFits(cell, table.columns[i]!.type) ? [] : [`${table.columns[i]!.name}: ${JSON.stringify(cell)}`]));
    expect(misfits).toEqual([]);
  }
  return table;
}

/** The rows as objects keyed by column name. */
export function recordsOf(table: Pick<ParsedTable, 'columns' | 'rows'>): Array<Record<string, any>> {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((column, i) => [column.name, row[i]])));
}

/** [name, role] of each column. */
export const rolesOf = (table: Pick<ParsedTable, 'columns'>): Array<[string, ColumnRole]> => table.columns.map((column) => [column.name, column.role]);
