/**
 * What the person floor costs (docs/PRIVACY.md), on a scale-1 lake, side by side in one process:
 * the same question compiled with the floor (distinct people per group, and per filter the people
 * it removed, which reads the rows every filter but one lets through) and without it, run on the
 * same DuckDB engine, alternating order. Medians of the SQL alone, then of the whole service path
 * (compile → DuckDB → suppression) against the same without the floor.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MetricsService } from '../../src/api/service';
import { loadCatalog, type Catalog } from '../../src/catalog/catalog';
import type { MetricDef } from '../../src/catalog/vocabulary';
import { compileQuery } from '../../src/catalog/compile';
import { duckdb } from '../../src/catalog/dialect';
import { resolveQuery } from '../../src/catalog/resolve';
import { OPERATOR } from '../../src/catalog/accessPolicy';
import { addDays } from '../../src/contract/dates';
import type { QueryRequest } from '../../src/contract/types';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { BENCH_DIR, ensureScale1Lake } from './benchLake';
import { median, round } from './stats';

const ROUNDS = 11;

const QUESTIONS: Array<{ label: string; request: (shiftDays: number) => QueryRequest }> = [
  {
    label: 'revenue by month × prefecture (people counted)',
    request: (d) => ({ metric: 'revenue', from: addDays('2024-01-01', d), to: '2025-01-01', grain: 'month', dimensions: ['prefecture'] }),
  },
  {
    label: 'revenue by month × channel, women only (people and the filter’s leftovers)',
    request: (d) => ({
      metric: 'revenue',
      from: addDays('2024-01-01', d),
      to: '2025-01-01',
      grain: 'month',
      dimensions: ['acquisition_channel'],
      filters: { gender: 'female' },
    }),
  },
  {
    label: 'churned_subscribers by quarter × cancel reason, 東京都 biweekly (two filters)',
    request: (d) => ({
      metric: 'churned_subscribers',
      from: addDays('2023-01-01', d),
      to: '2025-01-01',
      grain: 'quarter',
      dimensions: ['cancel_reason'],
      filters: { prefecture: '東京都', plan: 'biweekly' },
    }),
  },
  {
    label: 'active_subscribers by month × plan, 大阪府 (a snapshot)',
    request: (d) => ({
      metric: 'active_subscribers',
      from: addDays('2024-01-01', d),
      to: '2025-01-01',
      grain: 'month',
      dimensions: ['plan'],
      filters: { prefecture: '大阪府' },
    }),
  },
];

/**
 * The same catalog without person floors: what the service answered before issue 14. Built around
 * the loaded catalog (its validation rightly refuses a person-derived metric without a floor).
 */
function catalogWithoutFloor(): Catalog {
  const catalog = loadCatalog();
  const metrics = catalog.list().map((metric): MetricDef => ({ ...metric, minPeople: undefined }));
  const byName = new Map(metrics.map((metric) => [metric.name, metric]));
  return { ...catalog, list: () => metrics, get: (name) => byName.get(name) };
}

export async function runPrivacyBench(): Promise<void> {
  const lakeDir = await ensureScale1Lake();
  const engine = await DuckDbEngine.open({ lakeDir });
  const floored = loadCatalog();
  const unfloored = catalogWithoutFloor();
  const manifest = await engine.snapshot();
  const limits = { timeoutMs: 60_000, maxRows: 100_000 };
  const sqlTime = async (catalog: typeof floored, request: QueryRequest): Promise<number> => {
    const compiled = compileQuery(resolveQuery(catalog, request), duckdb, { rowCap: 50_000, snapshotId: manifest.snapshotId });
    const started = performance.now();
    await engine.execute({ sql: compiled.sql, params: compiled.params }, limits);
    return performance.now() - started;
  };
  // Each round shifts `from` by a day, so every request is new to both services' caches.
  const service = (catalog: typeof floored) => new MetricsService(catalog, engine);
  const withFloor = service(floored);
  const withoutFloor = service(unfloored);
  const serviceTime = async (target: MetricsService, request: QueryRequest): Promise<number> => {
    const started = performance.now();
    const outcome = await target.query(request, OPERATOR);
    if (outcome.status !== 200) throw new Error(`status ${outcome.status}`);
    return performance.now() - started;
  };

  const results = [];
  for (const question of QUESTIONS) {
    const samples = { sqlFloor: [] as number[], sqlPlain: [] as number[], serviceFloor: [] as number[], servicePlain: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const request = question.request(round);
      const pairs: Array<[keyof typeof samples, () => Promise<number>]> = [
        ['sqlFloor', () => sqlTime(floored, request)],
        ['sqlPlain', () => sqlTime(unfloored, request)],
        ['serviceFloor', () => serviceTime(withFloor, request)],
        ['servicePlain', () => serviceTime(withoutFloor, request)],
      ];
      // Alternate which side goes first, so neither always runs on warmer caches.
      for (const [name, run] of round % 2 ? pairs.reverse() : pairs) samples[name].push(await run());
    }
    const row = {
      question: question.label,
      sqlMedianMs: { floor: round(median(samples.sqlFloor)), without: round(median(samples.sqlPlain)) },
      sqlRatio: round(median(samples.sqlFloor) / median(samples.sqlPlain)),
      serviceMedianMs: { floor: round(median(samples.serviceFloor)), without: round(median(samples.servicePlain)) },
      serviceRatio: round(median(samples.serviceFloor) / median(samples.servicePlain)),
    };
    results.push(row);
    process.stdout.write(
      `${row.question}\n  SQL: ${row.sqlMedianMs.floor} ms with the floor, ${row.sqlMedianMs.without} ms without (×${row.sqlRatio})` +
        `\n  service: ${row.serviceMedianMs.floor} ms, ${row.serviceMedianMs.without} ms (×${row.serviceRatio})\n`,
    );
  }
  await engine.close();
  mkdirSync(BENCH_DIR, { recursive: true });
  writeFileSync(path.join(BENCH_DIR, 'privacy.json'), JSON.stringify({ rounds: ROUNDS, lake: 'scale 1', results }, null, 2));
}
