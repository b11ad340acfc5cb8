/**
 * Golden tests pin the Trino SQL sent to Athena, which cannot run here: any change to it shows up
 * as a diff in review. Regenerate deliberately with UPDATE_GOLDEN=1 npx jest compile.golden.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCatalog } from '../../src/catalog/catalog';
import { compileQuery } from '../../src/catalog/compile';
import { duckdb, trino } from '../../src/catalog/dialect';
import { resolveQuery } from '../../src/catalog/resolve';
import { measuresOf } from '../../src/catalog/vocabulary';
import { parseQueryRequest } from '../../src/contract/validate';
import type { QueryRequest } from '../../src/contract/types';
import { isCI } from '../support/requirements';

const GOLDEN_DIR = path.join(__dirname, 'golden', 'trino');
const catalog = loadCatalog();
/** A snapshot id as the export names them (src/lake/lakeLayout.ts). */
const SNAPSHOT = '20250101T000000Z-0a1b2c';
const compile = (request: QueryRequest, dialect = trino, snapshotId: string | undefined = SNAPSHOT) =>
  compileQuery(resolveQuery(catalog, parseQueryRequest(request)), dialect, { rowCap: 50_000, snapshotId });

const CASES: Record<string, QueryRequest> = {
  'revenue-month': { metric: 'revenue', from: '2024-01-01', to: '2025-01-01', grain: 'month' },
  'active-subscribers-quarter-by-plan-tokyo': {
    metric: 'active_subscribers',
    from: '2024-01-01',
    to: '2024-12-15',
    grain: 'quarter',
    dimensions: ['plan'],
    filters: { prefecture: '東京都' },
  },
  'churn-rate-month-both-plans': {
    metric: 'churn_rate',
    from: '2024-01-01',
    to: '2024-07-01',
    grain: 'month',
    filters: { plan: ['every4weeks', 'biweekly'] },
  },
  'avg-rating-total-by-category': { metric: 'avg_rating', from: '2024-01-01', to: '2024-04-01', dimensions: ['category'] },
  'skip-rate-week': { metric: 'skip_rate', from: '2024-07-01', to: '2024-09-02', grain: 'week' },
  'product-units-day-hostile-product': {
    metric: 'product_units',
    from: '2024-12-01',
    to: '2024-12-08',
    grain: 'day',
    dimensions: ['maker_prefecture'],
    filters: { product: "O'Reilly'); DROP TABLE users; -- /* \u2603 */" },
  },
};

describe('Trino SQL is pinned by golden files', () => {
  test.each(Object.entries(CASES))('%s', (name, request) => {
    const sql = `${compile(request).sql}\n`;
    const file = path.join(GOLDEN_DIR, `${name}.sql`);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
      // A golden that writes itself pins nothing: only a person, locally, creates or refreshes one.
      if (isCI()) {
        throw new Error(
          existsSync(file)
            ? `UPDATE_GOLDEN is ignored under CI: refresh ${file} locally and commit it.`
            : `Golden file ${file} is missing; create it with UPDATE_GOLDEN=1 locally and commit it.`,
        );
      }
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, sql);
    }
    expect(sql).toBe(readFileSync(file, 'utf8'));
  });
});

describe('dialects own the differences', () => {
  const request: QueryRequest = { metric: 'active_subscribers', from: '2024-01-01', to: '2024-04-01', grain: 'month' };

  test('date spines: generate_series on DuckDB, sequence + UNNEST on Trino', () => {
    expect(compile(request, duckdb).sql).toContain("generate_series(DATE '2024-01-01', DATE '2024-03-01', INTERVAL 1 MONTH)");
    expect(compile(request, trino).sql).toContain("UNNEST(sequence(DATE '2024-01-01', DATE '2024-03-01', INTERVAL '1' MONTH))");
  });

  test('period arithmetic: DuckDB casts interval sums back to DATE, Trino uses date_add', () => {
    expect(compile(request, duckdb).sql).toContain('CAST(p + INTERVAL 1 MONTH AS DATE)');
    expect(compile(request, trino).sql).toContain("date_add('month', 1, p)");
  });

  test('JST days: timestamps shift by nine hours and range bounds are JST midnight in UTC', () => {
    const sql = compile({ metric: 'box_revenue', from: '2024-01-01', to: '2024-02-01', grain: 'day' }, trino).sql;
    expect(sql).toContain("b.shipped_at >= TIMESTAMP '2023-12-31 15:00:00'");
    expect(sql).toContain("b.shipped_at < TIMESTAMP '2024-01-31 15:00:00'");
    expect(sql).toContain("CAST(b.shipped_at + INTERVAL '9' HOUR AS DATE)");
  });

  test('ratios divide as doubles, so integer division cannot truncate on Trino', () => {
    const sql = compile({ metric: 'churn_rate', from: '2024-01-01', to: '2024-04-01', grain: 'month' }, trino).sql;
    expect(sql).toContain('(CAST(COALESCE(num.value, 0) AS DOUBLE) / NULLIF(den.value, 0))');
  });

  test('joins are added only when a dimension, filter or measure needs them', () => {
    const plain = compile({ metric: 'box_revenue', from: '2024-01-01', to: '2024-02-01' }, duckdb).sql;
    expect(plain).not.toContain('JOIN users');
    expect(plain).not.toContain('JOIN subscriptions');
    const byPlan = compile({ metric: 'box_revenue', from: '2024-01-01', to: '2024-02-01', dimensions: ['plan'] }, duckdb).sql;
    expect(byPlan).toContain('LEFT JOIN subscriptions s ON s.subscription_id = b.subscription_id');
    expect(byPlan).not.toContain('JOIN users');
  });
});

describe('every Trino statement reads one snapshot', () => {
  const tablesRead = (sql: string) => [...sql.matchAll(/(?<!DISTINCT )\b(?:FROM|JOIN)\s+(\(SELECT \* FROM (\w+) WHERE "snapshot" = '([^']*)'\)|\w+)/g)];
  const lakeTables = new Set<string>(
    catalog.list().flatMap((metric) => measuresOf(metric).flatMap((m) => [m.model.table, ...m.model.joins.map((j) => j.table)])),
  );

  test.each(catalog.list().map((metric) => [metric.name, metric] as const))(
    '%s: every lake table it reads, joins included, names the snapshot',
    (name, metric) => {
      const request: QueryRequest = { metric: name, from: '2024-01-01', to: '2024-04-01', grain: metric.grains[0]!, dimensions: metric.dimensions.slice(0, 3) };
      const sql = compile(request).sql;
      // Everything after FROM or JOIN but the statement's own CTEs and its period spine.
      const items = tablesRead(sql).filter((match) => !['periods', 'combined', 'UNNEST'].includes(match[1]!) && !/^m\d+$/.test(match[1]!));
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        // A bare table would read every snapshot at once (and Athena's injected projection refuses it).
        expect(lakeTables.has(item[1]!)).toBe(false);
        expect([item[0], item[3]]).toEqual([item[0], SNAPSHOT]);
      }
    },
  );

  test('the snapshot id is printed as a literal, and a Trino statement without one is refused', () => {
    expect(compile({ metric: 'revenue', from: '2024-01-01', to: '2024-02-01' }, trino, "x'); DROP TABLE users; --").sql).toContain(
      `"snapshot" = 'x''); DROP TABLE users; --'`,
    );
    const resolved = resolveQuery(catalog, parseQueryRequest({ metric: 'revenue', from: '2024-01-01', to: '2024-02-01' }));
    expect(() => compileQuery(resolved, trino, { rowCap: 10 })).toThrow(/must name the lake snapshot/);
  });

  test('DuckDB reads its views, which follow the manifest', () => {
    const sql = compile({ metric: 'revenue', from: '2024-01-01', to: '2024-02-01', dimensions: ['prefecture'] }, duckdb).sql;
    expect(sql).not.toContain('snapshot');
    expect(sql).toContain('FROM boxes b');
  });
});

describe('user input never becomes SQL text on DuckDB', () => {
  const hostile = ["x' OR '1'='1", 'a"; DROP TABLE users; --', '/* comment */', '東京都\u200b', "'; SELECT * FROM users WHERE email LIKE '%"];

  test.each(hostile)('filter value %j is a bound parameter', (value) => {
    const compiled = compile({ metric: 'box_revenue', from: '2024-01-01', to: '2024-02-01', filters: { prefecture: value } }, duckdb);
    expect(compiled.sql).not.toContain(value);
    expect(compiled.params).toEqual([value]);
    expect(compiled.sql).toMatch(/u\.prefecture = \$1/);
  });

  test('every measure of a sum binds the same value once', () => {
    const compiled = compile({ metric: 'revenue', from: '2024-01-01', to: '2024-02-01', filters: { prefecture: ['大阪府', '東京都'] } }, duckdb);
    expect(compiled.params).toEqual(['大阪府', '東京都']);
    // Under the person floor the filter is read several times per measure (kept, and left out once): always the same two slots.
    const uses = compiled.sql.match(/u\.prefecture IN \([^)]*\)/g) ?? [];
    expect(uses.length).toBeGreaterThanOrEqual(2);
    expect(new Set(uses)).toEqual(new Set(['u.prefecture IN ($1, $2)']));
  });
});
