/**
 * Correctness of every governed metric: the metrics service's answers (catalog → compiler →
 * DuckDB) must equal a reference computed independently, in plain TypeScript over the raw rows
 * of the same generated lake (test/support/referenceMetrics.ts). Counts and sums must match
 * exactly; averages and ratios within 1e-9 relative. Suppressed groups must match too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MetricsService } from '../../src/api/service';
import { OPERATOR } from '../../src/catalog/accessPolicy';
import { loadCatalog } from '../../src/catalog/catalog';
import type { QueryResult } from '../../src/contract/types';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { generateLake } from '../../src/lake/generate';
import { readLakeRows } from '../support/lakeRows';
import { createReferenceMetrics, jstMidnightMicros, type RefCell, type RefQuery, type RefResult, type ReferenceMetrics } from '../support/referenceMetrics';

const RELATIVE_TOLERANCE = 1e-9;
/** The lake's snapshot: where the data ends for every metric (all tables share it). */
const AS_OF = new Date('2026-11-01T00:00:00Z');
const HOUR_MICROS = 3_600_000_000;

interface Case {
  name: string;
  request: RefQuery;
  /** The reference is expected to suppress at least one group (so suppression is really exercised). */
  expectSuppression?: boolean;
  /** …and at least one only to protect another (complementary suppression). */
  expectComplementary?: boolean;
}

function describeRequest(request: RefQuery): string {
  const parts = [`${request.metric} [${request.from}, ${request.to})`, `grain=${request.grain ?? 'none'}`];
  if (request.dimensions?.length) parts.push(`by ${request.dimensions.join('+')}`);
  if (request.filters && Object.keys(request.filters).length) parts.push(`where ${JSON.stringify(request.filters)}`);
  return parts.join(' ');
}

function makeCase(label: string, request: RefQuery, extra: Omit<Case, 'name' | 'request'> = {}): Case {
  return { name: `${label}: ${describeRequest(request)}`, request, ...extra };
}

const catalog = loadCatalog();
const YEAR_2024 = { from: '2024-01-01', to: '2025-01-01' } as const;

/** For each metric: one of its dimensions (or two) with a filter, so joins and bound values are exercised. */
const DIMENSION_CASES: Record<string, Omit<RefQuery, 'metric'> & { expectSuppression?: boolean }> = {
  revenue: { ...YEAR_2024, grain: 'month', dimensions: ['prefecture'], filters: { gender: 'female' } },
  box_revenue: { ...YEAR_2024, grain: 'quarter', dimensions: ['plan'], filters: { acquisition_channel: ['instagram', 'ads'] } },
  shop_revenue: { ...YEAR_2024, grain: 'month', dimensions: ['gender'], filters: { prefecture: '東京都' } },
  arpu: { ...YEAR_2024, grain: 'month', dimensions: ['plan'], filters: { gender: 'female' } },
  total_sales: { ...YEAR_2024, grain: 'month', dimensions: ['prefecture'], filters: { prefecture: ['東京都', '大阪府', '北海道'] } },
  active_subscribers: { ...YEAR_2024, grain: 'month', dimensions: ['acquisition_channel'], filters: { plan: 'biweekly' } },
  new_subscribers: { ...YEAR_2024, grain: 'quarter', dimensions: ['plan'], filters: { gender: 'male' } },
  churned_subscribers: { ...YEAR_2024, grain: 'quarter', dimensions: ['cancel_reason'], filters: { plan: 'every4weeks' } },
  churn_rate: { ...YEAR_2024, grain: 'quarter', dimensions: ['prefecture'], filters: { plan: 'biweekly' }, expectSuppression: true },
  diagnoses_completed: { ...YEAR_2024, grain: 'month', dimensions: ['texture_pref'], filters: { gender: 'female' } },
  boxes_shipped: {
    ...YEAR_2024,
    grain: 'quarter',
    dimensions: ['plan', 'gender'],
    filters: { prefecture: ['東京都', '大阪府', '神奈川県', '埼玉県', '千葉県'] },
    expectSuppression: true,
  },
  skip_rate: { ...YEAR_2024, grain: 'month', dimensions: ['plan'], filters: { prefecture: ['東京都', '神奈川県'] } },
  product_units: { ...YEAR_2024, grain: 'month', dimensions: ['category'], filters: { maker_prefecture: '兵庫県' } },
  avg_rating: { ...YEAR_2024, grain: 'month', dimensions: ['product'], filters: { category: 'chocolate' }, expectSuppression: true },
  snack_requests: { ...YEAR_2024, grain: 'month', dimensions: ['maker'], filters: { category: 'chocolate' } },
};

// Every metric of the catalog: monthly over 2024 without dimensions, and by a dimension with a filter.
const CATALOG_CASES: Case[] = catalog.list().flatMap((metric) => {
  const grain = metric.grains.includes('month') ? 'month' : metric.grains[0]!;
  const cases = [makeCase('monthly', { metric: metric.name, ...YEAR_2024, grain })];
  const dimensionCase = DIMENSION_CASES[metric.name];
  if (dimensionCase) {
    const { expectSuppression, ...request } = dimensionCase;
    cases.push(makeCase('by dimension', { metric: metric.name, ...request }, { expectSuppression }));
  } else if (metric.dimensions.length > 0) {
    // A new metric without a chosen case still gets a dimensioned check.
    cases.push(makeCase('by dimension', { metric: metric.name, ...YEAR_2024, grain, dimensions: [metric.dimensions[0]!] }));
  }
  return cases;
});

// Three weeks from a Wednesday to a Wednesday: not aligned to weeks.
const THREE_WEEKS = { from: '2024-03-06', to: '2024-03-27' } as const;
// Starts and ends mid-week.
const WEEKS = { from: '2024-01-03', to: '2024-04-10' } as const;
const MID_MONTH = { from: '2024-01-15', to: '2024-03-10' } as const;
/**
 * JST midnights where UTC and JST days differ and events sit on both sides (checked below):
 *   2024-10-13 JST = 2024-10-12T15:00Z: shop orders at 14:18Z and 17:51Z, a subscription started at 14:59:25Z;
 *   2024-06-09 JST = 2024-06-08T15:00Z: cancellations at 14:51:41Z and 15:38:45Z, ratings on both sides.
 */
const BOUNDARY_SHOP = '2024-10-13';
const BOUNDARY_CANCEL = '2024-06-09';

const EXTRA_CASES: Case[] = [
  // grain day, three weeks not aligned to weeks
  makeCase('day', { metric: 'revenue', ...THREE_WEEKS, grain: 'day' }),
  makeCase('day', { metric: 'new_subscribers', ...THREE_WEEKS, grain: 'day' }),
  makeCase('day', { metric: 'active_subscribers', ...THREE_WEEKS, grain: 'day' }),
  makeCase('day', { metric: 'product_units', ...THREE_WEEKS, grain: 'day', dimensions: ['category'] }),
  makeCase('day', { metric: 'snack_requests', ...THREE_WEEKS, grain: 'day' }),
  makeCase('day', { metric: 'boxes_shipped', ...THREE_WEEKS, grain: 'day', dimensions: ['plan'] }),
  // grain week, partial first and last weeks
  makeCase('week', { metric: 'boxes_shipped', ...WEEKS, grain: 'week' }),
  makeCase('week', { metric: 'skip_rate', ...WEEKS, grain: 'week' }),
  makeCase('week', { metric: 'avg_rating', ...WEEKS, grain: 'week' }),
  makeCase('week', { metric: 'active_subscribers', ...WEEKS, grain: 'week' }),
  makeCase('week', { metric: 'churned_subscribers', ...WEEKS, grain: 'week' }),
  makeCase('week', { metric: 'product_units', ...WEEKS, grain: 'week', dimensions: ['category'] }),
  makeCase('week', { metric: 'diagnoses_completed', ...WEEKS, grain: 'week' }),
  makeCase('week', { metric: 'avg_rating', ...WEEKS, grain: 'week', dimensions: ['category'], filters: { maker_prefecture: ['兵庫県', '北海道'] } }),
  // grain quarter
  makeCase('quarter', { metric: 'churn_rate', from: '2023-02-15', to: '2024-11-20', grain: 'quarter' }),
  makeCase('quarter', { metric: 'arpu', from: '2023-01-01', to: '2025-01-01', grain: 'quarter', dimensions: ['acquisition_channel'] }),
  makeCase('quarter', { metric: 'shop_revenue', from: '2022-01-01', to: '2025-01-01', grain: 'quarter' }),
  // grain year
  makeCase('year', { metric: 'revenue', from: '2019-01-01', to: '2026-01-01', grain: 'year' }),
  makeCase('year', { metric: 'active_subscribers', from: '2020-06-01', to: '2024-06-01', grain: 'year' }),
  makeCase('year', { metric: 'avg_rating', from: '2019-01-01', to: '2026-01-01', grain: 'year', dimensions: ['category'] }),
  makeCase('year', { metric: 'total_sales', from: '2018-01-01', to: '2026-11-01', grain: 'year' }),
  makeCase('year', { metric: 'arpu', from: '2019-07-01', to: '2025-01-01', grain: 'year' }),
  // no grain: one row for the whole range
  makeCase('no grain', { metric: 'revenue', ...YEAR_2024 }),
  makeCase('no grain', { metric: 'churn_rate', from: '2024-01-01', to: '2024-07-01' }),
  makeCase('no grain', { metric: 'active_subscribers', ...YEAR_2024, dimensions: ['plan'] }),
  makeCase('no grain', { metric: 'arpu', ...YEAR_2024 }),
  makeCase('no grain', { metric: 'product_units', ...YEAR_2024, dimensions: ['maker', 'category'] }),
  makeCase(
    'no grain',
    { metric: 'avg_rating', from: '2024-03-01', to: '2024-03-15', dimensions: ['product'], filters: { category: 'chocolate' } },
    { expectSuppression: true },
  ),
  makeCase('no grain', { metric: 'skip_rate', from: '2024-01-01', to: '2024-07-01', dimensions: ['prefecture'] }, { expectSuppression: true }),
  // more dimensions on ratios (the numerator and denominator are joined on every key)
  makeCase('two dimensions', { metric: 'churn_rate', ...YEAR_2024, grain: 'quarter', dimensions: ['plan', 'gender'] }),
  makeCase(
    'two dimensions',
    { metric: 'arpu', ...YEAR_2024, grain: 'month', dimensions: ['plan', 'prefecture'], filters: { gender: ['female', 'male'] } },
    { expectSuppression: true },
  ),
  makeCase('two dimensions', { metric: 'skip_rate', ...YEAR_2024, grain: 'quarter', dimensions: ['prefecture', 'plan'] }, { expectSuppression: true }),
  // the person floor (docs/PRIVACY.md): groups of fewer than 5 people, groups a filter took 1–4 people
  // from, and complementary suppression along every axis, periods included
  makeCase('person floor', { metric: 'revenue', from: '2024-03-01', to: '2024-04-01', dimensions: ['age_band'] }, { expectComplementary: true }),
  makeCase(
    'person floor',
    { metric: 'revenue', from: '2024-01-01', to: '2024-02-01', dimensions: ['acquisition_channel'], filters: { gender: 'female' } },
    { expectComplementary: true },
  ),
  makeCase(
    'person floor',
    { metric: 'revenue', ...YEAR_2024, grain: 'quarter', dimensions: ['acquisition_channel'], filters: { prefecture: '東京都', gender: 'female' } },
    { expectSuppression: true },
  ),
  makeCase('person floor', { metric: 'new_subscribers', ...YEAR_2024, grain: 'quarter', filters: { prefecture: '大阪府' } }, { expectComplementary: true }),
  makeCase('person floor', { metric: 'churned_subscribers', ...YEAR_2024, grain: 'quarter', dimensions: ['cancel_reason'] }, { expectComplementary: true }),
  makeCase('person floor', { metric: 'active_subscribers', ...YEAR_2024, grain: 'quarter', dimensions: ['age_band', 'plan'] }, { expectComplementary: true }),
  makeCase(
    'person floor',
    { metric: 'snack_requests', ...YEAR_2024, grain: 'quarter', dimensions: ['category'], filters: { prefecture: '東京都' } },
    { expectComplementary: true },
  ),
  makeCase(
    'person floor',
    { metric: 'diagnoses_completed', ...YEAR_2024, grain: 'quarter', dimensions: ['texture_pref', 'gender'] },
    { expectSuppression: true },
  ),
  // a ratio does not add up: no complementary suppression, but the floor on the fewer of its two sides
  makeCase('person floor', { metric: 'churn_rate', ...YEAR_2024, grain: 'quarter', dimensions: ['gender'] }, { expectSuppression: true }),
  // product splits count product rows, not people: no person floor
  makeCase('product split', { metric: 'snack_requests', from: '2024-03-01', to: '2024-04-01', dimensions: ['product'] }),
  // the first months of data: periods formed by fewer than minGroupSize records are suppressed, even without dimensions
  makeCase('early data', { metric: 'avg_rating', from: '2018-01-01', to: '2018-03-01', grain: 'week' }, { expectSuppression: true }),
  makeCase('early data', { metric: 'churn_rate', from: '2018-01-01', to: '2018-07-01', grain: 'month' }, { expectSuppression: true }),
  makeCase('early data', { metric: 'arpu', from: '2018-01-01', to: '2018-07-01', grain: 'month' }, { expectSuppression: true }),
  makeCase('early data', { metric: 'skip_rate', from: '2018-01-01', to: '2018-04-01', grain: 'week' }, { expectSuppression: true }),
  makeCase('early data', { metric: 'active_subscribers', from: '2017-12-25', to: '2018-01-20', grain: 'week' }),
  // the last days before the snapshot: boxes being prepared ('picked', 'assigned') have no ship date and are not yet due
  makeCase('latest data', { metric: 'skip_rate', from: '2026-10-26', to: '2026-12-01' }),
  makeCase('latest data', { metric: 'skip_rate', from: '2026-09-28', to: '2026-11-30', grain: 'week' }),
  makeCase('latest data', { metric: 'boxes_shipped', from: '2026-10-20', to: '2026-11-05', grain: 'day' }),
  makeCase('latest data', { metric: 'revenue', from: '2026-10-01', to: '2026-12-01', grain: 'month' }),
  makeCase('latest data', { metric: 'active_subscribers', from: '2026-10-25', to: '2026-11-03', grain: 'day' }),
  // ranges that run past the data: no value after the snapshot, only what came before it in the period holding it
  makeCase('past the data', { metric: 'revenue', from: '2026-06-01', to: '2027-04-01', grain: 'month', dimensions: ['gender'] }),
  makeCase('past the data', { metric: 'active_subscribers', from: '2026-10-01', to: '2027-01-01', grain: 'week', dimensions: ['plan'] }),
  makeCase('past the data', { metric: 'churn_rate', from: '2026-09-01', to: '2027-03-01', grain: 'month' }),
  makeCase('past the data', { metric: 'arpu', from: '2026-01-01', to: '2027-07-01', grain: 'quarter' }),
  makeCase('past the data', { metric: 'product_units', from: '2026-10-20', to: '2026-11-20', grain: 'day' }),
  makeCase('past the data', { metric: 'skip_rate', from: '2026-10-15', to: '2027-02-01', grain: 'month', dimensions: ['plan'] }),
  makeCase('past the data', { metric: 'churned_subscribers', from: '2026-10-01', to: '2026-12-01' }),
  // a range starting mid-month
  ...(['revenue', 'active_subscribers', 'churn_rate', 'arpu', 'skip_rate', 'avg_rating', 'new_subscribers', 'product_units'] as const).map((metric) =>
    makeCase('mid-month', { metric, ...MID_MONTH, grain: 'month' }),
  ),
  // boundaries exactly at a JST midnight where UTC and JST days differ
  makeCase('JST boundary', { metric: 'shop_revenue', from: '2024-10-11', to: '2024-10-15', grain: 'day' }),
  makeCase('JST boundary', { metric: 'shop_revenue', from: '2024-10-12', to: BOUNDARY_SHOP }),
  makeCase('JST boundary', { metric: 'revenue', from: BOUNDARY_SHOP, to: '2024-10-14' }),
  makeCase('JST boundary', { metric: 'new_subscribers', from: '2024-10-12', to: '2024-10-14', grain: 'day' }),
  makeCase('JST boundary', { metric: 'active_subscribers', from: '2024-10-12', to: '2024-10-14', grain: 'day' }),
  makeCase('JST boundary', { metric: 'active_subscribers', from: '2024-10-01', to: BOUNDARY_SHOP }),
  makeCase('JST boundary', { metric: 'churned_subscribers', from: '2024-06-07', to: '2024-06-11', grain: 'day' }),
  makeCase('JST boundary', { metric: 'active_subscribers', from: '2024-06-07', to: '2024-06-11', grain: 'day' }),
  makeCase('JST boundary', { metric: 'churn_rate', from: BOUNDARY_CANCEL, to: '2024-08-01', grain: 'month' }),
  makeCase('JST boundary', { metric: 'avg_rating', from: BOUNDARY_CANCEL, to: '2024-06-10' }),
  makeCase('JST boundary', { metric: 'snack_requests', from: '2024-06-07', to: '2024-06-11', grain: 'day' }),
];

// Every metric compared with the same months a year earlier; and each way of comparing, by the rules of contract/comparison.ts.
const COMPARE_CASES: Case[] = [
  ...catalog.list().map((metric) => {
    const grain = metric.grains.includes('month') ? 'month' : metric.grains[0]!;
    return makeCase('compare', { metric: metric.name, ...YEAR_2024, grain, compare: 'previous_year' });
  }),
  makeCase('compare', { metric: 'revenue', from: '2024-01-15', to: '2024-07-01', grain: 'month', compare: 'previous_period' }),
  makeCase('compare', { metric: 'churn_rate', ...YEAR_2024, grain: 'quarter', compare: 'previous_period' }),
  makeCase('compare', { metric: 'active_subscribers', ...YEAR_2024, compare: 'previous_period' }),
  makeCase('compare', { metric: 'arpu', ...YEAR_2024, compare: 'previous_year' }),
  makeCase('compare', { metric: 'boxes_shipped', ...WEEKS, grain: 'week', compare: 'previous_year' }),
  // 2024-02-29 is compared with 2023-02-28, as is 2024-02-28
  makeCase('compare', { metric: 'new_subscribers', from: '2024-02-20', to: '2024-03-05', grain: 'day', compare: 'previous_year' }),
  makeCase('compare', { metric: 'product_units', ...YEAR_2024, grain: 'quarter', dimensions: ['category'], compare: 'previous_year' }),
  // groups of only one of the two periods, and the person floor on both sides
  makeCase('compare', { metric: 'revenue', ...YEAR_2024, grain: 'quarter', dimensions: ['age_band'], compare: 'previous_year' }, { expectSuppression: true }),
  makeCase(
    'compare',
    { metric: 'churned_subscribers', ...YEAR_2024, grain: 'quarter', dimensions: ['cancel_reason'], compare: 'previous_period' },
    { expectComplementary: true },
  ),
  makeCase('compare', {
    metric: 'skip_rate',
    ...YEAR_2024,
    grain: 'quarter',
    dimensions: ['plan'],
    filters: { prefecture: '東京都' },
    compare: 'previous_year',
  }),
  makeCase('compare', { metric: 'new_subscribers', ...YEAR_2024, grain: 'quarter', filters: { prefecture: '大阪府' }, compare: 'previous_year' }),
  // the partial period is compared with the same part of the earlier one; periods after the data have neither
  makeCase('compare', { metric: 'revenue', from: '2026-09-01', to: '2027-01-01', grain: 'month', compare: 'previous_year' }),
  makeCase('compare', { metric: 'active_subscribers', from: '2026-09-01', to: '2026-12-01', grain: 'month', compare: 'previous_year' }),
  makeCase('compare', { metric: 'skip_rate', from: '2026-10-01', to: '2026-12-01', grain: 'month', compare: 'previous_period' }),
  makeCase('compare', { metric: 'revenue', from: '2026-10-15', to: '2026-11-15', compare: 'previous_period' }),
];

const CASES = [...CATALOG_CASES, ...EXTRA_CASES, ...COMPARE_CASES];

// ---------------------------------------------------------------------------------------------

function valuesAgree(actual: unknown, expected: RefCell, exact: boolean): boolean {
  if (expected === null || actual === null) return actual === expected;
  if (typeof expected !== 'number') return actual === expected;
  if (typeof actual !== 'number') return false;
  if (exact || expected === 0) return actual === expected;
  return Math.abs(actual - expected) <= RELATIVE_TOLERANCE * Math.abs(expected);
}

const show = (value: unknown): string => JSON.stringify(value);

/** Every difference between the service's answer and the reference, as readable lines. */
function differences(actual: QueryResult, expected: RefResult, ordered: boolean): string[] {
  const problems: string[] = [];
  const columns = actual.columns.map((column) => column.name);
  if (show(columns) !== show(expected.columns)) problems.push(`columns: got ${show(columns)}, expected ${show(expected.columns)}`);
  // The value, or with a comparison the value, the earlier value, the change and its ratio.
  const valueCount = expected.columns.includes('comparison') ? 4 : 1;
  const keyOf = (row: readonly unknown[]): string => JSON.stringify(row.slice(0, row.length - valueCount));
  const valuesOf = (row: readonly unknown[]) => row.slice(row.length - valueCount);
  // A ratio of two exact numbers is still a division: compared with the tolerance.
  const exactAt = (i: number) => expected.exact && i !== 3;
  const disagree = (got: readonly unknown[], want: readonly RefCell[]) => valuesOf(got).some((value, i) => !valuesAgree(value, want[i] ?? null, exactAt(i)));
  if (actual.rows.length !== expected.rows.length) {
    problems.push(`row count: got ${actual.rows.length}, expected ${expected.rows.length}`);
  }
  if (ordered) {
    // Period-only results: every period, in order.
    for (let i = 0; i < Math.max(actual.rows.length, expected.rows.length); i++) {
      const got = actual.rows[i];
      const want = expected.rows[i];
      if (!got || !want) {
        problems.push(`row ${i}: got ${show(got ?? null)}, expected ${show(want ?? null)}`);
      } else if (keyOf(got) !== keyOf(want)) {
        problems.push(`row ${i}: got key ${keyOf(got)}, expected key ${keyOf(want)}`);
      } else if (disagree(got, valuesOf(want) as RefCell[])) {
        problems.push(`row ${i} ${keyOf(got)}: got ${show(valuesOf(got))}, expected ${show(valuesOf(want))}`);
      }
    }
  } else {
    // Dimensioned results: compare as sets of rows keyed by period and dimension values.
    const got = new Map<string, unknown[]>();
    for (const row of actual.rows) {
      if (got.has(keyOf(row))) problems.push(`duplicate row for ${keyOf(row)}`);
      got.set(keyOf(row), valuesOf(row));
    }
    const want = new Map<string, RefCell[]>(expected.rows.map((row): [string, RefCell[]] => [keyOf(row), valuesOf(row) as RefCell[]]));
    for (const [key, values] of want) {
      const found = got.get(key);
      if (!found) problems.push(`missing row ${key} (expected ${show(values)})`);
      else if (found.some((value, i) => !valuesAgree(value, values[i] ?? null, exactAt(i))))
        problems.push(`row ${key}: got ${show(found)}, expected ${show(values)}`);
    }
    for (const [key, values] of got) if (!want.has(key)) problems.push(`unexpected row ${key} = ${show(values)}`);
  }
  const suppressed = actual.meta.suppressed;
  if (expected.suppressedGroups === 0) {
    if (suppressed !== undefined) problems.push(`meta.suppressed: got ${show(suppressed)}, expected none`);
  } else {
    if (suppressed?.groups !== expected.suppressedGroups)
      problems.push(`meta.suppressed.groups: got ${show(suppressed?.groups)}, expected ${expected.suppressedGroups}`);
    const reason = expected.personFloorGroups > 0 ? 'person_floor' : 'min_group_size';
    if (suppressed?.reason !== reason) problems.push(`meta.suppressed.reason: got ${show(suppressed?.reason)}, expected ${reason}`);
    if ((suppressed?.complementary ?? 0) !== expected.complementaryGroups) {
      problems.push(`meta.suppressed.complementary: got ${show(suppressed?.complementary)}, expected ${expected.complementaryGroups}`);
    }
  }
  return problems.length > 25 ? [...problems.slice(0, 25), `… and ${problems.length - 25} more`] : problems;
}

describe('every metric matches an independent reference over the raw lake rows', () => {
  let root: string;
  let engine: DuckDbEngine;
  let service: MetricsService;
  let reference: ReferenceMetrics;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'snaq-reference-'));
    const lakeDir = path.join(root, 'lake');
    await generateLake({ outDir: lakeDir, scale: 0.2, seed: 7, asOf: AS_OF });
    engine = await DuckDbEngine.open({ lakeDir });
    service = new MetricsService(catalog, engine);
    reference = createReferenceMetrics(await readLakeRows(lakeDir));
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test.each(catalog.list().map((metric) => ({ metric })))('$metric.name has a reference covering its dimensions', ({ metric }) => {
    if (!reference.has(metric.name)) {
      throw new Error(`No reference implementation for metric "${metric.name}": add one to test/support/referenceMetrics.ts.`);
    }
    const known = reference.dimensionsOf(metric.name);
    expect(metric.dimensions.filter((dimension) => !known.includes(dimension))).toEqual([]);
  });

  test('the boundary fixtures straddle JST midnight (so the boundary cases can tell UTC days from JST days)', () => {
    const { shop_orders, subscriptions, ratings } = reference.rows;
    const near = (instants: Array<number | null>, boundary: string, hoursBefore: number, hoursAfter: number) => {
      const midnight = jstMidnightMicros(boundary);
      const present = instants.filter((t): t is number => t !== null);
      return {
        before: present.filter((t) => t >= midnight - hoursBefore * HOUR_MICROS && t < midnight).length,
        after: present.filter((t) => t >= midnight && t < midnight + hoursAfter * HOUR_MICROS).length,
      };
    };
    const completedOrders = shop_orders.filter((o) => o.status === 'completed').map((o) => o.ordered_at);
    const shop = near(completedOrders, BOUNDARY_SHOP, 1, 3);
    expect(shop.before).toBeGreaterThan(0);
    expect(shop.after).toBeGreaterThan(0);
    expect(
      near(
        subscriptions.map((s) => s.started_at),
        BOUNDARY_SHOP,
        1,
        0,
      ).before,
    ).toBeGreaterThan(0);
    const cancels = near(
      subscriptions.map((s) => s.canceled_at),
      BOUNDARY_CANCEL,
      1,
      1,
    );
    expect(cancels.before).toBeGreaterThan(0);
    expect(cancels.after).toBeGreaterThan(0);
    const rated = near(
      ratings.map((r) => r.rated_at),
      BOUNDARY_CANCEL,
      1,
      1,
    );
    expect(rated.before).toBeGreaterThan(0);
    expect(rated.after).toBeGreaterThan(0);
  });

  test.each(CASES)('$name', async ({ request, expectSuppression, expectComplementary }) => {
    const metric = catalog.get(request.metric);
    if (!metric) throw new Error(`The catalog has no metric "${request.metric}".`);
    const expected = reference.compute(request, { minGroupSize: metric.minGroupSize, minPeople: metric.minPeople }, AS_OF.getTime() * 1000);
    // A case whose reference is all empty would prove nothing.
    const valueAt = expected.columns.indexOf('value');
    expect(expected.rows.some((row) => row[valueAt] !== null && row[valueAt] !== 0)).toBe(true);
    if (expectSuppression) expect(expected.suppressedGroups).toBeGreaterThan(0);
    if (expectComplementary) expect(expected.complementaryGroups).toBeGreaterThan(0);

    // The operator sees restricted metrics too: every definition is checked.
    const outcome = await service.query({ ...request }, OPERATOR);
    expect(outcome.status).toBe(200);
    if (outcome.status !== 200) return;
    const dimensioned = (request.dimensions ?? []).length > 0;
    expect(differences(outcome.body, expected, !dimensioned)).toEqual([]);
    expect(outcome.body.meta.metric).toBe(request.metric);
    if (metric.status === 'deprecated') expect(outcome.body.meta.replacedBy).toBe(metric.replacedBy);
  });
});
