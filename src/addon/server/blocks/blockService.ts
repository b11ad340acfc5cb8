/**
 * Inserting, refreshing and listing blocks. A refresh fetches, validates and only then writes; a
 * failed one leaves the last good values, marks the block stale with a note on its header cell,
 * and keeps the reason. Nothing outside the block is ever overwritten.
 */
import type { Lang, QueryRequest, QueryResult } from '../../../contract/types';
import { callApi } from '../apiClient';
import { say, UserFacingError } from '../messages';
import type { Platform } from '../platform';
import { readSettings } from '../settings';
import { parseRange, type ArgumentContext } from '../sheetArguments';
import { locateBlocks, type LocatedBlock } from './blockLocator';
import { BLOCK_KEY, type BlockQuery, type BlockSpec, type ColumnAnchor } from './blockSpec';
import { readBlockState, recordRun, writeBlockState, type BlockState } from './blockState';
import { cellsInTheWay, extentOf, tableOf, writeTable, type BlockTable } from './blockTable';
import type { SheetLike, SpreadsheetLike } from './sheetTypes';

export interface BlockContext {
  platform: Platform;
  spreadsheet: SpreadsheetLike;
  lang: Lang;
  by: 'manual' | 'schedule';
  /** Epoch ms by which one block's query must be answered. */
  deadline: number;
}

export interface BlockSummary {
  id: string;
  sheet: string;
  range: string;
  metric: string;
  query: BlockQuery;
  state: BlockState;
}

/** The contract request for a block's query, with its dates evaluated today. */
export function requestOf(query: BlockQuery, context: BlockContext): QueryRequest {
  const args: ArgumentContext = { lang: context.lang, today: context.platform.dayOf(new Date(context.platform.now())), dayOf: context.platform.dayOf };
  return {
    metric: query.metric,
    ...parseRange(query.from, query.to ?? '', args),
    ...(query.grain ? { grain: query.grain } : {}),
    ...(query.dimensions?.length ? { dimensions: query.dimensions } : {}),
    ...(query.filters && Object.keys(query.filters).length ? { filters: query.filters } : {}),
    ...(query.limit ? { limit: query.limit } : {}),
  };
}

function fetchTable(query: BlockQuery, context: BlockContext): { table: BlockTable; result: QueryResult } {
  const settings = readSettings(context.platform.scriptProperties, context.lang);
  const result = callApi({ platform: context.platform, settings, lang: context.lang, deadline: context.deadline }, 'post', '/v1/query', requestOf(query, context)) as QueryResult;
  return { result, table: tableOf(result, context.lang, context.platform.dateOfDay) };
}

function a1(sheet: SheetLike, row: number, column: number, rows: number, columns: number): string {
  return sheet.getRange(row, column, Math.max(1, rows), Math.max(1, columns)).getA1Notation();
}

function newId(platform: Platform): string {
  return `b${platform.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

/** Puts a new block at (row, column); throws a sentence if the cells it needs are not empty. */
export function insertBlock(context: BlockContext, sheet: SheetLike, row: number, column: number, query: BlockQuery): BlockSummary {
  const { table, result } = fetchTable(query, context);
  const extent = extentOf(table);
  const blocked = cellsInTheWay(sheet, row, column, { rows: 0, columns: 0 }, extent);
  if (blocked > 0) {
    throw new UserFacingError(say(context.lang, 'blockNeedsSpace', { ...extent, blocked, range: a1(sheet, row, column, extent.rows, extent.columns) }));
  }
  writeTable(sheet, row, column, { rows: 0, columns: 0 }, table);
  const id = newId(context.platform);
  const spec: BlockSpec = { v: 1, id, query, ...extent };
  const anchor: ColumnAnchor = { v: 1, id };
  sheet.getRange(row, 1, 1, sheet.getMaxColumns()).addDeveloperMetadata(BLOCK_KEY, JSON.stringify(spec));
  sheet.getRange(1, column, sheet.getMaxRows(), 1).addDeveloperMetadata(BLOCK_KEY, JSON.stringify(anchor));
  const at = new Date(context.platform.now()).toISOString();
  const state = recordRun({ status: 'fresh', history: [] }, { at, ok: true, rows: result.rows.length, by: context.by }, { dataAsOf: result.meta.dataAsOf });
  writeBlockState(context.platform.documentProperties, id, state);
  return { id, sheet: sheet.getName(), range: a1(sheet, row, column, extent.rows, extent.columns), metric: query.metric, query, state };
}

export interface RefreshOutcome {
  id: string;
  ok: boolean;
  rows?: number;
  reason?: string;
  state: BlockState;
}

export function refreshLocatedBlock(context: BlockContext, block: LocatedBlock): RefreshOutcome {
  const { spec, sheet, row, column } = block;
  const properties = context.platform.documentProperties;
  const previous = readBlockState(properties, spec.id);
  const at = new Date(context.platform.now()).toISOString();
  const header = sheet.getRange(row, column);
  let fetched: { table: BlockTable; result: QueryResult };
  try {
    fetched = fetchTable(spec.query, context);
  } catch (error) {
    // Network, auth, timeout, engine: the last good values stay; the header cell says why.
    const reason = (error as Error).message;
    const state = recordRun(previous, { at, ok: false, reason, by: context.by }, {});
    header.setNote(say(context.lang, 'blockStaleNote', { at, reason, last: previous.lastRefreshAt ?? '—' }));
    writeBlockState(properties, spec.id, state);
    return { id: spec.id, ok: false, reason, state };
  }
  const extent = extentOf(fetched.table);
  const blocked = cellsInTheWay(sheet, row, column, spec, extent);
  if (blocked > 0) {
    const reason = say(context.lang, 'blockNeedsSpace', { ...extent, blocked, range: a1(sheet, row, column, extent.rows, extent.columns) });
    const state = recordRun(previous, { at, ok: false, reason, by: context.by }, { status: 'error' });
    writeBlockState(properties, spec.id, state);
    return { id: spec.id, ok: false, reason, state };
  }
  writeTable(sheet, row, column, spec, fetched.table);
  header.setNote('');
  block.rowAnchor.setValue(JSON.stringify({ ...spec, ...extent } satisfies BlockSpec));
  const state = recordRun(previous, { at, ok: true, rows: fetched.result.rows.length, by: context.by }, { dataAsOf: fetched.result.meta.dataAsOf });
  writeBlockState(properties, spec.id, state);
  return { id: spec.id, ok: true, rows: fetched.result.rows.length, state };
}

export function refreshBlock(context: BlockContext, id: string): RefreshOutcome {
  const { blocks, broken } = locateBlocks(context.spreadsheet);
  const block = blocks.find((candidate) => candidate.spec.id === id);
  if (!block) throw new UserFacingError(say(context.lang, broken.some((b) => b.id === id) ? 'blockAnchorLost' : 'blockNotFound'));
  return refreshLocatedBlock(context, block);
}

export function listBlocks(platform: Platform, spreadsheet: SpreadsheetLike): BlockSummary[] {
  return locateBlocks(spreadsheet).blocks.map(({ spec, sheet, row, column }) => ({
    id: spec.id,
    sheet: sheet.getName(),
    range: a1(sheet, row, column, spec.rows, spec.columns),
    metric: spec.query.metric,
    query: spec.query,
    state: readBlockState(platform.documentProperties, spec.id),
  }));
}
