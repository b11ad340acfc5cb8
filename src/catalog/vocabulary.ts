/**
 * The vocabulary of governed metrics. Metrics are data reviewed like code: the SQL fragments here
 * are written by the data team in a portable subset of SQL that both DuckDB and Trino accept,
 * and never include user input (that arrives only as bound values, see compile.ts).
 */
import type { Grain } from '../contract/dates';
import type { TableName } from '../contract/lakeSchema';
import type { LocalizedText, MetricChangelogEntry, MetricStatus, Unit } from '../contract/types';
import type { MetricAccess } from './accessPolicy';

export interface DimensionDef {
  title: LocalizedText;
  /** Column expression over the model's aliases, e.g. `s.plan`. */
  expr: string;
  type: 'string' | 'integer' | 'boolean';
  /** The closed set of values, when there is one; filters outside it are rejected up front. */
  values?: readonly string[];
  /**
   * What people read for each value (code), in both languages: for every value of a closed set
   * (catalog.ts checks it), and for the known values of an open one (prefectures). Words, not the
   * definition: answers keep the codes and carry these beside them; filters accept either.
   */
  valueLabels?: Readonly<Record<string, LocalizedText>>;
}

/**
 * Personal data, declared only so a request naming it is refused (FORBIDDEN) by name, as defence
 * in depth: no column stands behind it, because the lake holds none (contract/privacyPolicy.ts).
 */
export interface PersonalDataDef {
  title: LocalizedText;
}

export interface JoinDef {
  alias: string;
  table: TableName;
  /** Portable join condition over aliases already joined. */
  on: string;
  /** Aliases this join's condition needs joined first. */
  after?: readonly string[];
}

/** A logical table: a fact table plus the joins its dimensions may need, added only when used. */
export interface ModelDef {
  name: string;
  table: TableName;
  alias: string;
  joins: readonly JoinDef[];
  dimensions: Readonly<Record<string, DimensionDef>>;
  /**
   * The pseudonymised person each row comes from (e.g. `b.user_id`), counted distinct for the person
   * floor (personFloor.ts). Declared exactly when the model's rows come from people: the catalog
   * checks that against the privacy policy when it loads.
   */
  person?: string;
  /** Names of personal data about this model's people: never a dimension, never a column. */
  personalData?: Readonly<Record<string, PersonalDataDef>>;
}

export type Aggregate =
  /** `nonNegative`: every amount summed is ≥ 0 (quantities, prices after discount), so the sum is too. */
  { fn: 'sum'; expr: string; nonNegative?: boolean } | { fn: 'count' } | { fn: 'count_distinct'; expr: string } | { fn: 'average'; expr: string };

/** Events that happen at a time: summed into the period their time falls in (JST). */
export interface FlowMeasure {
  kind: 'flow';
  model: ModelDef;
  aggregate: Aggregate;
  /** The event time: a UTC timestamp column or a JST date column. */
  time: { expr: string; type: 'timestamp' | 'date' };
  /** Fixed, reviewed conditions (which rows count at all). */
  where?: readonly string[];
}

/** Things that are in a state over an interval: counted at a moment of each period. */
export interface SnapshotMeasure {
  kind: 'snapshot';
  model: ModelDef;
  aggregate: Extract<Aggregate, { fn: 'count' } | { fn: 'count_distinct' }>;
  /** UTC timestamps: the row is in the state during [validFrom, validTo); validTo NULL = still is. */
  validFrom: string;
  validTo: string;
  /** Counted just before the period ends, or as the period begins. */
  at: 'period_end' | 'period_start';
  where?: readonly string[];
}

export type Measure = FlowMeasure | SnapshotMeasure;

export type Computation =
  | { type: 'measure'; measure: Measure }
  /** The parts are added per period and group (e.g. box revenue + shop revenue). */
  | { type: 'sum'; parts: readonly Measure[] }
  /** numerator ÷ denominator per period and group; empty when the denominator is 0. */
  | { type: 'ratio'; numerator: Measure; denominator: Measure };

export interface MetricDef {
  /** snake_case and stable: it is what sheets reference. */
  name: string;
  title: LocalizedText;
  description: LocalizedText;
  /** The definition in words, for the sidebar and the catalog page. */
  definition: LocalizedText;
  owner: string;
  unit: Unit;
  tags: readonly string[];
  grains: readonly Grain[];
  /** Dimension names every part's model defines. */
  dimensions: readonly string[];
  /** Groups formed by fewer records than this are suppressed (1 = no suppression). */
  minGroupSize: number;
  /**
   * The person floor: split or filtered by who people are, a group of fewer distinct people than
   * this is hidden (personFloor.ts). Required, at least PERSON_FLOOR_MINIMUM, on every metric whose
   * rows come from people; an unsplit, unfiltered total is exempt.
   */
  minPeople?: number;
  status: MetricStatus;
  replacedBy?: string;
  version: number;
  /**
   * One entry per version, oldest first, the last for `version`: raising the version needs its entry,
   * and the definition lock (definitionLock.ts) needs the raise whenever the definition changes.
   */
  changelog: readonly MetricChangelogEntry[];
  compute: Computation;
  /**
   * Whether a value can never be below 0, so forecast and anomaly bounds are clamped at 0. A property
   * of the metric, not its unit (a margin in JPY can be negative). Omitted: derived from the
   * computation (`isNonNegative`).
   */
  nonNegative?: boolean;
  /** Who may see it: everyone (omitted), or the named groups of the reviewed policy (accessPolicy.ts). */
  access?: MetricAccess;
}

/** Freshness promise per source table, in hours since its snapshot. */
export type FreshnessSlo = Readonly<Record<TableName, number>>;

export function measuresOf(metric: MetricDef): readonly Measure[] {
  const compute = metric.compute;
  switch (compute.type) {
    case 'measure':
      return [compute.measure];
    case 'sum':
      return compute.parts;
    case 'ratio':
      return [compute.numerator, compute.denominator];
  }
}

/** The lake tables a metric reads, derived from its models so it cannot drift. */
export function sourceTablesOf(metric: MetricDef): TableName[] {
  const tables = new Set<TableName>();
  for (const measure of measuresOf(metric)) {
    tables.add(measure.model.table);
    for (const join of measure.model.joins) tables.add(join.table);
  }
  return [...tables].sort();
}

/**
 * The tables whose rows a metric counts (each measure's model table, not its joins): their snapshots
 * are where the metric's data ends. A weekly dimension table joined for names does not end it.
 */
export function factTablesOf(metric: MetricDef): TableName[] {
  return [...new Set(measuresOf(metric).map((measure) => measure.model.table))].sort();
}

/** Sums and counts add up across a dimension's values; ratios and averages do not. */
export function isAdditive(metric: MetricDef): boolean {
  return metric.compute.type !== 'ratio' && measuresOf(metric).every((measure) => measure.aggregate.fn !== 'average');
}

/** Whether a measure's values are ≥ 0: counts always, sums when their amounts are declared so. */
function measureIsNonNegative(measure: Measure): boolean {
  const aggregate = measure.aggregate;
  return aggregate.fn === 'count' || aggregate.fn === 'count_distinct' || (aggregate.fn === 'sum' && aggregate.nonNegative === true);
}

/** The metric's declaration, or else: sums and ratios of non-negative measures are non-negative. */
export function isNonNegative(metric: MetricDef): boolean {
  return metric.nonNegative ?? measuresOf(metric).every(measureIsNonNegative);
}

/** Whether some value is counted as the period ends (e.g. active at period end): unknown until it has. */
export function countsAtPeriodEnd(metric: MetricDef): boolean {
  return measuresOf(metric).some((measure) => measure.kind === 'snapshot' && measure.at === 'period_end');
}
