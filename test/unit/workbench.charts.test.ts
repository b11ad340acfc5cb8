/**
 * The workbench's charts: what an embedded chart shows, read from the cells its ranges cover as
 * Sheets reads them (chartView), and where each mark goes in its box (chartLayout).
 */
import type { ChartEntry } from '../../src/emulator';
import { layoutChart, niceScale, type ChartDrawing } from '../../src/workbench/chartLayout';
import { chartOption, chartView, DEFAULT_CHART_SIZE, DEFAULT_SERIES_COLORS, type ChartView, type SheetCells } from '../../src/workbench/chartView';

/** A forecast block as the add-on writes it at B2: period, actual, forecast, lower, upper. */
const VALUES: unknown[][] = [
  [],
  [null, '期間', '実績', '予測', '下限', '上限'],
  [null, '2024-01-01', 100, null, null, null],
  [null, '2024-02-01', 120, null, null, null],
  [null, '2024-03-01', 110, null, null, null],
  [null, '2024-04-01', null, 130, 115, 145],
  [null, '2024-05-01', null, 135, 116, 154],
];
const DISPLAY: string[][] = VALUES.map((row) => row.map((v) => (v === null ? '' : typeof v === 'number' ? `¥${v}` : String(v))));
const FORMATS: string[][] = VALUES.map((row) => row.map((v) => (typeof v === 'number' ? '[$¥]#,##0' : '0.###############')));

/** The chart's own sheet is the block's; no other sheet exists. */
const blockSheet = (sheet: string | undefined): SheetCells | null => (sheet === undefined ? { values: VALUES, display: DISPLAY, formats: FORMATS } : null);

/** A sheet of plain values (display = String(value), no formats). */
function plainSheet(values: unknown[][]): (sheet: string | undefined) => SheetCells | null {
  return (sheet) => (sheet === undefined ? { values, display: values.map((row) => row.map(String)), formats: [] } : null);
}

/** The add-on's forecast chart (src/addon/server/blocks/forecastChart.ts) over B2:F7, anchored at H2. */
function forecastChart(overrides: Partial<ChartEntry> = {}): ChartEntry {
  return {
    chartId: 1_000_007_919,
    id: 'u1000007919',
    type: 'LINE',
    ranges: ['B2:F7'],
    options: {
      title: '売上：実績と予測（80% 予測区間）',
      legend: { position: 'bottom' },
      series: {
        0: { color: '#1a73e8', lineWidth: 2 },
        1: { color: '#e8710a', lineWidth: 2, lineDashStyle: [6, 4] },
        2: { color: '#f6b26b', lineWidth: 1, lineDashStyle: [2, 2] },
        3: { color: '#f6b26b', lineWidth: 1, lineDashStyle: [2, 2] },
      },
      width: 560,
      height: 320,
    },
    numHeaders: 1,
    transpose: false,
    anchor: { row: 2, column: 8, offsetX: 0, offsetY: 0 },
    ...overrides,
  };
}

describe('chartView: the series a chart’s ranges cover', () => {
  test('a forecast block: the period column labels the rows, and actual, forecast, lower and upper are four series with their cells’ values and styles', () => {
    const view = chartView(forecastChart(), blockSheet)!;
    expect(view.labels).toEqual(['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01']);
    expect(view.series.map((s) => s.name)).toEqual(['実績', '予測', '下限', '上限']);
    expect(view.series.map((s) => s.values)).toEqual([
      [100, 120, 110, null, null],
      [null, null, null, 130, 135],
      [null, null, null, 115, 116],
      [null, null, null, 145, 154],
    ]);
    expect(view.series.map((s) => [s.color, s.lineWidth, s.dash])).toEqual([
      ['#1a73e8', 2, null],
      ['#e8710a', 2, [6, 4]],
      ['#f6b26b', 1, [2, 2]],
      ['#f6b26b', 1, [2, 2]],
    ]);
    expect(view).toMatchObject({ type: 'LINE', drawnAs: 'LINE', width: 560, height: 320, legend: 'bottom', anchor: { row: 2, column: 8 } });
  });

  test('headers never set: a text first row names the series; a numeric one is data and the series are numbered', () => {
    expect(chartView(forecastChart({ numHeaders: -1 }), blockSheet)!.series.map((s) => s.name)).toEqual(['実績', '予測', '下限', '上限']);
    const numeric = chartView(forecastChart({ numHeaders: -1, ranges: ['B3:C5'] }), blockSheet)!;
    expect(numeric.series.map((s) => [s.name, s.values])).toEqual([['#1', [100, 120, 110]]]);
    expect(numeric.labels).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
  });

  test('transposed, rows are series; a second range adds its columns as series', () => {
    const values = [
      ['', 'Q1', 'Q2', 'Q3'],
      ['A', 1, 2, 3],
      ['B', 4, 5, 6],
    ];
    const transposed = chartView(forecastChart({ ranges: ['A1:D3'], transpose: true }), plainSheet(values))!;
    expect(transposed.labels).toEqual(['Q1', 'Q2', 'Q3']);
    expect(transposed.series.map((s) => [s.name, s.values])).toEqual([
      ['A', [1, 2, 3]],
      ['B', [4, 5, 6]],
    ]);
    const columns = [
      ['Day', 'x', 'y'],
      ['d1', 1, 10],
      ['d2', 2, 20],
    ];
    const twoRanges = chartView(forecastChart({ ranges: ['A1:B3', 'C1:C3'] }), plainSheet(columns))!;
    expect(twoRanges.series.map((s) => [s.name, s.values])).toEqual([
      ['x', [1, 2]],
      ['y', [10, 20]],
    ]);
  });

  test('no options: Sheets’ default size, colours and legend on the right; a type the workbench cannot draw is drawn as lines; another sheet’s range is not drawn', () => {
    const bare = chartView(forecastChart({ type: null, options: {} }), blockSheet)!;
    expect(bare).toMatchObject({ type: 'LINE', drawnAs: 'LINE', title: '', legend: 'right', ...DEFAULT_CHART_SIZE });
    expect(bare.series.map((s) => s.color)).toEqual(DEFAULT_SERIES_COLORS.slice(0, 4));
    expect(chartView(forecastChart({ type: 'PIE', options: { colors: ['#111', '#222'] } }), blockSheet)).toMatchObject({
      type: 'PIE',
      drawnAs: 'LINE',
      series: [{ color: '#111' }, { color: '#222' }, { color: DEFAULT_SERIES_COLORS[2] }, { color: DEFAULT_SERIES_COLORS[3] }],
    });
    expect(chartView(forecastChart({ ranges: ['Other!B2:F7'] }), blockSheet)).toBeNull();
  });

  test('a range on another sheet of the workbook is read from that sheet', () => {
    const data = [
      ['Month', 'Units'],
      ['2024-01', 5],
      ['2024-02', 7],
    ];
    const cellsOf = (sheet: string | undefined) => (sheet === 'Data' ? plainSheet(data)(undefined) : null);
    expect(chartView(forecastChart({ ranges: ['Data!A1:B3'] }), cellsOf)!.series).toMatchObject([{ name: 'Units', values: [5, 7] }]);
    expect(chartView(forecastChart({ ranges: ['Elsewhere!A1:B3'] }), cellsOf)).toBeNull();
  });

  test('an option reads the same set either way: by its dotted name or inside an object', () => {
    expect(chartOption({ 'legend.position': 'top' }, 'legend.position')).toBe('top');
    expect(chartOption({ legend: { position: 'top' } }, 'legend.position')).toBe('top');
    expect(chartOption({ vAxis: { textStyle: { color: 'red' } } }, 'vAxis.textStyle.color')).toBe('red');
    expect(chartOption({}, 'legend.position')).toBeUndefined();
  });
});

/** "Mx,yLx,y…" → the points of each run (a new M starts a run). */
function runs(d: string): Array<Array<[number, number]>> {
  return d
    .split('M')
    .filter(Boolean)
    .map((run) => run.split('L').map((point) => point.split(',').map(Number) as [number, number]));
}

const inside = (drawing: ChartDrawing, [x, y]: [number, number]) =>
  x >= drawing.plot.left && x <= drawing.plot.left + drawing.plot.width && y >= drawing.plot.top && y <= drawing.plot.top + drawing.plot.height;

describe('chartLayout: where the marks go', () => {
  const view = chartView(forecastChart(), blockSheet)!;

  test('round gridline steps that cover the values; bars and areas start at zero', () => {
    expect(niceScale(289_400, 401_901, false)).toEqual({ low: 275_000, high: 425_000, step: 25_000 });
    expect(niceScale(100, 154, false)).toEqual({ low: 100, high: 160, step: 20 });
    expect(niceScale(100, 154, true)).toEqual({ low: 0, high: 200, step: 50 });
    const small = niceScale(0.031, 0.071, true);
    expect([small.low, small.step]).toEqual([0, 0.02]);
    expect(small.high).toBeCloseTo(0.08, 10);
    const flat = niceScale(5, 5, false);
    expect(flat.low).toBeLessThan(5);
    expect(flat.high).toBeGreaterThan(5);
  });

  test('each line has a point per filled cell, at its row’s slot, on one value axis; an empty cell is a gap', () => {
    const drawing = layoutChart(view);
    const lines = drawing.marks.filter((m) => m.shape === 'line');
    expect(lines.map((m) => m.series)).toEqual(['実績', '予測', '下限', '上限']);
    expect(lines.map((m) => m.dash)).toEqual([null, '6 4', '2 2', '2 2']);
    const slot = drawing.plot.width / 5;
    const xAt = (row: number) => drawing.plot.left + (row + 0.5) * slot;
    const yAt = (v: number) => drawing.plot.top + drawing.plot.height * (1 - (v - drawing.valueRange.low) / (drawing.valueRange.high - drawing.valueRange.low));
    lines.forEach((line, k) => {
      const points = runs(line.d).flat();
      const cells = view.series[k]!.values.flatMap((v, row) => (v === null ? [] : [{ v, row }]));
      expect(points).toHaveLength(cells.length);
      cells.forEach(({ v, row }, i) => {
        expect(points[i]![0]).toBeCloseTo(xAt(row), 1);
        expect(points[i]![1]).toBeCloseTo(yAt(v), 1);
        expect(inside(drawing, points[i]!)).toBe(true);
      });
    });
    // The forecast's interval is below and above it at every forecast row.
    const [, forecast, lower, upper] = lines.map((line) => runs(line.d).flat());
    expect(forecast).toHaveLength(2);
    forecast!.forEach(([, y], i) => {
      expect(lower![i]![1]).toBeGreaterThan(y);
      expect(upper![i]![1]).toBeLessThan(y);
    });
    const gappy = layoutChart({ ...view, series: [{ ...view.series[0]!, values: [1, 2, null, 4, 5] }] });
    expect(runs(gappy.marks[0]!.d).map((run) => run.length)).toEqual([2, 2]);
  });

  test('the value axis speaks the first series’ number format, as Sheets’ does; unformatted values get the decimals their step needs', () => {
    const yen = layoutChart(view);
    expect(yen.texts.filter((t) => t.role === 'value').map((t) => t.text)).toEqual(['¥100', '¥120', '¥140', '¥160']);
    const rates = [
      ['Month', 'Churn'],
      ['2024-01', 0.031],
      ['2024-02', 0.071],
    ];
    const percent = chartView(forecastChart({ ranges: ['A1:B3'] }), () => ({ values: rates, display: [], formats: rates.map(() => ['@', '0.0%']) }))!;
    expect(percent.valueFormat).toBe('0.0%');
    expect(
      layoutChart({ ...percent, drawnAs: 'COLUMN' })
        .texts.filter((t) => t.role === 'value')
        .map((t) => t.text),
    ).toEqual(['0.0%', '2.0%', '4.0%', '6.0%', '8.0%']);
    const plain = chartView(forecastChart({ ranges: ['A1:B3'] }), plainSheet(rates))!;
    expect(plain.valueFormat).toBeNull();
    expect(
      layoutChart({ ...plain, drawnAs: 'COLUMN' })
        .texts.filter((t) => t.role === 'value')
        .map((t) => t.text),
    ).toEqual(['0', '0.02', '0.04', '0.06', '0.08']);
  });

  test('the legend names every series with its line’s style, below the plot, on the right or not at all; the title on top', () => {
    const bottom = layoutChart(view);
    expect(bottom.texts.filter((t) => t.role === 'legend').map((t) => t.text)).toEqual(['実績', '予測', '下限', '上限']);
    expect(bottom.legendSwatches.map((s) => [s.series, s.color, s.dash])).toEqual([
      ['実績', '#1a73e8', null],
      ['予測', '#e8710a', '6 4'],
      ['下限', '#f6b26b', '2 2'],
      ['上限', '#f6b26b', '2 2'],
    ]);
    for (const swatch of bottom.legendSwatches) expect(swatch.y).toBeGreaterThan(bottom.plot.top + bottom.plot.height);
    const title = bottom.texts.find((t) => t.role === 'title')!;
    expect(title.text).toBe(view.title);
    expect(title.y).toBeLessThan(bottom.plot.top);
    const right = layoutChart({ ...view, legend: 'right' });
    for (const swatch of right.legendSwatches) expect(swatch.x1).toBeGreaterThan(right.plot.left + right.plot.width);
    const none = layoutChart({ ...view, legend: 'none' });
    expect(none.legendSwatches).toEqual([]);
    expect(none.plot.height).toBeGreaterThan(bottom.plot.height);
    // Everything inside the chart's own box.
    for (const t of bottom.texts) expect(t.y > 0 && t.y < view.height && t.x >= 0 && t.x < view.width).toBe(true);
  });

  test('columns rise from zero in proportion to their values; bars run sideways; areas are closed down to the baseline', () => {
    const sales: ChartView = { ...view, drawnAs: 'COLUMN', labels: ['a', 'b', 'c'], series: [{ ...view.series[0]!, values: [10, 20, 40] }] };
    const columns = layoutChart(sales);
    const base = columns.plot.top + columns.plot.height;
    const tops = [...columns.marks[0]!.d.matchAll(/M([\d.]+),([\d.]+)V([\d.]+)/g)].map((m) => [Number(m[2]), Number(m[3])]);
    expect(tops.map(([from]) => from)).toEqual([base, base, base]);
    expect(columns.valueRange.low).toBe(0);
    const [h10, h20, h40] = tops.map(([from, to]) => from! - to!);
    expect(h20! / h10!).toBeCloseTo(2, 1);
    expect(h40! / h10!).toBeCloseTo(4, 1);
    const bars = layoutChart({ ...sales, drawnAs: 'BAR' });
    const lengths = [...bars.marks[0]!.d.matchAll(/M([\d.]+),([\d.]+)H([\d.]+)/g)].map((m) => Number(m[3]) - Number(m[1]));
    expect(lengths[2]! / lengths[0]!).toBeCloseTo(4, 1);
    const area = layoutChart({ ...sales, drawnAs: 'AREA' });
    expect(area.marks.map((m) => m.shape)).toEqual(['area', 'line']);
    expect(area.marks[0]!.d.endsWith('Z')).toBe(true);
  });

  test('many labels are thinned so they never overlap; the first is always shown', () => {
    const labels = Array.from({ length: 60 }, (_, i) => `2020-${String(i).padStart(2, '0')}-01`);
    const drawing = layoutChart({ ...view, labels, series: [{ ...view.series[0]!, values: labels.map((_, i) => i) }] });
    const shown = drawing.texts.filter((t) => t.role === 'category');
    expect(shown[0]!.text).toBe(labels[0]);
    expect(shown.length).toBeLessThan(labels.length);
    for (let i = 1; i < shown.length; i++) expect(shown[i]!.x - shown[i - 1]!.x).toBeGreaterThan(10 * 7);
  });
});
