/**
 * A block's chart over its own cells (header row = series names, already in the reader's language):
 * a forecast block's line chart (actual, forecast and the interval's bounds), or the chart a block's
 * spec asks for (line, column or bar). It sits to the right of the block and is rebuilt over the
 * block's current extent after every write, so it follows the block when rows are inserted above
 * it or the table grows. A chart someone deleted is drawn again at the next refresh.
 */
import type { Lang, LocalizedText } from '../../../contract/types';
import { say } from '../messages';
import type { BlockChart } from './blockSpec';
import type { ChartBuilderLike, ChartLike, SheetLike } from './sheetTypes';

/** The block's place and extent; the chart covers its first `charted` columns (all when unset) and sits beside all of them. */
export interface ChartPlacement {
  row: number;
  column: number;
  rows: number;
  columns: number;
  charted?: number;
}

/** What a chart looks like: its kind and title, and per-series styles (a forecast's). */
export interface ChartLook {
  kind: BlockChart['kind'];
  title: string;
  series?: Record<number, object>;
}

/** A forecast's colours: the actuals strong, the forecast dashed, the interval's bounds (both alike) light. */
const BOUND = { color: '#f6b26b', lineWidth: 1, lineDashStyle: [2, 2] };
export const FORECAST_SERIES = {
  0: { color: '#1a73e8', lineWidth: 2 },
  1: { color: '#e8710a', lineWidth: 2, lineDashStyle: [6, 4] },
  2: BOUND,
  3: BOUND,
};

/** The builders' own type setters, so no `Charts` enum (an Apps Script global) is needed here. */
const AS = { line: 'asLineChart', column: 'asColumnChart', bar: 'asBarChart' } as const;

const WIDTH_PX = 560;
const HEIGHT_PX = 320;

function styled(builder: ChartBuilderLike, sheet: SheetLike, at: ChartPlacement, look: ChartLook): ChartLike {
  const charted = Math.min(at.charted || at.columns, at.columns);
  const chart = builder[AS[look.kind]]()
    .clearRanges()
    .addRange(sheet.getRange(at.row, at.column, at.rows, charted))
    .setNumHeaders(1)
    .setPosition(at.row, at.column + at.columns + 1, 0, 0)
    .setOption('title', look.title)
    // One series needs no legend; a forecast's or a comparison's does.
    .setOption('legend', { position: charted > 2 ? 'bottom' : 'none' })
    .setOption('width', WIDTH_PX)
    .setOption('height', HEIGHT_PX);
  return (look.series ? chart.setOption('series', look.series) : chart).build();
}

export function chartTitle(metricTitle: LocalizedText, interval: number, lang: Lang): string {
  return say(lang, 'forecastChartTitle', { metric: metricTitle[lang], interval: Math.round(interval * 100) });
}

function findChart(sheet: SheetLike, chartId: number | undefined): ChartLike | undefined {
  return chartId === undefined ? undefined : sheet.getCharts().find((chart) => chart.getChartId() === chartId);
}

/** Draws or redraws the block's chart over `at`; returns its id for the block's spec. */
export function drawChart(sheet: SheetLike, chartId: number | undefined, at: ChartPlacement, look: ChartLook): number | undefined {
  const existing = findChart(sheet, chartId);
  if (existing) {
    sheet.updateChart(styled(existing.modify(), sheet, at, look));
    return chartId;
  }
  const before = new Set(sheet.getCharts().map((chart) => chart.getChartId()));
  sheet.insertChart(styled(sheet.newChart(), sheet, at, look));
  // A built chart's own id is not documented to update on insert: read it back from the sheet.
  const inserted = sheet.getCharts().find((chart) => !before.has(chart.getChartId()));
  return inserted?.getChartId() ?? undefined;
}

/** A block that no longer asks for a chart loses it. */
export function removeChart(sheet: SheetLike, chartId: number | undefined): void {
  const existing = findChart(sheet, chartId);
  if (existing) sheet.removeChart(existing);
}
