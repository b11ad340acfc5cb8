/**
 * Periods at and past the data's edge, over the real signed server and a lake snapshotted at a
 * known moment (2026-11-01 00:00 UTC = 09:00 JST). The product master is exported weekly, so its
 * snapshot is made a week older than the facts: the edge is the fact tables', not the oldest table's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AnomalyResult, ForecastResult, QueryResult } from '../../src/contract/types';
import { createTestLake, TEST_AS_OF, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';

const EDGE = TEST_AS_OF.toISOString();
const PRODUCTS_AT = '2026-10-25T00:00:00.000Z';

let lake: TestLake;
let api: LocalApi;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.1 });
  const file = path.join(lake.dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  manifest.tables.products.snapshotAt = PRODUCTS_AT;
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  api = await startLocalApi(lake.dir);
}, 60_000);
afterAll(async () => {
  await api.close();
  lake.remove();
});

async function post<T>(route: string, body: object): Promise<{ status: number; body: T }> {
  const response = await api.client.fetch(`${api.server.url}${route}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as T };
}

const REVENUE_PAST_THE_EDGE = { metric: 'revenue', from: '2023-01-01', to: '2027-04-01', grain: 'month' } as const;

describe('a range that runs past the data', () => {
  test('monthly revenue: periods after the edge are empty, the one holding it is partial', async () => {
    const { status, body } = await post<QueryResult>('/v1/query', REVENUE_PAST_THE_EDGE);
    expect(status).toBe(200);
    const byPeriod = new Map(body.rows.map(([period, value]) => [period, value]));
    expect(body.rows).toHaveLength(51);
    for (const period of ['2026-12-01', '2027-01-01', '2027-02-01', '2027-03-01']) expect(byPeriod.get(period)).toBeNull();
    // The partial month holds what happened before the edge: a few hours, not zero, not a whole month.
    const partial = byPeriod.get('2026-11-01') as number;
    expect(partial).toBeGreaterThanOrEqual(0);
    expect(partial).toBeLessThan((byPeriod.get('2026-10-01') as number) / 5);
    expect(typeof byPeriod.get('2026-10-01')).toBe('number');
    expect(body.meta).toMatchObject({ partialPeriod: '2026-11-01', dataEnd: EDGE });
  });

  test('a range that ends before the edge has no partial period', async () => {
    const { body } = await post<QueryResult>('/v1/query', { ...REVENUE_PAST_THE_EDGE, to: '2026-11-01' });
    expect(body.rows.every(([, value]) => typeof value === 'number')).toBe(true);
    expect(body.meta.partialPeriod).toBeUndefined();
    expect(body.meta.dataEnd).toBe(EDGE);
  });

  test('active subscribers at period end: a period ending after the edge has no value', async () => {
    const { body } = await post<QueryResult>('/v1/query', { metric: 'active_subscribers', from: '2026-09-01', to: '2027-02-01', grain: 'month' });
    expect(body.rows.map(([period, value]) => [period, typeof value])).toEqual([
      ['2026-09-01', 'number'],
      ['2026-10-01', 'number'],
      ['2026-11-01', 'object'],
      ['2026-12-01', 'object'],
      ['2027-01-01', 'object'],
    ]);
  });

  test('split by a dimension: no rows after the edge', async () => {
    const { body } = await post<QueryResult>('/v1/query', {
      metric: 'active_subscribers',
      from: '2026-09-01',
      to: '2027-02-01',
      grain: 'month',
      dimensions: ['plan'],
    });
    expect(new Set(body.rows.map(([period]) => period))).toEqual(new Set(['2026-09-01', '2026-10-01']));
  });

  test('anomalies: nothing is flagged at or after the edge', async () => {
    const { status, body } = await post<AnomalyResult>('/v1/anomalies', { ...REVENUE_PAST_THE_EDGE, dimensions: ['gender'] });
    expect(status).toBe(200);
    expect(body.anomalies.filter((anomaly) => anomaly.period >= '2026-11-01')).toEqual([]);
    expect(body.periods).toBe(46); // 2023-01 … 2026-10: complete months only
    expect(body.meta.partialPeriod).toBe('2026-11-01');
  });

  test('forecast: from the last complete period, never below zero for revenue', async () => {
    const { status, body } = await post<ForecastResult>('/v1/forecast', { ...REVENUE_PAST_THE_EDGE, horizon: 3 });
    expect(status).toBe(200);
    const history = body.rows.filter((row) => row[1] !== null);
    const future = body.rows.filter((row) => row[2] !== null);
    expect(history.at(-1)![0]).toBe('2026-10-01');
    // The future starts right after the last complete month and runs to the requested end plus the horizon.
    expect(future.map((row) => row[0])).toEqual([
      '2026-11-01',
      '2026-12-01',
      '2027-01-01',
      '2027-02-01',
      '2027-03-01',
      '2027-04-01',
      '2027-05-01',
      '2027-06-01',
    ]);
    for (const [, , point, lower, upper] of future) {
      expect(point as number).toBeGreaterThan(0);
      expect(lower as number).toBeGreaterThanOrEqual(0);
      expect(upper as number).toBeGreaterThanOrEqual(point as number);
    }
    expect(body.rows.map((row) => row[0])).toEqual([...new Set(body.rows.map((row) => row[0]))]);
    expect(body.notes.join(' ')).toMatch(/2026-10-01/);
    expect(body.meta).toMatchObject({ partialPeriod: '2026-11-01', dataEnd: EDGE });
  });

  test('forecast bounds of a count never go below zero', async () => {
    const { body } = await post<ForecastResult>('/v1/forecast', {
      metric: 'churned_subscribers',
      from: '2026-06-01',
      to: '2026-11-01',
      grain: 'week',
      horizon: 26,
      filters: { prefecture: '鳥取県' },
    });
    const future = body.rows.filter((row) => row[2] !== null);
    expect(future.length).toBeGreaterThan(0);
    for (const [, , point, lower] of future) {
      expect(point as number).toBeGreaterThanOrEqual(0);
      expect(lower as number).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('which edge', () => {
  test('product units by week: the week-old product master does not blank fresh boxes', async () => {
    const { body } = await post<QueryResult>('/v1/query', { metric: 'product_units', from: '2026-10-05', to: '2026-11-09', grain: 'week' });
    const byPeriod = new Map(body.rows.map(([period, value]) => [period, value]));
    for (const week of ['2026-10-05', '2026-10-12', '2026-10-19']) expect(byPeriod.get(week) as number).toBeGreaterThan(0);
    expect(typeof byPeriod.get('2026-10-26')).toBe('number'); // holds the edge (Sunday 09:00 JST): partial
    expect(byPeriod.get('2026-11-02')).toBeNull();
    expect(body.meta).toMatchObject({ partialPeriod: '2026-10-26', dataEnd: EDGE });
    // Freshness still reports the stalest input.
    expect(body.meta.dataAsOf).toBe(PRODUCTS_AT);
  });
});

describe('no 500 for a valid question', () => {
  test('a churn-rate forecast over a filter that matches nothing answers 200 with an empty forecast and a note', async () => {
    const { status, body } = await post<ForecastResult>('/v1/forecast', {
      metric: 'churn_rate',
      from: '2024-01-01',
      to: '2026-01-01',
      grain: 'month',
      horizon: 6,
      filters: { prefecture: 'どこにもない県' },
    });
    expect(status).toBe(200);
    expect(body.rows.filter((row) => row[2] !== null)).toEqual([]);
    expect(body.notes.join(' ')).toMatch(/no observed values/);
    expect(api.internalErrors).toEqual([]);
  });

  test('anomalies over a filter that matches nothing answer 200 with none', async () => {
    const { status, body } = await post<AnomalyResult>('/v1/anomalies', {
      metric: 'churn_rate',
      from: '2024-01-01',
      to: '2026-01-01',
      grain: 'month',
      filters: { prefecture: 'どこにもない県' },
    });
    expect(status).toBe(200);
    expect(body.anomalies).toEqual([]);
  });

  test('a forecast of a range wholly after the data answers 200 with an empty forecast', async () => {
    const { status, body } = await post<ForecastResult>('/v1/forecast', {
      metric: 'revenue',
      from: '2027-01-01',
      to: '2027-06-01',
      grain: 'month',
      horizon: 2,
    });
    expect(status).toBe(200);
    expect(body.rows.filter((row) => row[2] !== null)).toEqual([]);
    expect(api.internalErrors).toEqual([]);
  });
});
