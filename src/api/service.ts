/**
 * The metrics service: catalog → compiler → engine, with the result cache, in-flight sharing and
 * asynchronous completion for slow queries. Transport-free: the HTTP adapters call it through the
 * route table, the CLI calls it directly.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../contract/errors';
import type {
  Cell,
  DimensionValues,
  FreshnessReport,
  HealthReport,
  Meta,
  MetricDetail,
  MetricList,
  QueryAccepted,
  QueryResult,
  Column,
  ForecastResult,
  LocalizedText,
} from '../contract/types';
import { parseForecastRequest, parseQueryRequest } from '../contract/validate';
import { nextPeriodStart, type Grain } from '../contract/dates';
import { forecast } from '../forecast';
import type { Catalog } from '../catalog/catalog';
import { compileDimensionValues, compileQuery, type CompiledQuery } from '../catalog/compile';
import { describeMetric, searchMetrics } from '../catalog/describe';
import { DIALECTS, type Dialect } from '../catalog/dialect';
import { freshUntil, oldestSnapshot, tableFreshness } from '../catalog/freshness';
import { sourceTablesOf, type MetricDef } from '../catalog/model';
import { resolveDimension, resolveMetric, resolveQuery, type ResolvedQuery } from '../catalog/resolve';
import type { QueryEngine } from '../engine/types';
import { PendingQueries } from './pendingQueries';
import { ResultCache } from './resultCache';
import { LIMITS } from '../contract/limits';
import type { LakeManifest } from '../contract/snapshot';

export interface ServiceOptions {
  /** Engine time limit per query. */
  queryTimeoutMs: number;
  /** How long POST /v1/query waits before answering 202 with a query id to poll. */
  syncBudgetMs: number;
  maxRows: number;
  cacheMaxEntries: number;
  cacheMaxBytes: number;
  /** How long a finished asynchronous result stays fetchable. */
  asyncResultTtlMs: number;
  now: () => number;
}

export const DEFAULT_SERVICE_OPTIONS: ServiceOptions = {
  queryTimeoutMs: 120_000,
  syncBudgetMs: 20_000,
  maxRows: LIMITS.maxRows,
  cacheMaxEntries: 2_000,
  cacheMaxBytes: 64 * 1024 * 1024,
  asyncResultTtlMs: 10 * 60_000,
  now: Date.now,
};

/** A finished computation, before per-request shaping (limit, meta). */
interface ComputedResult {
  columns: Column[];
  rows: Cell[][];
  suppressedGroups: number;
  dataAsOf: string | null;
  freshUntil: string | null;
  engineElapsedMs: number;
  bytesScanned?: number;
}

export type QueryOutcome = { status: 200; body: QueryResult } | { status: 202; body: QueryAccepted };

/** The result cache key: the metric's version and the lake snapshot make stale answers impossible. */
function resultKey(request: ResolvedQuery, manifest: LakeManifest): string {
  const metric = request.metric;
  return JSON.stringify([metric.name, metric.version, request.from, request.to, request.grain ?? null, request.dimensions, request.filters, manifest.snapshotId]);
}

/** Season lengths worth trying per grain. */
const SEASONS: Record<Grain, number[]> = { day: [7], week: [52], month: [12], quarter: [4], year: [] };

/** What a 202 needs to shape its result later. */
interface PendingContext {
  metric: MetricDef;
  limit?: number;
  startedMs: number;
}

const DIMENSION_VALUES_CAP = 1_000;
/** Polling sooner rarely helps: Athena reports progress about once a second. */
const POLL_AFTER_MS = 1_000;

export class MetricsService {
  readonly options: ServiceOptions;
  private readonly dialect: Dialect;
  private readonly cache: ResultCache<ComputedResult>;
  private readonly inFlight = new Map<string, Promise<ComputedResult>>();
  private readonly pending: PendingQueries<ComputedResult, PendingContext>;

  constructor(
    readonly catalog: Catalog,
    readonly engine: QueryEngine,
    options: Partial<ServiceOptions> = {},
  ) {
    this.options = { ...DEFAULT_SERVICE_OPTIONS, ...options };
    this.dialect = DIALECTS[engine.dialect];
    this.cache = new ResultCache(this.options.cacheMaxEntries, this.options.cacheMaxBytes);
    this.pending = new PendingQueries(this.options.asyncResultTtlMs, this.options.now);
  }

  cacheStats() {
    return this.cache.stats();
  }

  private meta(extra: Partial<Meta> = {}): Meta {
    return { generatedAt: new Date(this.options.now()).toISOString(), ...extra };
  }

  listMetrics(search?: string): MetricList {
    return { metrics: searchMetrics(this.catalog, search), meta: this.meta() };
  }

  async getMetric(name: string): Promise<MetricDetail & { meta: Meta }> {
    const metric = resolveMetric(this.catalog, name);
    const sources = sourceTablesOf(metric);
    const tables = tableFreshness(await this.engine.snapshot(), sources, this.options.now());
    return {
      ...describeMetric(metric),
      definition: metric.definition,
      minGroupSize: metric.minGroupSize,
      sources,
      freshness: { dataAsOf: oldestSnapshot(tables), met: tables.every((table) => table.met), tables },
      meta: this.meta({ metric: metric.name, metricVersion: metric.version, engine: this.engine.name }),
    };
  }

  async dimensionValues(name: string, dimension: string): Promise<DimensionValues> {
    const started = this.options.now();
    const metric = resolveMetric(this.catalog, name);
    const definition = resolveDimension(this.catalog, metric, dimension, 'dimension');
    const baseMeta = { metric: metric.name, metricVersion: metric.version, engine: this.engine.name };
    if (definition.values) {
      return { metric: metric.name, dimension, values: [...definition.values], meta: this.meta({ ...baseMeta, elapsedMs: 0 }) };
    }
    const compiled = compileDimensionValues(metric, dimension, this.dialect, { rowCap: DIMENSION_VALUES_CAP });
    const manifest = await this.engine.snapshot();
    const key = JSON.stringify(['values', metric.name, metric.version, dimension, manifest.snapshotId]);
    const hit = this.cache.get(key);
    const result = hit ?? (await this.run(metric, compiled, key, manifest));
    const cached = hit !== undefined;
    const truncated = result.rows.length > DIMENSION_VALUES_CAP;
    return {
      metric: metric.name,
      dimension,
      values: result.rows.slice(0, DIMENSION_VALUES_CAP).map((row) => row[0] ?? null),
      meta: this.meta({ ...baseMeta, cached, truncated, dataAsOf: result.dataAsOf ?? undefined, elapsedMs: this.options.now() - started }),
    };
  }

  /** Validates, resolves and compiles without running anything: what `explain` shows and tests pin. */
  prepare(body: unknown): { request: ResolvedQuery; limit?: number; compiled: CompiledQuery } {
    const parsed = parseQueryRequest(body);
    const request = resolveQuery(this.catalog, parsed);
    return { request, limit: parsed.limit, compiled: compileQuery(request, this.dialect, { rowCap: this.options.maxRows }) };
  }

  /**
   * Runs a query. A client that cannot wait long (an Apps Script custom function has 30 s in all)
   * passes `waitMs` (HTTP `Prefer: wait=N`) to get its 202 sooner.
   */
  async query(body: unknown, principal: string, waitMs = Number.POSITIVE_INFINITY): Promise<QueryOutcome> {
    const started = this.options.now();
    const { request, limit, compiled } = this.prepare(body);
    const metric = request.metric;
    const manifest = await this.engine.snapshot();
    const key = resultKey(request, manifest);
    const queryId = randomUUID();
    const cachedResult = this.cache.get(key);
    if (cachedResult) return { status: 200, body: this.shape(cachedResult, metric, limit, { cached: true, queryId, started }) };

    const computation = this.run(metric, compiled, key, manifest);
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<'budget'>((resolve) => {
      timer = setTimeout(() => resolve('budget'), Math.min(this.options.syncBudgetMs, waitMs));
    });
    try {
      const first = await Promise.race([computation, budget]);
      if (first !== 'budget') return { status: 200, body: this.shape(first, metric, limit, { cached: false, queryId, started }) };
    } finally {
      clearTimeout(timer);
    }
    this.pending.add(queryId, principal, { metric, limit, startedMs: started }, computation);
    return this.running(queryId, metric);
  }

  private running(queryId: string, metric: MetricDef): QueryOutcome {
    return {
      status: 202,
      body: {
        queryId,
        status: 'running',
        retryAfterMs: POLL_AFTER_MS,
        meta: this.meta({ metric: metric.name, metricVersion: metric.version, engine: this.engine.name, queryId }),
      },
    };
  }

  /** The outcome of a query answered with 202, waiting up to `waitMs` for it; only its principal may read it. */
  async queryStatus(queryId: string, principal: string, waitMs = 0): Promise<QueryOutcome> {
    if (waitMs > 0) await this.pending.settledWithin(queryId, Math.min(waitMs, this.options.syncBudgetMs));
    const pending = this.pending.find(queryId, principal);
    if (!pending) {
      throw new ApiError('INVALID_ARGUMENT', 'There is no running or recent query with this id. Send the query again.', {
        reason: 'unknown_query',
        field: 'queryId',
      });
    }
    const { metric, limit, startedMs } = pending.context;
    if (!pending.settled) return this.running(queryId, metric);
    if ('error' in pending.settled) throw pending.settled.error;
    return { status: 200, body: this.shape(pending.settled.result, metric, limit, { cached: false, queryId, started: startedMs }) };
  }

  /**
   * Runs a compiled statement once per key at a time and caches what it computes. The key holds
   * the metric version and the snapshot id, so a new definition or new data never reads old results.
   */
  private run(metric: MetricDef, compiled: CompiledQuery, key: string, manifest: LakeManifest): Promise<ComputedResult> {
    let running = this.inFlight.get(key);
    if (!running) {
      running = this.execute(metric, compiled, manifest).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, running);
      running.then(
        (result) => this.cache.set(key, result, JSON.stringify(result.rows).length * 2 + 512),
        () => undefined,
      );
    }
    return running;
  }

  private async execute(metric: MetricDef, compiled: CompiledQuery, manifest: LakeManifest): Promise<ComputedResult> {
    const result = await this.engine.execute(
      { sql: compiled.sql, params: compiled.params },
      { timeoutMs: this.options.queryTimeoutMs, maxRows: this.options.maxRows },
    );
    let rows = result.rows;
    let suppressedGroups = 0;
    if (compiled.hasGroupSize) {
      const sizeIndex = compiled.columns.length;
      const valueIndex = sizeIndex - 1;
      const keepsEveryPeriod = compiled.columns.every((column) => column.role !== 'dimension');
      // Groups formed by a handful of records could single out a customer. With dimensions they are
      // dropped; without, the period stays with an empty value so the series has no holes.
      const isSmall = (row: Cell[]) => {
        const size = Number(row[sizeIndex] ?? 0);
        return size > 0 && size < metric.minGroupSize;
      };
      suppressedGroups = rows.filter(isSmall).length;
      if (!keepsEveryPeriod) rows = rows.filter((row) => !isSmall(row));
      rows = rows.map((row) => {
        const visible = row.slice(0, sizeIndex);
        if (keepsEveryPeriod && isSmall(row)) visible[valueIndex] = null;
        return visible;
      });
    }
    const freshness = tableFreshness(manifest, sourceTablesOf(metric), this.options.now());
    return {
      columns: compiled.columns,
      rows,
      suppressedGroups,
      dataAsOf: oldestSnapshot(freshness),
      freshUntil: freshUntil(freshness),
      engineElapsedMs: result.elapsedMs,
      ...(result.bytesScanned !== undefined ? { bytesScanned: result.bytesScanned } : {}),
    };
  }

  private shape(
    result: ComputedResult,
    metric: MetricDef,
    limit: number | undefined,
    context: { cached: boolean; queryId: string; started: number },
  ): QueryResult {
    const truncated = limit !== undefined && result.rows.length > limit;
    const rows = truncated ? result.rows.slice(0, limit) : result.rows;
    return {
      columns: result.columns,
      rows,
      meta: this.meta({
        metric: metric.name,
        metricVersion: metric.version,
        ...(result.dataAsOf ? { dataAsOf: result.dataAsOf } : {}),
        ...(result.freshUntil ? { freshUntil: result.freshUntil } : {}),
        cached: context.cached,
        engine: this.engine.name,
        elapsedMs: Math.max(0, this.options.now() - context.started),
        ...(result.bytesScanned !== undefined ? { bytesScanned: result.bytesScanned } : {}),
        queryId: context.queryId,
        rowCount: rows.length,
        ...(truncated ? { truncated } : {}),
        ...(result.suppressedGroups ? { suppressed: { groups: result.suppressedGroups, minGroupSize: metric.minGroupSize } } : {}),
        ...(metric.status === 'deprecated' && metric.replacedBy ? { replacedBy: metric.replacedBy } : {}),
      }),
    };
  }

  /** A metric's series and its forecast: history rows carry `actual`, future rows the forecast. */
  async forecast(body: unknown): Promise<ForecastResult> {
    const started = this.options.now();
    const request = parseForecastRequest(body);
    const { metric: name, from, to, grain, filters } = request;
    const { request: resolved, compiled } = this.prepare({ metric: name, from, to, grain, ...(filters ? { filters } : {}) });
    const manifest = await this.engine.snapshot();
    const key = resultKey(resolved, manifest);
    const cachedResult = this.cache.get(key);
    const series = cachedResult ?? (await this.run(resolved.metric, compiled, key, manifest));
    const valueColumn = series.columns.find((column) => column.role === 'value')!;
    const values = series.rows.map((row) => (typeof row[1] === 'number' ? row[1] : null));
    const outcome = forecast(values, {
      horizon: request.horizon,
      seasonality: request.seasonality ?? 'auto',
      interval: request.interval ?? 0.8,
      seasonCandidates: SEASONS[grain],
    });
    let period = String(series.rows.at(-1)?.[0] ?? to);
    const future = outcome.points.map((point) => {
      period = nextPeriodStart(period, grain);
      return [period, null, point.forecast, point.lower, point.upper];
    });
    const number = (column: string, title: LocalizedText): Column => ({ name: column, type: 'number', role: 'value', title, unit: valueColumn.unit });
    return {
      columns: [
        series.columns[0]!,
        number('actual', { ja: '実績', en: 'Actual' }),
        number('forecast', { ja: '予測', en: 'Forecast' }),
        number('lower', { ja: '下限', en: 'Lower' }),
        number('upper', { ja: '上限', en: 'Upper' }),
      ],
      rows: [...series.rows.map((row) => [row[0] ?? null, row[1] ?? null, null, null, null]), ...future],
      model: outcome.model,
      backtest: outcome.backtest,
      notes: outcome.notes,
      meta: this.meta({
        metric: resolved.metric.name,
        metricVersion: resolved.metric.version,
        ...(series.dataAsOf ? { dataAsOf: series.dataAsOf } : {}),
        cached: cachedResult !== undefined,
        engine: this.engine.name,
        elapsedMs: this.options.now() - started,
      }),
    };
  }

  async freshness(): Promise<FreshnessReport> {
    const tables = tableFreshness(await this.engine.snapshot(), undefined, this.options.now());
    return { tables, meta: this.meta({ engine: this.engine.name }) };
  }

  async health(): Promise<HealthReport> {
    const engine = await this.engine.health();
    return {
      status: engine.reachable ? 'ok' : 'degraded',
      engine: { name: this.engine.name, ...engine },
      meta: this.meta({ engine: this.engine.name }),
    };
  }
}
