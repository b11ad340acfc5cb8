/**
 * The KPI dashboard (menu SNAQ › Insert KPI dashboard): a new sheet with a title, a freshness line
 * (blocks/dashboardLine.ts) and the KPIs staff ask for every Monday, each an ordinary block with a
 * chart beside it. Being ordinary blocks, they refresh, go stale and move with inserted rows like
 * any other; nothing here runs after the insert.
 */
import type { Grain } from '../../contract/dates';
import type { Comparison } from '../../contract/types';
import { insertBlock, type BlockContext } from './blocks/blockService';
import type { BlockChart } from './blocks/blockSpec';
import { DASHBOARD_KEY } from './blocks/dashboardLine';
import { say } from './messages';
import { offerWeeklyRefresh } from './schedule';

/**
 * metric, period keyword, chart, grain ('' for one total), dimension, limit (the API orders rows by
 * value, largest first), comparison (the chart draws the value against it, never the change columns).
 */
type DashboardEntry = [string, string, BlockChart['kind'], Grain | '', string?, number?, Comparison?];

export const DASHBOARD: readonly DashboardEntry[] = [
  ['revenue', 'last_24_months', 'line', 'month', undefined, undefined, 'previous_year'],
  ['active_subscribers', 'last_12_months', 'line', 'month'],
  ['churn_rate', 'last_12_months', 'line', 'month'],
  ['product_units', 'last_3_months', 'column', '', 'category'],
  ['product_units', 'last_month', 'bar', '', 'product', 10],
  ['new_subscribers', 'last_12_months', 'column', '', 'acquisition_channel'],
];

/** Rows a chart (320 px) covers; a block is given at least that many, and a gap, so no chart overlaps the next. */
export const CHART_ROWS = 16;
/** The first block's row: under the title (1) and the freshness line (2). */
const FIRST_ROW = 4;

export interface DashboardOutcome {
  sheet: string;
  /** Blocks that could not be inserted: the metric and the reason, one per line. */
  failed: string[];
}

/**
 * Adds the dashboard sheet. Each block asks the API itself (one query each, each with its own
 * deadline); one that fails is left out and said, the others are inserted.
 */
export function insertDashboard(context: BlockContext): DashboardOutcome {
  const { spreadsheet, platform } = context;
  const title = say(context.lang, 'dashboardTitle');
  const taken = spreadsheet.getSheets().map((sheet) => sheet.getName());
  let name = title;
  for (let n = 2; taken.includes(name); n++) name = `${title} ${n}`;
  const sheet = spreadsheet.insertSheet(name);
  sheet
    .getRange(1, 1)
    .setValues([[title]])
    .setFontWeight('bold');
  sheet.getRange(2, 1, 1, sheet.getMaxColumns()).addDeveloperMetadata(DASHBOARD_KEY, '1');
  offerWeeklyRefresh(platform.documentProperties);
  const outcome: DashboardOutcome = { sheet: name, failed: [] };
  let row = FIRST_ROW;
  for (const [metric, from, kind, grain, dimension, limit, compare] of DASHBOARD) {
    const query = {
      metric,
      from,
      ...(grain ? { grain } : {}),
      ...(dimension ? { dimensions: [dimension] } : {}),
      ...(limit ? { limit } : {}),
      ...(compare ? { compare } : {}),
    };
    try {
      // The chart shows the labels, the value and, when compared, the earlier value (not the change columns).
      const block = insertBlock({ ...context, deadline: platform.now() + 25_000 }, sheet, row, 1, query, { kind, columns: 3 });
      // The block's rows, from its range (A4:B28; one cell is A4).
      const [top, bottom] = block.range.match(/\d+/g)!.map(Number) as [number, number?];
      row += Math.max((bottom || top) - top + 1, CHART_ROWS) + 2;
    } catch (error) {
      outcome.failed.push(`${metric}: ${(error as Error).message}`);
    }
  }
  return outcome;
}
