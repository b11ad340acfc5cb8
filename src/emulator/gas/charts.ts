/**
 * Embedded charts: Sheet.newChart()'s builders, EmbeddedChart, ChartOptions, ContainerInfo, and the
 * `Charts` global's enums. A built chart is data in the worker until insertChart/updateChart sends
 * it to the workbook (services/charts.ts). An EmbeddedChart is a snapshot: getCharts() again to see
 * what later edits (rows inserted, updateChart) did. Option values are kept as JSON data.
 */
import { GasException, MSG } from '../messages';
import type { ChartRange, ChartSpec } from '../protocol';
import { forbidInCustomFunction, mismatch, type GasContext } from './context';
import { EnumValue, enumName, enumValues, HostObject } from './hostObject';

const CHART_TYPE_NAMES = [
  'TIMELINE',
  'AREA',
  'BAR',
  'BUBBLE',
  'CANDLESTICK',
  'COLUMN',
  'COMBO',
  'GAUGE',
  'GEO',
  'HISTOGRAM',
  'RADAR',
  'LINE',
  'ORG',
  'PIE',
  'SCATTER',
  'SPARKLINE',
  'STEPPED_AREA',
  'TABLE',
  'TREEMAP',
  'WATERFALL',
] as const;
const POSITION_NAMES = ['TOP', 'RIGHT', 'BOTTOM', 'NONE'] as const;
/** One object per enum value per execution (this module is loaded once per worker). */
const CHART_TYPES = enumValues('ChartType', CHART_TYPE_NAMES);
const POSITIONS = enumValues('Position', POSITION_NAMES);

/** The Charts service: only its enums (its standalone chart builders are not emulated). */
export class Charts extends HostObject {
  readonly gasClass = 'Charts';
  override _props(): Record<string, unknown> {
    return { ChartType: CHART_TYPES, Position: POSITIONS };
  }
}

/** How charts reach the Spreadsheet service's Range (passed in by Sheet, so the modules stay acyclic). */
export interface RangeBridge {
  /** The sheet and box of a script's Range; undefined for anything else. */
  ref(value: unknown): ChartRange | undefined;
  range(ref: ChartRange): HostObject;
}

/** What a builder edits; asLineChart() and friends return another builder over the same state. */
interface BuilderState {
  chartId: number | null;
  id: string | null;
  spec: ChartSpec;
}

function isNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

function sameRange(a: ChartRange, b: ChartRange): boolean {
  return a.sheet === b.sheet && a.box.row === b.box.row && a.box.col === b.box.col && a.box.numRows === b.box.numRows && a.box.numCols === b.box.numCols;
}

/** An option value as JSON data: Dates become ISO strings, enum values their names; other service objects are refused. */
function jsonOption(value: unknown, refuse: () => GasException, depth = 0): unknown {
  if (depth > 32) throw refuse();
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof EnumValue) return value.name();
  if (value instanceof HostObject) throw refuse();
  if (Array.isArray(value)) return value.map((v) => jsonOption(v, refuse, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonOption(v, refuse, depth + 1)]));
  }
  return null;
}

function newState(): BuilderState {
  return {
    chartId: null,
    id: null,
    // Emulator defaults (Apps Script's are undocumented): no type, A1 with no offset, headers guessed.
    spec: { type: null, ranges: [], options: {}, numHeaders: -1, transpose: false, anchor: { row: 1, column: 1, offsetX: 0, offsetY: 0 } },
  };
}

export class EmbeddedChartBuilder extends HostObject {
  constructor(
    protected readonly ctx: GasContext,
    protected readonly bridge: RangeBridge,
    protected readonly state: BuilderState,
    readonly gasClass: string = 'EmbeddedChartBuilder',
  ) {
    super();
  }
  protected _bad(method: string, args: unknown[]): GasException {
    return mismatch(`${this.gasClass}.${method}`, args);
  }
  protected _option(key: string, value: unknown): this {
    if (value === null) delete this.state.spec.options[key];
    else this.state.spec.options[key] = value;
    return this;
  }

  /** A range already on the chart is not added again. */
  addRange(range: unknown): this {
    const ref = this.bridge.ref(range);
    if (!ref) throw this._bad('addRange', [range]);
    if (!this.state.spec.ranges.some((r) => sameRange(r, ref))) this.state.spec.ranges.push(ref);
    return this;
  }
  /** A range not on the chart is ignored. */
  removeRange(range: unknown): this {
    const ref = this.bridge.ref(range);
    if (!ref) throw this._bad('removeRange', [range]);
    this.state.spec.ranges = this.state.spec.ranges.filter((r) => !sameRange(r, ref));
    return this;
  }
  clearRanges(): this {
    this.state.spec.ranges = [];
    return this;
  }
  getRanges(): HostObject[] {
    return this.state.spec.ranges.map((r) => this.bridge.range(r));
  }
  setChartType(type: unknown): this {
    const name = enumName(type, CHART_TYPES);
    if (!name) throw this._bad('setChartType', [type]);
    this.state.spec.type = name;
    return this;
  }
  getChartType(): EnumValue | null {
    const type = this.state.spec.type as (typeof CHART_TYPE_NAMES)[number] | null;
    return type === null ? null : CHART_TYPES[type];
  }
  /** Any JSON-like value ('animation.duration', 500); null removes the option. */
  setOption(option: unknown, value: unknown): this {
    if (typeof option !== 'string') throw this._bad('setOption', [option, value]);
    return this._option(
      option,
      jsonOption(value, () => this._bad('setOption', [option, value])),
    );
  }
  setNumHeaders(headers: unknown): this {
    if (!isNumber(headers)) throw this._bad('setNumHeaders', [headers]);
    this.state.spec.numHeaders = Math.floor(headers);
    return this;
  }
  /** The anchor cell is 1-based; offsets are pixels from its top-left corner. */
  setPosition(...args: unknown[]): this {
    if (args.length !== 4 || !args.every(isNumber)) throw this._bad('setPosition', args);
    const [row, column, offsetX, offsetY] = (args as number[]).map(Math.floor) as [number, number, number, number];
    this.state.spec.anchor = { row, column, offsetX, offsetY };
    return this;
  }
  getContainer(): ContainerInfo {
    return new ContainerInfo(this.state.spec.anchor);
  }
  setTransposeRowsAndColumns(transpose: unknown): this {
    if (typeof transpose !== 'boolean') throw this._bad('setTransposeRowsAndColumns', [transpose]);
    this.state.spec.transpose = transpose;
    return this;
  }
  /** A chart for insertChart (a new one) or updateChart (when this builder came from modify()). */
  build(): EmbeddedChart {
    return new EmbeddedChart(this.ctx, this.bridge, { ...this.state, spec: structuredClone(this.state.spec) });
  }

  private _as(type: (typeof CHART_TYPE_NAMES)[number], gasClass: string): EmbeddedChartBuilder {
    this.state.spec.type = type;
    return type === 'LINE'
      ? new EmbeddedLineChartBuilder(this.ctx, this.bridge, this.state)
      : new EmbeddedChartBuilder(this.ctx, this.bridge, this.state, gasClass);
  }
  asAreaChart(): EmbeddedChartBuilder {
    return this._as('AREA', 'EmbeddedAreaChartBuilder');
  }
  asBarChart(): EmbeddedChartBuilder {
    return this._as('BAR', 'EmbeddedBarChartBuilder');
  }
  asColumnChart(): EmbeddedChartBuilder {
    return this._as('COLUMN', 'EmbeddedColumnChartBuilder');
  }
  asComboChart(): EmbeddedChartBuilder {
    return this._as('COMBO', 'EmbeddedComboChartBuilder');
  }
  asHistogramChart(): EmbeddedChartBuilder {
    return this._as('HISTOGRAM', 'EmbeddedHistogramChartBuilder');
  }
  asLineChart(): EmbeddedChartBuilder {
    return this._as('LINE', 'EmbeddedLineChartBuilder');
  }
  asPieChart(): EmbeddedChartBuilder {
    return this._as('PIE', 'EmbeddedPieChartBuilder');
  }
  asScatterChart(): EmbeddedChartBuilder {
    return this._as('SCATTER', 'EmbeddedScatterChartBuilder');
  }
  asTableChart(): EmbeddedChartBuilder {
    return this._as('TABLE', 'EmbeddedTableChartBuilder');
  }
}

/**
 * The line chart's own setters write the Google Charts options they stand for ('title', 'colors',
 * 'legend.position', 'hAxis.title', 'vAxis.title', 'backgroundColor', 'vAxis.logScale'), so
 * ChartOptions.get and setOption see the same values.
 */
export class EmbeddedLineChartBuilder extends EmbeddedChartBuilder {
  constructor(ctx: GasContext, bridge: RangeBridge, state: BuilderState) {
    super(ctx, bridge, state, 'EmbeddedLineChartBuilder');
  }
  private _text(method: string, option: string, value: unknown): this {
    if (typeof value !== 'string') throw this._bad(method, [value]);
    return this._option(option, value);
  }
  setTitle(chartTitle: unknown): this {
    return this._text('setTitle', 'title', chartTitle);
  }
  setXAxisTitle(title: unknown): this {
    return this._text('setXAxisTitle', 'hAxis.title', title);
  }
  setYAxisTitle(title: unknown): this {
    return this._text('setYAxisTitle', 'vAxis.title', title);
  }
  setBackgroundColor(cssValue: unknown): this {
    return this._text('setBackgroundColor', 'backgroundColor', cssValue);
  }
  setColors(cssValues: unknown): this {
    if (!Array.isArray(cssValues) || !cssValues.every((c) => typeof c === 'string')) throw this._bad('setColors', [cssValues]);
    return this._option('colors', [...(cssValues as string[])]);
  }
  /** Stored as Google Charts' lowercase value ('bottom'). */
  setLegendPosition(position: unknown): this {
    const name = enumName(position, POSITIONS);
    if (!name) throw this._bad('setLegendPosition', [position]);
    return this._option('legend.position', name.toLowerCase());
  }
  useLogScale(): this {
    return this._option('vAxis.logScale', true);
  }
}

/** Where a chart sits: the anchor cell (1-based) and the offset in pixels from its top-left corner. */
export class ContainerInfo extends HostObject {
  readonly gasClass = 'ContainerInfo';
  constructor(private readonly anchor: ChartSpec['anchor']) {
    super();
  }
  getAnchorRow(): number {
    return this.anchor.row;
  }
  getAnchorColumn(): number {
    return this.anchor.column;
  }
  getOffsetX(): number {
    return this.anchor.offsetX;
  }
  getOffsetY(): number {
    return this.anchor.offsetY;
  }
}

/** A chart's options as set; a dotted name also reads into an object option ('vAxis.title' from setOption('vAxis', {title})). */
export class ChartOptions extends HostObject {
  readonly gasClass = 'ChartOptions';
  constructor(private readonly options: Record<string, unknown>) {
    super();
  }
  /** null when the option is not set. */
  get(option: unknown): unknown {
    if (typeof option !== 'string') throw mismatch('ChartOptions.get', [option]);
    if (Object.prototype.hasOwnProperty.call(this.options, option)) return this.options[option];
    const parts = option.split('.');
    for (let i = parts.length - 1; i >= 1; i -= 1) {
      let value: unknown = this.options[parts.slice(0, i).join('.')];
      for (const part of parts.slice(i)) {
        value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
      }
      if (value !== undefined) return value;
    }
    return null;
  }
  /** The emulator knows no chart defaults, so this is get(). */
  getOrDefault(option: unknown): unknown {
    if (typeof option !== 'string') throw mismatch('ChartOptions.getOrDefault', [option]);
    return this.get(option);
  }
}

export class EmbeddedChart extends HostObject {
  readonly gasClass = 'EmbeddedChart';
  constructor(
    private readonly ctx: GasContext,
    private readonly bridge: RangeBridge,
    /** Set by insertChart. */
    readonly _state: BuilderState,
  ) {
    super();
  }
  /** null until the chart is inserted into a sheet. */
  getChartId(): number | null {
    return this._state.chartId;
  }
  /** Undocumented in today's reference; the emulator's string id ('u' + chartId), null before insertChart. */
  getId(): string | null {
    return this._state.id;
  }
  getRanges(): HostObject[] {
    return this._state.spec.ranges.map((r) => this.bridge.range(r));
  }
  getOptions(): ChartOptions {
    return new ChartOptions(structuredClone(this._state.spec.options));
  }
  getNumHeaders(): number {
    return this._state.spec.numHeaders;
  }
  getTransposeRowsAndColumns(): boolean {
    return this._state.spec.transpose;
  }
  getContainerInfo(): ContainerInfo {
    return new ContainerInfo({ ...this._state.spec.anchor });
  }
  /** Not a data source chart. */
  asDataSourceChart(): null {
    return null;
  }
  /** A builder prefilled with this chart; its build() keeps the chartId, for updateChart. */
  modify(): EmbeddedChartBuilder {
    return new EmbeddedChartBuilder(this.ctx, this.bridge, { ...this._state, spec: structuredClone(this._state.spec) });
  }
}

/** Sheet's chart methods, for one sheet (by name). */
export class SheetCharts {
  constructor(
    private readonly ctx: GasContext,
    private readonly bridge: RangeBridge,
    private readonly sheet: string,
  ) {}
  newChart(): EmbeddedChartBuilder {
    return new EmbeddedChartBuilder(this.ctx, this.bridge, newState());
  }
  list(): EmbeddedChart[] {
    return this.ctx.host.call('chartList', this.sheet).map(({ chartId, id, ...spec }) => new EmbeddedChart(this.ctx, this.bridge, { chartId, id, spec }));
  }
  /** Always a new chart (a chart inserted twice is two charts); the chart object takes its id. */
  insert(chart: unknown): void {
    forbidInCustomFunction(this.ctx, 'Sheet.insertChart');
    if (!(chart instanceof EmbeddedChart)) throw mismatch('Sheet.insertChart', [chart]);
    const info = this.ctx.host.call('chartInsert', this.sheet, chart._state.spec);
    chart._state.chartId = info.chartId;
    chart._state.id = info.id;
  }
  update(chart: unknown): void {
    forbidInCustomFunction(this.ctx, 'Sheet.updateChart');
    if (!(chart instanceof EmbeddedChart)) throw mismatch('Sheet.updateChart', [chart]);
    if (chart._state.chartId === null) throw new GasException(MSG.chartNotFound);
    this.ctx.host.call('chartUpdate', this.sheet, chart._state.chartId, chart._state.spec);
  }
  remove(chart: unknown): void {
    forbidInCustomFunction(this.ctx, 'Sheet.removeChart');
    if (!(chart instanceof EmbeddedChart)) throw mismatch('Sheet.removeChart', [chart]);
    if (chart._state.chartId === null) throw new GasException(MSG.chartNotFound);
    this.ctx.host.call('chartRemove', this.sheet, chart._state.chartId);
  }
}
