/**
 * The audit trail over the signed local server: one line per answer of every metric route, with
 * what the catalog resolved (never the body's own text), refusals with their code, a 202 and its
 * poll counted once, and the verified person when there is one.
 */
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { AUDIT_LINE_TYPE, isAuditLine, type AuditLine } from '../../src/contract/audit';
import { handleApiRequest } from '../../src/api/http';
import type { LogLine } from '../../src/api/accessLog';
import { MetricsService } from '../../src/api/service';
import { loadCatalog } from '../../src/catalog/catalog';

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

async function call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await api.client.fetch(`${api.server.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

/** The lines the requests in `act` wrote. */
async function linesOf(act: () => Promise<unknown>): Promise<(LogLine & Partial<AuditLine>)[]> {
  const before = api.log.length;
  await act();
  return api.log.slice(before) as (LogLine & Partial<AuditLine>)[];
}

test('a query: who, what as the catalog resolved it (names, typed, deduplicated, sorted filters) and the outcome', async () => {
  const body = {
    metric: 'revenue',
    from: '2024-01-01',
    to: '2024-07-01',
    grain: 'month',
    dimensions: ['gender'],
    filters: { age_band: ['30-39', '20-29', '30-39'], acquisition_channel: 'ads' },
  };
  let answer: any;
  const lines = await linesOf(async () => (answer = await call('POST', '/v1/query', body)));
  expect(answer.status).toBe(200);
  expect(lines).toHaveLength(1);
  const line = lines[0]!;
  expect(isAuditLine(line)).toBe(true);
  expect(line).toEqual({
    type: AUDIT_LINE_TYPE,
    time: expect.any(String),
    principal: 'local-developer',
    method: 'POST',
    route: '/v1/query',
    kind: 'query',
    metric: 'revenue',
    metricVersion: answer.body.meta.metricVersion,
    from: '2024-01-01',
    to: '2024-07-01',
    grain: 'month',
    dimensions: ['gender'],
    filters: [
      { dimension: 'acquisition_channel', values: ['ads'] },
      { dimension: 'age_band', values: ['20-29', '30-39'] },
    ],
    status: 200,
    rows: answer.body.rows.length,
    cached: false,
    snapshotId: lake.manifest.snapshotId,
    queryId: answer.body.meta.queryId,
    durationMs: expect.any(Number),
  });
  expect(line.rows).toBeGreaterThan(0);
  const again = await linesOf(() => call('POST', '/v1/query', body));
  expect(again[0]).toMatchObject({ cached: true, rows: answer.body.rows.length });
});

test('a compared query says so: the earlier period was read too', async () => {
  const body = { metric: 'revenue', from: '2024-01-01', to: '2024-07-01', grain: 'month', compare: 'previous_year' };
  let answer: any;
  const lines = await linesOf(async () => (answer = await call('POST', '/v1/query', body)));
  expect(answer.status).toBe(200);
  expect(lines).toHaveLength(1);
  expect(isAuditLine(lines[0])).toBe(true);
  expect(lines[0]).toMatchObject({ kind: 'query', metric: 'revenue', from: '2024-01-01', to: '2024-07-01', compare: 'previous_year', status: 200 });
  const plain = await linesOf(() => call('POST', '/v1/query', { ...body, compare: undefined }));
  expect(plain[0]!.compare).toBeUndefined();
});

test('refusals are audited with their code and reason, and nothing the catalog did not accept is logged', async () => {
  const secret = 'hanako.yamada@example.com';
  const lines = await linesOf(async () => {
    expect((await call('POST', '/v1/query', { metric: 'revenue', from: '2024-01-01', to: '2024-02-01', filters: { age_band: secret } })).status).toBe(400);
    expect((await call('POST', '/v1/query', { metric: 'revenue', from: '2024-01-01', to: '2024-02-01', dimensions: ['email'] })).status).toBe(403);
    expect((await call('POST', '/v1/query', { metric: secret, from: '2024-01-01', to: '2024-02-01' })).status).toBe(404);
    expect((await call('POST', '/v1/forecast', { metric: 'revenue', from: '2024-01-01', to: '2024-02-01', grain: 'month', horizon: 500 })).status).toBe(400);
  });
  expect(lines.map((line) => [line.type, line.kind, line.status, line.code, line.reason, line.metric])).toEqual([
    [AUDIT_LINE_TYPE, 'query', 400, 'INVALID_ARGUMENT', 'invalid_filter_value', 'revenue'],
    [AUDIT_LINE_TYPE, 'query', 403, 'FORBIDDEN', 'pii_dimension', 'revenue'],
    [AUDIT_LINE_TYPE, 'query', 404, 'UNKNOWN_METRIC', 'unknown_metric', undefined],
    [AUDIT_LINE_TYPE, 'forecast', 400, 'INVALID_ARGUMENT', expect.any(String), undefined],
  ]);
  expect(lines[0]).toMatchObject({ from: '2024-01-01', to: '2024-02-01' });
  for (const line of lines) {
    expect(JSON.stringify(line)).not.toContain(secret);
    expect(line).not.toHaveProperty('filters');
    expect(line).not.toHaveProperty('rows');
  }
});

test('every metric route is audited with its kind; health and freshness stay access lines', async () => {
  const lines = await linesOf(async () => {
    await call('GET', '/v1/metrics');
    await call('GET', '/v1/metrics/revenue');
    await call('GET', '/v1/metrics/revenue/dimensions/prefecture/values');
    await call('POST', '/v1/forecast', {
      metric: 'boxes_shipped',
      from: '2024-01-01',
      to: '2026-01-01',
      grain: 'month',
      horizon: 3,
      filters: { plan: ['every4weeks', 'biweekly'] },
    });
    await call('POST', '/v1/anomalies', { metric: 'boxes_shipped', from: '2024-01-01', to: '2026-01-01', grain: 'month', dimensions: ['plan'] });
    await call('GET', '/v1/health');
    await call('GET', '/v1/freshness');
  });
  expect(lines).toHaveLength(7);
  const [list, page, values, forecast, anomalies, health, freshness] = lines;
  expect(list).toMatchObject({ type: AUDIT_LINE_TYPE, kind: 'list', route: '/v1/metrics', status: 200 });
  expect(list!.rows).toBeGreaterThan(10);
  expect(list).not.toHaveProperty('metric');
  expect(page).toMatchObject({ kind: 'metric', metric: 'revenue', metricVersion: expect.any(Number), status: 200 });
  expect(values).toMatchObject({ kind: 'dimension_values', metric: 'revenue', dimension: 'prefecture', status: 200, snapshotId: lake.manifest.snapshotId });
  expect(values!.rows).toBeGreaterThan(0);
  expect(forecast).toMatchObject({
    kind: 'forecast',
    metric: 'boxes_shipped',
    from: '2024-01-01',
    to: '2026-01-01',
    grain: 'month',
    horizon: 3,
    filters: [{ dimension: 'plan', values: ['biweekly', 'every4weeks'] }],
    status: 200,
  });
  expect(forecast!.rows).toBeGreaterThan(24);
  expect(anomalies).toMatchObject({ kind: 'anomalies', metric: 'boxes_shipped', grain: 'month', dimensions: ['plan'], status: 200 });
  for (const line of [health, freshness]) {
    expect(line).not.toHaveProperty('type');
    expect(isAuditLine(line)).toBe(false);
  }
});

test('a 202 is not an answer: its line is an access line, and the poll that answers is audited once with the question it finishes', async () => {
  const body = { metric: 'product_units', from: '2023-01-01', to: '2024-01-01', grain: 'quarter', filters: { category: 'chocolate' } };
  let queryId = '';
  let rows = 0;
  const lines = await linesOf(async () => {
    const accepted = await call('POST', '/v1/query', body, { prefer: 'wait=0' });
    expect(accepted.status).toBe(202);
    queryId = accepted.body.queryId;
    const polled = await call('GET', `/v1/query/${queryId}`, undefined, { prefer: 'wait=20' });
    expect(polled.status).toBe(200);
    rows = polled.body.rows.length;
  });
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatchObject({ route: '/v1/query', status: 202 });
  expect(isAuditLine(lines[0])).toBe(false);
  expect(lines[1]).toMatchObject({
    type: AUDIT_LINE_TYPE,
    route: '/v1/query/{id}',
    method: 'GET',
    kind: 'query',
    metric: 'product_units',
    from: '2023-01-01',
    to: '2024-01-01',
    grain: 'quarter',
    filters: [{ dimension: 'category', values: ['chocolate'] }],
    status: 200,
    rows,
    queryId,
  });
  const audited = api.log.filter((line) => isAuditLine(line) && (line.queryId === queryId || (line.metric === 'product_units' && line.status === 200)));
  expect(audited).toHaveLength(1);
});

test('the verified person (a signed X-Snaq-Id-Token) is logged beside the principal; without one, no e-mail', async () => {
  const before = api.log.length;
  const ask = (headers: Record<string, string>) =>
    api.client.fetch(`${api.server.url}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ metric: 'boxes_shipped', from: '2024-01-01', to: '2024-02-01' }),
    });
  expect((await ask(api.as('hanako.sato@snaq.me'))).status).toBe(200);
  expect((await ask({})).status).toBe(200);
  const lines = api.log.slice(before).filter(isAuditLine);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatchObject({ type: AUDIT_LINE_TYPE, principal: expect.any(String), email: 'hanako.sato@snaq.me', metric: 'boxes_shipped', status: 200 });
  expect(lines[1]).not.toHaveProperty('email');
});

test('on Lambda (signed 202 ids, any instance answers the poll) the poll replays the request and is audited once with it', async () => {
  const signed = new MetricsService(loadCatalog(), api.engine, { queryTokenKey: 'a-test-key-of-at-least-32-bytes-long!' });
  const log: LogLine[] = [];
  const context = { service: signed, log: (line: LogLine) => log.push(line), reportInternal: (error: unknown) => log.push({ error } as never) };
  const request = (method: string, path: string, body: unknown, prefer: string) => ({
    method,
    path,
    query: {},
    headers: { 'content-type': 'application/json', prefer },
    body: body === undefined ? '' : JSON.stringify(body),
    principal: 'arn:aws:iam::123456789012:user/snaq-addon',
  });
  const body = { metric: 'box_revenue', from: '2022-01-01', to: '2023-01-01', grain: 'month', filters: { plan: 'every4weeks' } };
  const accepted = await handleApiRequest(request('POST', '/v1/query', body, 'wait=0'), context);
  expect(accepted.status).toBe(202);
  const { queryId } = JSON.parse(accepted.body);
  const polled = await handleApiRequest(request('GET', `/v1/query/${encodeURIComponent(queryId)}`, undefined, 'wait=20'), context);
  expect(polled.status).toBe(200);
  expect(log).toHaveLength(2);
  expect(isAuditLine(log[0])).toBe(false);
  // The signed id carries the request: the log keeps a digest of it, never the id.
  expect(queryId.length).toBeGreaterThan(64);
  expect(log[0]!.queryId).toMatch(/^sha256:[0-9a-f]{16}$/);
  expect(JSON.stringify(log)).not.toContain(queryId.slice(0, 40));
  expect(log[1]).toMatchObject({
    type: AUDIT_LINE_TYPE,
    route: '/v1/query/{id}',
    kind: 'query',
    metric: 'box_revenue',
    grain: 'month',
    filters: [{ dimension: 'plan', values: ['every4weeks'] }],
    status: 200,
    rows: 12,
  });
});
