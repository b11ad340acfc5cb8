/**
 * What an embedded chart shows, read from the cells its ranges cover the way Sheets reads them:
 * the first column of the first range is the domain (the labels), every other column of every
 * range is a series (rows instead of columns when transposed), and the first `numHeaders` rows name
 * the series (-1, never set: a first row with text in a series column is a header, as Sheets guesses).
 * The emulator keeps ranges, options and an anchor, not pictures, so this is what the page draws.
 */
import type { ChartEntry } from '../emulator';
import { parseA1, toBox } from '../emulator/a1';
import { DEFAULT_NUMBER_FORMAT } from '../emulator/numberFormat';

export type ChartType = 'LINE' | 'AREA' | 'COLUMN' | 'BAR';
export type LegendPosition = 'top' | 'bottom' | 'right' | 'none';

export interface ChartSeries {
  name: string;
  /** One per label; null where the cell is empty or not a number (a gap in a line). */
  values: Array<number | null>;
  color: string;
  lineWidth: number;
  /** Dash and gap lengths in pixels; null for a solid line. */
  dash: number[] | null;
}

export interface ChartView {
  chartId: number;
  /** The chart's type as set (LINE when none was); types the workbench cannot draw are drawn as lines. */
  type: string;
  drawnAs: ChartType;
  title: string;
  /** The anchor cell (1-based) and the offset in pixels from its top-left corner, as setPosition set them. */
  anchor: { row: number; column: number; offsetX: number; offsetY: number };
  /** The chart's size in pixels: the `width`/`height` options, else Sheets' default. */
  width: number;
  height: number;
  legend: LegendPosition;
  labels: string[];
  series: ChartSeries[];
  /** The first series' number format ('[$¥]#,##0', '0.0%'), which Sheets' value axis follows; null when unformatted. */
  valueFormat: string | null;
}

/** A sheet's cells from A1: values, what they display, and their number formats (row - 1, column - 1). */
export interface SheetCells {
  values: unknown[][];
  display: string[][];
  formats: string[][];
}

/** The size Sheets gives an embedded chart that sets none. */
export const DEFAULT_CHART_SIZE = { width: 600, height: 371 } as const;

/** Sheets' default series colours, in order. */
export const DEFAULT_SERIES_COLORS = ['#4285f4', '#ea4335', '#fbbc04', '#34a853', '#ff6d01', '#46bdc6', '#7baaf7', '#f07b72'] as const;

const DRAWN_TYPES: readonly string[] = ['LINE', 'AREA', 'COLUMN', 'BAR'];

/** An option by dotted name, set either way: setOption('legend.position', …) or setOption('legend', { position }). */
export function chartOption(options: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(options, name)) return options[name];
  const parts = name.split('.');
  for (let i = parts.length - 1; i >= 1; i -= 1) {
    let value: unknown = options[parts.slice(0, i).join('.')];
    for (const part of parts.slice(i)) value = isRecord(value) ? value[part] : undefined;
    if (value !== undefined) return value;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function positiveNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

interface Cell {
  value: unknown;
  display: string;
  format: string | undefined;
}

/** A range's cells as a matrix of rows, transposed when the chart reads rows as series; null when its sheet is unknown. */
function rangeCells(a1: string, cellsOf: (sheet: string | undefined) => SheetCells | null, transpose: boolean): Cell[][] | null {
  const parsed = parseA1(a1);
  const cells = parsed ? cellsOf(parsed.sheet) : null;
  if (!parsed || !cells) return null;
  const { values, display, formats } = cells;
  const width = Math.max(0, ...values.map((row) => row.length), ...display.map((row) => row.length));
  const box = toBox(parsed, Math.max(values.length, display.length), width);
  const rows = Array.from({ length: box.numRows }, (_, r) =>
    Array.from({ length: box.numCols }, (_, c) => ({
      value: values[box.row - 1 + r]?.[box.col - 1 + c] ?? null,
      display: display[box.row - 1 + r]?.[box.col - 1 + c] ?? '',
      format: formats[box.row - 1 + r]?.[box.col - 1 + c],
    })),
  );
  return transpose ? (rows[0] ?? []).map((_, c) => rows.map((row) => row[c]!)) : rows;
}

const isText = (cell: Cell | undefined) => cell !== undefined && typeof cell.value !== 'number' && cell.value !== null && cell.value !== '';

/** How a series looks: options.series[i] first, then options.colors / lineWidth, then Sheets' defaults. */
function seriesStyle(options: Record<string, unknown>, index: number): Pick<ChartSeries, 'color' | 'lineWidth' | 'dash'> {
  const all = chartOption(options, 'series');
  const own = isRecord(all) ? all[String(index)] : Array.isArray(all) ? all[index] : undefined;
  const style = isRecord(own) ? own : {};
  const colors = chartOption(options, 'colors');
  const listed = Array.isArray(colors) && typeof colors[index] === 'string' ? (colors[index] as string) : undefined;
  const dash =
    Array.isArray(style.lineDashStyle) && style.lineDashStyle.every((n) => typeof n === 'number' && n >= 0) ? (style.lineDashStyle as number[]) : null;
  return {
    color: typeof style.color === 'string' ? style.color : (listed ?? DEFAULT_SERIES_COLORS[index % DEFAULT_SERIES_COLORS.length]!),
    lineWidth: positiveNumber(style.lineWidth, positiveNumber(chartOption(options, 'lineWidth'), 2)),
    dash: dash && dash.length > 0 ? [...dash] : null,
  };
}

function legendPosition(options: Record<string, unknown>): LegendPosition {
  const position = chartOption(options, 'legend.position') ?? chartOption(options, 'legend');
  return position === 'top' || position === 'bottom' || position === 'none' ? position : 'right';
}

/**
 * The chart as the page draws it, or null when a range is on a sheet `cellsOf` does not know.
 * `cellsOf(undefined)` is the chart's own sheet; a name, another sheet of the workbook.
 */
export function chartView(chart: ChartEntry, cellsOf: (sheet: string | undefined) => SheetCells | null): ChartView | null {
  const ranges = chart.ranges.map((a1) => rangeCells(a1, cellsOf, chart.transpose));
  if (ranges.length === 0 || ranges.some((range) => range === null)) return null;
  const [first, ...rest] = ranges as Cell[][][];
  // Every column but the domain is a series, each read from its own range's rows.
  const columns = [
    ...(first![0] ?? []).slice(1).map((_, i) => first!.map((row) => row[i + 1]!)),
    ...rest.flatMap((range) => (range[0] ?? []).map((_, c) => range.map((row) => row[c]!))),
  ];
  const headers = chart.numHeaders >= 0 ? chart.numHeaders : columns.some((column) => isText(column[0])) ? 1 : 0;
  const labels = first!.slice(headers).map((row) => row[0]?.display ?? '');
  const type = chart.type ?? 'LINE';
  const options = chart.options;
  const firstNumber = columns[0]?.slice(headers).find((cell) => typeof cell.value === 'number');
  const valueFormat = firstNumber?.format && firstNumber.format !== DEFAULT_NUMBER_FORMAT && firstNumber.format !== 'General' ? firstNumber.format : null;
  return {
    chartId: chart.chartId,
    type,
    drawnAs: DRAWN_TYPES.includes(type) ? (type as ChartType) : 'LINE',
    title: String(chartOption(options, 'title') ?? ''),
    anchor: { ...chart.anchor },
    width: positiveNumber(chartOption(options, 'width'), DEFAULT_CHART_SIZE.width),
    height: positiveNumber(chartOption(options, 'height'), DEFAULT_CHART_SIZE.height),
    legend: legendPosition(options),
    labels,
    series: columns.map((column, i) => ({
      name:
        headers > 0
          ? column
              .slice(0, headers)
              .map((cell) => cell.display || String(cell.value ?? ''))
              .join(' ')
          : `#${i + 1}`,
      values: labels.map((_, r) => {
        const value = column[headers + r]?.value;
        return typeof value === 'number' && Number.isFinite(value) ? value : null;
      }),
      ...seriesStyle(options, i),
    })),
    valueFormat,
  };
}
