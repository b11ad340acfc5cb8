/**
 * The vocabulary of governed metrics. Metrics are data reviewed like code: the SQL fragments here
 * are written by the data team in a portable subset of SQL that both DuckDB and Trino accept,
 * and never include user input (that arrives only as bound values, see compile.ts).
 */
import type { Grain } from '../contract/dates';
import type { TableName } from '../contract/lakeSchema';
import type { LocalizedText, MetricStatus, Unit } from '../contract/types';

export interface DimensionDef {
  title: LocalizedText;
  /** Column expression over the model's aliases, e.g. `s.plan`. */
  expr: string;
  type: 'string' | 'integer' | 'boolean';
  /** The closed set of values, when there is one; filters outside it are rejected up front. */
  values?: readonly string[];
  /** Personal data: never selectable or filterable, whatever a metric says. */
  pii?: boolean;
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
}

export type Aggregate =
  | { fn: 'sum'; expr: string }
  | { fn: 'count' }
  | { fn: 'count_distinct'; expr: string }
  | { fn: 'average'; expr: string };

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
  status: MetricStatus;
  replacedBy?: string;
  version: number;
  compute: Computation;
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
