/** The embedded engine on a real generated lake: typed results, bound values, limits that bite. */
import { rmSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../src/contract/errors';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { createTestLake, tableDir, type TestLake } from '../support/lake';

const generous = { timeoutMs: 30_000, maxRows: 10_000 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return (error as ApiError).code;
  }
  throw new Error('expected the query to fail');
}

describe('DuckDbEngine', () => {
  let lake: TestLake;
  let engine: DuckDbEngine;

  beforeAll(async () => {
    lake = await createTestLake();
    engine = await DuckDbEngine.open({ lakeDir: lake.dir, connections: 2 });
  });
  afterAll(async () => {
    await engine.close();
    lake.remove();
  });

  test('reads every lake table through a view of the same name', async () => {
    for (const [table, snapshot] of Object.entries(lake.manifest.tables)) {
      const result = await engine.execute({ sql: `SELECT count(*) AS n FROM ${table}`, params: [] }, generous);
      expect(result.rows).toEqual([[snapshot.rows]]);
    }
  });

  test('types results: sums are numbers, dates are ISO days, timestamps ISO instants', async () => {
    const result = await engine.execute(
      {
        sql: `SELECT CAST(min(scheduled_date) AS DATE) AS first_day, sum(price_jpy) AS total, avg(price_jpy) AS mean,
                     min(shipped_at) AS first_ship, any_value(status) AS status
              FROM boxes WHERE status = $1`,
        params: ['delivered'],
      },
      generous,
    );
    expect(result.columnNames).toEqual(['first_day', 'total', 'mean', 'first_ship', 'status']);
    const [firstDay, total, mean, firstShip, status] = result.rows[0]!;
    expect(firstDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(typeof total).toBe('number'); // DuckDB sums integers into HUGEINT; it must not leak as bigint
    expect(total).toBeGreaterThan(0);
    expect(mean).toBe(1980);
    expect(firstShip).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(status).toBe('delivered');
  });

  test('binds values instead of splicing them, and reuses the prepared statement', async () => {
    const sql = 'SELECT count(*) FROM users WHERE prefecture = $1';
    const tokyo = await engine.execute({ sql, params: ['東京都'] }, generous);
    const hostile = await engine.execute({ sql, params: ["東京都' OR '1'='1"] }, generous);
    expect(tokyo.rows[0]![0]).toBeGreaterThan(0);
    expect(hostile.rows[0]![0]).toBe(0);
  });

  test('a query over its time limit is really interrupted, and the engine keeps working', async () => {
    const started = Date.now();
    const code = await codeOf(
      engine.execute({ sql: 'SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3', params: [] }, { timeoutMs: 300, maxRows: 10 }),
    );
    expect(code).toBe('QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
    const after = await engine.execute({ sql: 'SELECT 41 + 1', params: [] }, generous);
    expect(after.rows).toEqual([[42]]);
  });

  test('more rows than allowed is RESULT_TOO_LARGE', async () => {
    expect(await codeOf(engine.execute({ sql: 'SELECT * FROM range(101)', params: [] }, { timeoutMs: 5_000, maxRows: 100 }))).toBe('RESULT_TOO_LARGE');
    const fits = await engine.execute({ sql: 'SELECT * FROM range(100)', params: [] }, { timeoutMs: 5_000, maxRows: 100 });
    expect(fits.rows).toHaveLength(100);
  });

  test('runs queries concurrently beyond its pool size without losing any', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => engine.execute({ sql: 'SELECT $1::INTEGER * 2', params: [i] }, generous)));
    expect(results.map((result) => result.rows[0]![0])).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
  });

  test('re-reads the manifest only when the lake was rewritten', async () => {
    const first = await engine.snapshot();
    expect(await engine.snapshot()).toBe(first);
    const file = path.join(lake.dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...manifest, snapshotId: 'rewritten' }));
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    expect((await engine.snapshot()).snapshotId).toBe('rewritten');
    writeFileSync(file, JSON.stringify(manifest));
    utimesSync(file, new Date(later.getTime() + 5_000), new Date(later.getTime() + 5_000));
  });

  test('missing lake files are ENGINE_UNAVAILABLE, not an internal error', async () => {
    const other = await createTestLake({ scale: 0.05 });
    const fragile = await DuckDbEngine.open({ lakeDir: other.dir, connections: 1 });
    try {
      rmSync(tableDir(other.dir, 'ratings'), { recursive: true });
      expect(await codeOf(fragile.execute({ sql: 'SELECT count(*) FROM ratings', params: [] }, generous))).toBe('ENGINE_UNAVAILABLE');
      expect((await fragile.health()).reachable).toBe(true); // the engine itself still answers
    } finally {
      await fragile.close();
      other.remove();
    }
  });
});
