/**
 * Overload: running and pending work is capped per principal and in total (429 with Retry-After
 * past the cap), work that costs nothing (in flight or cached) is never refused, and health
 * answers while the engine's every connection is busy.
 */
import { createTestLake, type TestLake } from '../support/lake';
import { SECOND_KEY, signingClient, startLocalApi, type LocalApi } from '../support/localApi';
import { CountingEngine } from '../support/countingEngine';
import { DuckDbEngine } from '../../src/engine/duckdb';
import type { EngineResult, EngineStatement, ExecuteOptions } from '../../src/engine/types';

let lake: TestLake;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
});
afterAll(() => lake.remove());

/** Holds every execution until `open()`, so work stays running as long as the test needs. */
class GatedEngine extends CountingEngine {
  /** Executions that reached the engine, held or not. */
  arrived = 0;
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  override async execute(statement: EngineStatement, options: ExecuteOptions): Promise<EngineResult> {
    this.arrived++;
    await this.gate;
    return super.execute(statement, options);
  }

  open(): void {
    this.release();
  }
}

const month = (i: number) => ({ metric: 'revenue', from: `2024-${String(i).padStart(2, '0')}-01`, to: '2025-01-01', grain: 'month' });

async function post(api: LocalApi, body: unknown, client = api.client): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const response = await client.fetch(`${api.server.url}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'wait=0' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(), retryAfter: response.headers.get('retry-after') };
}

test('past the per-principal and the total cap: 429 RATE_LIMITED with Retry-After; in-flight and cached requests still pass', async () => {
  const inner = await DuckDbEngine.open({ lakeDir: lake.dir, connections: 2 });
  const engine = new GatedEngine(inner);
  const api = await startLocalApi(lake.dir, { engine, service: { maxWorkPerPrincipal: 3, maxWorkTotal: 4 } });
  const second = signingClient(SECOND_KEY);
  try {
    const accepted = [];
    for (let i = 1; i <= 3; i++) accepted.push(await post(api, month(i)));
    expect(accepted.map((answer) => answer.status)).toEqual([202, 202, 202]);

    const refused = await post(api, month(4));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(refused.body.error.details.reason).toBe('too_much_work');
    expect(refused.body.error.details.retryAfterMs).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBe(Math.ceil(refused.body.error.details.retryAfterMs / 1000));
    expect(engine.arrived).toBe(3); // nothing reached the engine for it

    // The same question again is already running: it costs nothing, so it is not refused.
    expect((await post(api, month(1))).status).toBe(202);

    // Another principal has room of its own, until the total is spent.
    expect((await post(api, month(5), second)).status).toBe(202);
    const overTotal = await post(api, month(6), second);
    expect(overTotal.status).toBe(429);
    expect(overTotal.body.error.details.reason).toBe('too_much_work');

    // Health answers while the work waits.
    const started = performance.now();
    const health = await api.client.fetch(`${api.server.url}/v1/health`);
    expect(health.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1_000);

    // Once the work settles its room is free again, and settled answers are served from the cache.
    engine.open();
    for (const answer of accepted) {
      const polled = await api.client.fetch(`${api.server.url}/v1/query/${answer.body.queryId}`, { headers: { prefer: 'wait=20' } });
      expect(polled.status).toBe(200);
      await polled.json();
    }
    expect((await post(api, month(4))).status).not.toBe(429);
    const cached = await post(api, month(1));
    expect(cached.status).toBe(200);
    expect(cached.body.meta.cached).toBe(true);
  } finally {
    await api.close();
  }
});

test('/v1/health answers within a second while every engine connection runs a long query', async () => {
  const api = await startLocalApi(lake.dir);
  const busy = [0, 1].map(() =>
    api.engine
      .execute({ sql: 'SELECT count(*) FROM range(3000000000) t(a) WHERE a % 7 = 3', params: [] }, { timeoutMs: 8_000, maxRows: 1 })
      .catch((error: Error) => error),
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    const health = await api.client.fetch(`${api.server.url}/v1/health`);
    const elapsed = performance.now() - started;
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    expect(elapsed).toBeLessThan(1_000);
  } finally {
    await Promise.all(busy);
    await api.close();
  }
});
