/**
 * Inserting, refreshing and listing blocks. A refresh fetches, validates and only then writes; a
 * failed one leaves the last good values, marks the block stale with a note on its header cell,
 * and keeps the reason. Nothing outside the block is ever overwritten. Writes happen under the
 * document lock, so runs, manual refreshes and edits never write a block at the same time.
 */
import type { ForecastRequest, ForecastResult, Lang, QueryRequest, QueryResult } from '../../../contract/types';
import { callApi } from '../apiClient';
import { say, UserFacingError } from '../messages';
import type { Platform } from '../platform';
import { readSettings } from '../settings';
import { parseRange, type ArgumentContext } from '../sheetArguments';
import { locateBlocks, type LocatedBlock } from './blockLocator';
import { BLOCK_KEY, type BlockChart, type BlockQuery, type BlockSpec, type EdgeAnchor } from './blockSpec';
import { readBlockState, recordRun, refreshedSince, usableState, writeBlockState, type BlockState } from './blockState';
import { columnHeader } from '../../../contract/columnText';
import { cellsInTheWay, extentOf, tableOf, withNote, withTableNote, writeTable, type BlockTable, type Extent } from './blockTable';
import { comparisonNotes, dataEdgeNotes, forecastNotes, suppressionNotes } from '../footnotes';
import type { SheetLike, SpreadsheetLike } from './sheetTypes';
import { chartTitle, drawChart, FORECAST_SERIES, removeChart, type ChartLook } from './blockChart';
import { whileLocked } from '../documentLock';
import { updateDashboardLine } from './dashboardLine';
import { addDays } from '../../../contract/dates';

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
    ...(query.compare ? { compare: query.compare } : {}),
  };
}

/** A forecast block's request: its series (grain required, month when unset) and the forecast's options. */
export function forecastRequestOf(query: BlockQuery, context: BlockContext): ForecastRequest {
  const { metric, from, to, filters } = requestOf(query, context);
  return {
    metric,
    from,
    to,
    grain: query.grain ?? 'month',
    horizon: query.forecast?.horizon ?? 0,
    ...(query.forecast?.interval !== undefined ? { interval: query.forecast.interval } : {}),
    ...(filters ? { filters } : {}),
  };
}

interface Fetched {
  table: BlockTable;
  result: QueryResult | ForecastResult;
  /** A forecast block's chart, which it always has. */
  forecastChart?: ChartLook;
  /** What any other chart of the block is titled: the metric, what it is split by, and the range. */
  title: string;
}

/**
 * What a comparison compares with and hidden groups are said on the header cell: they concern the
 * whole table, and may leave no row to carry a note.
 */
function fetchTable(query: BlockQuery, context: BlockContext): Fetched {
  const fetched = fetchUnnoted(query, context);
  const { meta } = fetched.result;
  const compared = query.compare && !query.forecast ? comparisonNotes(meta, requestOf(query, context), context.lang) : [];
  const note = [...compared, ...suppressionNotes(meta, context.lang)].join('\n');
  return { ...fetched, table: withTableNote(fetched.table, note || undefined) };
}

function fetchUnnoted(query: BlockQuery, context: BlockContext): Fetched {
  const settings = readSettings(context.platform.scriptProperties, context.lang);
  const api = { platform: context.platform, settings, lang: context.lang, deadline: context.deadline };
  if (query.forecast) {
    const request = forecastRequestOf(query, context);
    const result = callApi(api, 'post', '/v1/forecast', request) as ForecastResult;
    // The note sits on the first forecast row: where the actuals stop.
    const table = withNote(
      tableOf(result, context.lang, context.platform.dateOfDay),
      forecastNotes(result, request, context.lang)[0],
      (row) => typeof row[2] === 'number',
    );
    const title = chartTitle(result.title, result.interval, context.lang);
    return { result, table, title, forecastChart: { kind: 'line', title, series: FORECAST_SERIES } };
  }
  const request = requestOf(query, context);
  const result = callApi(api, 'post', '/v1/query', request) as QueryResult;
  // The note sits on the partial period's cell, or else on the first of the periods without a value
  // at the end (a period emptied earlier, its group hidden, is not where the data ends).
  const note = dataEdgeNotes(result.meta, request, context.lang)[0];
  const partial = result.meta.partialPeriod ? context.platform.dateOfDay(result.meta.partialPeriod).getTime() : undefined;
  const table = tableOf(result, context.lang, context.platform.dateOfDay, columnHeader);
  const valueIndex = result.columns.findIndex((column) => column.role === 'value');
  const valueOf = (row: readonly unknown[]) => row[valueIndex];
  let trailingEmpty = table.values.length;
  while (trailingEmpty > 1 && valueOf(table.values[trailingEmpty - 1]!) === '') trailingEmpty--;
  const isNoted = (row: unknown[]) => (partial !== undefined ? row[0] instanceof Date && row[0].getTime() === partial : row === table.values[trailingEmpty]);
  const named = (role: string) => result.columns.filter((column) => column.role === role).map((column) => column.title[context.lang]);
  const title = `${named('value').concat(named('dimension')).join(' × ')} ${request.from} – ${addDays(request.to, -1)}`;
  return { result, table: withNote(table, note, isNoted), title };
}

/** Draws, redraws or removes the block's chart after its cells were written: a forecast's, or the one its spec asks for. */
function syncChart(sheet: SheetLike, spec: BlockSpec, row: number, column: number, extent: Extent, fetched: Fetched): number | undefined {
  const look = fetched.forecastChart ?? (spec.chart && { kind: spec.chart.kind, title: fetched.title });
  if (!look) {
    removeChart(sheet, spec.chartId);
    return undefined;
  }
  return drawChart(sheet, spec.chartId, { row, column, ...extent, charted: fetched.forecastChart ? 0 : spec.chart!.columns }, look);
}

function a1(sheet: SheetLike, row: number, column: number, rows: number, columns: number): string {
  return sheet.getRange(row, column, Math.max(1, rows), Math.max(1, columns)).getA1Notation();
}

/** Anchors the block's first column, last row and last column (see blockSpec.ts). */
function addEdges(sheet: SheetLike, id: string, row: number, column: number, extent: Extent, edges: Array<EdgeAnchor['edge']>): void {
  const at: Record<EdgeAnchor['edge'], () => { addDeveloperMetadata(key: string, value: string): unknown }> = {
    'first-column': () => sheet.getRange(1, column, sheet.getMaxRows(), 1),
    'last-row': () => sheet.getRange(row + extent.rows - 1, 1, 1, sheet.getMaxColumns()),
    'last-column': () => sheet.getRange(1, column + extent.columns - 1, sheet.getMaxRows(), 1),
  };
  for (const edge of edges) at[edge]().addDeveloperMetadata(BLOCK_KEY, JSON.stringify({ v: 1, id, edge } satisfies EdgeAnchor));
}

function newId(platform: Platform): string {
  return `b${platform.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

/** Puts a new block at (row, column), with `chart` beside it; throws a sentence if the cells it needs are not empty. */
export function insertBlock(context: BlockContext, sheet: SheetLike, row: number, column: number, query: BlockQuery, chart?: BlockChart): BlockSummary {
  const fetched = fetchTable(query, context);
  const { table, result } = fetched;
  const extent = extentOf(table);
  return whileLocked(context.platform, context.lang, () => {
    const blocked = cellsInTheWay(sheet, row, column, { rows: 0, columns: 0 }, extent);
    if (blocked > 0) {
      throw new UserFacingError(say(context.lang, 'blockNeedsSpace', { ...extent, blocked, range: a1(sheet, row, column, extent.rows, extent.columns) }));
    }
    writeTable(sheet, row, column, { rows: 0, columns: 0 }, table);
    const id = newId(context.platform);
    const spec: BlockSpec = { v: 1, id, query, ...extent, ...(chart ? { chart } : {}) };
    const chartId = syncChart(sheet, spec, row, column, extent, fetched);
    if (chartId !== undefined) spec.chartId = chartId;
    sheet.getRange(row, 1, 1, sheet.getMaxColumns()).addDeveloperMetadata(BLOCK_KEY, JSON.stringify(spec));
    addEdges(sheet, id, row, column, extent, ['first-column', 'last-row', 'last-column']);
    const at = new Date(context.platform.now()).toISOString();
    const state = recordRun({ status: 'fresh', history: [] }, { at, ok: true, rows: result.rows.length, by: context.by }, { dataAsOf: result.meta.dataAsOf });
    writeBlockState(context.platform.documentProperties, id, state);
    updateDashboardLine(context, sheet, at, result.meta.dataAsOf);
    return { id, sheet: sheet.getName(), range: a1(sheet, row, column, extent.rows, extent.columns), metric: query.metric, query, state };
  });
}

export interface RefreshOutcome {
  id: string;
  ok: boolean;
  /** Nothing was done: the block was edited or refreshed by someone else meanwhile. */
  skipped?: boolean;
  rows?: number;
  reason?: string;
  state: BlockState;
}

export interface RefreshOptions {
  /** A scheduled run's: leave the block alone if it was written at or after this instant (epoch ms). */
  unlessRefreshedSince?: number;
}

/** Writes a fetched result over the block where it is now (the caller holds the document lock). */
function writeFetched(context: BlockContext, block: LocatedBlock, query: BlockQuery, fetched: Fetched, previous: BlockState, at: string): RefreshOutcome {
  const { spec, sheet, row, column } = block;
  const occupied = { rows: block.rows, columns: block.columns };
  const properties = context.platform.documentProperties;
  const extent = extentOf(fetched.table);
  const blocked = cellsInTheWay(sheet, row, column, occupied, extent);
  if (blocked > 0) {
    const reason = say(context.lang, 'blockNeedsSpace', { ...extent, blocked, range: a1(sheet, row, column, extent.rows, extent.columns) });
    const state = recordRun(previous, { at, ok: false, reason, by: context.by }, { status: 'error' });
    writeBlockState(properties, spec.id, state);
    return { id: spec.id, ok: false, reason, state };
  }
  writeTable(sheet, row, column, occupied, fetched.table);
  // The chart it asks for stays with the block, whatever query it is given.
  const next: BlockSpec = { v: 1, id: spec.id, query, ...extent, ...(spec.chart ? { chart: spec.chart } : {}) };
  const chartId = syncChart(sheet, spec, row, column, extent, fetched);
  if (chartId !== undefined) next.chartId = chartId;
  block.rowAnchor.setValue(JSON.stringify(next));
  // The first column never moves; the last row and column follow the new extent.
  for (const anchor of block.edges) if (!anchor.getValue()?.includes('"first-column"')) anchor.remove();
  addEdges(sheet, spec.id, row, column, extent, ['last-row', 'last-column']);
  const state = recordRun(previous, { at, ok: true, rows: fetched.result.rows.length, by: context.by }, { dataAsOf: fetched.result.meta.dataAsOf });
  writeBlockState(properties, spec.id, state);
  updateDashboardLine(context, sheet, at, fetched.result.meta.dataAsOf);
  return { id: spec.id, ok: true, rows: fetched.result.rows.length, state };
}

/** Network, auth, timeout, engine: the last good values stay; the header cell says why. */
function recordFailure(context: BlockContext, block: LocatedBlock, reason: string, previous: BlockState, at: string): RefreshOutcome {
  const state = recordRun(previous, { at, ok: false, reason, by: context.by }, {});
  block.sheet.getRange(block.row, block.column).setNote(say(context.lang, 'blockStaleNote', { at, reason, last: previous.lastRefreshAt ?? '—' }));
  writeBlockState(context.platform.documentProperties, block.spec.id, state);
  return { id: block.spec.id, ok: false, reason, state };
}

function findBlock(context: BlockContext, id: string): LocatedBlock {
  const { blocks, broken } = locateBlocks(context.spreadsheet);
  const block = blocks.find((candidate) => candidate.spec.id === id);
  if (!block) throw new UserFacingError(say(context.lang, broken.some((b) => b.id === id) ? 'blockAnchorLost' : 'blockNotFound'));
  return block;
}

/**
 * Refreshes block `id`, or with `query` edits it. The API is asked without holding anything; then,
 * holding the document lock briefly, the block is found again where it is now (rows may have been
 * inserted meanwhile) and written only if its query is still the one this refresh started from.
 */
function refreshById(context: BlockContext, id: string, query: BlockQuery | undefined, options: RefreshOptions): RefreshOutcome {
  const properties = context.platform.documentProperties;
  const since = options.unlessRefreshedSince;
  const skipped = (state: BlockState): RefreshOutcome => ({ id, ok: false, skipped: true, reason: say(context.lang, 'blockChangedMeanwhile'), state });
  const started = findBlock(context, id);
  if (since !== undefined && refreshedSince(readBlockState(properties, id), since)) return skipped(readBlockState(properties, id));
  const wanted = query ?? started.spec.query;
  const at = new Date(context.platform.now()).toISOString();
  let fetched: Fetched | undefined;
  let failure = '';
  try {
    fetched = fetchTable(wanted, context);
  } catch (error) {
    failure = (error as Error).message;
  }
  return whileLocked(context.platform, context.lang, () => {
    const block = findBlock(context, id);
    const current = readBlockState(properties, id);
    const changed = JSON.stringify(block.spec.query) !== JSON.stringify(started.spec.query);
    if (changed || (since !== undefined && refreshedSince(current, since))) return skipped(current);
    const previous = usableState(current, at, context.by, say(context.lang, 'blockStateReplaced'));
    return fetched ? writeFetched(context, block, wanted, fetched, previous, at) : recordFailure(context, block, failure, previous, at);
  });
}

export function refreshBlock(context: BlockContext, id: string, options: RefreshOptions = {}): RefreshOutcome {
  return refreshById(context, id, undefined, options);
}

/** Gives a block a new query and refreshes it; if the refresh cannot write, the old query stays. */
export function editBlock(context: BlockContext, id: string, query: BlockQuery): RefreshOutcome {
  return refreshById(context, id, query, {});
}

export function listBlocks(platform: Platform, spreadsheet: SpreadsheetLike, lang: Lang): BlockSummary[] {
  return locateBlocks(spreadsheet).blocks.map(({ spec, sheet, row, column, rows, columns }) => {
    const state = readBlockState(platform.documentProperties, spec.id);
    return {
      id: spec.id,
      sheet: sheet.getName(),
      range: a1(sheet, row, column, rows, columns),
      metric: spec.query.metric,
      query: spec.query,
      state: state.damaged ? { ...state, reason: say(lang, 'blockStateDamaged') } : state,
    };
  });
}
