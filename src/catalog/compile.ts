/**
 * Compiles a resolved query to SQL in one dialect.
 *
 * Shape of every statement:
 *   periods   one row per period of [from, to) with the moments snapshots are taken at;
 *   m0, m1…   one aggregate per measure: (period, d0…, value, n) where n counts the records, and
 *             under the person floor `people` (distinct people) and `removed0…` (people each filter
 *             took out of the group: see personFloor.ts and docs/PRIVACY.md);
 *   combined  the measures joined up (a single measure, a sum, or a ratio);
 *   final     without dimensions, every period appears (empty ones as 0 or NULL).
 * User input reaches the SQL only as bound values from the dialect's binder; names come from the
 * catalog and dates are re-printed from parsed values.
 */
import { periodStarts } from '../contract/dates';
import type { Column, ColumnType, Comparison, FilterScalar } from '../contract/types';
import { comparisonRange, comparisonShift, shiftInstant, type Shift } from '../contract/comparison';
import { aliasesIn, joinsFor } from './aliases';
import type { Binder, Dialect, DialectName } from './dialect';
import type { Aggregate, DimensionDef, FlowMeasure, Measure, MetricDef, ModelDef, SnapshotMeasure } from './vocabulary';
import { isAdditive, measuresOf } from './vocabulary';
import type { ResolvedQuery } from './resolve';
import { personFloorApplies } from './personFloor';

/** The hidden last column: how many records formed the row, for minimum-group-size suppression. */
export const GROUP_SIZE_COLUMN = '__n';
/** Under the person floor, after GROUP_SIZE_COLUMN: the distinct people who formed the row. */
export const PEOPLE_COLUMN = '__people';
/** …then one per filter: the distinct people that filter took out of the group (NULL when it took no row). */
export const REMOVED_PEOPLE_COLUMN = '__removed';

/** How a statement under the person floor reports people, after its GROUP_SIZE_COLUMN. */
export interface PersonFloorColumns {
  minPeople: number;
  /** How many REMOVED_PEOPLE_COLUMN columns follow PEOPLE_COLUMN (one per filter, on additive metrics). */
  removedColumns: number;
}

export interface CompiledQuery {
  dialect: DialectName;
  sql: string;
  params: FilterScalar[];
  /** The public columns, in order; the SQL returns GROUP_SIZE_COLUMN after them when `hasGroupSize`. */
  columns: Column[];
  hasGroupSize: boolean;
  /** Set when the person floor applies: the people columns follow GROUP_SIZE_COLUMN. */
  personFloor?: PersonFloorColumns;
  /**
   * Set with `compare`: the last public column is the earlier period's value, and the hidden columns
   * come twice, the period's (GROUP_SIZE_COLUMN…) then the earlier period's, `hiddenWidth` each.
   */
  comparison?: { hiddenWidth: number };
}

/** With `compare`: the earlier range, how periods map onto it, and where its data is cut to match a partial period. */
export interface ComparisonPlan {
  compare: Comparison;
  range: { from: string; to: string };
  shift: Shift;
  /** The data's end moved back by the shift (ISO UTC): the earlier range's events count only before it. */
  clipAt?: string;
}

export interface CompileOptions {
  /** Rows beyond this are never fetched; the engine answers RESULT_TOO_LARGE when rowCap + 1 come back. */
  rowCap: number;
  /** The lake snapshot every table is read at (the engine's current manifest); Trino needs it. */
  snapshotId?: string;
  /** With `compare`: what the earlier period is (comparisonPlan). */
  comparison?: ComparisonPlan;
}

const COLUMN_TYPE: Record<DimensionDef['type'], ColumnType> = { string: 'string', integer: 'number', boolean: 'boolean' };

/** The aggregate over the group's rows, or only over those where `only` holds (the others are read for the person floor). */
function aggregateSql(aggregate: Aggregate, only?: string): { value: string; n: string } {
  const of = (expr: string) => (only ? `CASE WHEN ${only} THEN ${expr} END` : expr);
  const rows = only ? `COUNT(${of('1')})` : 'COUNT(*)';
  switch (aggregate.fn) {
    case 'sum':
      return { value: `SUM(${of(aggregate.expr)})`, n: rows };
    case 'count':
      return { value: rows, n: rows };
    case 'count_distinct':
      return { value: `COUNT(DISTINCT ${of(aggregate.expr)})`, n: `COUNT(DISTINCT ${of(aggregate.expr)})` };
    case 'average':
      return { value: `AVG(${of(aggregate.expr)})`, n: `COUNT(${of(aggregate.expr)})` };
  }
}

/** What the person floor asks of every measure: nothing, distinct people, or those and the people each filter removed. */
type FloorMode = 'off' | 'people' | 'people_and_removed';

interface FilterPlan {
  where: string[];
  /** Rows counted in the value (undefined: every row WHERE lets through). */
  only?: string;
  columns: string[];
}

/**
 * Where a measure's filters go, and what it counts of people. Without the floor the filters are
 * plain WHERE conditions. Under it, the group's distinct people are counted too; and on an additive
 * metric with filters every filter is also left out once: the rows only that filter removes are
 * read (WHERE lets through rows failing at most one filter), their distinct people counted, and
 * the value counts only rows passing every filter. A group the same split shows without that
 * filter, minus this one, would be exactly those people. A group of removed rows only has n = 0 and
 * is dropped after the parts are combined, so a sum keeps every part's removed people.
 */
function filterPlan(model: ModelDef, filters: string[], floor: FloorMode): FilterPlan {
  if (floor === 'off') return { where: filters, columns: [] };
  const person = model.person;
  const distinctPeople = (where?: string) => (person ? `COUNT(DISTINCT ${where ? `CASE WHEN ${where} THEN ${person} END` : person})` : 'CAST(NULL AS BIGINT)');
  if (floor === 'people' || filters.length === 0) return { where: filters, columns: [`${distinctPeople()} AS people`] };
  // Parenthesised, as each is negated on its own (filterPredicates makes them never NULL).
  const guarded = filters.map((filter) => `(${filter})`);
  const all = guarded.join(' AND ');
  const removed = guarded.map((filter, i) => {
    const taken = [...guarded.filter((_, j) => j !== i), `NOT ${filter}`].join(' AND ');
    return `CASE WHEN COUNT(CASE WHEN ${taken} THEN 1 END) > 0 THEN ${distinctPeople(taken)} END AS removed${i}`;
  });
  const atMostOneFails = `(${guarded.map((filter) => `CASE WHEN ${filter} THEN 0 ELSE 1 END`).join(' + ')}) <= 1`;
  return {
    where: filters.length > 1 ? [atMostOneFails] : [],
    only: all,
    columns: [`${distinctPeople(all)} AS people`, ...removed],
  };
}

function aggregateExprs(aggregate: Aggregate): string[] {
  return aggregate.fn === 'count' ? [] : [aggregate.expr];
}

/** The person column is read only under the floor, so its join (a box item's box) is added only then. */
function personExprs(model: ModelDef, floor: FloorMode): string[] {
  return floor !== 'off' && model.person ? [model.person] : [];
}

function dimensionNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `d${i}`);
}

function groupBy(columns: number): string {
  return `GROUP BY ${Array.from({ length: columns }, (_, i) => i + 1).join(', ')}`;
}

class StatementBuilder {
  private readonly binder: Binder;

  /** What the person floor asks of every measure (see filterPlan). */
  readonly floor: FloorMode;
  private readonly spine: string;
  private readonly clipAt: string | undefined;

  /**
   * `spine`: the name of this side's periods CTE; `clipAt`: events count only before this instant
   * (the earlier side of a comparison, cut where the period's data ends). The two sides of a
   * comparison share one binder, so a filter value is bound once.
   */
  constructor(
    private readonly query: ResolvedQuery,
    private readonly dialect: Dialect,
    private readonly snapshotId: string | undefined,
    side: { binder?: Binder; spine?: string; clipAt?: string } = {},
  ) {
    this.binder = side.binder ?? dialect.newBinder();
    this.spine = side.spine ?? 'periods';
    this.clipAt = side.clipAt;
    this.floor = !personFloorApplies(query) ? 'off' : isAdditive(query.metric) && query.filters.length > 0 ? 'people_and_removed' : 'people';
  }

  private table(name: string): string {
    return this.dialect.relation(name, this.snapshotId);
  }

  get params(): FilterScalar[] {
    return this.binder.params;
  }

  get sharedBinder(): Binder {
    return this.binder;
  }

  periods(): string {
    const { query, dialect } = this;
    if (!query.grain) {
      return [
        `SELECT ${dialect.dateLiteral(query.from)} AS period,`,
        `    ${dialect.jstDayStartLiteral(query.from)} AS begin_at,`,
        `    ${dialect.jstDayStartLiteral(query.to)} AS end_at`,
      ].join('\n  ');
    }
    const starts = periodStarts(query.from, query.to, query.grain);
    const first = starts[0]!;
    const last = starts[starts.length - 1]!;
    // A period is counted from its start or `from`, whichever is later, to its end or `to`.
    return [
      `SELECT p AS period,`,
      `    ${dialect.jstDayStart(`greatest(p, ${dialect.dateLiteral(query.from)})`)} AS begin_at,`,
      `    ${dialect.jstDayStart(`least(${dialect.addPeriod(query.grain, 'p')}, ${dialect.dateLiteral(query.to)})`)} AS end_at`,
      `  FROM ${dialect.periodSeries(query.grain, first, last)}`,
    ].join('\n  ');
  }

  private filterPredicates(model: ModelDef): string[] {
    return this.query.filters.map((filter) => {
      const expr = model.dimensions[filter.dimension]!.expr;
      const placeholders = filter.values.map((value) => this.binder.bind(value));
      const test = placeholders.length === 1 ? `${expr} = ${placeholders[0]}` : `${expr} IN (${placeholders.join(', ')})`;
      // Left out once for the person floor, a filter is negated: it must be TRUE or FALSE, never NULL.
      return this.floor === 'people_and_removed' ? `${expr} IS NOT NULL AND ${test}` : test;
    });
  }

  private fromClause(model: ModelDef, exprs: string[], first = `${this.table(model.table)} ${model.alias}`): string {
    const aliases = exprs.flatMap(aliasesIn);
    const joins = joinsFor(model, aliases).map((join) => `LEFT JOIN ${this.table(join.table)} ${join.alias} ON ${join.on}`);
    return [`FROM ${first}`, ...joins].join('\n    ');
  }

  private dimensionExprs(model: ModelDef): string[] {
    return this.query.dimensions.map((name) => model.dimensions[name]!.expr);
  }

  private flow(measure: FlowMeasure): string {
    const { query, dialect } = this;
    const { model, time } = measure;
    const dims = this.dimensionExprs(model);
    const day = time.type === 'timestamp' ? dialect.jstDate(time.expr) : time.expr;
    const bound = (iso: string) => (time.type === 'timestamp' ? dialect.jstDayStartLiteral(iso) : dialect.dateLiteral(iso));
    const period = query.grain ? dialect.truncate(query.grain, day) : dialect.dateLiteral(query.from);
    const plan = filterPlan(model, this.filterPredicates(model), this.floor);
    const aggregate = aggregateSql(measure.aggregate, plan.only);
    const filters = query.filters.map((filter) => model.dimensions[filter.dimension]!.expr);
    const where = [`${time.expr} >= ${bound(query.from)}`, `${time.expr} < ${bound(query.to)}`, ...this.clip(time), ...(measure.where ?? []), ...plan.where];
    const select = [period + ' AS period', ...dims.map((expr, i) => `${expr} AS d${i}`), `${aggregate.value} AS value`, `${aggregate.n} AS n`, ...plan.columns];
    return [
      `SELECT ${select.join(',\n      ')}`,
      `  ${this.fromClause(model, [time.expr, ...(measure.where ?? []), ...aggregateExprs(measure.aggregate), ...dims, ...filters, ...personExprs(model, this.floor)])}`,
      `  WHERE ${where.join('\n    AND ')}`,
      `  ${groupBy(1 + dims.length)}`,
    ].join('\n');
  }

  /** The earlier side of a comparison ends where the period's data does: timestamps to the instant, dates to the JST day. */
  private clip(time: FlowMeasure['time']): string[] {
    if (!this.clipAt) return [];
    if (time.type === 'timestamp') return [`${time.expr} < ${this.dialect.instantLiteral(this.clipAt)}`];
    return [`${time.expr} <= ${this.dialect.dateLiteral(new Date(Date.parse(this.clipAt) + 9 * 3_600_000).toISOString().slice(0, 10))}`];
  }

  private snapshot(measure: SnapshotMeasure): string {
    const { query } = this;
    const { model } = measure;
    const dims = this.dimensionExprs(model);
    const moment = measure.at === 'period_end' ? 'pr.end_at' : 'pr.begin_at';
    const plan = filterPlan(model, this.filterPredicates(model), this.floor);
    const aggregate = aggregateSql(measure.aggregate, plan.only);
    const filters = query.filters.map((filter) => model.dimensions[filter.dimension]!.expr);
    const inState = `${measure.validFrom} < ${moment} AND (${measure.validTo} IS NULL OR ${measure.validTo} >= ${moment})`;
    const where = [...(measure.where ?? []), ...plan.where];
    const select = ['pr.period AS period', ...dims.map((expr, i) => `${expr} AS d${i}`), `${aggregate.value} AS value`, `${aggregate.n} AS n`, ...plan.columns];
    const from = this.fromClause(
      model,
      [
        measure.validFrom,
        measure.validTo,
        ...(measure.where ?? []),
        ...aggregateExprs(measure.aggregate),
        ...dims,
        ...filters,
        ...personExprs(model, this.floor),
      ],
      `${this.spine} pr\n    JOIN ${this.table(model.table)} ${model.alias} ON ${inState}`,
    );
    return [
      `SELECT ${select.join(',\n      ')}`,
      `  ${from}`,
      ...(where.length ? [`  WHERE ${where.join('\n    AND ')}`] : []),
      `  ${groupBy(1 + dims.length)}`,
    ].join('\n');
  }

  measure(measure: Measure): string {
    return measure.kind === 'flow' ? this.flow(measure) : this.snapshot(measure);
  }
}

/** `prefix` names this side's measure CTEs: m0, m1… for the period, k0, k1… for the earlier one. */
function combine(metric: MetricDef, names: string[], dialect: Dialect, people: PersonFloorColumns | undefined, prefix = 'm'): string {
  const dims = dimensionNames(names.length);
  const compute = metric.compute;
  const removed = Array.from({ length: people?.removedColumns ?? 0 }, (_, i) => `removed${i}`);
  switch (compute.type) {
    case 'measure':
      return `SELECT * FROM ${prefix}0`;
    case 'sum': {
      const parts = compute.parts.map((_, i) => `SELECT * FROM ${prefix}${i}`).join('\n    UNION ALL ');
      const keys = ['period', ...dims];
      // Distinct people cannot be added across parts: the larger part's count is a lower bound of the
      // union, so a group shown by it has at least that many people (and one hidden may have more).
      const peopleColumns = people ? ['MAX(people) AS people', ...removed.map((column) => `MAX(${column}) AS ${column}`)] : [];
      return [
        `SELECT ${[...keys, 'SUM(value) AS value', 'SUM(n) AS n', ...peopleColumns].join(', ')}`,
        `  FROM (${parts}) parts`,
        `  ${groupBy(keys.length)}`,
      ].join('\n');
    }
    case 'ratio': {
      // A FULL JOIN keeps groups that only one side has; NULL-safe equality keeps NULL dimension values.
      const keys = ['period', ...dims];
      const on = keys.map((key) => `num.${key} IS NOT DISTINCT FROM den.${key}`).join(' AND ');
      return [
        `SELECT ${keys.map((key) => `COALESCE(num.${key}, den.${key}) AS ${key}`).join(', ')},`,
        `    ${dialect.divide('COALESCE(num.value, 0)', 'den.value')} AS value,`,
        // A group is formed by the denominator's records, or the numerator's when it has none.
        `    COALESCE(NULLIF(den.n, 0), num.n, 0) AS n${people ? ',' : ''}`,
        // A ratio with a numerator of a few people tells their share (ARPU × subscribers = their spend):
        // its people are the fewer of the two sides, or the denominator's when the numerator has none.
        ...(people
          ? [
              '    CASE WHEN COALESCE(num.n, 0) > 0 THEN LEAST(COALESCE(num.people, 0), COALESCE(den.people, num.people, 0)) ELSE COALESCE(den.people, 0) END AS people',
            ]
          : []),
        `  FROM ${prefix}0 num FULL OUTER JOIN ${prefix}1 den ON ${on}`,
      ].join('\n');
    }
  }
}

function publicColumns(query: ResolvedQuery): Column[] {
  const model = measuresOf(query.metric)[0]!.model;
  return [
    ...(query.grain ? [{ name: 'period', type: 'date', role: 'period', title: { ja: '期間', en: 'Period' } } as Column] : []),
    ...query.dimensions.map((name): Column => {
      const definition = model.dimensions[name]!;
      return { name, type: COLUMN_TYPE[definition.type], role: 'dimension', title: definition.title };
    }),
    { name: 'value', type: 'number', role: 'value', title: query.metric.title, unit: query.metric.unit },
  ];
}

/** What the earlier side of `compare` reads; `dataEnd` (ISO UTC) cuts it like the period's partial data. */
export function comparisonPlan(
  range: { from: string; to: string; grain?: ResolvedQuery['grain'] },
  compare: Comparison,
  dataEnd?: string | null,
): ComparisonPlan {
  const shift = comparisonShift(range, compare);
  const runsPastTheData = dataEnd ? Date.parse(dataEnd) < Date.parse(`${range.to}T00:00:00+09:00`) : false;
  return { compare, range: comparisonRange(range, compare), shift, ...(dataEnd && runsPastTheData ? { clipAt: shiftInstant(dataEnd, shift) } : {}) };
}

/** The hidden columns of one side (`c` the period's, `k` the earlier one's): records, then people and what filters removed. */
function hiddenColumns(alias: string, personFloor: PersonFloorColumns | undefined, suffix = ''): string[] {
  return [
    `COALESCE(${alias}.n, 0) AS "${GROUP_SIZE_COLUMN}${suffix}"`,
    ...(personFloor
      ? [
          `COALESCE(${alias}.people, 0) AS "${PEOPLE_COLUMN}${suffix}"`,
          ...Array.from({ length: personFloor.removedColumns }, (_, i) => `${alias}.removed${i} AS "${REMOVED_PEOPLE_COLUMN}${i}${suffix}"`),
        ]
      : []),
  ];
}

/** The earlier period's value beside each value, from the earlier side's CTEs (kperiods, k0…, kcombined). */
function comparedFinal(query: ResolvedQuery, dialect: Dialect, plan: ComparisonPlan, personFloor: PersonFloorColumns | undefined, floor: FloorMode): string {
  const dims = dimensionNames(query.dimensions.length);
  const absent = (expr: string) => (isAdditive(query.metric) ? `COALESCE(${expr}, 0)` : expr);
  const hidden = [...hiddenColumns('c', personFloor), ...hiddenColumns('k', personFloor, '_earlier')];
  const back = (expr: string) => dialect.shiftDate(expr, plan.shift);
  if (dims.length === 0) {
    return [
      `SELECT ${[...(query.grain ? ['pr.period AS "period"'] : []), `${absent('c.value')} AS "value"`, `${absent('k.value')} AS "comparison"`, ...hidden].join(', ')}`,
      `FROM periods pr LEFT JOIN combined c ON c.period = pr.period LEFT JOIN kcombined k ON k.period = ${back('pr.period')}`,
      `ORDER BY pr.period`,
    ].join('\n');
  }
  // A group of only one of the two periods still gets a row: the other side is absent (0 or NULL).
  const forward = { unit: plan.shift.unit, count: -plan.shift.count };
  const on = [`k.period = ${back('c.period')}`, ...dims.map((d) => `k.${d} IS NOT DISTINCT FROM c.${d}`)].join(' AND ');
  const columns = [
    ...(query.grain ? [`COALESCE(c.period, ${dialect.shiftDate('k.period', forward)}) AS "period"`] : []),
    ...dims.map((d, i) => `COALESCE(c.${d}, k.${d}) AS "${query.dimensions[i]}"`),
    `${absent('c.value')} AS "value"`,
    `${absent('k.value')} AS "comparison"`,
    ...hidden,
  ];
  const valueOrdinal = (query.grain ? 1 : 0) + dims.length + 1;
  return [
    `SELECT ${columns.join(', ')}`,
    `FROM combined c FULL OUTER JOIN kcombined k ON ${on}`,
    ...(floor === 'people_and_removed' ? ['WHERE COALESCE(c.n, 0) > 0 OR COALESCE(k.n, 0) > 0'] : []),
    `ORDER BY ${[...(query.grain ? ['1'] : []), `${valueOrdinal} DESC NULLS LAST`, ...dims.map((_, i) => `${(query.grain ? 2 : 1) + i} NULLS LAST`)].join(', ')}`,
  ].join('\n');
}

function comparisonColumn(query: ResolvedQuery, compare: Comparison): Column {
  const title = compare === 'previous_year' ? { ja: '前年同期', en: 'Same period last year' } : { ja: '前期', en: 'Previous period' };
  return { name: 'comparison', type: 'number', role: 'comparison', title, unit: query.metric.unit };
}

export function compileQuery(query: ResolvedQuery, dialect: Dialect, options: CompileOptions): CompiledQuery {
  const builder = new StatementBuilder(query, dialect, options.snapshotId);
  const measures = measuresOf(query.metric);
  const dims = dimensionNames(query.dimensions.length);
  const personFloor: PersonFloorColumns | undefined =
    builder.floor === 'off'
      ? undefined
      : { minPeople: query.metric.minPeople!, removedColumns: builder.floor === 'people_and_removed' ? query.filters.length : 0 };
  const ctes = [`periods AS (\n  ${builder.periods()}\n)`];
  measures.forEach((measure, i) => ctes.push(`m${i} AS (\n${builder.measure(measure)}\n)`));
  ctes.push(`combined AS (\n${combine(query.metric, query.dimensions, dialect, personFloor)}\n)`);
  const plan = options.comparison;
  if (plan) {
    // The earlier side: the same measures over the shifted range, on its own spine, one statement.
    const earlier = new StatementBuilder({ ...query, ...plan.range }, dialect, options.snapshotId, {
      binder: builder.sharedBinder,
      spine: 'kperiods',
      ...(plan.clipAt ? { clipAt: plan.clipAt } : {}),
    });
    ctes.push(`kperiods AS (\n  ${earlier.periods()}\n)`);
    measures.forEach((measure, i) => ctes.push(`k${i} AS (\n${earlier.measure(measure)}\n)`));
    ctes.push(`kcombined AS (\n${combine(query.metric, query.dimensions, dialect, personFloor, 'k')}\n)`);
    const sql = `WITH ${ctes.join(',\n')}\n${comparedFinal(query, dialect, plan, personFloor, builder.floor)}\nLIMIT ${Math.floor(options.rowCap) + 1}`;
    return {
      dialect: dialect.name,
      sql,
      params: builder.params,
      columns: [...publicColumns(query), comparisonColumn(query, plan.compare)],
      hasGroupSize: true,
      ...(personFloor ? { personFloor } : {}),
      comparison: { hiddenWidth: hiddenColumns('c', personFloor).length },
    };
  }

  const periodColumn = query.grain ? ['c.period AS "period"'] : [];
  const dimensionColumns = dims.map((d, i) => `c.${d} AS "${query.dimensions[i]}"`);
  const peopleColumns = personFloor
    ? [
        `COALESCE(c.people, 0) AS "${PEOPLE_COLUMN}"`,
        ...Array.from({ length: personFloor.removedColumns }, (_, i) => `c.removed${i} AS "${REMOVED_PEOPLE_COLUMN}${i}"`),
      ]
    : [];
  let final: string;
  if (dims.length === 0) {
    const value = isAdditive(query.metric) ? 'COALESCE(c.value, 0)' : 'c.value';
    final = [
      `SELECT ${[...(query.grain ? ['pr.period AS "period"'] : []), `${value} AS "value"`, `COALESCE(c.n, 0) AS "${GROUP_SIZE_COLUMN}"`, ...peopleColumns].join(', ')}`,
      `FROM periods pr LEFT JOIN combined c ON c.period = pr.period`,
      `ORDER BY pr.period`,
    ].join('\n');
  } else {
    final = [
      `SELECT ${[...periodColumn, ...dimensionColumns, 'c.value AS "value"', `c.n AS "${GROUP_SIZE_COLUMN}"`, ...peopleColumns].join(', ')}`,
      `FROM combined c`,
      ...(builder.floor === 'people_and_removed' ? ['WHERE c.n > 0'] : []),
      `ORDER BY ${['c.period', 'c.value DESC NULLS LAST', ...dims.map((d) => `c.${d} NULLS LAST`)].join(', ')}`,
    ].join('\n');
  }
  const sql = `WITH ${ctes.join(',\n')}\n${final}\nLIMIT ${Math.floor(options.rowCap) + 1}`;
  return { dialect: dialect.name, sql, params: builder.params, columns: publicColumns(query), hasGroupSize: true, ...(personFloor ? { personFloor } : {}) };
}

/**
 * Each measure's statement exactly as compileQuery writes it into m0, m1…, beside the model it reads:
 * lineage.ts reads the columns from these, so what a metric is said to read is what it runs.
 */
export function measureStatements(query: ResolvedQuery, dialect: Dialect, options: CompileOptions): Array<{ model: ModelDef; sql: string }> {
  const builder = new StatementBuilder(query, dialect, options.snapshotId);
  return measuresOf(query.metric).map((measure) => ({ model: measure.model, sql: builder.measure(measure) }));
}

/** The distinct values of one dimension, read from the smallest table that holds it. */
export function compileDimensionValues(metric: MetricDef, name: string, dialect: Dialect, options: CompileOptions): CompiledQuery {
  const model = measuresOf(metric)[0]!.model;
  const definition = model.dimensions[name]!;
  const aliases = aliasesIn(definition.expr);
  const join = aliases.length === 1 ? model.joins.find((candidate) => candidate.alias === aliases[0]) : undefined;
  const table = (name: string) => dialect.relation(name, options.snapshotId);
  const from = join
    ? `${table(join.table)} ${join.alias}`
    : [`${table(model.table)} ${model.alias}`, ...joinsFor(model, aliases).map((j) => `LEFT JOIN ${table(j.table)} ${j.alias} ON ${j.on}`)].join(' ');
  const sql = [
    `SELECT DISTINCT ${definition.expr} AS "value"`,
    `FROM ${from}`,
    `WHERE ${definition.expr} IS NOT NULL`,
    `ORDER BY 1`,
    `LIMIT ${Math.floor(options.rowCap) + 1}`,
  ].join('\n');
  return {
    dialect: dialect.name,
    sql,
    params: [],
    columns: [{ name: 'value', type: COLUMN_TYPE[definition.type], role: 'dimension', title: definition.title }],
    hasGroupSize: false,
  };
}
