/**
 * POST /v1/anomalies over the real service, a real lake and HTTP: a spike injected into the lake's
 * shop orders from one prefecture is flagged in its week and attributed to that prefecture; bad
 * input gets contract errors.
 */
import { createTestLake, injectShopSpike, SHOP_SPIKE, type TestLake } from '../support/lake';
import { signingClient, startLocalApi, type LocalApi } from '../support/localApi';
import type { AnomalyResult } from '../../src/contract/types';

let lake: TestLake;
let api: LocalApi;
const client = signingClient();

const SPIKE_WEEK = SHOP_SPIKE.week;
const SPIKE_PREFECTURE = SHOP_SPIKE.prefecture;
const SERIES = { metric: 'shop_revenue', from: '2024-01-01', to: '2026-10-26', grain: 'week' };

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.2 });
  await injectShopSpike(lake.dir);
  api = await startLocalApi(lake.dir);
});
afterAll(async () => {
  await api?.close();
  lake?.remove();
});

async function post(body: unknown): Promise<{ status: number; json: any }> {
  const response = await client.fetch(`${api.server.url}/v1/anomalies`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.status, json: await response.json() };
}

test('the injected week is flagged, up, and attributed to the prefecture it came from', async () => {
  const { status, json } = await post({ ...SERIES, dimensions: ['prefecture', 'gender'] });
  expect(status).toBe(200);
  const result = json as AnomalyResult;
  expect(result.periods).toBe(147);
  expect(result.confidence).toBe(0.99);
  const spike = result.anomalies.find((anomaly) => anomaly.period === SPIKE_WEEK);
  expect(spike).toBeDefined();
  expect(spike!.direction).toBe('up');
  expect(spike!.score).toBeGreaterThan(2.576);
  expect(spike!.actual).toBeGreaterThan(spike!.upper);
  expect(spike!.actual - spike!.expected).toBeGreaterThan(60_000);
  const top = spike!.contributors[0]!;
  expect(top).toMatchObject({ dimension: 'prefecture', value: SPIKE_PREFECTURE });
  // Its own move is most of the metric's move (the ¥120,000 injected, against its own expectation).
  expect(top.delta).toBeGreaterThan(100_000);
  expect(top.share!).toBeGreaterThan(0.7);
  // Every contributor moved the same way as the anomaly, largest first.
  const deltas = spike!.contributors.map((c) => c.delta);
  expect(deltas.every((delta) => delta > 0)).toBe(true);
  expect([...deltas].sort((a, b) => b - a)).toEqual(deltas);
  expect(result.meta).toMatchObject({ metric: 'shop_revenue', engine: 'duckdb' });
  expect(result.method).toMatch(/one-step-ahead interval/);
});

test('lower sensitivity flags no more than higher sensitivity, and the spike at each', async () => {
  const low = (await post({ ...SERIES, dimensions: ['prefecture'], sensitivity: 'low' })).json as AnomalyResult;
  const high = (await post({ ...SERIES, dimensions: ['prefecture'], sensitivity: 'high' })).json as AnomalyResult;
  expect(low.confidence).toBe(0.999);
  expect(high.confidence).toBe(0.95);
  expect(low.anomalies.length).toBeLessThanOrEqual(high.anomalies.length);
  for (const result of [low, high]) expect(result.anomalies.map((a) => a.period)).toContain(SPIKE_WEEK);
});

test('without dimensions, every dimension of the metric is searched', async () => {
  const result = (await post(SERIES)).json as AnomalyResult;
  const spike = result.anomalies.find((anomaly) => anomaly.period === SPIKE_WEEK)!;
  // The code stays the value; its words come beside it.
  expect(spike.contributors[0]).toMatchObject({ dimension: 'prefecture', value: SPIKE_PREFECTURE, valueLabel: { ja: '宮城県', en: 'Miyagi' } });
  expect(new Set(spike.contributors.map((c) => c.dimension)).size).toBeGreaterThan(1);
});

test.each<[string, object, string, string]>([
  ['no grain', { metric: 'shop_revenue', from: '2024-01-01', to: '2025-01-01' }, 'missing_field', 'grain'],
  ['a bad sensitivity', { ...SERIES, sensitivity: 'extreme' }, 'invalid_field', 'sensitivity'],
  ['a seasonality of 1', { ...SERIES, seasonality: 1 }, 'invalid_field', 'seasonality'],
  ['a limit', { ...SERIES, limit: 5 }, 'unknown_field', 'limit'],
  ['an unknown field', { ...SERIES, horizon: 5 }, 'unknown_field', 'horizon'],
])('%s is a 400 INVALID_ARGUMENT naming the field', async (_name, body, reason, field) => {
  const { status, json } = await post(body);
  expect(status).toBe(400);
  expect(json.error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { reason, field } });
});

test('a dimension the metric lacks is a 400 without a stack trace', async () => {
  const { status, json } = await post({ ...SERIES, dimensions: ['plan'] });
  expect(status).toBe(400);
  expect(json.error.code).toBe('INVALID_ARGUMENT');
  expect(JSON.stringify(json)).not.toMatch(/at .*\.ts:\d+/);
});

describe('a forecast or anomaly request that outlives the client’s wait', () => {
  let slow: LocalApi;
  beforeAll(async () => {
    slow = await startLocalApi(lake.dir, { service: { syncBudgetMs: 0 } });
  });
  afterAll(() => slow.close());

  async function pollToEnd(id: string): Promise<{ status: number; json: any }> {
    let polled = { status: 202, json: null as any };
    for (let i = 0; i < 100 && polled.status === 202; i++) {
      const response = await slow.client.fetch(`${slow.server.url}/v1/query/${id}`, { headers: { prefer: 'wait=5' } });
      polled = { status: response.status, json: await response.json() };
    }
    return polled;
  }

  test.each([
    ['/v1/forecast', { metric: 'revenue', from: '2023-01-01', to: '2026-01-01', grain: 'month', horizon: 3 }, 'model'],
    ['/v1/anomalies', { ...SERIES, dimensions: ['gender'] }, 'anomalies'],
  ])('POST %s answers 202; polling GET /v1/query/{id} gives the same answer as a patient client gets', async (route, body, key) => {
    const response = await slow.client.fetch(`${slow.server.url}${route}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { queryId: string; meta: { metric: string } };
    expect(accepted.meta.metric).toBe(body.metric);
    const polled = await pollToEnd(accepted.queryId);
    expect(polled.status).toBe(200);
    expect(polled.json).toHaveProperty(key);
    const patient = await client.fetch(`${api.server.url}${route}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    const direct = await patient.json();
    const { meta: _a, ...polledBody } = polled.json;
    const { meta: _b, ...directBody } = direct as { meta: unknown };
    expect(polledBody).toEqual(directBody);
  });

  test('bad input is still refused at once, not accepted', async () => {
    const response = await slow.client.fetch(`${slow.server.url}/v1/forecast`, {
      method: 'POST',
      body: JSON.stringify({ ...SERIES, horizon: 0 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
  });
});

describe('the person floor reaches anomalies', () => {
  async function query(body: unknown): Promise<{ rows: Array<Array<string | number | null>> }> {
    const response = await client.fetch(`${api.server.url}/v1/query`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { rows: Array<Array<string | number | null>> };
  }

  test('a contributor is always a group the same split shows: a hidden group is never named', async () => {
    const result = (await post({ ...SERIES, dimensions: ['prefecture', 'age_band'] })).json as AnomalyResult;
    const named = result.anomalies.flatMap((anomaly) => anomaly.contributors.map((contributor) => ({ period: anomaly.period, ...contributor })));
    expect(named.length).toBeGreaterThan(0);
    for (const dimension of ['prefecture', 'age_band']) {
      const split = await query({ ...SERIES, dimensions: [dimension] });
      const shown = new Set(split.rows.map((row) => `${row[0]}|${row[1]}`));
      // Weekly groups of one prefecture are mostly under the floor: the split really hides some.
      if (dimension === 'prefecture') expect(shown.size).toBeLessThan(47 * result.periods);
      // A group with no rows that week is not hidden, it is empty (0): it may be named, with 0.
      for (const contributor of named.filter((c) => c.dimension === dimension)) {
        const visible = shown.has(`${contributor.period}|${contributor.value}`) || contributor.actual === 0;
        expect([contributor, visible]).toEqual([contributor, true]);
      }
    }
  });

  test('with a person filter, the flagged values are the filtered series’ own and only shown groups are named', async () => {
    const filtered = { ...SERIES, filters: { gender: 'female' } };
    const result = (await post({ ...filtered, dimensions: ['prefecture'], sensitivity: 'high' })).json as AnomalyResult;
    const series = await query(filtered);
    const split = await query({ ...filtered, dimensions: ['prefecture'] });
    const valueOf = new Map(series.rows.map((row) => [String(row[0]), row[1]]));
    // Weeks of fewer than 5 buyers are gaps in the series, never modelled as 0 nor flagged.
    expect([...valueOf.values()].filter((value) => value === null).length).toBeGreaterThan(0);
    expect(result.anomalies.length).toBeGreaterThan(0);
    const shown = new Set(split.rows.map((row) => `${row[0]}|${row[1]}`));
    for (const anomaly of result.anomalies) {
      expect(valueOf.get(anomaly.period)).toBe(anomaly.actual);
      for (const contributor of anomaly.contributors) expect(shown.has(`${anomaly.period}|${contributor.value}`) || contributor.actual === 0).toBe(true);
    }
  });
});
