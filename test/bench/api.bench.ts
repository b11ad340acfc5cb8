/**
 * The metrics API on a scale-10 lake, measured side by side in one process:
 *  (a) uncached POST /v1/query (signed HTTP → verify → compile → DuckDB → JSON) against the same
 *      compiled SQL run directly on DuckDB, for three representative metrics; medians and ratio;
 *  (b) cached POST /v1/query latency;
 *  (c) 16 concurrent signed clients for 20 s: throughput, p50/p99 and errors;
 *  and the memory the server holds afterwards.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadCatalog } from '../../src/catalog/catalog';
import { LAKE_TABLES } from '../../src/contract/lakeSchema';
import { MetricsService } from '../../src/api/service';
import { addDays } from '../../src/contract/dates';
import type { QueryRequest } from '../../src/contract/types';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { generateLake } from '../../src/lake/generate';
import { lakeExists } from '../../src/lake/manifest';
import { startSignedApi } from './signedApi';
import { median, percentile, round } from './stats';
import { tableDir } from '../support/lakeFolders';

const BENCH_DIR = path.resolve('.snaq', 'bench');
const LAKE_DIR = path.join(BENCH_DIR, 'lake-scale10');
const AS_OF = new Date('2026-11-01T00:00:00Z');
const UNCACHED_ROUNDS = 15;
const CACHED_ROUNDS = 300;
const LOAD_CLIENTS = 16;
const LOAD_SECONDS = Number(process.env.SNAQ_BENCH_LOAD_SECONDS ?? 20);

/** Three shapes staff use most: a sum of two sources, a snapshot with a dimension, a product breakdown. */
const REPRESENTATIVE: Array<{ label: string; request: (shiftDays: number) => QueryRequest }> = [
  { label: 'revenue by month (box + shop)', request: (d) => ({ metric: 'revenue', from: addDays('2024-01-01', d), to: '2025-01-01', grain: 'month' }) },
  {
    label: 'active_subscribers by month × plan',
    request: (d) => ({ metric: 'active_subscribers', from: addDays('2024-01-01', d), to: '2025-01-01', grain: 'month', dimensions: ['plan'] }),
  },
  {
    label: 'product_units by quarter × category',
    request: (d) => ({ metric: 'product_units', from: addDays('2024-01-01', d), to: '2025-01-01', grain: 'quarter', dimensions: ['category'] }),
  },
];

async function ensureBenchLake(): Promise<void> {
  if (lakeExists(LAKE_DIR)) return;
  process.stderr.write(`Generating the scale-10 benchmark lake in ${LAKE_DIR}…\n`);
  const { elapsedMs } = await generateLake({ outDir: LAKE_DIR, scale: 10, seed: 42, asOf: AS_OF });
  process.stderr.write(`  done in ${round(elapsedMs / 1000, 1)} s\n`);
}

async function rawDuckDb(): Promise<(sql: string, params: readonly unknown[]) => Promise<number>> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  for (const table of LAKE_TABLES) {
    await connection.run(`CREATE VIEW ${table} AS SELECT * FROM read_parquet('${path.join(tableDir(LAKE_DIR, table), '*.parquet')}')`);
  }
  return async (sql, params) => {
    const started = performance.now();
    const reader = await connection.runAndReadAll(sql, params as never);
    reader.getRowsJS();
    return performance.now() - started;
  };
}

export async function runApiBench(): Promise<void> {
  await ensureBenchLake();
  const engine = await DuckDbEngine.open({ lakeDir: LAKE_DIR });
  const service = new MetricsService(loadCatalog(), engine);
  let logLines = 0;
  const api = await startSignedApi(service, { timeoutMs: 60_000, log: () => void logLines++ });
  const post = async (request: QueryRequest): Promise<{ ms: number; status: number; cached: boolean }> => {
    const { ms, status, body } = await api.post(request);
    return { ms, status, cached: body.meta?.cached === true };
  };
  const raw = await rawDuckDb();

  // (a) Each round shifts `from` by a day so both paths see a query neither has run before; the
  // order alternates so neither side always runs second on warmer caches.
  const uncached = [];
  for (const { label, request } of REPRESENTATIVE) {
    await post(request(300)); // warm-up: Parquet metadata, JIT
    await raw(service.prepare(request(301)).compiled.sql, service.prepare(request(301)).compiled.params);
    const api: number[] = [];
    const direct: number[] = [];
    for (let round = 0; round < UNCACHED_ROUNDS; round++) {
      const shifted = request(round);
      const { sql, params } = service.prepare(shifted).compiled;
      const measureApi = async () => {
        const result = await post(shifted);
        if (result.status !== 200 || result.cached) throw new Error(`unexpected ${result.status} cached=${result.cached}`);
        api.push(result.ms);
      };
      const measureRaw = async () => direct.push(await raw(sql, params));
      if (round % 2) {
        await measureApi();
        await measureRaw();
      } else {
        await measureRaw();
        await measureApi();
      }
    }
    uncached.push({ label, apiMedianMs: round(median(api)), duckdbMedianMs: round(median(direct)), overhead: round(median(api) / median(direct)) });
  }

  // (b) The same request again and again: answered from the result cache.
  const cachedRequest = REPRESENTATIVE[0]!.request(0);
  const cachedTimes: number[] = [];
  for (let i = 0; i < CACHED_ROUNDS; i++) {
    const result = await post(cachedRequest);
    if (!result.cached) throw new Error('expected a cached answer');
    cachedTimes.push(result.ms);
  }

  // (c) A sheet-refresh mix: 48 distinct requests (16 uncached at first, then cached), 16 clients.
  const mix = REPRESENTATIVE.flatMap(({ request }) => Array.from({ length: 16 }, (_, i) => request(100 + i)));
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let failures = 0;
  const deadline = performance.now() + LOAD_SECONDS * 1000;
  const loadStarted = performance.now();
  await Promise.all(
    Array.from({ length: LOAD_CLIENTS }, async (_, clientIndex) => {
      for (let i = clientIndex; performance.now() < deadline; i += LOAD_CLIENTS) {
        try {
          const result = await post(mix[i % mix.length]!);
          latencies.push(result.ms);
          statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        } catch {
          failures++;
        }
      }
    }),
  );
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const errors = failures + [...statuses].filter(([status]) => status !== 200).reduce((sum, [, count]) => sum + count, 0);

  global.gc?.();
  const memory = process.memoryUsage();
  const cache = service.cacheStats();
  const report = {
    lake: { dir: LAKE_DIR, scale: 10, asOf: AS_OF.toISOString() },
    uncached,
    cached: { rounds: CACHED_ROUNDS, medianMs: round(median(cachedTimes)), p99Ms: round(percentile(cachedTimes, 99)) },
    load: {
      clients: LOAD_CLIENTS,
      seconds: round(loadSeconds, 1),
      requests: latencies.length,
      requestsPerSecond: round(latencies.length / loadSeconds, 1),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      errors,
    },
    memory: {
      rssMiB: round(memory.rss / 2 ** 20, 1),
      heapUsedMiB: round(memory.heapUsed / 2 ** 20, 1),
      externalMiB: round(memory.external / 2 ** 20, 1),
      resultCache: { entries: cache.entries, approxMiB: round(cache.bytes / 2 ** 20, 2) },
    },
    accessLogLines: logLines,
    note: 'Client (aws4fetch signing) and server share one 2-core machine and one process.',
  };
  await api.close();
  await engine.close();

  const lines = [
    'API benchmark (scale-10 lake)',
    '(a) uncached POST /v1/query vs the same SQL on DuckDB directly (medians):',
    ...uncached.map(
      (u) => `    ${u.label.padEnd(38)} api ${String(u.apiMedianMs).padStart(8)} ms   duckdb ${String(u.duckdbMedianMs).padStart(8)} ms   ×${u.overhead}`,
    ),
    `(b) cached POST /v1/query: median ${report.cached.medianMs} ms, p99 ${report.cached.p99Ms} ms over ${CACHED_ROUNDS} requests`,
    `(c) ${LOAD_CLIENTS} signed clients for ${report.load.seconds} s: ${report.load.requests} requests, ${report.load.requestsPerSecond} req/s, p50 ${report.load.p50Ms} ms, p99 ${report.load.p99Ms} ms, errors ${errors}`,
    `memory: RSS ${report.memory.rssMiB} MiB, JS heap ${report.memory.heapUsedMiB} MiB, result cache ${cache.entries} entries ≈ ${report.memory.resultCache.approxMiB} MiB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `api-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`report: ${file}\n`);
}
