/**
 * Does the source still have what the lake contract reads? Compares the source's columns
 * (information_schema) with SOURCE_SCHEMA before anything is read:
 * - a table or a column the contract uses that is missing fails, naming it;
 * - a used column whose type no longer reads as the contract's lake type fails, naming both types;
 * - a column the contract does not know is reported and left in the source (treatment `drop`, the
 *   default until the privacy policy gives it a line), whatever its type.
 * Pure apart from the one query, so the comparison is tested on its own.
 */
import type { TableName } from '../contract/lakeSchema';
import { lakeTypeOf, SOURCE_SCHEMA, type MySqlType, type SourceTable } from '../contract/privacyPolicy';
import { EXPORT_STRATEGIES } from '../contract/exportStrategies';
import { SourceError } from './sourceErrors';

/** One row of information_schema.columns. */
export interface SourceColumnInfo {
  table: string;
  column: string;
  /** DATA_TYPE, e.g. `bigint`. */
  dataType: string;
  /** COLUMN_TYPE, e.g. `tinyint(1)` or `bigint(20) unsigned`. */
  columnType: string;
}

export interface SchemaComparison {
  /** Columns the source has and the contract does not: not read, reported. */
  newColumns: Array<{ table: TableName; column: string; columnType: string }>;
}

/** The columns the export reads from a table: every column not dropped, and the merge cursor. */
export function columnsTheExportReads(table: TableName, spec: SourceTable = SOURCE_SCHEMA[table]): string[] {
  const used = Object.entries(spec.columns)
    .filter(([, column]) => column.treatment !== 'drop')
    .map(([name]) => name);
  const strategy = EXPORT_STRATEGIES[table];
  if (strategy.kind === 'merge' && !used.includes(strategy.cursor)) used.push(strategy.cursor);
  return used;
}

/** How a server type reads in the contract's vocabulary; undefined for a type the contract never uses. */
export function contractTypeOf(info: Pick<SourceColumnInfo, 'dataType' | 'columnType'>): MySqlType | undefined {
  const type = info.dataType.toLowerCase();
  // MySQL and MariaDB store BOOLEAN as tinyint(1).
  if (type === 'tinyint') return /^tinyint\(1\)/i.test(info.columnType) ? 'BOOLEAN' : 'TINYINT';
  if (type === 'bigint') return 'BIGINT';
  if (type === 'int' || type === 'mediumint') return 'INT';
  if (type === 'smallint') return 'SMALLINT';
  if (type === 'date') return 'DATE';
  if (type === 'datetime' || type === 'timestamp') return 'DATETIME';
  if (type === 'text' || type === 'mediumtext' || type === 'longtext' || type === 'tinytext') return 'TEXT';
  const sized = /^(var)?char\((\d+)\)/i.exec(info.columnType);
  if (sized) return sized[1] ? `VARCHAR(${Number(sized[2])})` : `CHAR(${Number(sized[2])})`;
  return undefined;
}

export function compareSourceSchema(columns: readonly SourceColumnInfo[], source: string): SchemaComparison {
  const byTable = new Map<string, Map<string, SourceColumnInfo>>();
  for (const info of columns) {
    const table = byTable.get(info.table) ?? new Map<string, SourceColumnInfo>();
    table.set(info.column, info);
    byTable.set(info.table, table);
  }
  const newColumns: SchemaComparison['newColumns'] = [];
  for (const table of Object.keys(SOURCE_SCHEMA) as TableName[]) {
    const present = byTable.get(table);
    if (!present) {
      throw new SourceError('missing_table', `The source database ${source} has no table ${table}: check that the schema is the expected one.`, {
        source,
        table,
      });
    }
    for (const column of columnsTheExportReads(table)) {
      const info = present.get(column);
      if (!info) {
        throw new SourceError(
          'missing_column',
          `Table ${table} in the source database ${source} has no column ${column}: check that the schema is the expected one.`,
          { source, table, column },
        );
      }
      const declared = SOURCE_SCHEMA[table].columns[column]!.type;
      const actual = contractTypeOf(info);
      if (actual === undefined) {
        throw new SourceError(
          'unknown_column_type',
          `Column ${table}.${column} in the source has the type ${info.columnType}, which the lake contract cannot read (it expects ${declared}).`,
          { source, table, column, detail: info.columnType },
        );
      }
      if (lakeTypeOf(actual) !== lakeTypeOf(declared)) {
        throw new SourceError(
          'wrong_column_type',
          `Column ${table}.${column} in the source is ${info.columnType}, but the lake contract expects ${declared}: update the privacy policy or the source.`,
          { source, table, column, detail: info.columnType },
        );
      }
    }
    for (const [column, info] of present) {
      if (!(column in SOURCE_SCHEMA[table].columns)) newColumns.push({ table, column, columnType: info.columnType });
    }
  }
  return { newColumns };
}

/** The query behind compareSourceSchema: the current database's columns, nothing else. */
export const SOURCE_COLUMNS_QUERY =
  'SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.columns WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION';
