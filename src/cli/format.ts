/** Renders query results for a terminal (table), a spreadsheet (csv) or a program (json). */
import Table from 'cli-table3';
import type { Cell, Column, ColumnRole, ColumnType, Lang, LocalizedText, QueryResult, Unit } from '../contract/types';
import { addDays, jstMinute } from '../contract/dates';
import { suppressionText } from '../contract/suppressionText';
import { cellText, columnHeader } from '../contract/columnText';

export type OutputFormat = 'table' | 'csv' | 'json';

/** A column of a CLI JSON table: the wire's Column, whose title the CLI's own tables may leave out. */
export interface CliColumn {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  title?: LocalizedText;
  unit?: Unit;
}

/**
 * The one shape of every tabular command's `--format json`: typed columns with roles, rows of cells
 * in column order (as `POST /v1/query` answers), and what the command knows besides under `meta`.
 */
export interface CliTable {
  columns: CliColumn[];
  rows: Cell[][];
  meta?: object;
}

/** A column and how an item fills its cell. */
export interface Field<T> extends CliColumn {
  cell: (item: T) => Cell;
}

/** One row per item, one cell per field. */
export function tableOf<T>(fields: readonly Field<T>[], items: readonly T[], meta?: object): CliTable {
  return {
    columns: fields.map(({ cell: _cell, ...column }) => column),
    rows: items.map((item) => fields.map((field) => field.cell(item))),
    ...(meta ? { meta } : {}),
  };
}

/** A table as `--format json` prints it: `columns`, `rows`, then `meta`, and nothing else. */
export function jsonTable(table: CliTable): string {
  return JSON.stringify({ columns: table.columns, rows: table.rows, ...(table.meta ? { meta: table.meta } : {}) }, null, 2);
}

export function langFromEnv(env: NodeJS.ProcessEnv = process.env): Lang {
  return /^ja/i.test(env.SNAQ_LANG || env.LC_ALL || env.LANG || '') ? 'ja' : 'en';
}

/** A compact table: one line per row, no separators between rows. */
export function newTable(head: string[], colAligns?: Array<'left' | 'right'>): Table.Table {
  return new Table({
    head,
    ...(colAligns ? { colAligns } : {}),
    style: { head: [], border: [], compact: true },
  });
}

function humanNumber(value: number, unit: Unit | undefined): string {
  switch (unit) {
    case 'JPY':
      return `¥${Math.round(value).toLocaleString('en-US')}`;
    case 'ratio':
      return `${(value * 100).toFixed(2)}%`;
    case 'score':
      return value.toFixed(2);
    default:
      return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
  }
}

function humanCell(cell: Cell, column: Column, lang: Lang): string {
  if (cell === null) return '—';
  if (typeof cell !== 'number') return String(cellText(cell, column, lang));
  if (column.role !== 'change' && column.role !== 'changeRatio') return humanNumber(cell, column.unit);
  // A change reads with its sign; a ratio's change is in percentage points.
  const sign = cell > 0 ? '+' : '';
  if (column.role === 'change' && column.unit === 'ratio') return `${sign}${(cell * 100).toFixed(2)} pt`;
  return `${sign}${humanNumber(cell, column.unit)}`;
}

function csvField(cell: Cell): string {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatResult(result: QueryResult, format: OutputFormat, lang: Lang): string {
  switch (format) {
    case 'json':
      return jsonTable(result);
    case 'csv':
      return [result.columns.map((column) => csvField(column.name)).join(','), ...result.rows.map((row) => row.map(csvField).join(','))].join('\n');
    case 'table': {
      const table = newTable(
        result.columns.map((column) => columnHeader(column, lang)),
        result.columns.map((column) => (column.type === 'number' ? 'right' : 'left')),
      );
      // Words for people; csv and json keep the codes a program matches on.
      for (const row of result.rows) table.push(row.map((cell, i) => humanCell(cell, result.columns[i]!, lang)));
      return `${table.toString()}\n${footer(result, lang)}`;
    }
  }
}

function footer(result: QueryResult, lang: Lang): string {
  const meta = result.meta;
  const parts = [
    lang === 'ja' ? `${result.rows.length} 行` : `${result.rows.length} rows`,
    meta.dataAsOf ? (lang === 'ja' ? `データ時点 ${jstMinute(meta.dataAsOf)}` : `data as of ${jstMinute(meta.dataAsOf)}`) : undefined,
    // Periods after the data's end print as —; the one holding it has only its first part.
    meta.partialPeriod && meta.dataEnd
      ? lang === 'ja'
        ? `${meta.partialPeriod} は途中までの値（データは ${jstMinute(meta.dataEnd)} まで）`
        : `${meta.partialPeriod} is partial (data up to ${jstMinute(meta.dataEnd)})`
      : undefined,
    meta.cached ? (lang === 'ja' ? 'キャッシュ' : 'cached') : undefined,
    meta.elapsedMs !== undefined ? `${meta.elapsedMs} ms` : undefined,
    meta.truncated ? (lang === 'ja' ? '上限で打ち切り' : 'truncated at the limit') : undefined,
    meta.comparison
      ? lang === 'ja'
        ? `比較対象 ${meta.comparison.from}〜${addDays(meta.comparison.to, -1)}${meta.partialPeriod ? '（途中の期間は同じところまで）' : ''}`
        : `compared with ${meta.comparison.from} to ${addDays(meta.comparison.to, -1)}${meta.partialPeriod ? ' (the partial period with the same part of it)' : ''}`
      : undefined,
    meta.suppressed ? suppressionText(meta.suppressed, lang) : undefined,
    meta.replacedBy ? (lang === 'ja' ? `非推奨: ${meta.replacedBy} を使ってください` : `deprecated: use ${meta.replacedBy}`) : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}
