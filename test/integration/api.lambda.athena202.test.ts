/**
 * A slow Athena query on Lambda: the function instance that answered 202 is frozen (or gone), so
 * the poll must work on ANY instance. Two separate module instances of the real entry point
 * (dist's lambdaEntry, loaded twice with jest.isolateModules) share only what production shares:
 * Athena (the double), the manifest in S3 and the HMAC key in Secrets Manager (SigV4-checked doubles).
 */
import { loadCatalog } from '../../src/catalog/catalog';
import { compileQuery } from '../../src/catalog/compile';
import { duckdb, trino } from '../../src/catalog/dialect';
import { resolveQuery } from '../../src/catalog/resolve';
import { LIMITS } from '../../src/contract/limits';
import type { QueryRequest } from '../../src/contract/types';
import { parseQueryRequest } from '../../src/contract/validate';
import { MetricsService } from '../../src/api/service';
import { DuckDbEngine } from '../../src/engine/duckdb';
import type { LambdaResult } from '../../src/api/lambda';
import { ATHENA_MODEL } from '../support/athena/model';
import { startAthenaDouble, type AthenaDouble } from '../support/athenaDouble';
import { AwsDouble } from '../support/awsJsonDouble';
import { createTestLake, type TestLake } from '../support/lake';
import { describeIfAvailable } from '../support/requirements';

type Handler = (event: unknown) => Promise<LambdaResult>;

const ADDON = 'arn:aws:iam::123456789012:user/snaq-sheets-addon';
const OTHER = 'arn:aws:iam::123456789012:user/someone-else';
const SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:QueryTokenKey-AbCdEf';
const QUERY: QueryRequest = { metric: 'box_revenue', from: '2024-01-01', to: '2024-07-01', grain: 'month' };
const SERIES: QueryRequest = { metric: 'revenue', from: '2022-01-01', to: '2024-07-01', grain: 'month' };
const FORECAST = { ...SERIES, horizon: 3 };

describeIfAvailable(ATHENA_MODEL, 'the 202 path across Lambda instances', () => {
  let lake: TestLake;
  let duck: DuckDbEngine;
  let athena: AthenaDouble;
  let aws: AwsDouble;
  const savedEnv = { ...process.env };

  /** A fresh copy of the entry module: its own service, engine, caches and cold start. */
  function coldInstance(): Handler {
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      handler = jest.requireActual<{ handler: Handler }>('../../src/api/lambdaEntry').handler;
    });
    return handler!;
  }

  function event(method: string, path: string, options: { body?: unknown; arn?: string; wait?: number } = {}) {
    return {
      httpMethod: method,
      path,
      queryStringParameters: null,
      headers: { 'Content-Type': 'application/json', ...(options.wait !== undefined ? { Prefer: `wait=${options.wait}` } : {}) },
      body: options.body === undefined ? null : JSON.stringify(options.body),
      isBase64Encoded: false,
      requestContext: { stage: 'prod', identity: { userArn: options.arn ?? ADDON } },
    };
  }

  const json = (result: LambdaResult) => JSON.parse(result.body) as Record<string, any>;

  function expectStatement(request: QueryRequest, runningMs: number): string {
    const resolved = resolveQuery(loadCatalog(), parseQueryRequest(request));
    const trinoSql = compileQuery(resolved, trino, { rowCap: LIMITS.maxRows, snapshotId: lake.manifest.snapshotId }).sql;
    const duckStatement = compileQuery(resolved, duckdb, { rowCap: LIMITS.maxRows });
    athena.expect(trinoSql, { sql: duckStatement.sql, params: duckStatement.params }, { timeline: [['RUNNING', runningMs]] });
    return trinoSql;
  }

  const startsOf = (sql: string) => athena.callsOf('StartQueryExecution').filter((call) => call.body.QueryString === sql && call.status === 200);

  /** Polls `id` on `handler` until it answers something other than 202 (following refreshed ids). */
  async function pollUntilDone(handler: Handler, id: string, arn = ADDON): Promise<LambdaResult> {
    for (let i = 0; i < 20; i++) {
      const answer = await handler(event('GET', `/v1/query/${encodeURIComponent(id)}`, { wait: 2, arn }));
      if (answer.statusCode !== 202) return answer;
      id = json(answer).queryId as string;
    }
    throw new Error('still running after 20 polls');
  }

  beforeAll(async () => {
    lake = await createTestLake({ scale: 0.05 });
    duck = await DuckDbEngine.open({ lakeDir: lake.dir, connections: 1 });
    athena = await startAthenaDouble({ engine: duck });
    aws = await new AwsDouble({
      region: athena.region,
      accessKeyId: athena.accessKeyId,
      secretAccessKey: athena.secretAccessKey,
      secrets: { [SECRET_ARN]: 'k3y0f64charsGeneratedBySecretsManagerAtDeployTimeNeverInTemplat' },
      objects: { 'snaq-lake/aurora-export/snaq/manifest.json': JSON.stringify(lake.manifest) },
    }).start();
    Object.assign(process.env, {
      SNAQ_ATHENA_REGION: athena.region,
      SNAQ_ATHENA_WORKGROUP: athena.workGroup,
      SNAQ_ATHENA_DATABASE: 'snaq_lake',
      SNAQ_ATHENA_ENDPOINT: athena.endpoint,
      SNAQ_LAKE_MANIFEST: 's3://snaq-lake/aurora-export/snaq/manifest.json',
      SNAQ_S3_ENDPOINT: aws.endpoint,
      SNAQ_SECRETS_ENDPOINT: aws.endpoint,
      SNAQ_QUERY_TOKEN_SECRET: SECRET_ARN,
      AWS_ACCESS_KEY_ID: athena.accessKeyId,
      AWS_SECRET_ACCESS_KEY: athena.secretAccessKey,
    });
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    await aws?.close();
    await athena?.close();
    await duck?.close();
    lake?.remove();
  });

  test('a query answered 202 by one instance is polled to its result on another, without a second Athena execution', async () => {
    const sql = expectStatement(QUERY, 2_500);
    const first = coldInstance();
    const second = coldInstance();
    const accepted = await first(event('POST', '/v1/query', { body: QUERY, wait: 1 }));
    expect(accepted.statusCode).toBe(202);
    const { queryId } = json(accepted);
    expect(typeof queryId).toBe('string');

    const answer = await pollUntilDone(second, queryId);
    expect(answer.statusCode).toBe(200);
    const reference = await new MetricsService(loadCatalog(), duck).query(QUERY, 'test');
    expect(json(answer).rows).toEqual((reference.body as { rows: unknown[] }).rows);
    expect(startsOf(sql)).toHaveLength(1); // the second instance resumed the execution, it did not start another
    // Each instance read the key once, at its cold start, signed, by the secret's ARN.
    const reads = aws.calls.filter((call) => call.op === 'GetSecretValue');
    expect(reads).toHaveLength(2);
    expect(reads.every((call) => call.status === 200 && call.body.SecretId === SECRET_ARN)).toBe(true);
    expect(athena.invalid).toEqual([]);
  }, 60_000);

  test('another principal, a tampered id and a made-up id are refused like an unknown query, without a leak', async () => {
    expectStatement({ ...QUERY, to: '2024-06-01' }, 2_000);
    const first = coldInstance();
    const second = coldInstance();
    const accepted = await first(event('POST', '/v1/query', { body: { ...QUERY, to: '2024-06-01' }, wait: 1 }));
    expect(accepted.statusCode).toBe(202);
    const { queryId } = json(accepted) as { queryId: string };

    const stranger = await second(event('GET', `/v1/query/${encodeURIComponent(queryId)}`, { arn: OTHER }));
    const flipped = queryId.slice(0, 10) + (queryId[10] === 'A' ? 'B' : 'A') + queryId.slice(11);
    const tampered = await second(event('GET', `/v1/query/${encodeURIComponent(flipped)}`));
    const madeUp = await second(event('GET', '/v1/query/does-not-exist'));
    for (const refused of [stranger, tampered, madeUp]) {
      expect([refused.statusCode, json(refused).error.code, json(refused).error.details.reason]).toEqual([400, 'INVALID_ARGUMENT', 'unknown_query']);
      expect(refused.body).not.toMatch(/box_revenue|2024-0|SELECT|QueryExecution/);
    }
    expect(json(stranger)).toEqual(json(madeUp)); // no difference an outsider could learn from
    expect((await pollUntilDone(second, queryId)).statusCode).toBe(200);
  }, 60_000);

  test('a forecast answered 202 resumes from its finished series query on another instance', async () => {
    const sql = expectStatement(SERIES, 2_000);
    const first = coldInstance();
    const second = coldInstance();
    const accepted = await first(event('POST', '/v1/forecast', { body: FORECAST, wait: 1 }));
    expect(accepted.statusCode).toBe(202);
    const answer = await pollUntilDone(second, json(accepted).queryId);
    expect(answer.statusCode).toBe(200);
    const reference = await new MetricsService(loadCatalog(), duck).forecast(FORECAST);
    expect(json(answer).rows).toEqual(reference.rows);
    expect(json(answer).model).toEqual(reference.model);
    expect(startsOf(sql)).toHaveLength(1);
  }, 60_000);
});
