/**
 * Faults at the edges of the local server: bodies that never finish, clients that hang up, and a
 * lake broken under a running server. None of them is an internal error.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createTestLake, tableDir, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';

let lake: TestLake;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
});
afterAll(() => lake.remove());

/** Sends `text` on a raw socket and collects whatever comes back until the server closes (or `giveUpMs`). */
function rawExchange(api: LocalApi, text: string, giveUpMs: number): Promise<{ reply: string; closed: boolean }> {
  const { port } = new URL(api.server.url);
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ reply, closed: false });
    }, giveUpMs);
    socket.on('data', (chunk) => (reply += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply, closed: true });
    });
    socket.on('error', reject);
  });
}

const bodyOf = (reply: string) => JSON.parse(reply.split('\r\n\r\n')[1]!);

describe('slow and vanishing clients', () => {
  let api: LocalApi;
  beforeAll(async () => {
    api = await startLocalApi(lake.dir, { config: { bodyTimeoutMs: 400, headersTimeoutMs: 400 } });
  });
  afterAll(() => api.close());

  test('a body that never completes gets a 408 JSON error and the connection is closed', async () => {
    const started = Date.now();
    const { reply, closed } = await rawExchange(
      api,
      'POST /v1/query HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"metric":',
      4_000,
    );
    expect(closed).toBe(true);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(reply).error.code).toBe('REQUEST_TIMEOUT');
    expect(bodyOf(reply).error.details.reason).toBe('body_timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(api.internalErrors).toEqual([]);
  });

  test('headers that never complete get a 408 JSON error too', async () => {
    const { reply, closed } = await rawExchange(api, 'POST /v1/query HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-ty', 4_000);
    expect(closed).toBe(true);
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(reply).error.code).toBe('REQUEST_TIMEOUT');
  });

  test('a client that hangs up mid-body is logged as a client abort, not an internal error', async () => {
    const before = api.log.length;
    const { port } = new URL(api.server.url);
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /v1/query HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"met');
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.internalErrors).toEqual([]);
    const lines = api.log.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.status).toBe(499);
    expect(lines[0]!.code).toBe('CLIENT_CLOSED_REQUEST');
  });
});

describe('a lake broken under a running server', () => {
  let root: string;
  let lakeDir: string;
  let api: LocalApi;

  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'snaq-broken-lake-'));
    lakeDir = path.join(root, 'lake');
    cpSync(lake.dir, lakeDir, { recursive: true });
    api = await startLocalApi(lakeDir, { service: { healthCacheMs: 0 } });
  });
  afterEach(async () => {
    await api.close();
    rmSync(root, { recursive: true, force: true });
  });

  const query = async () => {
    const response = await api.client.fetch(`${api.server.url}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metric: 'box_revenue', from: '2024-01-01', to: '2025-01-01', grain: 'month' }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const health = async () => {
    const response = await api.client.fetch(`${api.server.url}/v1/health`);
    return { status: response.status, body: (await response.json()) as any };
  };

  test('a corrupt Parquet file: queries answer 503 ENGINE_UNAVAILABLE with a reason, health is degraded (503)', async () => {
    expect((await health()).status).toBe(200);
    const boxes = tableDir(lakeDir, 'boxes');
    for (const file of readdirSync(boxes)) writeFileSync(path.join(boxes, file), 'this is not parquet any more');
    const answer = await query();
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('ENGINE_UNAVAILABLE');
    expect(answer.body.error.details.reason).toBe('lake_corrupt');
    const report = await health();
    expect(report.status).toBe(503);
    expect(report.body.status).toBe('degraded');
    expect(report.body.lake.reason).toBe('lake_corrupt');
    expect(report.body.lake.detail).toContain('boxes');
    expect(api.internalErrors).toEqual([]);
  });

  test('a lake whose table lacks a column of the contract: queries that read it answer 503 lake_schema_mismatch, never 500', async () => {
    // As an export written before a contract change would be: users without age_band.
    const users = tableDir(lakeDir, 'users');
    const rewritten = path.join(root, 'users.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT * EXCLUDE (age_band) FROM read_parquet('${users}/*.parquet')) TO '${rewritten}' (FORMAT parquet)`);
    connection.closeSync();
    for (const file of readdirSync(users)) rmSync(path.join(users, file));
    cpSync(rewritten, path.join(users, 'data.parquet'));
    const response = await api.client.fetch(`${api.server.url}/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metric: 'box_revenue', from: '2024-01-01', to: '2025-01-01', grain: 'month', dimensions: ['age_band'] }),
    });
    const body = (await response.json()) as any;
    expect(response.status).toBe(503);
    expect(body.error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', details: { reason: 'lake_schema_mismatch', retryable: false } });
    expect(JSON.stringify(body)).not.toContain('Binder');
    expect(api.internalErrors).toEqual([]);
  });

  test('a table whose files are gone: health is degraded (503) and names it', async () => {
    const products = tableDir(lakeDir, 'products');
    for (const file of readdirSync(products)) rmSync(path.join(products, file));
    const report = await health();
    expect(report.status).toBe(503);
    expect(report.body.status).toBe('degraded');
    expect(report.body.lake.reason).toBe('lake_unreadable');
    expect(report.body.lake.detail).toContain('products');
  });

  test('a manifest broken under the server: 503 ENGINE_UNAVAILABLE with a reason, never 500', async () => {
    writeFileSync(path.join(lakeDir, 'manifest.json'), '{"snapshotId": "half-writ');
    const answer = await query();
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('ENGINE_UNAVAILABLE');
    expect(answer.body.error.details.reason).toBe('lake_manifest_invalid');
    const report = await health();
    expect(report.status).toBe(503);
    expect(report.body.status).toBe('degraded');
    expect(api.internalErrors).toEqual([]);
  });
});
