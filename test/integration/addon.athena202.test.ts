/**
 * The asynchronous path end to end: a cell in the Apps Script emulator → the signed API → the
 * Athena engine → the Athena double, where the query runs longer than the API's synchronous
 * budget. The API answers 202, the add-on long-polls, and the cell gets the same numbers as DuckDB.
 */
import { compileQuery } from '../../src/catalog/compile';
import { loadCatalog } from '../../src/catalog/catalog';
import { duckdb, trino } from '../../src/catalog/dialect';
import { resolveQuery } from '../../src/catalog/resolve';
import { parseQueryRequest } from '../../src/contract/validate';
import { LIMITS } from '../../src/contract/limits';
import type { QueryResult } from '../../src/contract/types';
import { AthenaEngine } from '../../src/engine/athena';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { MetricsService } from '../../src/api/service';
import { startAthenaDouble, type AthenaDouble } from '../support/athenaDouble';
import { ATHENA_MODEL } from '../support/athena/model';
import { describeIfAvailable } from '../support/requirements';
import { addonEnv, jstDate } from '../support/addonEnv';
import { CountingEngine } from '../support/countingEngine';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';

describeIfAvailable(ATHENA_MODEL, 'a slow Athena query from a cell: 202, long polls, the right numbers', () => {
  let lake: TestLake;
  let duck: DuckDbEngine;
  let double: AthenaDouble;
  let api: LocalApi;

  const REQUEST = { metric: 'box_revenue', from: '2024-01-01', to: '2024-04-01', grain: 'month' } as const;
  const SLOWER = { metric: 'shop_revenue', from: '2024-01-01', to: '2024-04-01', grain: 'month' } as const;

  beforeAll(async () => {
    lake = await createTestLake({ scale: 0.05 });
    duck = await DuckDbEngine.open({ lakeDir: lake.dir, connections: 1 });
    double = await startAthenaDouble({ engine: duck });
    const resolved = resolveQuery(loadCatalog(), parseQueryRequest(REQUEST));
    const duckStatement = compileQuery(resolved, duckdb, { rowCap: LIMITS.maxRows });
    // Queued, then running for 3 s: longer than the API's 1 s synchronous budget.
    double.expect(
      compileQuery(resolved, trino, { rowCap: LIMITS.maxRows, snapshotId: lake.manifest.snapshotId }).sql,
      { sql: duckStatement.sql, params: duckStatement.params },
      {
        timeline: [
          ['QUEUED', 300],
          ['RUNNING', 3_000],
        ],
      },
    );
    // Longer than the sidebar's preview budget (12 s): the preview comes back running.
    const slower = resolveQuery(loadCatalog(), parseQueryRequest(SLOWER));
    const slowerDuck = compileQuery(slower, duckdb, { rowCap: LIMITS.maxRows });
    double.expect(
      compileQuery(slower, trino, { rowCap: LIMITS.maxRows, snapshotId: lake.manifest.snapshotId }).sql,
      { sql: slowerDuck.sql, params: slowerDuck.params },
      {
        timeline: [['RUNNING', 14_000]],
      },
    );
    const athena = new AthenaEngine({
      endpoint: double.endpoint,
      region: double.region,
      credentials: { accessKeyId: double.accessKeyId, secretAccessKey: double.secretAccessKey },
      workGroup: double.workGroup,
      database: 'snaq_lake',
      pollIntervalMs: 50,
      manifest: async () => lake.manifest,
    });
    api = await startLocalApi(lake.dir, { engine: new CountingEngine(athena), service: { syncBudgetMs: 1_000 } });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await double?.close();
    await duck?.close();
    lake?.remove();
  });

  test('a slow Athena query: 202 from the API, long polls from the cell, and the right numbers', async () => {
    const gas = await addonEnv({ endpoint: api.server.url });
    try {
      const result = await gas.run('SNAQ_METRIC', ['box_revenue', '2024-01-01', '2024-03-31', 'month'], { mode: 'customFunction' });
      expect(result.error).toBeUndefined();
      expect(result.elapsedMs).toBeLessThan(30_000);
      expect(gas.fetchLog.map((entry) => entry.status)).toContain(202);
      const reference = (await new MetricsService(loadCatalog(), duck).query(REQUEST, 'test')).body as QueryResult;
      expect(result.value).toEqual([['期間', '定期便売上（円）'], ...reference.rows.map(([period, value]) => [jstDate(period as string), value])]);
      expect(double.invalid).toEqual([]);
    } finally {
      await gas.close();
    }
  }, 60_000);

  test('the sidebar’s preview of a slower query comes back running, and polling it returns the rows', async () => {
    const gas = await addonEnv({ endpoint: api.server.url });
    try {
      const first = await gas.run('snaqPreview', [{ metric: 'shop_revenue', from: '2024-01-01', to: '2024-03-31', grain: 'month' }], { mode: 'rpc' });
      expect(first.error).toBeUndefined();
      expect(first.value).toEqual({ running: true, queryId: expect.any(String) });
      let answer = first.value as { running?: true; queryId?: string; rows?: unknown[] };
      for (let i = 0; i < 5 && answer.running; i++) {
        answer = (await gas.run('snaqPollQuery', [answer.queryId], { mode: 'rpc' })).value as typeof answer;
      }
      const reference = (await new MetricsService(loadCatalog(), duck).query(SLOWER, 'test')).body as QueryResult;
      expect(answer.rows).toEqual(reference.rows);
    } finally {
      await gas.close();
    }
  }, 90_000);
});
