/** Renders query results for a terminal (table), a spreadsheet (csv) or a program (json). */
import Table from 'cli-table3';
import type { Cell, Column, Lang, QueryResult, Unit } from '../contract/types';
import { jstMinute } from '../contract/dates';
import { suppressionText } from '../contract/suppressionText';
import { cellText, columnHeader } from '../contract/columnText';

export type OutputFormat = 'table' | 'csv' | 'json';

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
  if (typeof cell === 'number') return humanNumber(cell, column.unit);
  return String(cellText(cell, column, lang));
}

function csvField(cell: Cell): string {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatResult(result: QueryResult, format: OutputFormat, lang: Lang): string {
  switch (format) {
    case 'json':
      return JSON.stringify(result, null, 2);
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
    meta.suppressed ? suppressionText(meta.suppressed, lang) : undefined,
    meta.replacedBy ? (lang === 'ja' ? `非推奨: ${meta.replacedBy} を使ってください` : `deprecated: use ${meta.replacedBy}`) : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}
