/**
 * Restricted metrics over the signed local server: the person comes from an ID token signed by the
 * server's trusted (local) issuer, in a header the SigV4 signature covers. Outside the allowed
 * groups, gross_margin is FORBIDDEN on every route, absent from the catalog and suggestions, and
 * nothing runs or is cached; inside, each person has their own cache entries and 202 ids; a person
 * removed from the policy is refused on their next request.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { localIssuerFrom } from '../../src/api/identity/localIssuer';
import { ID_TOKEN_HEADER } from '../../src/api/identity/identify';
import { ACCESS_POLICY, OPERATOR, type AccessPolicy } from '../../src/catalog/accessPolicy';
import { MetricsService } from '../../src/api/service';
import { loadCatalog } from '../../src/catalog/catalog';
import { DuckDbEngine } from '../../src/engine/duckdb';

const FINANCE = 'hanako.sato@snaq.me';
const MANAGER = 'taro.yamada@snaq.me';
const OUTSIDER = 'jiro.suzuki@snaq.me';
const QUERY = { metric: 'gross_margin', from: '2024-01-01', to: '2025-01-01', grain: 'month' };
const WITHOUT_FINANCE_MEMBER: AccessPolicy = {
  ...ACCESS_POLICY,
  groups: { ...ACCESS_POLICY.groups, finance: ACCESS_POLICY.groups.finance!.filter((m) => m !== FINANCE) },
};

let lake: TestLake;
let api: LocalApi;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.1 });
  api = await startLocalApi(lake.dir);
  expect(ACCESS_POLICY.groups.finance).toContain(FINANCE);
  expect(ACCESS_POLICY.groups.management).toContain(MANAGER);
}, 60_000);
afterAll(async () => {
  await api?.close();
  lake?.remove();
});
afterEach(() => api.service.setAccessPolicy(ACCESS_POLICY));

interface Answer {
  status: number;
  body: any;
}

async function call(target: LocalApi, path: string, options: { body?: unknown; as?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers = {
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.as ? target.as(options.as) : {}),
    ...options.headers,
  };
  const response = await target.client.fetch(`${target.server.url}${path}`, {
    method: options.body !== undefined ? 'POST' : 'GET',
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

const metricNames = (answer: Answer): string[] => answer.body.metrics.map((metric: { name: string }) => metric.name);

describe('who sees gross_margin in the catalog', () => {
  test('absent from GET /v1/metrics without a person or for someone outside the groups; listed for finance and management', async () => {
    expect(metricNames(await call(api, '/v1/metrics'))).not.toContain('gross_margin');
    expect(metricNames(await call(api, '/v1/metrics', { as: OUTSIDER }))).not.toContain('gross_margin');
    expect(metricNames(await call(api, '/v1/metrics?search=margin', { as: OUTSIDER }))).toEqual([]);
    for (const person of [FINANCE, MANAGER]) expect(metricNames(await call(api, '/v1/metrics', { as: person }))).toContain('gross_margin');
    // Everyone still sees everything else.
    expect(metricNames(await call(api, '/v1/metrics', { as: OUTSIDER })).length).toBe(loadCatalog().list().length - 1);
  });

  test('"did you mean" suggests it only to those who may see it', async () => {
    const misspelt = { ...QUERY, metric: 'gross_margn' };
    const outsider = await call(api, '/v1/query', { body: misspelt, as: OUTSIDER });
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.details.suggestion).toBeUndefined();
    expect(outsider.body.error.message).not.toContain('gross_margin');
    const finance = await call(api, '/v1/query', { body: misspelt, as: FINANCE });
    expect(finance.body.error.details.suggestion).toBe('gross_margin');
  });
});

describe('every route refuses it outside the groups, running and caching nothing', () => {
  // GETs carry null: jest hands a function with more parameters than the row has a `done` callback.
  const ROUTES: Array<[string, string, unknown]> = [
    ['query', '/v1/query', QUERY],
    ['forecast', '/v1/forecast', { ...QUERY, horizon: 3 }],
    ['anomalies', '/v1/anomalies', QUERY],
    ['dimension values', '/v1/metrics/gross_margin/dimensions/product/values', null],
    ['the metric page', '/v1/metrics/gross_margin', null],
  ];
  test.each(ROUTES)('%s', async (_name, path, body) => {
    for (const as of [undefined, OUTSIDER]) {
      const executions = api.engine.executions;
      const entries = api.service.cacheStats().entries;
      const answer = await call(api, path, { ...(body !== null ? { body } : {}), ...(as ? { as } : {}) });
      expect({ as, status: answer.status, code: answer.body.error?.code, reason: answer.body.error?.details?.reason }).toEqual({
        as,
        status: 403,
        code: 'FORBIDDEN',
        reason: 'restricted_metric',
      });
      expect(api.engine.executions).toBe(executions);
      expect(api.service.cacheStats().entries).toBe(entries);
    }
  });

  test('the same routes answer finance', async () => {
    for (const [, path, body] of ROUTES.filter(([name]) => name !== 'dimension values')) {
      const answer = await call(api, path, { ...(body !== null ? { body } : {}), as: FINANCE });
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    }
  });
});

describe('what finance and management see', () => {
  test('the numbers the operator sees, and a margin below revenue', async () => {
    const answer = await call(api, '/v1/query', { body: QUERY, as: MANAGER });
    expect(answer.status).toBe(200);
    const operator = await api.service.query(QUERY, OPERATOR);
    expect(operator.status).toBe(200);
    expect(answer.body.rows).toEqual((operator.body as { rows: unknown }).rows);
    const revenue = await call(api, '/v1/query', { body: { ...QUERY, metric: 'box_revenue' } });
    answer.body.rows.forEach((row: [string, number], i: number) => expect(row[1]).toBeLessThan(revenue.body.rows[i][1]));
  });

  test('a cache entry made for one person is never served to another', async () => {
    const body = { ...QUERY, from: '2023-01-01', to: '2023-07-01' };
    const before = api.engine.executions;
    const first = await call(api, '/v1/query', { body, as: FINANCE });
    expect(first.body.meta.cached).toBe(false);
    const again = await call(api, '/v1/query', { body, as: FINANCE });
    expect(again.body.meta.cached).toBe(true);
    const manager = await call(api, '/v1/query', { body, as: MANAGER });
    expect(manager.body.meta.cached).toBe(false);
    expect(manager.body.rows).toEqual(first.body.rows);
    expect(api.engine.executions).toBe(before + 2);
  });

  test('a person removed from the group is refused on the next request, though their answer is cached', async () => {
    const body = { ...QUERY, from: '2022-01-01', to: '2022-04-01' };
    expect((await call(api, '/v1/query', { body, as: FINANCE })).status).toBe(200);
    expect((await call(api, '/v1/query', { body, as: FINANCE })).body.meta.cached).toBe(true);
    api.service.setAccessPolicy(WITHOUT_FINANCE_MEMBER);
    const executions = api.engine.executions;
    const refused = await call(api, '/v1/query', { body, as: FINANCE });
    expect([refused.status, refused.body.error.details.reason]).toEqual([403, 'restricted_metric']);
    expect(metricNames(await call(api, '/v1/metrics', { as: FINANCE }))).not.toContain('gross_margin');
    // Management keeps it, from its own entry.
    expect((await call(api, '/v1/query', { body, as: MANAGER })).status).toBe(200);
    expect(api.engine.executions).toBe(executions + 1);
    api.service.setAccessPolicy(ACCESS_POLICY);
    expect((await call(api, '/v1/query', { body, as: FINANCE })).body.meta.cached).toBe(true);
  });

  test('a policy naming no group the catalog needs is refused before it takes effect', () => {
    expect(() => api.service.setAccessPolicy({ domain: 'snaq.me', groups: { finance: [] } })).toThrow(/"gross_margin": access names group "management"/);
  });

  test('unrestricted metrics answer anyone, with or without a token', async () => {
    for (const as of [undefined, OUTSIDER, FINANCE]) {
      expect((await call(api, '/v1/query', { body: { ...QUERY, metric: 'revenue' }, ...(as ? { as } : {}) })).status).toBe(200);
    }
  });
});

describe('tokens that are refused (401, whatever was asked)', () => {
  const stranger = localIssuerFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'test-local');

  test.each([
    ['a forged signature (another key, same key id)', () => stranger.tokenFor(FINANCE), 'the signature does not match'],
    ['an expired token', () => api.issuer.tokenFor(FINANCE, { nowMs: Date.now() - 2 * 3_600_000 }), 'it has expired'],
    ['another domain', () => api.issuer.tokenFor('hanako@example.com'), 'it is not from the snaq.me domain'],
    ['a token that is not a JWT', () => 'not-a-token', 'it is not a signed JWT'],
  ])('%s', async (_name, token, problem) => {
    const executions = api.engine.executions;
    for (const path of ['/v1/metrics', '/v1/query']) {
      const answer = await call(api, path, {
        headers: { [ID_TOKEN_HEADER]: token() },
        ...(path === '/v1/query' ? { body: { ...QUERY, metric: 'revenue' } } : {}),
      });
      expect({ path, status: answer.status, reason: answer.body.error?.details?.reason, problem: answer.body.error?.details?.problem }).toEqual({
        path,
        status: 401,
        reason: 'id_token',
        problem,
      });
    }
    expect(api.engine.executions).toBe(executions);
  });

  test('a valid token the signature does not cover is refused: it could have been swapped in', async () => {
    const url = `${api.server.url}/v1/query`;
    const signed = await api.client.sign(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(QUERY) });
    const headers = new Headers(signed.headers);
    headers.set(ID_TOKEN_HEADER, api.issuer.tokenFor(FINANCE));
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(QUERY) });
    const body = (await response.json()) as { error: { details: { reason: string } } };
    expect([response.status, body.error.details.reason]).toEqual([401, 'id_token_unsigned']);
  });

  test('the local issuer’s keys are published at a fixed path, unsigned', async () => {
    const response = await fetch(`${api.server.url}/.well-known/snaq-local-jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const jwks = (await response.json()) as { keys: Array<{ kid: string; kty: string; d?: string }> };
    expect(jwks.keys.map((key) => [key.kid, key.kty, key.d])).toEqual([[api.issuer.kid, 'RSA', undefined]]);
  });
});

describe('a 202 for a restricted metric is bound to its person', () => {
  async function pollUntilDone(target: LocalApi, id: string, as?: string): Promise<Answer> {
    let answer: Answer = { status: 202, body: null };
    for (let i = 0; i < 200 && answer.status === 202; i++) {
      answer = await call(target, `/v1/query/${encodeURIComponent(id)}`, as ? { as } : {});
      if (answer.status === 202) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return answer;
  }

  test('locally: nobody else (no token, another person) can poll it; a person removed meanwhile is refused', async () => {
    const slow = await startLocalApi(lake.dir, { service: { syncBudgetMs: 0 } });
    try {
      const accepted = await call(slow, '/v1/query', { body: QUERY, as: FINANCE });
      expect(accepted.status).toBe(202);
      const id = accepted.body.queryId as string;
      for (const as of [undefined, MANAGER]) {
        const other = await call(slow, `/v1/query/${id}`, as ? { as } : {});
        expect([other.status, other.body.error?.details?.reason]).toEqual([400, 'unknown_query']);
      }
      const done = await pollUntilDone(slow, id, FINANCE);
      expect(done.status).toBe(200);
      expect(done.body.meta.metric).toBe('gross_margin');

      const second = await call(slow, '/v1/query', { body: { ...QUERY, from: '2021-01-01' }, as: FINANCE });
      expect(second.status).toBe(202);
      slow.service.setAccessPolicy(WITHOUT_FINANCE_MEMBER);
      const refused = await pollUntilDone(slow, second.body.queryId, FINANCE);
      expect([refused.status, refused.body.error?.details?.reason]).toEqual([403, 'restricted_metric']);
    } finally {
      await slow.close();
    }
  });

  test('signed ids (Lambda): the person is in the MAC, and the replay asks the policy of now', async () => {
    const engine = await DuckDbEngine.open({ lakeDir: lake.dir, connections: 1 });
    try {
      const service = new MetricsService(loadCatalog(), engine, { syncBudgetMs: 0, queryTokenKey: 'k'.repeat(40) });
      const finance = service.callerFor('dev', FINANCE);
      const accepted = await service.query(QUERY, finance);
      expect(accepted.status).toBe(202);
      const id = (accepted.body as { queryId: string }).queryId;
      for (const other of [service.callerFor('dev'), service.callerFor('dev', MANAGER), service.callerFor('other', FINANCE)]) {
        await expect(service.queryStatus(id, other, 0)).rejects.toMatchObject({ details: { reason: 'unknown_query' } });
      }
      let polled = await service.queryStatus(id, finance, 10_000);
      for (let i = 0; i < 50 && polled.status === 202; i++) polled = await service.queryStatus(polled.body.queryId ?? id, finance, 10_000);
      expect(polled.status).toBe(200);
      service.setAccessPolicy(WITHOUT_FINANCE_MEMBER);
      // The caller is rebuilt per request from the policy of now: no group, no replay.
      await expect(service.queryStatus(id, service.callerFor('dev', FINANCE), 0)).rejects.toMatchObject({ details: { reason: 'restricted_metric' } });
    } finally {
      await engine.close();
    }
  });
});
