/** The v1 wire contract: what crosses HTTP between the add-on (or CLI) and the metrics service. */
import type { Grain } from './dates';

export type Unit = 'JPY' | 'count' | 'ratio' | 'score';
export type MetricStatus = 'active' | 'deprecated';
export type EngineName = 'duckdb' | 'athena';

/** Text in both languages staff read; Japanese first. */
export interface LocalizedText {
  ja: string;
  en: string;
}

export type Lang = keyof LocalizedText;

export type FilterScalar = string | number | boolean;
export type FilterValue = FilterScalar | FilterScalar[];

/**
 * What each period is compared with: `previous_period`, the period before it (without a grain, the
 * range of the same length just before); `previous_year`, the same period a year earlier.
 */
export type Comparison = 'previous_period' | 'previous_year';

export interface QueryRequest {
  metric: string;
  /** Inclusive start, `YYYY-MM-DD`, JST. */
  from: string;
  /** Exclusive end, `YYYY-MM-DD`, JST: the range is half-open [from, to). */
  to: string;
  /** Omitted: one row for the whole range. */
  grain?: Grain;
  dimensions?: string[];
  /** Dimension name → allowed value(s). Values are matched exactly and never become SQL text. */
  filters?: Record<string, FilterValue>;
  /** Keep at most this many rows; `meta.truncated` says when more existed. */
  limit?: number;
  /**
   * Adds three columns after the value: `comparison` (the earlier period's value), `change` (the
   * difference; for ratios, in points) and `change_ratio` (change ÷ the earlier value, null when it is 0 or missing).
   */
  compare?: Comparison;
}

export type ColumnType = 'date' | 'number' | 'string' | 'boolean';
/**
 * What a column holds: `value` is a query's measure; with `compare`, `comparison` (the earlier
 * period's), `change` and `changeRatio`; a forecast (and the CLI's anomalies) splits its measure into
 * `actual`, `forecast` (the model's expectation) and the interval's `lower` and `upper`.
 */
export type ColumnRole = 'period' | 'dimension' | 'value' | 'comparison' | 'change' | 'changeRatio' | 'actual' | 'forecast' | 'lower' | 'upper';

export interface Column {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  title: LocalizedText;
  /** Set on the value column. */
  unit?: Unit;
  /**
   * On a dimension column: what people read for the codes in its rows (`dried_fruit` →
   * ドライフルーツ / Dried fruit), for the values present that have words. Rows keep the codes.
   */
  valueLabels?: Record<string, LocalizedText>;
}

export type Cell = string | number | boolean | null;

/**
 * Why groups were hidden: `min_group_size`, fewer records than the metric's `minGroupSize`;
 * `person_floor`, a split or filter by who people are reached fewer than `minPeople` distinct people
 * (or would, by subtraction from another answer: see docs/PRIVACY.md).
 */
export type SuppressionReason = 'min_group_size' | 'person_floor';

export interface Suppressed {
  /** Groups left out (with dimensions) or emptied (a series' periods), whatever the reason. */
  groups: number;
  minGroupSize: number;
  /** `person_floor` when the person floor hid any group, else `min_group_size` (an additive field). */
  reason: SuppressionReason;
  /** The person floor, when it applied to this answer. */
  minPeople?: number;
  /** Of `groups`, those hidden only so that no hidden group can be worked out by subtraction (complementary suppression). */
  complementary?: number;
}

export interface Meta {
  metric?: string;
  metricVersion?: number;
  /** The oldest snapshot time among the metric's source tables (ISO UTC): how fresh the answer is. */
  dataAsOf?: string;
  /**
   * Where the metric's data ends (ISO UTC): the earliest snapshot of the tables it counts (its fact
   * tables). Periods after it are empty (null), never 0.
   */
  dataEnd?: string;
  /** The period (its start) holding `dataEnd`: its value covers only the part before `dataEnd`. */
  partialPeriod?: string;
  /** When the next snapshot of a source table is due (ISO UTC): clients may cache until then. */
  freshUntil?: string;
  /** The lake snapshot the numbers were read from (every table of the query at the same one). */
  snapshotId?: string;
  generatedAt: string;
  cached?: boolean;
  engine?: EngineName;
  elapsedMs?: number;
  bytesScanned?: number;
  queryId?: string;
  suppressed?: Suppressed;
  /** With `compare`: what the comparison columns read, the earlier range [from, to) (JST days). */
  comparison?: { compare: Comparison; from: string; to: string };
  truncated?: boolean;
  /** Set when the metric is deprecated: the metric to move to. */
  replacedBy?: string;
  /** Set when the metric is restricted to named people: never keep it in a cache other people read. */
  restricted?: boolean;
  rowCount?: number;
}

export interface QueryResult {
  columns: Column[];
  rows: Cell[][];
  meta: Meta;
}

export interface QueryAccepted {
  queryId: string;
  status: 'running';
  /** When polling `GET /v1/query/{queryId}` is worth it again. */
  retryAfterMs: number;
  meta: Meta;
}

export interface DimensionInfo {
  name: string;
  title: LocalizedText;
  type: 'string' | 'integer' | 'boolean';
  /** Known values for enumerated dimensions; others are listed by the values route. */
  values?: readonly string[];
  /** Words for each of `values` in both languages (enumerated dimensions only). */
  valueLabels?: Readonly<Record<string, LocalizedText>>;
}

export interface MetricSummary {
  name: string;
  title: LocalizedText;
  description: LocalizedText;
  owner: string;
  unit: Unit;
  grains: readonly Grain[];
  dimensions: DimensionInfo[];
  tags: readonly string[];
  status: MetricStatus;
  replacedBy?: string;
  version: number;
  /** The groups that may see it, when it is restricted (only those who may see it are told). */
  restrictedTo?: readonly string[];
}

export interface TableFreshness {
  table: string;
  /** Null when the snapshot lacks the table. */
  snapshotAt: string | null;
  sloHours: number;
  ageHours: number | null;
  met: boolean;
}

export interface MetricDetail extends MetricSummary {
  /** The definition in words, reviewed with the SQL. */
  definition: LocalizedText;
  minGroupSize: number;
  /**
   * The person floor: split or filtered by who people are (prefecture, gender, plan…), a group of
   * fewer distinct people is hidden. Set on every metric whose rows come from people.
   */
  minPeople?: number;
  sources: string[];
  freshness: { dataAsOf: string | null; met: boolean; tables: TableFreshness[] };
  /** Every version of the definition, oldest first: when, what changed and why. */
  changelog: readonly MetricChangelogEntry[];
  /** The lake tables and columns the compiled SQL reads. */
  lineage: MetricLineage;
  /** Which of its source tables are late now, or were last refused by the quality gate. */
  health?: MetricHealth;
}

/** One version of a metric's definition. */
export interface MetricChangelogEntry {
  version: number;
  /** YYYY-MM-DD (JST) the version took effect. */
  date: string;
  change: LocalizedText;
  why: LocalizedText;
}

/** Columns per lake table, each list sorted: `{ boxes: ['price_jpy', 'shipped_at'] }`. */
export type TableColumns = Record<string, string[]>;

/**
 * What a metric reads, taken from its compiled SQL: `base` without dimensions, and per dimension
 * the columns splitting or filtering by it reads on top (its column and the join keys to reach it).
 */
export interface MetricLineage {
  base: TableColumns;
  byDimension: Record<string, TableColumns>;
}

export interface MetricHealth {
  /** Source tables whose served snapshot is older than their SLO now. */
  lateTables: string[];
  /** Source tables that failed checks in the last quality gate run over them (checks null: the run's line does not say which). */
  failedChecks: Array<{ table: string; checks: string[] | null; at: string; report: string }>;
  /** Set when the lake's history could not be read: quality results are then unknown, not good. */
  historyUnavailable?: true;
}

/** The quality gate's last run over a table (an export run; samples have none). */
export interface QualityGateResult {
  at: string;
  runId: string;
  /** The gate's verdict on the run: a refused run published nothing. */
  passed: boolean;
  /** The full report, relative to the lake's root (`quality/<runId>.json`). */
  report: string;
  /** The checks that failed on this table (empty when it passed, or when only other tables failed the run); null when the run's line does not say (written before issue 13: see the report). */
  failedChecks: string[] | null;
}

/** One JST day of freshness SLO attainment: the share of its whole hours within the SLO. */
export interface DailyAttainmentPoint {
  /** `YYYY-MM-DD`, JST. */
  day: string;
  /** Null for a day before the history begins. */
  attainment: number | null;
  hoursMet: number;
  hours: number;
}

/** A table's freshness now, its last quality result and its SLO attainment over the last 30 days. */
export interface TableHealth extends TableFreshness {
  lastQuality: QualityGateResult | null;
  /** The share of the last 30 × 24 whole hours within the SLO; null when the history holds none. */
  attainment30d: number | null;
  hoursMet: number;
  hours: number;
  /** 30 points, oldest first, ending with today (JST). */
  daily: DailyAttainmentPoint[];
}

export interface MetricList {
  metrics: MetricSummary[];
  meta: Meta;
}

export interface DimensionValues {
  metric: string;
  dimension: string;
  values: Cell[];
  /** Words for those of `values` that have them (enumerated dimensions, prefectures). */
  valueLabels?: Record<string, LocalizedText>;
  meta: Meta;
}

export interface FreshnessReport {
  tables: TableHealth[];
  /** The lake's run history the figures come from. `synthetic`: made up for the sample lake, not real exports. */
  history: { entries: number; synthetic: boolean; windowDays: number };
  meta: Meta;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  engine: { name: EngineName; reachable: boolean; detail?: string };
  /** Present when a table is missing or damaged: an ENGINE_UNAVAILABLE reason and the table or file. */
  lake?: { reason: string; detail: string };
  meta: Meta;
}

export interface ForecastRequest {
  metric: string;
  from: string;
  to: string;
  grain: Grain;
  /** Periods ahead, 1–104. */
  horizon: number;
  /** Central interval coverage, 0.5–0.99 (default 0.8). */
  interval?: number;
  /** A season length in periods, or omitted to detect it. */
  seasonality?: number;
  filters?: Record<string, FilterValue>;
}

export interface ForecastResult {
  /** The metric's title, for charts and headings. */
  title: LocalizedText;
  /** Central coverage of the lower–upper interval. */
  interval: number;
  /** period, actual, forecast, lower, upper: history rows have only `actual`, future rows the rest. */
  columns: Column[];
  rows: Cell[][];
  model: { name: string; seasonLength: number; params: Record<string, number> };
  backtest: { mase: number | null; folds: number };
  notes: string[];
  meta: Meta;
}

/** How readily a point is called unusual: the central confidence of the one-step interval. */
export type Sensitivity = 'low' | 'medium' | 'high';

export interface AnomalyRequest {
  metric: string;
  from: string;
  to: string;
  grain: Grain;
  /** Dimensions to attribute each anomaly to (default: every dimension of the metric). */
  dimensions?: string[];
  filters?: Record<string, FilterValue>;
  /** low = 99.9 %, medium = 99 % (default), high = 95 %. */
  sensitivity?: Sensitivity;
  seasonality?: number;
}

/** One dimension value's move in an anomalous period, against its own one-step expectation. */
export interface Contributor {
  dimension: string;
  value: Cell;
  /** What people read for `value`, when its dimension has words for it. */
  valueLabel?: LocalizedText;
  actual: number;
  expected: number;
  /** actual − expected. */
  delta: number;
  /** delta over the metric's own delta, for additive metrics only. */
  share?: number;
}

export interface AnomalyPoint {
  period: string;
  actual: number;
  expected: number;
  lower: number;
  upper: number;
  /** (actual − expected) / robust sigma of the one-step residuals. */
  score: number;
  direction: 'up' | 'down';
  /** Largest moves in the anomaly's direction first, at most 5 per dimension. */
  contributors: Contributor[];
}

export interface AnomalyResult {
  metric: string;
  grain: Grain;
  confidence: number;
  anomalies: AnomalyPoint[];
  /** How many periods of the series were examined. */
  periods: number;
  model: { name: string; seasonLength: number };
  method: string;
  notes: string[];
  meta: Meta;
}
