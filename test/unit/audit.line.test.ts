/** The audit line built from an answer: route → kind, rows from any answer's shape, refusals, what is never copied. */
import { auditedRoute, auditLineOf, isAnswer, loggedQueryId } from '../../src/api/auditLine';
import { AUDIT_FIELDS, AUDIT_LINE_TYPE, AUDITED_ROUTES, isAuditLine } from '../../src/contract/audit';
import { ROUTES } from '../../src/api/routes';

const base = { time: '2026-11-30T00:00:00.000Z', principal: 'p', method: 'GET', status: 200, durationMs: 1 } as const;

test('the audited routes are routes of the table; health and freshness are not audited', () => {
  const table = ROUTES.map((route) => `${route.method} ${route.pattern}`);
  for (const route of AUDITED_ROUTES) expect(table).toContain(route);
  expect(auditedRoute('GET', '/v1/health')).toBeUndefined();
  expect(auditedRoute('GET', '/v1/freshness')).toBeUndefined();
  expect(auditedRoute('GET', '/v1/query')).toBeUndefined();
  expect(auditedRoute('POST', '/v1/query')).toBe('POST /v1/query');
});

test('only a 202 is not an answer', () => {
  expect([200, 202, 400, 403, 429, 500].map(isAnswer)).toEqual([true, false, true, true, true, true]);
});

test.each([
  ['GET /v1/metrics', { metrics: [1, 2, 3], meta: {} }, 'list', 3],
  ['GET /v1/metrics/{name}/dimensions/{dimension}/values', { values: ['a', 'b'], meta: { cached: true, snapshotId: 's1' } }, 'dimension_values', 2],
  ['POST /v1/forecast', { rows: [[1], [2]], meta: { cached: false } }, 'forecast', 2],
  ['POST /v1/anomalies', { anomalies: [{}], meta: {} }, 'anomalies', 1],
  ['POST /v1/query', { rows: [[1], [2], [3]], meta: { rowCount: 2, bytesScanned: 1024, queryId: 'q-1' } }, 'query', 2],
  ['GET /v1/metrics/{name}', { name: 'revenue', meta: {} }, 'metric', undefined],
] as const)('%s: kind and rows from the answer', (route, body, kind, rows) => {
  const line = auditLineOf({ ...base, route, body });
  expect(isAuditLine(line)).toBe(true);
  expect(line.kind).toBe(kind);
  expect(line.rows).toBe(rows);
  expect(line.route).toBe(route.slice(route.indexOf(' ') + 1));
  expect(line.type).toBe(AUDIT_LINE_TYPE);
  if (route === 'POST /v1/query') expect(line).toMatchObject({ bytesScanned: 1024, queryId: 'q-1' });
});

test('a refusal: code and reason, the catalog metric when known, no rows even if the body had some', () => {
  const line = auditLineOf({
    ...base,
    route: 'POST /v1/query',
    status: 403,
    error: { code: 'FORBIDDEN', reason: 'restricted_metric', metric: 'gross_margin' },
    body: { rows: [[1]] },
  });
  expect(line).toMatchObject({ kind: 'query', metric: 'gross_margin', status: 403, code: 'FORBIDDEN', reason: 'restricted_metric' });
  expect(line).not.toHaveProperty('rows');
});

test('a noted subject wins over the route (a poll says the kind it finishes), and the e-mail sits beside the principal', () => {
  const line = auditLineOf({
    ...base,
    email: 'hanako@snaq.me',
    route: 'GET /v1/query/{id}',
    subject: { kind: 'forecast', metric: 'revenue', metricVersion: 2, from: '2024-01-01', to: '2025-01-01', grain: 'month', horizon: 3 },
    body: { rows: [], meta: {} },
  });
  expect(line).toMatchObject({ kind: 'forecast', metric: 'revenue', metricVersion: 2, horizon: 3, principal: 'p', email: 'hanako@snaq.me', rows: 0 });
});

test('query ids: a local UUID as it is, a long signed id as a digest', () => {
  expect(loggedQueryId('67721a34-8090-4ab1-984f-412aecaa61fa')).toBe('67721a34-8090-4ab1-984f-412aecaa61fa');
  const token = `${'x'.repeat(200)}.sig`;
  expect(loggedQueryId(token)).toMatch(/^sha256:[0-9a-f]{16}$/);
  expect(loggedQueryId(token)).toBe(loggedQueryId(token));
  expect(loggedQueryId(token)).not.toBe(loggedQueryId(`${token}2`));
});

test("the shared field names are the line's own keys", () => {
  const line = auditLineOf({ ...base, route: 'POST /v1/query', body: { rows: [], meta: {} } });
  for (const field of ['type', 'time', 'principal', 'route', 'kind', 'status', 'durationMs'] as const) expect(line).toHaveProperty(AUDIT_FIELDS[field]);
});
