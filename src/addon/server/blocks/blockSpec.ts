/**
 * What a block is: a rectangle of plain values at an anchor, plus the query that fills it. The
 * query lives in developer metadata on the block's header row, and the block's id on its first
 * column too: metadata can sit only on whole rows or columns, and both move with inserts above or
 * to the left, so together they always point at the block's top-left cell.
 */
import type { Grain } from '../../../contract/dates';
import type { Comparison, FilterValue } from '../../../contract/types';

export const BLOCK_KEY = 'snaq.block';

/** A block's query as the sidebar builds it; dates are re-evaluated at every refresh. */
export interface BlockQuery {
  metric: string;
  /** A day (YYYY-MM-DD), a month (YYYY-MM) or a period keyword such as `last_12_months`. */
  from: string;
  /** The last day, inclusive; empty with a keyword. */
  to?: string;
  grain?: Grain;
  dimensions?: string[];
  filters?: Record<string, FilterValue>;
  limit?: number;
  /** Adds the comparison, change and change-ratio columns (not with a forecast). */
  compare?: Comparison;
  /** A forecast block: the series (no dimensions) with `horizon` periods of forecast, drawn as a chart. */
  forecast?: { horizon: number; interval?: number };
}

/** Stored on the header row: the query and the extent the block last wrote. */
export interface BlockSpec {
  v: 1;
  id: string;
  query: BlockQuery;
  /** Rows and columns the block occupies now, header included (0 before its first write). */
  rows: number;
  columns: number;
  /** The block's chart (EmbeddedChart.getChartId()), kept beside the block: a forecast's, or `chart`'s. */
  chartId?: number;
  /** A chart of the block's own cells, redrawn after every write (a forecast block always has its line chart). */
  chart?: BlockChart;
}

/** A block's chart: its kind, over the block's first `columns` columns (all when unset; the first is the labels). */
export interface BlockChart {
  kind: 'line' | 'column' | 'bar';
  columns?: number;
}

/**
 * Stored on the first column, and on the last row and column: which block they bound. The last
 * row and column move when rows or columns are inserted inside the block, so the block's real
 * extent is known even after someone edits inside it.
 */
export interface EdgeAnchor {
  v: 1;
  id: string;
  edge: 'first-column' | 'last-row' | 'last-column';
}

export function parseAnchor(value: string | null): Partial<BlockSpec> & { id?: string } {
  try {
    const parsed = JSON.parse(value ?? '') as Partial<BlockSpec>;
    return parsed && parsed.v === 1 && typeof parsed.id === 'string' ? parsed : {};
  } catch {
    return {};
  }
}

export function isBlockSpec(anchor: Partial<BlockSpec>): anchor is BlockSpec {
  return typeof anchor.id === 'string' && typeof anchor.query?.metric === 'string' && typeof anchor.rows === 'number';
}
