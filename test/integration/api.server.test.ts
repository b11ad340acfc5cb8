/** The signed local API end to end, called by aws4fetch as an independent SigV4 client. */
import net from 'node:net';
import { createTestLake, type TestLake } from '../support/lake';
import { SECOND_KEY, signingClient, startLocalApi, type LocalApi } from '../support/localApi';
import { startLocalServer } from '../../src/api/server';
import { CountingEngine } from '../support/countingEngine';
import type { QueryResult } from '../../src/contract/types';
import { DEV_CREDENTIALS } from '../../src/contract/devCredentials';

let lake: TestLake;
let api: LocalApi;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.1 });
  api = await startLocalApi(lake.dir);
});
afterAll(async () => {
  await api.close();
  lake.remove();
});

async function getJson<T>(path: string, client = api.client): Promise<{ status: number; body: T }> {
  const response = await client.fetch(`${api.server.url}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

async function postQuery(body: unknown, target = api): Promise<{ status: number; body: any }> {
  const response = await target.client.fetch(`${target.server.url}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('catalog routes', () => {
  test('GET /v1/metrics lists the catalog in both languages', async () => {
    const { status, body } = await getJson<{ metrics: any[]; meta: any }>('/v1/metrics');
    expect(status).toBe(200);
    expect(body.metrics.length).toBeGreaterThanOrEqual(12);
    const revenue = body.metrics.find((metric) => metric.name === 'revenue');
    expect(revenue).toMatchObject({
      title: { ja: '売上（定期便＋ショップ）', en: 'Revenue (boxes + shop)' },
      unit: 'JPY',
      owner: 'finance',
      status: 'active',
      version: 2,
    });
    expect(revenue.dimensions.map((d: any) => d.name)).toContain('prefecture');
    expect(body.meta.generatedAt).toMatch(/Z$/);
  });

  test('GET /v1/metrics?search= filters by Japanese text', async () => {
    const { body } = await getJson<{ metrics: any[] }>(`/v1/metrics?search=${encodeURIComponent('解約')}`);
    expect(body.metrics.map((metric) => metric.name).sort()).toEqual(['churn_rate', 'churned_subscribers']);
  });

  test('GET /v1/metrics/{name} has the definition in words and its freshness', async () => {
    const { status, body } = await getJson<any>('/v1/metrics/churn_rate');
    expect(status).toBe(200);
    expect(body.definition.ja).toContain('解約');
    expect(body.sources).toEqual(['subscriptions', 'users']);
    expect(body.freshness.dataAsOf).toBe(lake.manifest.tables.subscriptions!.snapshotAt);
    expect(body.freshness.tables.map((t: any) => t.table)).toEqual(['subscriptions', 'users']);
    expect(body.freshness.met).toBe(false); // the test lake is a fixed, old snapshot
  });

  test('GET /v1/metrics/{name} has its changelog and the lake columns its compiled SQL reads', async () => {
    const { body } = await getJson<any>('/v1/metrics/churn_rate');
    expect(body.changelog).toEqual([
      { version: 1, date: '2026-11-29', change: { ja: '最初の定義。', en: 'First definition.' }, why: expect.objectContaining({ en: expect.any(String) }) },
      { version: 2, date: '2026-11-30', change: expect.objectContaining({ en: expect.stringContaining('fewer than 5 people') }), why: expect.any(Object) },
    ]);
    expect(body.minPeople).toBe(5);
    expect(body.changelog).toHaveLength(body.version);
    expect(body.lineage.base).toEqual({ subscriptions: ['canceled_at', 'started_at'] });
    expect(body.lineage.byDimension.prefecture).toEqual({ subscriptions: ['user_id'], users: ['prefecture', 'user_id'] });
    expect(Object.keys(body.lineage.byDimension)).toEqual(body.dimensions.map((d: any) => d.name));
  });

  test('dimension values: enumerated ones from the catalog, others from the lake', async () => {
    const plan = await getJson<any>('/v1/metrics/box_revenue/dimensions/plan/values');
    expect(plan.body.values).toEqual(['biweekly', 'every4weeks']);
    const before = api.engine.executions;
    const prefectures = await getJson<any>('/v1/metrics/revenue/dimensions/prefecture/values');
    expect(prefectures.status).toBe(200);
    expect(prefectures.body.values).toContain('東京都');
    expect(prefectures.body.values).toEqual([...prefectures.body.values].sort());
    expect(api.engine.executions).toBe(before + 1);
    const again = await getJson<any>('/v1/metrics/revenue/dimensions/prefecture/values');
    expect(again.body.meta.cached).toBe(true);
    expect(api.engine.executions).toBe(before + 1);
  });

  test('GET /v1/freshness reports every source table against its SLO', async () => {
    const { body } = await getJson<any>('/v1/freshness');
    expect(body.tables).toHaveLength(10);
    for (const table of body.tables) {
      expect(table.snapshotAt).toBe(lake.manifest.tables[table.table]!.snapshotAt);
      expect(table.sloHours).toBeGreaterThan(0);
      expect(table.ageHours).toBeGreaterThan(0);
    }
  });

  test('GET /v1/health says the engine is reachable', async () => {
    const { status, body } = await getJson<any>('/v1/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', engine: { name: 'duckdb', reachable: true } });
  });
});

describe('the router reads the query string the signature covers', () => {
  const SEARCH = encodeURIComponent('解約');

  test('a second "?" and "=" inside values: signed by aws4fetch, verified and routed on the same parameters', async () => {
    // aws4fetch signs x="1?y=2" and search="解約"; the router must see search too, not stop at the second "?".
    const listed = await getJson<{ metrics: Array<{ name: string }> }>(`/v1/metrics?x=1?y=2&search=${SEARCH}`);
    expect(listed.status).toBe(200);
    expect(listed.body.metrics.map((metric) => metric.name).sort()).toEqual(['churn_rate', 'churned_subscribers']);
    const polled = await getJson<{ error: { code: string; details: { reason: string } } }>('/v1/query/abc?x=1?y=2&k==v');
    expect([polled.status, polled.body.error.code, polled.body.error.details.reason]).toEqual([400, 'INVALID_ARGUMENT', 'unknown_query']);
    const equals = await getJson<{ metrics: Array<{ name: string }> }>(`/v1/metrics?k==v&search=${SEARCH}&z=a=b=c`);
    expect(equals.body.metrics.map((metric) => metric.name).sort()).toEqual(['churn_rate', 'churned_subscribers']);
  });

  test('a fragment on the wire is outside the query for the verifier and the router alike', async () => {
    const { AwsV4Signer } = await import('aws4fetch');
    const target = `/v1/metrics?search=${SEARCH}`;
    const signed = await new AwsV4Signer({
      url: `${api.server.url}${target}`,
      method: 'GET',
      service: 'execute-api',
      region: 'ap-northeast-1',
      ...DEV_CREDENTIALS,
    }).sign();
    const { port } = new URL(api.server.url);
    const headers = [...signed.headers]
      .filter(([name]) => name !== 'host')
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.write(`GET ${target}#frag HTTP/1.1\r\nhost: ${new URL(api.server.url).host}\r\n${headers}connection: close\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { metrics: Array<{ name: string }> };
    expect(body.metrics.map((metric) => metric.name).sort()).toEqual(['churn_rate', 'churned_subscribers']);
  });
});

describe('POST /v1/query', () => {
  const request = { metric: 'revenue', from: '2024-01-01', to: '2025-01-01', grain: 'month' };

  test('answers typed rows with full meta, then serves the same answer from the cache', async () => {
    const before = api.engine.executions;
    const first = await postQuery(request);
    expect(first.status).toBe(200);
    const result = first.body as QueryResult;
    expect(result.columns.map((column) => [column.name, column.type, column.role])).toEqual([
      ['period', 'date', 'period'],
      ['value', 'number', 'value'],
    ]);
    expect(result.columns[1]!.unit).toBe('JPY');
    expect(result.rows).toHaveLength(12);
    expect(result.rows[0]![0]).toBe('2024-01-01');
    expect(typeof result.rows[0]![1]).toBe('number');
    expect(result.meta).toMatchObject({
      metric: 'revenue',
      metricVersion: 2,
      dataAsOf: '2026-11-01T00:00:00.000Z',
      cached: false,
      engine: 'duckdb',
      rowCount: 12,
    });
    expect(result.meta.queryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.meta.elapsedMs).toBeGreaterThanOrEqual(0);

    const second = await postQuery({ ...request, filters: undefined });
    expect(second.body.meta.cached).toBe(true);
    expect(second.body.rows).toEqual(result.rows);
    expect(api.engine.executions).toBe(before + 1);
  });

  test('normalises equivalent requests onto one cache entry', async () => {
    const base = { metric: 'box_revenue', from: '2024-01-01', to: '2024-03-01', filters: { plan: ['every4weeks', 'biweekly'] } };
    await postQuery(base);
    const before = api.engine.executions;
    const reordered = await postQuery({ ...base, filters: { plan: ['biweekly', 'every4weeks', 'biweekly'] } });
    expect(reordered.body.meta.cached).toBe(true);
    expect(api.engine.executions).toBe(before);
  });

  test('identical requests in flight run once', async () => {
    const before = api.engine.executions;
    const body = { metric: 'boxes_shipped', from: '2023-01-01', to: '2024-01-01', grain: 'week', dimensions: ['plan'] };
    const answers = await Promise.all(Array.from({ length: 8 }, () => postQuery(body)));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body.rows))).size).toBe(1);
    expect(api.engine.executions).toBe(before + 1);
  });

  test('limit truncates and says so; the cache holds the full result', async () => {
    const body = { metric: 'product_units', from: '2024-01-01', to: '2024-02-01', dimensions: ['product'] };
    const limited = await postQuery({ ...body, limit: 5 });
    expect(limited.body.rows).toHaveLength(5);
    expect(limited.body.meta.truncated).toBe(true);
    const full = await postQuery(body);
    expect(full.body.meta.cached).toBe(true);
    expect(full.body.rows.length).toBeGreaterThan(5);
    expect(full.body.rows.slice(0, 5)).toEqual(limited.body.rows);
  });

  test('small groups are suppressed and counted in meta', async () => {
    const { body } = await postQuery({ metric: 'avg_rating', from: '2024-01-01', to: '2024-02-01', grain: 'week', dimensions: ['product'] });
    expect(body.meta.suppressed.minGroupSize).toBe(10);
    expect(body.meta.suppressed.groups).toBeGreaterThan(0);
  });

  test('a deprecated metric still answers and names its replacement', async () => {
    const { status, body } = await postQuery({ metric: 'total_sales', from: '2024-01-01', to: '2024-02-01' });
    expect(status).toBe(200);
    expect(body.meta.replacedBy).toBe('revenue');
  });

  test('a result larger than allowed is RESULT_TOO_LARGE (413)', async () => {
    const small = await startLocalApi(lake.dir, { service: { maxRows: 20 } });
    try {
      const { status, body } = await postQuery({ metric: 'boxes_shipped', from: '2024-01-01', to: '2024-03-01', grain: 'day' }, small);
      expect(status).toBe(413);
      expect(body.error.code).toBe('RESULT_TOO_LARGE');
    } finally {
      await small.close();
    }
  });
});

describe('slow queries answer 202 and are polled', () => {
  test('POST answers 202 with a query id; GET /v1/query/{id} returns the result to its principal only', async () => {
    const slow = await startLocalApi(lake.dir, { service: { syncBudgetMs: 0 } });
    try {
      const accepted = await postQuery({ metric: 'active_subscribers', from: '2020-01-01', to: '2025-01-01', grain: 'day' }, slow);
      expect(accepted.status).toBe(202);
      expect(accepted.body.status).toBe('running');
      expect(accepted.body.retryAfterMs).toBeGreaterThan(0);
      const id = accepted.body.queryId as string;
      const other = await signingClient(SECOND_KEY).fetch(`${slow.server.url}/v1/query/${id}`);
      expect(other.status).toBe(400);
      let polled: { status: number; body: any } = { status: 202, body: null };
      for (let i = 0; i < 100 && polled.status === 202; i++) {
        const response = await slow.client.fetch(`${slow.server.url}/v1/query/${id}`);
        polled = { status: response.status, body: await response.json() };
        if (polled.status === 202) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(polled.status).toBe(200);
      expect(polled.body.meta.queryId).toBe(id);
      expect(polled.body.rows.length).toBe(1827);
    } finally {
      await slow.close();
    }
  });
});

describe('clients with a short budget', () => {
  test('Prefer: wait=0 answers 202 at once; a GET with Prefer: wait long-polls to the result', async () => {
    const body = JSON.stringify({ metric: 'active_subscribers', from: '2019-01-01', to: '2025-01-01', grain: 'day', dimensions: ['plan'] });
    const response = await api.client.fetch(`${api.server.url}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'wait=0' },
      body,
    });
    expect(response.status).toBe(202);
    const { queryId } = (await response.json()) as { queryId: string };
    const polled = await api.client.fetch(`${api.server.url}/v1/query/${queryId}`, { headers: { prefer: 'wait=20' } });
    expect(polled.status).toBe(200);
    const result = (await polled.json()) as QueryResult;
    expect(result.rows.length).toBeGreaterThan(2000);
  });

  test('meta.freshUntil says when the next snapshot is due, so clients know how long to cache', async () => {
    const { body } = await postQuery({ metric: 'shop_revenue', from: '2024-01-01', to: '2024-02-01' });
    const asOf = Date.parse(lake.manifest.tables.shop_orders!.snapshotAt);
    expect(Date.parse(body.meta.freshUntil)).toBe(asOf + 26 * 3_600_000);
  });
});

describe('operations', () => {
  test('writes one access-log line per request with principal, route, metric, status, duration and cache', async () => {
    const before = api.log.length;
    await postQuery({ metric: 'new_subscribers', from: '2024-01-01', to: '2024-02-01' });
    await postQuery({ metric: 'new_subscribers', from: '2024-01-01', to: '2024-02-01' });
    await postQuery({ metric: 'nope', from: '2024-01-01', to: '2024-02-01' });
    const lines = api.log.slice(before);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ principal: 'local-developer', method: 'POST', route: '/v1/query', metric: 'new_subscribers', status: 200, cached: false });
    expect(lines[1]).toMatchObject({ cached: true });
    // A name the catalog does not know is the caller's free text: the line keeps the code and reason, not the text.
    expect(lines[2]).toMatchObject({ status: 404, code: 'UNKNOWN_METRIC', reason: 'unknown_metric' });
    expect(lines[2]).not.toHaveProperty('metric');
    for (const line of lines) expect(line.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('an unexpected failure is a plain INTERNAL 500 without details; the operator gets the stack', async () => {
    const broken = new CountingEngine(api.engine);
    broken.execute = async () => {
      throw new Error('segfault near /home/secret/lake.parquet');
    };
    const target = await startLocalApi(lake.dir, { engine: broken });
    try {
      const response = await postQuery({ metric: 'revenue', from: '2024-01-01', to: '2024-02-01' }, target);
      expect(response.status).toBe(500);
      expect(response.body.error.code).toBe('INTERNAL');
      expect(JSON.stringify(response.body)).not.toContain('secret');
      expect(target.internalErrors).toHaveLength(1);
    } finally {
      await target.server.close(1_000); // the wrapped engine belongs to `api`
    }
  });

  test('a request Node cannot parse still gets a JSON error', async () => {
    const { port } = new URL(api.server.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GARBAGE \u0001 NOT HTTP\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply).toContain('content-type: application/json');
    expect(JSON.parse(reply.split('\r\n\r\n')[1]!).error.code).toBe('INVALID_ARGUMENT');
  });

  test('RATE_LIMITED (429) with Retry-After once a principal exceeds its burst', async () => {
    const limited = await startLocalApi(lake.dir, { config: { rateLimitPerSecond: 0.5, rateLimitBurst: 2 } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 3; i++) {
        const response = await limited.client.fetch(`${limited.server.url}/v1/health`);
        statuses.push(response.status);
        retryAfter = response.headers.get('retry-after');
        await response.text();
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  test('refuses to listen beyond loopback with the public development key', async () => {
    await expect(
      startLocalServer({
        service: api.service,
        config: {
          host: '0.0.0.0',
          port: 0,
          region: 'ap-northeast-1',
          credentials: [],
          usesDevCredentials: true,
          rateLimitPerSecond: 0,
          rateLimitBurst: 0,
          queryTimeoutMs: 1,
          syncBudgetMs: 1,
        },
        log: () => undefined,
      }),
    ).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0/);
  });
});
