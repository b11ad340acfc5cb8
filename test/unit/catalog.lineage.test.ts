/** Lineage is read off the compiled SQL: it names what the statements read, no more and no less. */
import { loadCatalog } from '../../src/catalog/catalog';
import { compileQuery } from '../../src/catalog/compile';
import { duckdb, trino } from '../../src/catalog/dialect';
import { metricLineage } from '../../src/catalog/lineage';
import { resolveQuery } from '../../src/catalog/resolve';
import { measuresOf, sourceTablesOf, type MetricDef } from '../../src/catalog/vocabulary';
import { LAKE_SCHEMA, type TableName } from '../../src/contract/lakeSchema';
import type { TableColumns } from '../../src/contract/types';

const catalog = loadCatalog();
const YEAR = { from: '2024-01-01', to: '2025-01-01' };

/** The aliases under which each table is read in any of the metric's models. */
function aliasesOf(metric: MetricDef): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  for (const { model } of measuresOf(metric)) {
    for (const [alias, table] of [[model.alias, model.table], ...model.joins.map((join) => [join.alias, join.table])] as Array<[string, string]>) {
      aliases.set(table, [...new Set([...(aliases.get(table) ?? []), alias])]);
    }
  }
  return aliases;
}

const sqlOf = (metric: MetricDef, dimensions: string[], dialect = duckdb) =>
  compileQuery(resolveQuery(catalog, { metric: metric.name, ...YEAR, grain: metric.grains[0], dimensions }), dialect, {
    rowCap: 10,
    snapshotId: '20250101T000000Z-0a1b2c',
  }).sql;

function expectReadBy(columns: TableColumns, metric: MetricDef, sql: string): void {
  const aliases = aliasesOf(metric);
  for (const [table, names] of Object.entries(columns)) {
    expect(names.length).toBeGreaterThan(0);
    for (const column of names) {
      expect(Object.keys(LAKE_SCHEMA[table as TableName].columns)).toContain(column);
      // Some alias of the table reads the column (word-bounded, so `b.status` is not found inside `ab.status`).
      expect(aliases.get(table)!.some((alias) => new RegExp(`(?<![\\w.])${alias}\\.${column}\\b`).test(sql))).toBe(true);
    }
  }
}

describe.each(catalog.list().map((metric) => [metric.name, metric] as const))('%s', (_name, metric) => {
  const lineage = metricLineage(metric);

  test('every column of its base lineage appears in its compiled SQL, in both dialects, and its tables are its sources', () => {
    expectReadBy(lineage.base, metric, sqlOf(metric, []));
    expectReadBy(lineage.base, metric, sqlOf(metric, [], trino));
    const read = new Set([...Object.keys(lineage.base), ...Object.values(lineage.byDimension).flatMap(Object.keys)]);
    for (const table of read) expect(sourceTablesOf(metric)).toContain(table);
  });

  test('each dimension adds what splitting by it reads, and only then', () => {
    expect(Object.keys(lineage.byDimension)).toEqual([...metric.dimensions]);
    for (const dimension of metric.dimensions) {
      const extra = lineage.byDimension[dimension]!;
      expect(Object.keys(extra).length).toBeGreaterThan(0);
      expectReadBy(extra, metric, sqlOf(metric, [dimension]));
      const without = sqlOf(metric, []);
      // What the dimension adds is not read without it (the column, or the join key reaching it).
      const aliases = aliasesOf(metric);
      for (const [table, columns] of Object.entries(extra)) {
        for (const column of columns) expect(aliases.get(table)!.some((alias) => without.includes(`${alias}.${column}`))).toBe(false);
      }
    }
  });
});

describe('known metrics read exactly these columns', () => {
  test('revenue: box price, discount, status and ship time; completed shop orders; users only when split by them', () => {
    const lineage = metricLineage(catalog.get('revenue')!);
    expect(lineage.base).toEqual({ boxes: ['discount_jpy', 'price_jpy', 'shipped_at', 'status'], shop_orders: ['ordered_at', 'status', 'total_jpy'] });
    expect(lineage.byDimension.prefecture).toEqual({ boxes: ['user_id'], shop_orders: ['user_id'], users: ['prefecture', 'user_id'] });
  });

  test('skip_rate: the scheduled date and status of boxes; the plan through the subscription, and the customer counted for the person floor', () => {
    const lineage = metricLineage(catalog.get('skip_rate')!);
    expect(lineage.base).toEqual({ boxes: ['scheduled_date', 'status'] });
    expect(lineage.byDimension.plan).toEqual({ boxes: ['subscription_id', 'user_id'], subscriptions: ['plan', 'subscription_id'] });
  });

  test('avg_rating: every qualified column in its compiled SQL is in its lineage (nothing read is left out)', () => {
    const metric = catalog.get('avg_rating')!;
    const lineage = metricLineage(metric);
    const sql = sqlOf(metric, ['category']);
    const named = new Set(
      [lineage.base, lineage.byDimension.category!].flatMap((columns) =>
        Object.entries(columns).flatMap(([table, names]) => names.map((n) => `${table}.${n}`)),
      ),
    );
    const tableOfAlias = new Map<string, string>(
      [...aliasesOf(metric)].flatMap(([table, aliases]) => aliases.map((alias): [string, string] => [alias, table])),
    );
    const inSql = [...sql.matchAll(/(?<![\w.'])([a-z][a-z0-9_]*)\.([a-z_][a-z0-9_]*)/g)]
      .filter((match) => tableOfAlias.has(match[1]!))
      .map((match) => `${tableOfAlias.get(match[1]!)}.${match[2]}`);
    expect(inSql.length).toBeGreaterThan(0);
    expect(new Set(inSql)).toEqual(named);
  });
});
