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
function v1(
  method: string,
  path: string,
  options: { body?: string; base64?: boolean; query?: Record<string, string>; arn?: string | null } = {},
): LambdaEventV1 {
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
    expect(
      JSON.parse(list.body)
        .metrics.map((m: { name: string }) => m.name)
        .sort(),
    ).toEqual(['churn_rate', 'churned_subscribers']);
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

describe('any event gets a well-formed response, never a throw', () => {
  const iam = { authorizer: { iam: { userArn: USER_ARN } } };
  const identity = { identity: { userArn: USER_ARN } };
  const health1 = { httpMethod: 'GET', path: '/v1/health', requestContext: identity };
  const health2 = { version: '2.0', rawPath: '/v1/health', requestContext: { ...iam, http: { method: 'GET' } } };
  const postQuery1 = { httpMethod: 'POST', path: '/v1/query', headers: { 'content-type': 'application/json' }, requestContext: identity };
  const postQuery2 = {
    version: '2.0',
    rawPath: '/v1/query',
    headers: { 'content-type': 'application/json' },
    requestContext: { ...iam, http: { method: 'POST' } },
  };

  // [name, event, the status it must answer]
  const HOSTILE: Array<[string, unknown, number]> = [
    // Nothing to read, so no identity: refused as unauthenticated.
    ['null', null, 401],
    ['undefined', undefined, 401],
    ['a number', 42, 401],
    ['a string', 'GET /v1/health', 401],
    ['an array', [health1], 401],
    ['an empty object', {}, 401],
    ['v2 without requestContext', { version: '2.0', rawPath: '/v1/health' }, 401],
    ['v2 with requestContext but no identity or http', { version: '2.0', rawPath: '/v1/health', requestContext: {} }, 401],
    ['v2 with requestContext null', { version: '2.0', rawPath: '/v1/health', requestContext: null }, 401],
    ['v2 whose authorizer is a string', { ...health2, requestContext: { http: { method: 'GET' }, authorizer: 'iam' } }, 401],
    ['v1 without requestContext', { httpMethod: 'GET', path: '/v1/health' }, 401],
    ['v1 whose userArn is a number', { ...health1, requestContext: { identity: { userArn: 42 } } }, 401],
    ['v1 whose userArn is an array', { ...health1, requestContext: { identity: { userArn: [USER_ARN] } } }, 401],
    ['v1 whose userArn is empty', { ...health1, requestContext: { identity: { userArn: '' } } }, 401],
    // An identity, but not an HTTP request we can read.
    ['v2 with an identity but no requestContext.http', { version: '2.0', rawPath: '/v1/health', requestContext: iam }, 400],
    ['v2 whose http is null', { ...health2, requestContext: { ...iam, http: null } }, 400],
    ['v2 whose method is a number', { ...health2, requestContext: { ...iam, http: { method: 7 } } }, 400],
    ['v2 without rawPath', { ...health2, rawPath: undefined }, 400],
    ['v2 whose rawPath is an object', { ...health2, rawPath: { toString: () => '/v1/health' } }, 400],
    ['v1 without httpMethod', { ...health1, httpMethod: undefined }, 400],
    ['v1 whose path is a number', { ...health1, path: 1 }, 400],
    ['v1 whose path is an array', { ...health1, path: ['/v1/health'] }, 400],
    // Bodies that are not text.
    ['v1 with an object body', { ...postQuery1, body: JSON.parse(QUERY) }, 400],
    ['v1 with a number body', { ...postQuery1, body: 12 }, 400],
    ['v1 with an array body', { ...postQuery1, body: [QUERY] }, 400],
    ['v2 with an object body', { ...postQuery2, body: JSON.parse(QUERY) }, 400],
    ['v2 with a base64 flag on an object body', { ...postQuery2, body: { data: 'e30=' }, isBase64Encoded: true }, 400],
    ['v1 with a null body on POST', { ...postQuery1, body: null }, 400],
    // Headers and query values that are not strings: ignored, the request still answers.
    ['headers as a string', { ...health1, headers: 'host: x' }, 200],
    ['headers as an array', { ...health1, headers: [['host', 'x']] }, 200],
    ['header values that are numbers, arrays, null and objects', { ...health2, headers: { prefer: 5, 'x-a': ['a', 'b'], 'x-n': null, 'x-o': { a: 1 } } }, 200],
    ['a Prefer header that is an object', { ...health1, headers: { Prefer: { wait: 1 } } }, 200],
    [
      'query values that are numbers, arrays, null and objects',
      { ...health1, path: '/v1/metrics', queryStringParameters: { search: 42, x: ['a'], y: null, z: {} } },
      200,
    ],
    ['queryStringParameters as a string', { ...health1, path: '/v1/metrics', queryStringParameters: 'search=x' }, 200],
    ['rawQueryString as a number', { ...health2, rawPath: '/v1/metrics', rawQueryString: 42 }, 200],
    ['rawQueryString as an array', { ...health2, rawPath: '/v1/metrics', rawQueryString: ['search=x'] }, 200],
    ['a stage that is a number', { ...health2, requestContext: { ...health2.requestContext, stage: 5 } }, 200],
    ['isBase64Encoded as a string', { ...health1, isBase64Encoded: 'yes', body: 'not base64 at all' }, 200],
  ];

  test.each(HOSTILE.map(([name, event, status]) => ({ name, event, status })))('$name → $status', async ({ event, status }) => {
    const result = await handler(event as LambdaEvent);
    expect(Object.keys(result).sort()).toEqual(['body', 'headers', 'isBase64Encoded', 'statusCode']);
    expect(result.statusCode).toBe(status);
    expect(result.isBase64Encoded).toBe(false);
    expect(typeof result.body).toBe('string');
    for (const value of Object.values(result.headers)) expect(typeof value).toBe('string');
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(result.body);
    if (status >= 400) {
      expect(body.error.code).toBe(status === 401 ? 'UNAUTHENTICATED' : 'INVALID_ARGUMENT');
      expect(result.body).not.toMatch(/\n\s+at |\.ts:\d+|TypeError/);
    }
  });

  test('non-string query values are ignored, not stringified into a search', async () => {
    const all = JSON.parse((await handler(v1('GET', '/v1/metrics'))).body).metrics.length;
    const result = await handler({ ...health1, path: '/v1/metrics', queryStringParameters: { search: 42 } } as unknown as LambdaEvent);
    expect(JSON.parse(result.body).metrics).toHaveLength(all);
  });

  test('a v2 query string is read exactly as the local server reads it (a second "?" or "=" stays in the value)', async () => {
    const result = await handler(v2('GET', '/v1/metrics', { query: `x=1?y=2&k==v&search=${encodeURIComponent('解約')}` }));
    expect(
      JSON.parse(result.body)
        .metrics.map((m: { name: string }) => m.name)
        .sort(),
    ).toEqual(['churn_rate', 'churned_subscribers']);
    const plus = await handler(v2('GET', '/v1/metrics', { query: 'search=churn+rate' }));
    expect(JSON.parse(plus.body).metrics.map((m: { name: string }) => m.name)).toEqual(['churn_rate']);
  });
});

test('a cold start that fails (a missing setting, an unreadable secret) answers 503 JSON without its cause, and the next invocation tries again', async () => {
  const reported: unknown[] = [];
  let attempts = 0;
  const failing = createLambdaHandler(
    async () => {
      attempts += 1;
      throw new Error('SNAQ_LAKE_MANIFEST must name the lake manifest (s3://secret-bucket/…)');
    },
    (error) => reported.push(error),
  );
  for (let i = 0; i < 2; i++) {
    const result = await failing(v1('GET', '/v1/health'));
    expect(result.statusCode).toBe(503);
    const body = JSON.parse(result.body);
    expect(body.error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', details: { reason: 'service_not_ready' } });
    expect(result.body).not.toContain('secret-bucket');
  }
  expect(attempts).toBe(2);
  expect(reported).toHaveLength(2);
});
