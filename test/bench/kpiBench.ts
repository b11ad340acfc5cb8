/**
 * (d) Production against the lake: each KPI question as the analyst's SQL on the source and as
 * POST /v1/query on the exported lake.
 *
 * - **source:** the SQL over TCP as the read-only user, `sqlRounds` times (slow: at least once);
 * - **lake, uncached:** a freshly opened DuckDB engine per question behind a service whose result
 *   cache holds nothing, so every answer is computed: the first request after the open is reported
 *   on its own, then the median of `lakeRounds` more;
 * - **lake, cached:** the same engine behind a service with its result cache: one request fills it,
 *   then the median of `cachedRounds` answered from it.
 * The lake's files are in the OS page cache either way (they were just written), as on a server.
 */
import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import { loadCatalog } from '../../src/catalog/catalog';
import { MetricsService } from '../../src/api/service';
import { DuckDbEngine } from '../../src/engine/duckdb';
import type { SourceLocation } from '../../src/export/sourceUrl';
import { compareAnswers, type AnswerComparison } from './kpiAnswers';
import { KPI_RANGES, kpiQuestions, type KpiQuestion } from './kpiQuestions';
import { startSignedApi, type SignedApi } from './signedApi';
import { median, round } from './stats';

export interface KpiRounds {
  sqlRounds: number;
  lakeRounds: number;
  cachedRounds: number;
}

export interface KpiMeasurement {
  label: string;
  /** The range's name (KPI_RANGES) and its JST bounds. */
  range: string;
  from: string;
  to: string;
  metric: string;
  sourceMs: number[];
  sourceMedianMs: number;
  /** DuckDbEngine.open on the lake (views over the snapshot's files). */
  engineOpenMs: number;
  /** The first POST /v1/query after the engine opened. */
  firstAfterOpenMs: number;
  uncachedMs: number[];
  uncachedMedianMs: number;
  cachedMedianMs: number;
  /** Source median ÷ lake: uncached median, the first after open, cached. */
  speedupUncached: number;
  speedupFirst: number;
  speedupCached: number;
  answers: AnswerComparison;
}

export async function measureKpis(source: SourceLocation, lakeDir: string, rounds: KpiRounds, say: (line: string) => void): Promise<KpiMeasurement[]> {
  const catalog = loadCatalog();
  const conn = await createConnection({ ...source, dateStrings: true, rowsAsArray: true, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z' });
  const measurements: KpiMeasurement[] = [];
  try {
    await conn.query("SET time_zone = '+00:00'");
    for (const question of KPI_RANGES.flatMap((range) => kpiQuestions(range).map((q) => ({ ...q, range: range.name })))) {
      const sourceMs: number[] = [];
      let sourceRows: unknown[][] = [];
      for (let i = 0; i < rounds.sqlRounds; i++) {
        const started = performance.now();
        const [rows] = await conn.query(question.sql);
        sourceMs.push(performance.now() - started);
        sourceRows = rows as unknown[][];
      }
      say(`  ${question.label} (${question.range}): MariaDB ${round(median(sourceMs) / 1000, 2)} s`);
      const lake = await measureOnLake(question, lakeDir, catalog, rounds);
      const sourceMedianMs = median(sourceMs);
      measurements.push({
        label: question.label,
        range: question.range,
        from: question.request.from,
        to: question.request.to,
        metric: question.request.metric,
        sourceMs: sourceMs.map((ms) => round(ms, 1)),
        sourceMedianMs: round(sourceMedianMs, 1),
        engineOpenMs: round(lake.engineOpenMs, 1),
        firstAfterOpenMs: round(lake.firstAfterOpenMs, 2),
        uncachedMs: lake.uncachedMs.map((ms) => round(ms, 2)),
        uncachedMedianMs: round(median(lake.uncachedMs), 2),
        cachedMedianMs: round(median(lake.cachedMs), 3),
        speedupUncached: Math.round(sourceMedianMs / median(lake.uncachedMs)),
        speedupFirst: Math.round(sourceMedianMs / lake.firstAfterOpenMs),
        speedupCached: Math.round(sourceMedianMs / median(lake.cachedMs)),
        answers: compareAnswers(sourceRows, lake.answer, question.tolerance),
      });
      say(
        `  ${question.label} (${question.range}): lake first ${round(lake.firstAfterOpenMs, 1)} ms, uncached ${round(median(lake.uncachedMs), 1)} ms, cached ${round(median(lake.cachedMs), 2)} ms`,
      );
    }
  } finally {
    await conn.end();
  }
  return measurements;
}

async function measureOnLake(question: KpiQuestion, lakeDir: string, catalog: ReturnType<typeof loadCatalog>, rounds: KpiRounds) {
  const opening = performance.now();
  const engine = await DuckDbEngine.open({ lakeDir });
  const engineOpenMs = performance.now() - opening;
  // Two services on one engine: one whose result cache keeps nothing, one with the usual cache.
  const uncached = await startSignedApi(new MetricsService(catalog, engine, { cacheMaxEntries: 0 }));
  const cached = await startSignedApi(new MetricsService(catalog, engine));
  try {
    const first = await ask(uncached, question, false);
    const uncachedMs: number[] = [];
    for (let i = 0; i < rounds.lakeRounds; i++) uncachedMs.push((await ask(uncached, question, false)).ms);
    await ask(cached, question, false);
    const cachedMs: number[] = [];
    for (let i = 0; i < rounds.cachedRounds; i++) cachedMs.push((await ask(cached, question, true)).ms);
    return { engineOpenMs, firstAfterOpenMs: first.ms, uncachedMs, cachedMs, answer: first.body };
  } finally {
    await uncached.close();
    await cached.close();
    await engine.close();
  }
}

async function ask(api: SignedApi, question: KpiQuestion, expectCached: boolean) {
  const answer = await api.post(question.request);
  if (answer.status !== 200) throw new Error(`${question.label}: POST /v1/query answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  if ((answer.body.meta.cached === true) !== expectCached) {
    throw new Error(`${question.label}: expected a${expectCached ? ' cached' : 'n uncached'} answer, got cached=${answer.body.meta.cached}`);
  }
  return answer;
}
