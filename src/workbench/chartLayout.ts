/**
 * Where everything of a chart goes inside its box, as Sheets lays out an embedded chart: the title
 * on top, the legend where the options put it (right by default), value gridlines with round
 * steps, one slot per label on the category axis, and the marks: lines (a null is a gap, as Sheets
 * draws with interpolateNulls off), areas, columns or horizontal bars. Pure geometry; the page
 * only turns these primitives into SVG elements, so the tests can check the numbers here.
 */
import { displayValue } from '../emulator/numberFormat';
import type { ChartView } from './chartView';

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface ChartText {
  x: number;
  y: number;
  text: string;
  anchor: 'start' | 'middle' | 'end';
  role: 'title' | 'value' | 'category' | 'legend';
  /** The series a legend entry names. */
  series?: string;
}

export interface ChartMark {
  series: string;
  shape: 'line' | 'area' | 'bar';
  /** SVG path data. */
  d: string;
  stroke: string;
  strokeWidth: number;
  fill: string;
  fillOpacity: number;
  /** An SVG stroke-dasharray, or null for a solid stroke. */
  dash: string | null;
}

export interface ChartDrawing {
  width: number;
  height: number;
  plot: Rect;
  /** Value gridlines (the one at the baseline too). */
  gridlines: Array<{ x1: number; y1: number; x2: number; y2: number; baseline: boolean }>;
  texts: ChartText[];
  marks: ChartMark[];
  /** Each legend entry's sample line; its text is the matching `legend` text. */
  legendSwatches: Array<{ series: string; x1: number; x2: number; y: number; color: string; strokeWidth: number; dash: string | null }>;
  /** The value axis: the value at the plot's bottom (left for bars) and at its top (right). */
  valueRange: { low: number; high: number };
}

const FONT_PX = 12;
const PADDING = 10;
const TITLE_HEIGHT = 28;
const LEGEND_ROW = 24;
const SWATCH = 18;

/** A rough text width: full-width characters are square, others about 0.6 of the font size. */
export function textWidth(text: string, fontPx = FONT_PX): number {
  let width = 0;
  for (const ch of text) width += ch.codePointAt(0)! >= 0x2e80 ? fontPx : fontPx * 0.6;
  return width;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Round gridline steps (1, 2, 2.5, 5 × 10ⁿ) over the values, about five lines. */
export function niceScale(min: number, max: number, includeZero: boolean): { low: number; high: number; step: number } {
  let lo = includeZero ? Math.min(0, min) : min;
  let hi = includeZero ? Math.max(0, max) : max;
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  const rough = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough)! * magnitude;
  return { low: Math.floor(lo / step + 1e-9) * step, high: Math.ceil(hi / step - 1e-9) * step, step };
}

/** A value axis label: in the first series' number format as Sheets shows it, else with just enough decimals for the step. */
function valueLabel(value: number, step: number, format: string | null): string {
  if (format) return displayValue(value, format, 'UTC');
  const decimals = Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)));
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 }).format(value);
}

const dashOf = (dash: number[] | null) => (dash ? dash.join(' ') : null);

/** Lays out `view` in its own width × height. */
export function layoutChart(view: ChartView): ChartDrawing {
  const { width, height } = view;
  const texts: ChartText[] = [];
  let top = PADDING;
  if (view.title) {
    texts.push({ x: PADDING, y: top + 16, text: view.title, anchor: 'start', role: 'title' });
    top += TITLE_HEIGHT;
  }
  let bottom = height - PADDING;
  let right = width - PADDING;
  const legend = view.legend === 'none' ? [] : view.series;
  const legendSwatches: ChartDrawing['legendSwatches'] = [];
  const swatch = (series: ChartView['series'][number], x: number, y: number) => {
    legendSwatches.push({
      series: series.name,
      x1: x,
      x2: x + SWATCH,
      y,
      color: series.color,
      strokeWidth: Math.max(2, series.lineWidth),
      dash: dashOf(series.dash),
    });
    texts.push({ x: x + SWATCH + 4, y: y + 4, text: series.name, anchor: 'start', role: 'legend', series: series.name });
  };
  if (legend.length && view.legend === 'right') {
    const column = SWATCH + 4 + Math.max(...legend.map((s) => textWidth(s.name))) + PADDING;
    right -= column;
    legend.forEach((s, i) => swatch(s, right + PADDING, top + 8 + i * LEGEND_ROW));
  } else if (legend.length) {
    // One row of entries, wrapped when they do not fit.
    const rows: Array<Array<{ s: ChartView['series'][number]; x: number }>> = [[]];
    let x = PADDING;
    for (const s of legend) {
      const entry = SWATCH + 4 + textWidth(s.name) + 16;
      if (x > PADDING && x + entry > width - PADDING) {
        rows.push([]);
        x = PADDING;
      }
      rows[rows.length - 1]!.push({ s, x });
      x += entry;
    }
    const y0 = view.legend === 'top' ? top + 8 : bottom - rows.length * LEGEND_ROW + 8;
    rows.forEach((row, r) => row.forEach(({ s, x: at }) => swatch(s, at, y0 + r * LEGEND_ROW)));
    if (view.legend === 'top') top += rows.length * LEGEND_ROW;
    else bottom -= rows.length * LEGEND_ROW;
  }

  const horizontal = view.drawnAs === 'BAR';
  const numbers = view.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const scale = niceScale(Math.min(...numbers), Math.max(...numbers), view.drawnAs !== 'LINE');
  const ticks: number[] = [];
  for (let v = scale.low; v <= scale.high + scale.step / 2; v += scale.step) ticks.push(round(v / scale.step) * scale.step);
  const tickLabels = ticks.map((v) => valueLabel(v, scale.step, view.valueFormat));
  const labelWidth = Math.max(...view.labels.map((l) => textWidth(l)), 0);

  // The plot is what the axes' labels leave.
  const left = PADDING + (horizontal ? Math.min(labelWidth, width / 3) : Math.max(...tickLabels.map((l) => textWidth(l)))) + 6;
  const plotBottom = bottom - (horizontal ? FONT_PX + 8 : FONT_PX + 14);
  const plot: Rect = { left: round(left), top: round(top + 4), width: round(Math.max(10, right - left)), height: round(Math.max(10, plotBottom - top - 4)) };

  const n = Math.max(1, view.labels.length);
  const band = (horizontal ? plot.height : plot.width) / n;
  const category = (i: number) => round((horizontal ? plot.top : plot.left) + (i + 0.5) * band);
  const fraction = (v: number) => (v - scale.low) / (scale.high - scale.low);
  const value = (v: number) => round(horizontal ? plot.left + fraction(v) * plot.width : plot.top + plot.height - fraction(v) * plot.height);
  const at = (i: number, v: number): [number, number] => (horizontal ? [value(v), category(i)] : [category(i), value(v)]);
  const baseValue = Math.min(Math.max(0, scale.low), scale.high);

  const gridlines = ticks.map((v) => {
    const p = value(v);
    return horizontal
      ? { x1: p, y1: plot.top, x2: p, y2: plot.top + plot.height, baseline: v === baseValue }
      : { x1: plot.left, y1: p, x2: plot.left + plot.width, y2: p, baseline: v === baseValue };
  });
  ticks.forEach((v, i) =>
    texts.push(
      horizontal
        ? { x: value(v), y: plot.top + plot.height + FONT_PX + 4, text: tickLabels[i]!, anchor: 'middle', role: 'value' }
        : { x: plot.left - 6, y: value(v) + 4, text: tickLabels[i]!, anchor: 'end', role: 'value' },
    ),
  );
  // Category labels, thinned to every k-th when they would overlap.
  const room = horizontal ? FONT_PX + 4 : labelWidth + 12;
  const every = Math.max(1, Math.ceil((n * room) / (horizontal ? plot.height : plot.width)));
  view.labels.forEach((label, i) => {
    if (i % every !== 0) return;
    texts.push(
      horizontal
        ? { x: plot.left - 6, y: category(i) + 4, text: label, anchor: 'end', role: 'category' }
        : { x: category(i), y: plot.top + plot.height + FONT_PX + 4, text: label, anchor: 'middle', role: 'category' },
    );
  });

  const marks: ChartMark[] = [];
  const stroke = (s: ChartView['series'][number]) => ({ stroke: s.color, strokeWidth: s.lineWidth, dash: dashOf(s.dash) });
  if (view.drawnAs === 'COLUMN' || view.drawnAs === 'BAR') {
    // Google Charts' default group width: 61.8% of each category's slot.
    const bar = (band * 0.618) / Math.max(1, view.series.length);
    view.series.forEach((s, k) => {
      const d = s.values
        .map((v, i) => {
          if (v === null) return '';
          const offset = round(category(i) - (band * 0.618) / 2 + k * bar);
          const [from, to] = [value(baseValue), value(v)];
          return horizontal ? `M${from},${offset}H${to}V${round(offset + bar)}H${from}Z` : `M${offset},${from}V${to}H${round(offset + bar)}V${from}Z`;
        })
        .join('');
      marks.push({ series: s.name, shape: 'bar', d, stroke: 'none', strokeWidth: 0, dash: null, fill: s.color, fillOpacity: 1 });
    });
  } else {
    view.series.forEach((s) => {
      const runs: Array<Array<[number, number]>> = [[]];
      s.values.forEach((v, i) => {
        if (v === null) {
          if (runs[runs.length - 1]!.length) runs.push([]);
        } else runs[runs.length - 1]!.push(at(i, v));
      });
      const filled = runs.filter((run) => run.length > 0);
      if (view.drawnAs === 'AREA') {
        const base = value(baseValue);
        const d = filled.map((run) => `M${run[0]![0]},${base}${run.map(([x, y]) => `L${x},${y}`).join('')}L${run[run.length - 1]![0]},${base}Z`).join('');
        marks.push({ series: s.name, shape: 'area', d, stroke: 'none', strokeWidth: 0, dash: null, fill: s.color, fillOpacity: 0.3 });
      }
      // A lone value between gaps draws nothing, as in Sheets (no point markers by default).
      const d = filled.map((run) => `M${run.map(([x, y]) => `${x},${y}`).join('L')}`).join('');
      marks.push({ series: s.name, shape: 'line', d, fill: 'none', fillOpacity: 0, ...stroke(s) });
    });
  }
  return { width, height, plot, gridlines, texts, marks, legendSwatches, valueRange: { low: scale.low, high: scale.high } };
}
