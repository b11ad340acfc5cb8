/**
 * The line chart of a forecast block: actual, forecast and the interval's bounds, over the block's
 * own cells (header row = series names, already in the reader's language). It sits to the right of
 * the block and is rebuilt over the block's current extent at every refresh, so it follows the
 * block when rows are inserted above it or the history grows. A chart someone deleted is drawn
 * again at the next refresh: the block's query asks for it.
 */
import type { Lang, LocalizedText } from '../../../contract/types';
import { say } from '../messages';
import type { ChartBuilderLike, ChartLike, SheetLike } from './sheetTypes';

export interface ChartPlacement {
  row: number;
  column: number;
  rows: number;
  columns: number;
}

/** Chart colours: the actuals strong, the forecast dashed, the interval's bounds light. */
const SERIES_STYLE = {
  0: { color: '#1a73e8', lineWidth: 2 },
  1: { color: '#e8710a', lineWidth: 2, lineDashStyle: [6, 4] },
  2: { color: '#f6b26b', lineWidth: 1, lineDashStyle: [2, 2] },
  3: { color: '#f6b26b', lineWidth: 1, lineDashStyle: [2, 2] },
};

const WIDTH_PX = 560;
const HEIGHT_PX = 320;

function styled(builder: ChartBuilderLike, sheet: SheetLike, at: ChartPlacement, title: string): ChartLike {
  return builder
    .asLineChart()
    .clearRanges()
    .addRange(sheet.getRange(at.row, at.column, at.rows, at.columns))
    .setNumHeaders(1)
    .setPosition(at.row, at.column + at.columns + 1, 0, 0)
    .setOption('title', title)
    .setOption('legend', { position: 'bottom' })
    .setOption('series', SERIES_STYLE)
    .setOption('width', WIDTH_PX)
    .setOption('height', HEIGHT_PX)
    .build();
}

export function chartTitle(metricTitle: LocalizedText, interval: number, lang: Lang): string {
  return say(lang, 'forecastChartTitle', { metric: metricTitle[lang], interval: Math.round(interval * 100) });
}

function findChart(sheet: SheetLike, chartId: number | undefined): ChartLike | undefined {
  return chartId === undefined ? undefined : sheet.getCharts().find((chart) => chart.getChartId() === chartId);
}

/** Draws or redraws the block's chart over `at`; returns its id for the block's spec. */
export function drawForecastChart(sheet: SheetLike, chartId: number | undefined, at: ChartPlacement, title: string): number | undefined {
  const existing = findChart(sheet, chartId);
  if (existing) {
    sheet.updateChart(styled(existing.modify(), sheet, at, title));
    return chartId;
  }
  const before = new Set(sheet.getCharts().map((chart) => chart.getChartId()));
  sheet.insertChart(styled(sheet.newChart(), sheet, at, title));
  // A built chart's own id is not documented to update on insert: read it back from the sheet.
  const inserted = sheet.getCharts().find((chart) => !before.has(chart.getChartId()));
  return inserted?.getChartId() ?? undefined;
}

/** A block that no longer forecasts loses its chart. */
export function removeForecastChart(sheet: SheetLike, chartId: number | undefined): void {
  const existing = findChart(sheet, chartId);
  if (existing) sheet.removeChart(existing);
}
