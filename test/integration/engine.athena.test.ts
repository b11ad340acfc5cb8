/**
 * The Athena engine against a local Athena double (test/support/athenaDouble.ts) that checks every
 * request against the Athena service model and SigV4, and answers with real results: the DuckDB
 * statement the compiler produces for the same query, run on a sample lake.
 */
import { AwsClient } from 'aws4fetch';
import { MetricsService } from '../../src/api/service';
import { loadCatalog } from '../../src/catalog/catalog';
import { compileQuery } from '../../src/catalog/compile';
import { duckdb, trino } from '../../src/catalog/dialect';
import { resolveQuery } from '../../src/catalog/resolve';
import { OPERATOR } from '../../src/catalog/accessPolicy';
import { ApiError } from '../../src/contract/errors';
import type { QueryRequest } from '../../src/contract/types';
import { parseQueryRequest } from '../../src/contract/validate';
import { AthenaEngine, type AthenaEngineOptions } from '../../src/engine/athena';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { startAthenaDouble, type AthenaDouble, type AthenaErrorInfo } from '../support/athenaDouble';
import { ATHENA_MODEL } from '../support/athena/model';
import { createTestLake, type TestLake } from '../support/lake';
import { describeIfAvailable } from '../support/requirements';

const catalog = loadCatalog();
const YEAR_2024 = { from: '2024-01-01', to: '2025-01-01' } as const;
const generous = { timeoutMs: 20_000, maxRows: 100_000 };

/** A dimension and a filter per metric (values that exist in the sample lake, and groups large enough for the person floor). */
const DIMENSION_CASES: Record<string, Omit<QueryRequest, 'metric'>> = {
  revenue: { ...YEAR_2024, grain: 'month', dimensions: ['prefecture'], filters: { gender: 'female' } },
  box_revenue: { ...YEAR_2024, grain: 'quarter', dimensions: ['plan'], filters: { acquisition_channel: ['instagram', 'ads'] } },
  shop_revenue: { ...YEAR_2024, grain: 'month', dimensions: ['gender'], filters: { prefecture: '東京都' } },
  arpu: { ...YEAR_2024, grain: 'month', dimensions: ['plan'], filters: { gender: 'female' } },
  total_sales: { ...YEAR_2024, grain: 'month', dimensions: ['prefecture'], filters: { prefecture: ['東京都', '大阪府', '北海道'] } },
  active_subscribers: { ...YEAR_2024, grain: 'month', dimensions: ['acquisition_channel'], filters: { plan: 'biweekly' } },
  new_subscribers: { ...YEAR_2024, grain: 'quarter', dimensions: ['plan'], filters: { gender: 'male' } },
  churned_subscribers: { ...YEAR_2024, grain: 'quarter', dimensions: ['cancel_reason'], filters: { plan: 'every4weeks' } },
  churn_rate: { ...YEAR_2024, grain: 'quarter', dimensions: ['prefecture'], filters: { plan: 'biweekly' } },
  diagnoses_completed: { ...YEAR_2024, grain: 'month', dimensions: ['texture_pref'], filters: { gender: 'female' } },
  boxes_shipped: {
    ...YEAR_2024,
    grain: 'quarter',
    dimensions: ['plan', 'gender'],
    filters: { prefecture: ['東京都', '大阪府', '神奈川県', '埼玉県', '千葉県'] },
  },
  skip_rate: { ...YEAR_2024, grain: 'month', dimensions: ['plan'], filters: { prefecture: ['東京都', '神奈川県'] } },
  product_units: { ...YEAR_2024, grain: 'month', dimensions: ['category'], filters: { maker_prefecture: '兵庫県' } },
  avg_rating: { ...YEAR_2024, grain: 'month', dimensions: ['product'], filters: { category: 'chocolate' } },
  snack_requests: { ...YEAR_2024, grain: 'month', dimensions: ['maker'], filters: { category: 'chocolate' } },
};

const METRIC_CASES: Array<{ name: string; request: QueryRequest }> = catalog.list().flatMap((metric) => {
  const grain = metric.grains.includes('month') ? 'month' : metric.grains[0]!;
  const cases = [{ name: `${metric.name} monthly 2024`, request: { metric: metric.name, ...YEAR_2024, grain } as QueryRequest }];
  const dimensioned = DIMENSION_CASES[metric.name];
  if (dimensioned) cases.push({ name: `${metric.name} by dimension with a filter`, request: { metric: metric.name, ...dimensioned } });
  else if (metric.dimensions.length) {
    cases.push({
      name: `${metric.name} by ${metric.dimensions[0]}`,
      request: { metric: metric.name, ...YEAR_2024, grain, dimensions: [metric.dimensions[0]!] },
    });
  }
  return cases;
});

async function codeOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

const retryable: AthenaErrorInfo = { ErrorCategory: 1, ErrorType: 401, Retryable: true, ErrorMessage: 'INTERNAL_ERROR_QUERY_ENGINE: try again' };
const syntaxError: AthenaErrorInfo = {
  ErrorCategory: 2,
  ErrorType: 1006,
  Retryable: false,
  ErrorMessage: "SYNTAX_ERROR: line 1:8: Column 'secret_column' cannot be resolved",
};

describeIfAvailable(ATHENA_MODEL, 'AthenaEngine against the Athena double', () => {
  let lake: TestLake;
  let duck: DuckDbEngine;
  let double: AthenaDouble;
  let athena: AthenaEngine;
  let statementCounter = 0;
  /** What the engine told the operator (one JSON line each in production). */
  const operatorLog: Array<Record<string, unknown>> = [];

  const engineOptions = (overrides: Partial<AthenaEngineOptions> = {}): AthenaEngineOptions => ({
    endpoint: double.endpoint,
    region: double.region,
    credentials: { accessKeyId: double.accessKeyId, secretAccessKey: double.secretAccessKey },
    workGroup: double.workGroup,
    database: 'snaq_lake',
    pollIntervalMs: 5,
    maxPollIntervalMs: 20,
    retryBaseMs: 5,
    manifest: async () => lake.manifest,
    operatorLog: (entry) => operatorLog.push(entry),
    ...overrides,
  });

  /** A unique raw statement pair: Trino text for Athena, DuckDB text run by the double. */
  function rawPair(duckSql: string): { trinoSql: string; duckSql: string } {
    statementCounter++;
    return { trinoSql: `SELECT /* ${statementCounter} */ * FROM (${duckSql}) t`, duckSql };
  }

  beforeAll(async () => {
    lake = await createTestLake();
    duck = await DuckDbEngine.open({ lakeDir: lake.dir, connections: 2 });
    double = await startAthenaDouble({ engine: duck });
    athena = new AthenaEngine(engineOptions());
  }, 60_000);

  afterAll(async () => {
    await athena?.close();
    await double?.close();
    await duck?.close();
    lake?.remove();
  });

  beforeEach(() => {
    double.reset();
    operatorLog.length = 0;
  });

  describe('every catalog metric equals the DuckDB engine on the same lake', () => {
    let athenaService: MetricsService;
    let duckService: MetricsService;
    beforeAll(() => {
      athenaService = new MetricsService(catalog, athena);
      duckService = new MetricsService(catalog, duck);
    });

    test.each(METRIC_CASES)('$name', async ({ request }) => {
      const resolved = resolveQuery(catalog, parseQueryRequest(request));
      const rowCap = athenaService.options.maxRows;
      const trinoCompiled = compileQuery(resolved, trino, { rowCap, snapshotId: lake.manifest.snapshotId });
      const duckCompiled = compileQuery(resolved, duckdb, { rowCap });
      expect(trinoCompiled.params).toEqual([]);
      double.expect(trinoCompiled.sql, { sql: duckCompiled.sql, params: duckCompiled.params });

      const viaAthena = await athenaService.query(request, OPERATOR);
      const viaDuck = await duckService.query(request, OPERATOR);
      expect(viaAthena.status).toBe(200);
      expect(viaDuck.status).toBe(200);
      if (viaAthena.status !== 200 || viaDuck.status !== 200) return;
      expect(viaAthena.body.columns).toEqual(viaDuck.body.columns);
      expect(viaAthena.body.rows).toEqual(viaDuck.body.rows);
      expect(viaAthena.body.rows.length).toBeGreaterThan(0);
      expect(viaAthena.body.meta.engine).toBe('athena');
      expect(viaAthena.body.meta.bytesScanned).toBe(1_234_567);
      // Both name the snapshot they read: Athena the one its statement names, DuckDB its views'.
      expect(viaAthena.body.meta.snapshotId).toBe(lake.manifest.snapshotId);
      expect(viaDuck.body.meta.snapshotId).toBe(lake.manifest.snapshotId);
      expect(double.unexpected).toEqual([]);
      expect(double.invalid).toEqual([]);
      const start = double.callsOf('StartQueryExecution');
      expect(start).toHaveLength(1);
      expect(start[0]!.body).toEqual({
        QueryString: trinoCompiled.sql,
        ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        WorkGroup: 'snaq',
        QueryExecutionContext: { Database: 'snaq_lake', Catalog: 'AwsDataCatalog' },
        ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 } },
      });
    });
  });

  test('pages through > 3,000 rows: the header dropped once, no row lost, 1000 a page', async () => {
    const { trinoSql, duckSql } = rawPair(`SELECT i::INTEGER AS i, 'row ' || i AS label FROM range(3500) r(i) ORDER BY i`);
    double.expect(trinoSql, { sql: duckSql, params: [] });
    const result = await athena.execute({ sql: trinoSql, params: [] }, generous);
    expect(result.columnNames).toEqual(['i', 'label']);
    expect(result.rows).toHaveLength(3500);
    expect(result.rows.map((row) => row[0])).toEqual(Array.from({ length: 3500 }, (_, i) => i));
    expect(result.rows[0]).toEqual([0, 'row 0']);
    expect(result.rows[3499]).toEqual([3499, 'row 3499']);
    const pages = double.callsOf('GetQueryResults');
    expect(pages).toHaveLength(4); // 1 header + 3500 rows = 3501 → 1000, 1000, 1000, 501
    expect(pages.every((call) => call.body.MaxResults === 1000)).toBe(true);
    expect(pages[0]!.body.NextToken).toBeUndefined();
    expect(pages.slice(1).every((call) => typeof call.body.NextToken === 'string')).toBe(true);
    expect(double.invalid).toEqual([]);
  });

  test('a compiled daily query by prefecture over 2023–2024 pages identically to DuckDB', async () => {
    const request: QueryRequest = { metric: 'box_revenue', from: '2023-01-01', to: '2025-01-01', grain: 'day', dimensions: ['prefecture'] };
    const resolved = resolveQuery(catalog, parseQueryRequest(request));
    const trinoCompiled = compileQuery(resolved, trino, { rowCap: 50_000, snapshotId: lake.manifest.snapshotId });
    const duckCompiled = compileQuery(resolved, duckdb, { rowCap: 50_000 });
    double.expect(trinoCompiled.sql, { sql: duckCompiled.sql, params: duckCompiled.params });
    const viaAthena = await athena.execute({ sql: trinoCompiled.sql, params: [] }, generous);
    const viaDuck = await duck.execute({ sql: duckCompiled.sql, params: duckCompiled.params }, generous);
    expect(viaDuck.rows.length).toBeGreaterThan(3_000);
    expect(viaAthena.columnNames).toEqual(viaDuck.columnNames);
    expect(viaAthena.rows).toEqual(viaDuck.rows);
    expect(double.callsOf('GetQueryResults').length).toBe(Math.ceil((viaDuck.rows.length + 1) / 1000));
  });

  test('more rows than maxRows is RESULT_TOO_LARGE, and paging stops early', async () => {
    const { trinoSql, duckSql } = rawPair(`SELECT i FROM range(5000) r(i)`);
    double.expect(trinoSql, { sql: duckSql, params: [] });
    const error = await codeOf(athena.execute({ sql: trinoSql, params: [] }, { timeoutMs: 20_000, maxRows: 1500 }));
    expect(error.code).toBe('RESULT_TOO_LARGE');
    expect(double.callsOf('GetQueryResults')).toHaveLength(2);
  });

  test('decodes every type from the DuckDB-backed double, and NULLs', async () => {
    const columns = `
      'snack'::VARCHAR AS s, true AS b, 7::TINYINT AS ti, 300::SMALLINT AS si, 42::INTEGER AS i,
      9007199254740991::BIGINT AS big, sum(x)::HUGEINT AS huge, 1.25::DOUBLE AS d, 12345678.5::DOUBLE AS dbig,
      0.0001::DOUBLE AS dsmall, 1.5::FLOAT AS f, CAST(12.34 AS DECIMAL(10,2)) AS dec, DATE '2024-02-29' AS dt,
      TIMESTAMP '2024-03-01 12:34:56.789' AS ts`;
    const nulls = `NULL::VARCHAR, NULL::BOOLEAN, NULL::TINYINT, NULL::SMALLINT, NULL::INTEGER, NULL::BIGINT, NULL::HUGEINT,
      NULL::DOUBLE, NULL::DOUBLE, NULL::DOUBLE, NULL::FLOAT, NULL::DECIMAL(10,2), NULL::DATE, NULL::TIMESTAMP`;
    const { trinoSql, duckSql } = rawPair(`SELECT ${columns} FROM (VALUES (1), (2)) v(x) UNION ALL SELECT ${nulls}`);
    double.expect(trinoSql, { sql: duckSql, params: [] });
    const result = await athena.execute({ sql: trinoSql, params: [] }, generous);
    expect(result.columnNames).toEqual(['s', 'b', 'ti', 'si', 'i', 'big', 'huge', 'd', 'dbig', 'dsmall', 'f', 'dec', 'dt', 'ts']);
    expect(result.rows).toEqual([
      ['snack', true, 7, 300, 42, 9007199254740991, 3, 1.25, 12345678.5, 0.0001, 1.5, 12.34, '2024-02-29', '2024-03-01T12:34:56.789Z'],
      Array(14).fill(null),
    ]);
    expect(result.bytesScanned).toBe(1_234_567);
  });

  test('decodes Athena-only spellings: char, real/float, Java doubles, timestamp precision; a bigint beyond 2^53 fails clearly', async () => {
    const canned = rawPair('SELECT 1');
    double.expectRows(canned.trinoSql, {
      columns: [
        { name: 'c', type: 'char' },
        { name: 'r', type: 'real' },
        { name: 'f', type: 'float' },
        { name: 'e', type: 'double' },
        { name: 'ts', type: 'timestamp' },
        { name: 'dec', type: 'decimal', precision: 38, scale: 3 },
        { name: 'big', type: 'bigint' },
      ],
      rows: [
        ['ab', '1.5', '2.25', '1.2345678E7', '2024-01-02 03:04:05.123456', '-1234.500', '-9007199254740991'],
        [null, null, null, null, '2024-01-02 03:04:05', null, null],
      ],
    });
    const result = await athena.execute({ sql: canned.trinoSql, params: [] }, generous);
    expect(result.rows).toEqual([
      ['ab', 1.5, 2.25, 12345678, '2024-01-02T03:04:05.123Z', -1234.5, -9007199254740991],
      [null, null, null, null, '2024-01-02T03:04:05.000Z', null, null],
    ]);

    const huge = rawPair('SELECT 2');
    double.expectRows(huge.trinoSql, { columns: [{ name: 'n', type: 'bigint' }], rows: [['9007199254740993']] });
    const error = await codeOf(athena.execute({ sql: huge.trinoSql, params: [] }, generous));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(/bigint in column "n" exceeds 2\^53/);
  });

  test('QUEUED → RUNNING → QUEUED → RUNNING → SUCCEEDED is polled through', async () => {
    const { trinoSql, duckSql } = rawPair('SELECT 41 + 1 AS answer');
    double.expect(
      trinoSql,
      { sql: duckSql, params: [] },
      {
        timeline: [
          ['QUEUED', 30],
          ['RUNNING', 30],
          ['QUEUED', 20],
          ['RUNNING', 30],
        ],
      },
    );
    const result = await athena.execute({ sql: trinoSql, params: [] }, generous);
    expect(result.rows).toEqual([[42]]);
    expect(double.callsOf('GetQueryExecution').length).toBeGreaterThan(2);
  });

  test('throttling and 5xx are retried, then the query succeeds with the same idempotent token', async () => {
    const { trinoSql, duckSql } = rawPair('SELECT 7 AS n');
    double.expect(trinoSql, { sql: duckSql, params: [] });
    double.throttleNext(2, { ops: ['StartQueryExecution'] });
    double.throttleNext(1, { ops: ['GetQueryExecution'], type: 'TooManyRequestsException' });
    double.failNext(2, { ops: ['GetQueryResults'] });
    const result = await athena.execute({ sql: trinoSql, params: [] }, generous);
    expect(result.rows).toEqual([[7]]);
    const starts = double.callsOf('StartQueryExecution');
    expect(starts.map((call) => call.status)).toEqual([400, 400, 200]);
    expect(new Set(starts.map((call) => call.body.ClientRequestToken)).size).toBe(1);
    expect(double.callsOf('GetQueryResults').map((call) => call.status)).toEqual([500, 500, 200]);
    expect(double.invalid).toEqual([]);
  });

  test('5xx until retries run out is ENGINE_UNAVAILABLE', async () => {
    const { trinoSql, duckSql } = rawPair('SELECT 8 AS n');
    double.expect(trinoSql, { sql: duckSql, params: [] });
    double.failNext(100, { ops: ['StartQueryExecution'] });
    const error = await codeOf(athena.execute({ sql: trinoSql, params: [] }, generous));
    expect(error.code).toBe('ENGINE_UNAVAILABLE');
    expect(double.callsOf('StartQueryExecution')).toHaveLength(6); // 1 + 5 retries
  });

  test('FAILED with Retryable is started once more with a new token; twice is ENGINE_UNAVAILABLE', async () => {
    const once = rawPair('SELECT 9 AS n');
    double.expect(once.trinoSql, { sql: once.duckSql, params: [] }, { failures: [retryable] });
    const result = await athena.execute({ sql: once.trinoSql, params: [] }, generous);
    expect(result.rows).toEqual([[9]]);
    const tokens = double.callsOf('StartQueryExecution').map((call) => call.body.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);

    double.reset();
    const twice = rawPair('SELECT 10 AS n');
    double.expect(twice.trinoSql, { sql: twice.duckSql, params: [] }, { failures: [retryable, retryable] });
    expect((await codeOf(athena.execute({ sql: twice.trinoSql, params: [] }, generous))).code).toBe('ENGINE_UNAVAILABLE');
    expect(double.callsOf('StartQueryExecution')).toHaveLength(2);
  });

  describe('failures that are not the user’s answer 5xx with their own reason, retryable: false, and reach the operator log', () => {
    const failing: Array<{ name: string; failure: AthenaErrorInfo; code: string; reason: string }> = [
      {
        name: 'a syntax error in our SQL (a compiler bug) is INTERNAL',
        failure: {
          ErrorCategory: 2,
          ErrorType: 1006,
          Retryable: false,
          ErrorMessage: "SYNTAX_ERROR: line 1:8: mismatched input 'FORM'. Expecting: ',', 'FROM'",
        },
        code: 'INTERNAL',
        reason: 'engine_rejected_statement',
      },
      {
        name: 'a column the lake lacks is ENGINE_UNAVAILABLE',
        failure: syntaxError,
        code: 'ENGINE_UNAVAILABLE',
        reason: 'lake_schema_mismatch',
      },
      {
        name: 'a missing table is ENGINE_UNAVAILABLE',
        failure: {
          ErrorCategory: 2,
          ErrorType: 1006,
          Retryable: false,
          ErrorMessage: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.snaq_lake.boxes' does not exist",
        },
        code: 'ENGINE_UNAVAILABLE',
        reason: 'lake_schema_mismatch',
      },
      {
        name: 'S3 access denied to the lake is ENGINE_UNAVAILABLE',
        failure: {
          ErrorCategory: 2,
          ErrorType: 1000,
          Retryable: false,
          ErrorMessage:
            'PERMISSION_DENIED: Permission denied on S3 path: s3://snaq-lake/aurora-export/snaq/boxes/part-0.parquet. Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)',
        },
        code: 'ENGINE_UNAVAILABLE',
        reason: 'engine_permission',
      },
    ];

    test.each(failing)('$name', async ({ failure, code, reason }) => {
      const { trinoSql, duckSql } = rawPair('SELECT 11 AS secret_column');
      double.expect(trinoSql, { sql: duckSql, params: [] }, { failures: [failure] });
      const error = await codeOf(athena.execute({ sql: trinoSql, params: [] }, generous));
      expect([error.code, error.status, error.details?.reason, error.details?.retryable]).toEqual([code, code === 'INTERNAL' ? 500 : 503, reason, false]);
      // Athena's message can quote the statement or the lake's paths: never to the caller.
      expect(JSON.stringify(error.toBody())).not.toMatch(/secret_column|SELECT|SYNTAX_ERROR|s3:\/\/|FORM/);
      expect(double.callsOf('StartQueryExecution')).toHaveLength(1);
      const id = double.callsOf('GetQueryExecution')[0]!.body.QueryExecutionId;
      expect(operatorLog).toEqual([
        expect.objectContaining({
          event: 'athena_query_failed',
          queryExecutionId: id,
          errorCategory: failure.ErrorCategory,
          errorType: failure.ErrorType,
          message: failure.ErrorMessage,
          code,
          reason,
        }),
      ]);
    });

    test('IAM refusing the call itself (AccessDeniedException) is ENGINE_UNAVAILABLE, retryable: false, logged with its message', async () => {
      const { trinoSql, duckSql } = rawPair('SELECT 17 AS n');
      double.expect(trinoSql, { sql: duckSql, params: [] });
      const message = 'User: arn:aws:sts::123456789012:assumed-role/snaq-fn/snaq is not authorized to perform: athena:StartQueryExecution';
      double.refuseNext(1, { ops: ['StartQueryExecution'], status: 400, type: 'AccessDeniedException', message });
      const error = await codeOf(athena.execute({ sql: trinoSql, params: [] }, generous));
      expect([error.code, error.details?.reason, error.details?.retryable]).toEqual(['ENGINE_UNAVAILABLE', 'athena_refused', false]);
      expect(JSON.stringify(error.toBody())).not.toMatch(/arn:aws|not authorized/);
      expect(double.callsOf('StartQueryExecution')).toHaveLength(1); // not retried
      expect(operatorLog).toEqual([
        expect.objectContaining({ event: 'athena_call_refused', op: 'StartQueryExecution', errorType: 'AccessDeniedException', status: 400, message }),
      ]);
    });

    test('a scan-limit stop stays 413 RESULT_TOO_LARGE with the reason the user can act on', async () => {
      const { trinoSql, duckSql } = rawPair('SELECT 18 AS n');
      double.expect(trinoSql, { sql: duckSql, params: [] }, { scanLimitExceeded: true });
      const error = await codeOf(athena.execute({ sql: trinoSql, params: [] }, generous));
      expect([error.code, error.status, error.details?.reason]).toEqual(['RESULT_TOO_LARGE', 413, 'scan_limit']);
      expect(double.callsOf('StartQueryExecution')).toHaveLength(1); // no restart: the same query would be cut again
    });

    test('network errors and an unreadable manifest are not swallowed: the operator log says what happened', async () => {
      const closed = new AthenaEngine(engineOptions({ endpoint: 'http://127.0.0.1:1/', maxRetries: 1 }));
      const error = await codeOf(closed.execute({ sql: 'SELECT 1', params: [] }, generous));
      expect([error.code, error.details?.reason]).toEqual(['ENGINE_UNAVAILABLE', 'network']);
      expect(operatorLog.filter((entry) => entry.event === 'athena_network_error')).toHaveLength(2); // each attempt
      expect(operatorLog[0]).toMatchObject({ op: 'StartQueryExecution', message: expect.stringMatching(/fetch failed|ECONNREFUSED/) });
      await closed.close();

      operatorLog.length = 0;
      const broken = new AthenaEngine(engineOptions({ manifest: async () => Promise.reject(new Error('The lake manifest could not be read (HTTP 403).')) }));
      expect((await codeOf(broken.snapshot())).details?.reason).toBe('lake_missing');
      expect(operatorLog).toEqual([expect.objectContaining({ event: 'lake_manifest_unreadable', message: 'The lake manifest could not be read (HTTP 403).' })]);
      await broken.close();
    });
  });

  test('the deadline is QUERY_TIMEOUT, and the query is stopped with StopQueryExecution', async () => {
    const { trinoSql, duckSql } = rawPair('SELECT 12 AS n');
    double.expect(trinoSql, { sql: duckSql, params: [] }, { hang: true });
    const started = Date.now();
    const error = await codeOf(athena.execute({ sql: trinoSql, params: [] }, { timeoutMs: 300, maxRows: 10 }));
    expect(error.code).toBe('QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
    const id = double.callsOf('GetQueryExecution')[0]!.body.QueryExecutionId;
    const stops = double.callsOf('StopQueryExecution');
    expect(stops).toHaveLength(1);
    expect(stops[0]!.body).toEqual({ QueryExecutionId: id });
  });

  test('the ClientRequestToken is a 64-hex SHA-256: same statement → same token within the bucket', async () => {
    const { trinoSql, duckSql } = rawPair('SELECT 13 AS n');
    double.expect(trinoSql, { sql: duckSql, params: [] });
    let now = 1_800_000_000_000;
    const clocked = new AthenaEngine(engineOptions({ now: () => now, tokenBucketMs: 60_000 }));
    const a = clocked.clientRequestToken({ sql: trinoSql, params: [] });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(clocked.clientRequestToken({ sql: `  ${trinoSql.replace(/ /g, '\n  ')} `, params: [] })).toBe(a); // whitespace-normalised
    expect(clocked.clientRequestToken({ sql: `${trinoSql} -- other`, params: [] })).not.toBe(a);
    now += 60_000;
    expect(clocked.clientRequestToken({ sql: trinoSql, params: [] })).not.toBe(a);

    await athena.execute({ sql: trinoSql, params: [] }, generous);
    await athena.execute({ sql: trinoSql, params: [] }, generous);
    const starts = double.callsOf('StartQueryExecution');
    expect(starts).toHaveLength(2);
    // Unless the two calls straddle a bucket boundary (≤ 1 in ~1000 runs), the token is the same.
    const [first, second] = starts.map((call) => String(call.body.ClientRequestToken));
    if (Math.floor(starts[0]!.at / 60_000) === Math.floor(starts[1]!.at / 60_000)) expect(second).toBe(first);
    await clocked.close();
  });

  test('reuse 0 disables result reuse; an output location is sent as ResultConfiguration; session tokens are signed', async () => {
    const { trinoSql, duckSql } = rawPair('SELECT 14 AS n');
    double.expect(trinoSql, { sql: duckSql, params: [] });
    const engine = new AthenaEngine(
      engineOptions({
        resultReuseMaxAgeMinutes: 0,
        outputLocation: 's3://snaq-athena/results/',
        catalog: 'AwsDataCatalog',
        // Temporary credentials: X-Amz-Security-Token is sent and signed.
        credentials: { accessKeyId: double.accessKeyId, secretAccessKey: double.secretAccessKey, sessionToken: 'session-token-example' },
      }),
    );
    await engine.execute({ sql: trinoSql, params: [] }, generous);
    const body = double.callsOf('StartQueryExecution')[0]!.body;
    expect(body.ResultReuseConfiguration).toEqual({ ResultReuseByAgeConfiguration: { Enabled: false } });
    expect(body.ResultConfiguration).toEqual({ OutputLocation: 's3://snaq-athena/results/' });
    expect(double.invalid).toEqual([]);
    await engine.close();
  });

  test('a request signed with a wrong secret is rejected by the double (ENGINE_UNAVAILABLE)', async () => {
    const { trinoSql, duckSql } = rawPair('SELECT 15 AS n');
    double.expect(trinoSql, { sql: duckSql, params: [] });
    const forged = new AthenaEngine(engineOptions({ credentials: { accessKeyId: double.accessKeyId, secretAccessKey: 'not-the-secret' } }));
    const error = await codeOf(forged.execute({ sql: trinoSql, params: [] }, generous));
    expect(error.code).toBe('ENGINE_UNAVAILABLE');
    expect(error.details?.athenaError).toBe('InvalidSignatureException');
    expect(double.invalid).toEqual([{ op: 'StartQueryExecution', reason: 'signature does not match' }]);
    expect((await forged.health()).reachable).toBe(false);
    await forged.close();
  });

  test('the double refuses requests that break the service model', async () => {
    const client = new AwsClient({
      accessKeyId: double.accessKeyId,
      secretAccessKey: double.secretAccessKey,
      service: 'athena',
      region: double.region,
      retries: 0,
    });
    const send = async (op: string, body: unknown, contentType = 'application/x-amz-json-1.1') => {
      const response = await client.fetch(double.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': contentType, 'X-Amz-Target': `AmazonAthena.${op}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { __type: string; message: string } };
    };
    const token = 'a'.repeat(64);
    const cases: Array<[string, unknown, RegExp, string?]> = [
      ['StartQueryExecution', { QueryString: 'SELECT 1', Bogus: 1 }, /Bogus: unknown member/],
      ['StartQueryExecution', { ClientRequestToken: token }, /QueryString: required member is missing/],
      ['StartQueryExecution', { QueryString: 'SELECT 1', ClientRequestToken: 'short' }, /ClientRequestToken: length 5 is below the minimum 32/],
      ['StartQueryExecution', { QueryString: 'SELECT 1', WorkGroup: 'bad group!' }, /WorkGroup: does not match the pattern/],
      [
        'StartQueryExecution',
        { QueryString: 'SELECT 1', ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: 'yes' } } },
        /Enabled: expected a boolean/,
      ],
      [
        'StartQueryExecution',
        { QueryString: 'SELECT 1', ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 20_000 } } },
        /MaxAgeInMinutes: 20000 is above the maximum 10080/,
      ],
      ['GetQueryResults', { QueryExecutionId: 'x', MaxResults: 5000 }, /MaxResults: 5000 is above the maximum 1000/],
      ['GetQueryResults', { QueryExecutionId: 'x', MaxResults: '10' }, /MaxResults: expected an integer/],
      ['NoSuchOperation', {}, /unknown operation NoSuchOperation/],
      ['GetQueryExecution', { QueryExecutionId: 'x' }, /Content-Type must be/, 'application/json'],
    ];
    for (const [op, body, reason, contentType] of cases) {
      const answer = await send(op, body, contentType);
      expect({ op, status: answer.status, type: answer.body.__type }).toEqual({ op, status: 400, type: 'InvalidRequestException' });
      expect(answer.body.message).toMatch(reason);
    }
    expect(double.invalid).toHaveLength(cases.length);
    expect(double.callsOf('StartQueryExecution').every((call) => call.status === 400)).toBe(true);
  });

  test('health() calls GetWorkGroup; snapshot() is the manifest function; close() stops running queries', async () => {
    expect(await athena.health()).toEqual({ reachable: true });
    expect(double.callsOf('GetWorkGroup')).toHaveLength(1);
    expect(await athena.snapshot()).toBe(lake.manifest);

    const { trinoSql, duckSql } = rawPair('SELECT 16 AS n');
    double.expect(trinoSql, { sql: duckSql, params: [] }, { hang: true });
    const engine = new AthenaEngine(engineOptions());
    const running = codeOf(engine.execute({ sql: trinoSql, params: [] }, { timeoutMs: 1_500, maxRows: 10 }));
    while (double.callsOf('GetQueryExecution').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await engine.close();
    expect(double.callsOf('StopQueryExecution')).toHaveLength(1);
    expect((await running).code).toBe('ENGINE_UNAVAILABLE');
    expect(double.callsOf('StartQueryExecution')).toHaveLength(1); // no restart after close
    expect((await codeOf(engine.execute({ sql: trinoSql, params: [] }, generous))).code).toBe('ENGINE_UNAVAILABLE');
    expect(double.invalid).toEqual([]);
  });

  test('fromEnv validates and names the variable at fault', () => {
    const manifest = async () => lake.manifest;
    const env = {
      SNAQ_ATHENA_REGION: 'ap-northeast-1',
      SNAQ_ATHENA_WORKGROUP: 'snaq',
      SNAQ_ATHENA_DATABASE: 'snaq_lake',
      SNAQ_ATHENA_OUTPUT: 's3://snaq-athena/results/',
      SNAQ_ATHENA_REUSE_MINUTES: '30',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    };
    expect(AthenaEngine.fromEnv(env, { manifest })).toBeInstanceOf(AthenaEngine);
    const failures: Array<[Partial<Record<keyof typeof env, string | undefined>>, RegExp]> = [
      [{ SNAQ_ATHENA_REGION: undefined }, /SNAQ_ATHENA_REGION is not set/],
      [{ SNAQ_ATHENA_REGION: 'tokyo' }, /SNAQ_ATHENA_REGION "tokyo"/],
      [{ SNAQ_ATHENA_WORKGROUP: '' }, /SNAQ_ATHENA_WORKGROUP is not set/],
      [{ SNAQ_ATHENA_WORKGROUP: 'bad group' }, /SNAQ_ATHENA_WORKGROUP may hold only/],
      [{ SNAQ_ATHENA_DATABASE: undefined }, /SNAQ_ATHENA_DATABASE is not set/],
      [{ SNAQ_ATHENA_OUTPUT: 'https://bucket' }, /SNAQ_ATHENA_OUTPUT must be an s3:\/\/ URL/],
      [{ SNAQ_ATHENA_REUSE_MINUTES: '-1' }, /SNAQ_ATHENA_REUSE_MINUTES must be/],
      [{ SNAQ_ATHENA_REUSE_MINUTES: '99999' }, /SNAQ_ATHENA_REUSE_MINUTES must be/],
      [{ AWS_ACCESS_KEY_ID: undefined }, /AWS_ACCESS_KEY_ID is not set/],
      [{ AWS_SECRET_ACCESS_KEY: undefined }, /AWS_SECRET_ACCESS_KEY is not set/],
    ];
    for (const [change, message] of failures) {
      expect(() => AthenaEngine.fromEnv({ ...env, ...change }, { manifest })).toThrow(message);
    }
  });
});
