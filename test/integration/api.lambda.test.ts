/**
 * The Lambda adapter with events shaped as API Gateway sends them (REST payload v1 and HTTP API
 * payload v2), over the real service on a real lake.
 */
import type { AccessLogEntry } from '../../src/api/accessLog';
import { createLambdaHandler, type LambdaEvent, type LambdaEventV1, type LambdaEventV2 } from '../../src/api/lambda';
import { MetricsService } from '../../src/api/service';
import { loadCatalog } from '../../src/catalog/catalog';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { createTestLake, type TestLake } from '../support/lake';

const USER_ARN = 'arn:aws:iam::123456789012:user/snaq-sheets-addon';
let lake: TestLake;
let engine: DuckDbEngine;
const log: AccessLogEntry[] = [];
let handler: (event: LambdaEvent) => ReturnType<ReturnType<typeof createLambdaHandler>>;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  engine = await DuckDbEngine.open({ lakeDir: lake.dir, connections: 1 });
  const service = new MetricsService(loadCatalog(), engine);
  handler = createLambdaHandler(async () => ({ service, log: (entry) => log.push(entry), reportInternal: () => undefined }));
});
afterAll(async () => {
  await engine.close();
  lake.remove();
});

/** A REST API (payload 1.0) proxy event, as recorded from API Gateway with IAM auth. */
function v1(method: string, path: string, options: { body?: string; base64?: boolean; query?: Record<string, string>; arn?: string | null } = {}): LambdaEventV1 {
  return {
    httpMethod: method,
    path,
    queryStringParameters: options.query ?? null,
    headers: { Host: 'abc123.execute-api.ap-northeast-1.amazonaws.com', 'Content-Type': 'application/json', 'X-Amz-Date': '20261129T000000Z' },
    body: options.body === undefined ? null : options.base64 ? Buffer.from(options.body).toString('base64') : options.body,
    isBase64Encoded: Boolean(options.base64),
    requestContext: { stage: 'prod', identity: { userArn: options.arn === undefined ? USER_ARN : options.arn, caller: 'AIDAEXAMPLE' } },
  };
}

/** An HTTP API (payload 2.0) event with a named stage, as recorded with IAM authorization. */
function v2(method: string, path: string, options: { body?: string; base64?: boolean; query?: string } = {}): LambdaEventV2 {
  return {
    version: '2.0',
    rawPath: `/prod${path}`,
    rawQueryString: options.query ?? '',
    headers: { host: 'abc123.execute-api.ap-northeast-1.amazonaws.com', 'content-type': 'application/json' },
    ...(options.body === undefined ? {} : { body: options.base64 ? Buffer.from(options.body).toString('base64') : options.body }),
    isBase64Encoded: Boolean(options.base64),
    requestContext: { stage: 'prod', http: { method }, authorizer: { iam: { userArn: USER_ARN } } },
  };
}

const QUERY = JSON.stringify({ metric: 'revenue', from: '2024-01-01', to: '2024-04-01', grain: 'month' });

describe.each([
  ['REST API (payload v1)', v1, (q: string) => ({ query: Object.fromEntries(new URLSearchParams(q)) })],
  ['HTTP API (payload v2)', v2, (q: string) => ({ query: q })],
] as const)('%s', (_name, event, withQuery) => {
  test('every route answers as the local server does', async () => {
    const list = await handler(event('GET', '/v1/metrics', withQuery('search=%E8%A7%A3%E7%B4%84') as never));
    expect(list.statusCode).toBe(200);
    expect(JSON.parse(list.body).metrics.map((m: { name: string }) => m.name).sort()).toEqual(['churn_rate', 'churned_subscribers']);
    expect(JSON.parse((await handler(event('GET', '/v1/metrics/revenue'))).body).definition.en).toMatch(/shop orders/);
    expect(JSON.parse((await handler(event('GET', '/v1/metrics/box_revenue/dimensions/plan/values'))).body).values).toEqual(['biweekly', 'every4weeks']);
    const query = await handler(event('POST', '/v1/query', { body: QUERY }));
    expect(query.statusCode).toBe(200);
    expect(query.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(query.body).rows).toHaveLength(3);
    const base64 = await handler(event('POST', '/v1/query', { body: QUERY, base64: true }));
    expect(JSON.parse(base64.body).meta.cached).toBe(true);
    expect((await handler(event('GET', '/v1/freshness'))).statusCode).toBe(200);
    expect(JSON.parse((await handler(event('GET', '/v1/health'))).body).status).toBe('ok');
  });

  test('errors keep their stable codes', async () => {
    const unknown = await handler(event('POST', '/v1/query', { body: QUERY.replace('revenue', 'revnue') }));
    expect([unknown.statusCode, JSON.parse(unknown.body).error.code]).toEqual([404, 'UNKNOWN_METRIC']);
    const badJson = await handler(event('POST', '/v1/query', { body: '{' }));
    expect([badJson.statusCode, JSON.parse(badJson.body).error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const big = await handler(event('POST', '/v1/query', { body: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) }));
    expect([big.statusCode, JSON.parse(big.body).error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const noQuery = await handler(event('GET', '/v1/query/does-not-exist'));
    expect([noQuery.statusCode, JSON.parse(noQuery.body).error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });
});

test('the caller’s IAM principal reaches the access log', async () => {
  await handler(v2('GET', '/v1/health'));
  expect(log.at(-1)).toMatchObject({ principal: USER_ARN, route: '/v1/health', status: 200 });
});

test('an event without an IAM identity is refused (the API must use IAM auth)', async () => {
  const result = await handler(v1('GET', '/v1/metrics', { arn: null }));
  expect([result.statusCode, JSON.parse(result.body).error.code]).toEqual([401, 'UNAUTHENTICATED']);
});
