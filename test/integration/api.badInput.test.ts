/**
 * Bad input, over real HTTP with real signatures: every case must answer its stable error code
 * with the right status, never a stack trace, and must not reach the engine or the cache.
 */
import { AwsV4Signer } from 'aws4fetch';
import { DEV_CREDENTIALS } from '../../src/contract/devCredentials';
import { createTestLake, type TestLake } from '../support/lake';
import { REGION, signingClient, startLocalApi, type LocalApi } from '../support/localApi';

let lake: TestLake;
let api: LocalApi;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
});
afterAll(async () => {
  await api.close();
  lake.remove();
});

const good = { metric: 'revenue', from: '2024-01-01', to: '2024-04-01', grain: 'month' };

interface Probe {
  send(): Promise<Response>;
}

const query = (body: unknown): Probe => ({
  send: () => api.client.fetch(`${api.server.url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
});
const raw = (path: string, init: RequestInit): Probe => ({ send: () => api.client.fetch(`${api.server.url}${path}`, init) });

/** Signs with aws4fetch, then lets the case break the request before it is sent. */
function tampered(
  change: (signed: { url: string; headers: Headers; body: string }) => { url: string; headers: Headers; body: string },
  signerOptions: Partial<ConstructorParameters<typeof AwsV4Signer>[0]> = {},
): Probe {
  return {
    async send() {
      const body = JSON.stringify(good);
      const signer = new AwsV4Signer({
        url: `${api.server.url}/v1/query`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        ...DEV_CREDENTIALS,
        service: 'execute-api',
        region: REGION,
        ...signerOptions,
      });
      const signed = await signer.sign();
      const broken = change({ url: signed.url.toString(), headers: new Headers(signed.headers), body });
      return fetch(broken.url, { method: 'POST', headers: broken.headers, body: broken.body });
    },
  };
}

const amzDate = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().replace(/[-:]|\.\d{3}/g, '');

const CASES: Array<[string, Probe, number, string]> = [
  // Names are looked up, never trusted.
  ['an unknown metric', query({ ...good, metric: 'revnue' }), 404, 'UNKNOWN_METRIC'],
  ['a metric name holding SQL', query({ ...good, metric: "revenue'; DROP TABLE boxes; --" }), 404, 'UNKNOWN_METRIC'],
  ['a 10 KB metric name', query({ ...good, metric: 'r'.repeat(10_240) }), 400, 'INVALID_ARGUMENT'],
  ['an unknown grain', query({ ...good, grain: 'fortnight' }), 400, 'INVALID_ARGUMENT'],
  ['a grain the metric does not allow', query({ ...good, metric: 'churn_rate', grain: 'day' }), 400, 'INVALID_ARGUMENT'],
  ['an unknown dimension', query({ ...good, dimensions: ['colour'] }), 400, 'INVALID_ARGUMENT'],
  ['a PII dimension', query({ ...good, dimensions: ['email'] }), 403, 'FORBIDDEN'],
  ['a filter on a PII column', query({ ...good, filters: { birth_date: '1990-01-01' } }), 403, 'FORBIDDEN'],
  ['a filter on an unknown dimension', query({ ...good, filters: { colour: 'red' } }), 400, 'INVALID_ARGUMENT'],
  ['an unknown body field', query({ ...good, dimension: ['plan'] }), 400, 'INVALID_ARGUMENT'],
  // Object.prototype's member names are names like any other: unknown, never silently dropped.
  ...['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map((name): [string, Probe, number, string] => [
    `a filter named ${name}`,
    raw('/v1/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(good).replace(/}$/, `,"filters":{"${name}":"x"}}`),
    }),
    400,
    'INVALID_ARGUMENT',
  ]),
  ['a dimension named __proto__', query({ ...good, dimensions: ['__proto__'] }), 400, 'INVALID_ARGUMENT'],
  // Dates are parsed and re-printed.
  ['a malformed date', query({ ...good, from: '2024-1-1' }), 400, 'INVALID_ARGUMENT'],
  ['2024-02-30', query({ ...good, to: '2024-02-30' }), 400, 'INVALID_ARGUMENT'],
  ['from equal to to', query({ ...good, to: good.from }), 400, 'INVALID_ARGUMENT'],
  ['from after to', query({ ...good, from: '2024-05-01' }), 400, 'INVALID_ARGUMENT'],
  ['a range over ten years', query({ ...good, from: '2010-01-01', to: '2024-01-01' }), 400, 'INVALID_ARGUMENT'],
  // Filter values.
  ['a quote in an enumerated filter', query({ ...good, metric: 'box_revenue', filters: { plan: "biweekly' OR '1'='1" } }), 400, 'INVALID_ARGUMENT'],
  ['a semicolon in a filter', query({ ...good, metric: 'box_revenue', filters: { plan: 'biweekly; DROP TABLE boxes' } }), 400, 'INVALID_ARGUMENT'],
  ['a SQL comment in a filter', query({ ...good, filters: { gender: 'female --' } }), 400, 'INVALID_ARGUMENT'],
  // Full-width 'ｆｅｍａｌｅ' now names female (labels are matched width-folded); a Cyrillic е is no spelling of it.
  ['unicode outside the allowed values', query({ ...good, filters: { gender: 'f\u0435male' } }), 400, 'INVALID_ARGUMENT'],
  ['a NUL in a filter', query({ ...good, filters: { prefecture: '東京\u0000都' } }), 400, 'INVALID_ARGUMENT'],
  ['a 10 KB filter value', query({ ...good, filters: { prefecture: '東'.repeat(10_240) } }), 400, 'INVALID_ARGUMENT'],
  ['101 filter values', query({ ...good, filters: { prefecture: Array.from({ length: 101 }, (_, i) => `p${i}`) } }), 400, 'INVALID_ARGUMENT'],
  ['an object as a filter value', query({ ...good, filters: { prefecture: { $ne: null } } }), 400, 'INVALID_ARGUMENT'],
  // Limits and the body itself.
  ['a negative limit', query({ ...good, limit: -5 }), 400, 'INVALID_ARGUMENT'],
  ['a huge limit', query({ ...good, limit: 10 ** 12 }), 400, 'INVALID_ARGUMENT'],
  [
    'invalid JSON',
    raw('/v1/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"metric": "revenue",' }),
    400,
    'INVALID_ARGUMENT',
  ],
  ['a JSON array body', raw('/v1/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }), 400, 'INVALID_ARGUMENT'],
  [
    'the wrong content type',
    raw('/v1/query', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(good) }),
    400,
    'INVALID_ARGUMENT',
  ],
  [
    'a body over 1 MB',
    raw('/v1/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...good, pad: 'x'.repeat(1_100_000) }) }),
    400,
    'INVALID_ARGUMENT',
  ],
  ['an unknown route', raw('/v1/metrics/revenue/secrets', {}), 400, 'INVALID_ARGUMENT'],
  ['the wrong method', raw('/v1/query', { method: 'DELETE' }), 400, 'INVALID_ARGUMENT'],
  ['an unknown query id', raw('/v1/query/not-a-query', {}), 400, 'INVALID_ARGUMENT'],
  ['an unknown metric in a path', raw('/v1/metrics/revnue', {}), 404, 'UNKNOWN_METRIC'],
  ['a PII dimension in a path', raw('/v1/metrics/revenue/dimensions/email/values', {}), 403, 'FORBIDDEN'],
  ['a dimension named __proto__ in a path', raw('/v1/metrics/revenue/dimensions/__proto__/values', {}), 400, 'INVALID_ARGUMENT'],
  ['a metric named constructor in a path', raw('/v1/metrics/constructor', {}), 404, 'UNKNOWN_METRIC'],
  // Signatures, as API Gateway's IAM auth would judge them.
  [
    'no signature',
    { send: () => fetch(`${api.server.url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(good) }) },
    401,
    'UNAUTHENTICATED',
  ],
  ['an expired signature', tampered((r) => r, { datetime: amzDate(-6 * 60_000) }), 401, 'UNAUTHENTICATED'],
  ['a signature from the future', tampered((r) => r, { datetime: amzDate(6 * 60_000) }), 401, 'UNAUTHENTICATED'],
  [
    'a tampered signature',
    tampered((r) => {
      const authorization = r.headers.get('authorization')!;
      const flipped = authorization.slice(0, -1) + (authorization.endsWith('0') ? '1' : '0');
      r.headers.set('authorization', flipped);
      return r;
    }),
    401,
    'UNAUTHENTICATED',
  ],
  ['the wrong region', tampered((r) => r, { region: 'us-east-1' }), 401, 'UNAUTHENTICATED'],
  ['the wrong service', tampered((r) => r, { service: 'athena' }), 401, 'UNAUTHENTICATED'],
  ['the wrong secret', tampered((r) => r, { secretAccessKey: 'not-the-secret' }), 401, 'UNAUTHENTICATED'],
  ['an unknown access key', tampered((r) => r, { accessKeyId: 'AKIDUNKNOWN000000000' }), 401, 'UNAUTHENTICATED'],
  ['a replayed signature with another body', tampered((r) => ({ ...r, body: JSON.stringify({ ...good, metric: 'box_revenue' }) })), 401, 'UNAUTHENTICATED'],
  ['a signature for another path', tampered((r) => ({ ...r, url: `${api.server.url}/v1/query?metric=revenue` })), 401, 'UNAUTHENTICATED'],
];

describe('bad input gets a stable error code and runs nothing', () => {
  test(`the battery has at least 30 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  test.each(CASES.map(([name, probe, status, code]) => ({ name, probe, status, code })))('$name → $status $code', async ({ probe, status, code }) => {
    const executionsBefore = api.engine.executions;
    const cacheBefore = api.service.cacheStats().entries;
    const response = await probe.send();
    const text = await response.text();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(body.error.message.length).toBeLessThan(400);
    expect(text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/); // never a stack trace
    expect(text).not.toContain(DEV_CREDENTIALS.secretAccessKey);
    expect(api.engine.executions).toBe(executionsBefore);
    expect(api.service.cacheStats().entries).toBe(cacheBefore);
  });

  test('an unknown metric suggests the closest one', async () => {
    const response = await query({ ...good, metric: 'revnue' }).send();
    const body = (await response.json()) as { error: { message: string; details: { suggestion: string } } };
    expect(body.error.details.suggestion).toBe('revenue');
    expect(body.error.message).toBe('There is no metric "revnue". Did you mean "revenue"?');
  });

  test('a well-formed, well-signed request does run (so the battery is not trivially green)', async () => {
    const before = api.engine.executions;
    const response = await query(good).send();
    expect(response.status).toBe(200);
    expect(api.engine.executions).toBe(before + 1);
  });

  test('hostile values in free-text filters are bound, run safely, and match nothing', async () => {
    for (const value of ["東京都' OR '1'='1", '東京都; DROP TABLE users; --', '/* */ 東京都', 'Tōkyō 🍫']) {
      const response = await query({ ...good, dimensions: ['prefecture'], filters: { prefecture: value } }).send();
      expect(response.status).toBe(200);
      const body = (await response.json()) as { rows: unknown[] };
      expect(body.rows).toEqual([]);
    }
    const tokyo = await query({ ...good, dimensions: ['prefecture'], filters: { prefecture: '東京都' } }).send();
    expect(((await tokyo.json()) as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
  });

  test('a second principal with its own key is accepted', async () => {
    const response = await signingClient({ accessKeyId: 'AKIDSECONDPRINCIPAL1', secretAccessKey: 'second-secret' }).fetch(`${api.server.url}/v1/health`);
    expect(response.status).toBe(200);
    expect(api.log.at(-1)!.principal).toBe('second');
  });
});
