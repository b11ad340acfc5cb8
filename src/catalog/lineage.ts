/**
 * Lineage: which lake tables and columns a metric reads, read off the SQL the compiler writes for
 * it (never listed by hand), so a reviewer sees exactly what a definition touches.
 */
import type { MetricLineage, TableColumns } from '../contract/types';
import { columnsIn } from './aliases';
import { measureStatements } from './compile';
import { duckdb } from './dialect';
import type { ResolvedQuery } from './resolve';
import type { MetricDef, ModelDef } from './vocabulary';

/** Any range does: which columns are read does not depend on the dates. */
const RANGE = { from: '2024-01-01', to: '2025-01-01' } as const;

function add(into: Map<string, Set<string>>, table: string, column: string): void {
  const columns = into.get(table) ?? new Set<string>();
  columns.add(column);
  into.set(table, columns);
}

function sorted(columns: Map<string, Set<string>>): TableColumns {
  return Object.fromEntries([...columns.keys()].sort().map((table) => [table, [...columns.get(table)!].sort()]));
}

/**
 * Every `alias.column` of the model's aliases in one compiled statement, as `table.column`. The
 * compiler's own aliases (pr, c…) are not the model's (the catalog refuses a model that reuses them).
 */
function columnsRead(model: ModelDef, sql: string, into: Map<string, Set<string>>): void {
  const tableOf = new Map<string, string>([[model.alias, model.table], ...model.joins.map((join): [string, string] => [join.alias, join.table])]);
  for (const { alias, column } of columnsIn(sql)) {
    const table = tableOf.get(alias);
    if (table) add(into, table, column);
  }
}

/** The columns the compiled statement of `query` reads, over all the metric's measures. */
export function queryColumns(query: ResolvedQuery): Map<string, Set<string>> {
  const columns = new Map<string, Set<string>>();
  for (const { model, sql } of measureStatements(query, duckdb, { rowCap: 1 })) columnsRead(model, sql, columns);
  return columns;
}

/**
 * `base`: what the metric reads with no dimension. `byDimension[d]`: what splitting by `d` reads on
 * top of that (the dimension's column and the keys of any join it needs). Filtering by `d` reads the same.
 */
export function metricLineage(metric: MetricDef): MetricLineage {
  let lineage = computed.get(metric);
  if (!lineage) computed.set(metric, (lineage = lineageOf(metric)));
  return lineage;
}

/** Definitions never change while the process runs: each metric's lineage is worked out once. */
const computed = new WeakMap<MetricDef, MetricLineage>();

function lineageOf(metric: MetricDef): MetricLineage {
  const base = queryColumns({ metric, ...RANGE, dimensions: [], filters: [] });
  const byDimension: Record<string, TableColumns> = {};
  for (const dimension of metric.dimensions) {
    const extra = new Map<string, Set<string>>();
    for (const [table, columns] of queryColumns({ metric, ...RANGE, dimensions: [dimension], filters: [] })) {
      for (const column of columns) if (!base.get(table)?.has(column)) add(extra, table, column);
    }
    byDimension[dimension] = sorted(extra);
  }
  return { base: sorted(base), byDimension };
}
