/**
 * The metrics service: catalog → compiler → engine, with the result cache, in-flight sharing and
 * asynchronous completion for slow queries. Transport-free: the HTTP adapters call it through the
 * route table, the CLI calls it directly.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type {
  Cell,
  Column,
  Suppressed,
  DimensionValues,
  FreshnessReport,
  HealthReport,
  Meta,
  MetricDetail,
  MetricList,
  QueryAccepted,
  QueryResult,
  ForecastResult,
  AnomalyResult,
  QueryRequest,
} from '../contract/types';
import { parseAnomalyRequest, parseForecastRequest, parseQueryRequest } from '../contract/validate';
import type { ComputedResult, MetricSeries } from './computedResult';
import { InsightsService, type SeriesSource } from './insightsService';
import type { Catalog } from '../catalog/catalog';
import { comparisonPlan, compileDimensionValues, compileQuery, type CompiledQuery } from '../catalog/compile';
import { comparisonRange } from '../contract/comparison';
import { describeMetric, searchMetrics } from '../catalog/describe';
import { DIALECTS, type Dialect } from '../catalog/dialect';
import { freshUntil, oldestSnapshot, tableFreshness } from '../catalog/freshness';
import { blankPastTheEdge, dataEndOf, edgeOfRange } from '../catalog/dataEdge';
import { metricLineage } from '../catalog/lineage';
import { isAdditive, sourceTablesOf, type MetricDef } from '../catalog/vocabulary';
import { suppressGroups } from './groupSuppression';
import { labelsOf, withValueLabels } from '../catalog/valueLabels';
import { resolveDimension, resolveMetric, resolveQuery, type ResolvedQuery } from '../catalog/resolve';
import type { EngineHealth, QueryEngine } from '../engine/types';
import { Admission } from './admission';
import { DataHealth } from './dataHealth';
import { estimateHeapBytes } from './heapSize';
import { LocalAnswers, SignedAnswers, type AsyncAnswers } from './asyncAnswers';
import { RequestLedger } from './executionLedger';
import { QueryTokens, type QueryTokenPayload, type ReplayKind } from './queryTokens';
import { ResultCache } from './resultCache';
import { currentAuditSubject, metricSubject, noteAuditSubject, resolvedSubject } from './auditScope';
import { LIMITS } from '../contract/limits';
import type { LakeManifest } from '../contract/snapshot';
import { ACCESS_POLICY, checkAccessPolicy, groupsOf, isRestricted, mayRead, OPERATOR, type AccessPolicy, type Caller } from '../catalog/accessPolicy';
import { checkAccess } from '../catalog/catalog';

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
  /**
   * With a key, 202 ids are signed tokens any instance can answer (Lambda); without, pending work
   * is kept in this process's memory (the local server). See asyncAnswers.ts.
   */
  queryTokenKey?: string;
  /** Queries, forecasts and anomaly searches one principal may have running or unfetched (see admission.ts). */
  maxWorkPerPrincipal: number;
  /** The same, for all principals together. */
  maxWorkTotal: number;
  /** Answers waiting to be polled that are remembered at most (local 202s). */
  maxPendingEntries: number;
  /** How long a health report is reused: health reads every lake file's footer. */
  healthCacheMs: number;
  /** Who may see restricted metrics (catalog/accessPolicy.ts); replaceable in-process with `setAccessPolicy`. */
  accessPolicy: AccessPolicy;
  now: () => number;
}

export const DEFAULT_SERVICE_OPTIONS: ServiceOptions = {
  queryTimeoutMs: 120_000,
  syncBudgetMs: 20_000,
  maxRows: LIMITS.maxRows,
  cacheMaxEntries: 2_000,
  cacheMaxBytes: 64 * 1024 * 1024,
  asyncResultTtlMs: 10 * 60_000,
  // A 500-cell recalculation runs at most 30 Apps Script executions at once, all on one key;
  // the rest back off on 429 and retry.
  maxWorkPerPrincipal: 32,
  maxWorkTotal: 64,
  maxPendingEntries: 1_000,
  healthCacheMs: 5_000,
  accessPolicy: ACCESS_POLICY,
  now: Date.now,
};

/** Who is asking: a caller, or just an IAM principal (no verified person). */
export type Who = Caller | string;

export const asCaller = (who: Who): Caller => (typeof who === 'string' ? { principal: who } : who);

/** 200 with the answer, or 202 with a query id to poll at `GET /v1/query/{id}`. */
export type Outcome<B> = { status: 200; body: B } | { status: 202; body: QueryAccepted };
export type QueryOutcome = Outcome<QueryResult>;
/** What `GET /v1/query/{id}` answers: the body of whichever request was accepted. */
export type PolledOutcome = Outcome<QueryResult | ForecastResult | AnomalyResult>;

/**
 * Whose a cached result of a metric is: nobody's in particular for an unrestricted metric; the
 * verified person's (or the operator's) for a restricted one, so an entry made for one person is
 * never served to another, even one who may see the metric too.
 */
function audienceOf(metric: MetricDef, caller: Caller): string | null {
  if (!isRestricted(metric.access)) return null;
  return caller.operator ? 'operator' : `person:${caller.person?.email ?? ''}`;
}

/** The result cache key: the metric's version and the lake snapshot make stale answers impossible. */
function resultKey(request: ResolvedQuery, manifest: LakeManifest, caller: Caller): string {
  const metric = request.metric;
  return JSON.stringify([
    request.compare ?? null,
    audienceOf(metric, caller),
    metric.name,
    metric.version,
    request.from,
    request.to,
    request.grain ?? null,
    request.dimensions,
    request.filters,
    manifest.snapshotId,
  ]);
}

/** What a result says about its data: how fresh, where it ends, which period is partial. */
function edgeMeta(result: ComputedResult): Partial<Meta> {
  return {
    ...(result.dataAsOf ? { dataAsOf: result.dataAsOf } : {}),
    ...(result.dataEnd ? { dataEnd: result.dataEnd } : {}),
    ...(result.partialPeriod ? { partialPeriod: result.partialPeriod } : {}),
    ...(result.freshUntil ? { freshUntil: result.freshUntil } : {}),
    ...(result.snapshotId ? { snapshotId: result.snapshotId } : {}),
    ...(result.comparison ? { comparison: result.comparison } : {}),
  };
}

const CHANGE_COLUMNS = (metric: MetricDef): Column[] => [
  // A ratio's change is in points of the same unit (0.031 − 0.025 = 0.006, shown as 0.6 pt), and its header says so.
  {
    name: 'change',
    type: 'number',
    role: 'change',
    title: metric.unit === 'ratio' ? { ja: '増減（ポイント差）', en: 'Change (pt)' } : { ja: '増減', en: 'Change' },
    unit: metric.unit,
  },
  { name: 'change_ratio', type: 'number', role: 'changeRatio', title: { ja: '増減率', en: 'Change (%)' }, unit: 'ratio' },
];

/**
 * The change and its ratio, after suppression: null when either side is hidden or missing, and the
 * ratio also when the earlier value is 0. Computed here, from the two visible values, so a hidden
 * side never leaks through its difference.
 */
function withChange(columns: Column[], rows: Cell[][], metric: MetricDef): { columns: Column[]; rows: Cell[][] } {
  const valueIndex = columns.length - 2;
  return {
    columns: [...columns, ...CHANGE_COLUMNS(metric)],
    rows: rows.map((row) => {
      const [value, earlier] = [row[valueIndex], row[valueIndex + 1]];
      const change = typeof value === 'number' && typeof earlier === 'number' ? value - earlier : null;
      return [...row, change, change !== null && earlier !== 0 ? change / (earlier as number) : null];
    }),
  };
}

/** A request replayed from a signed query id: the executions it started and when it was first accepted. */
export interface Resumption {
  ledger: RequestLedger;
  issuedAtMs: number;
  expiresAtMs: number;
}

/** The executions of the request being served, seen by `run` without threading them through the insights. */
const currentLedger = new AsyncLocalStorage<RequestLedger>();
/** A poll that states no wait still waits this long on Lambda: resuming a finished execution takes a few calls. */
const REPLAY_DEFAULT_WAIT_MS = 5_000;

const DIMENSION_VALUES_CAP = 1_000;
/** What the sync budget's timer resolves to, distinct from any result. */
const BUDGET_SPENT = Symbol('budget spent');
/** Polling sooner rarely helps: Athena reports progress about once a second. */
const POLL_AFTER_MS = 1_000;
/** What a cache entry costs beyond its value: the key string, the Map slot and the entry object. */
const cacheEntryBytes = (key: string, value: unknown) => estimateHeapBytes(key) + estimateHeapBytes(value) + 96;

export class MetricsService implements SeriesSource {
  readonly options: ServiceOptions;
  private readonly dialect: Dialect;
  /** Computed results by result key, and finished local 202 answers by `pending:<id>`, under one byte budget. */
  private readonly cache: ResultCache<unknown>;
  private readonly admission: Admission;
  private healthReport?: { atMs: number; report: Promise<HealthReport> };
  private readonly inFlight = new Map<string, { result: Promise<ComputedResult>; ledger: RequestLedger }>();
  private readonly answers: AsyncAnswers;
  private readonly insights: InsightsService;
  private readonly dataHealth: DataHealth;
  private policy: AccessPolicy;

  constructor(
    readonly catalog: Catalog,
    readonly engine: QueryEngine,
    options: Partial<ServiceOptions> = {},
  ) {
    this.options = { ...DEFAULT_SERVICE_OPTIONS, ...options };
    this.policy = this.checkedPolicy(this.options.accessPolicy);
    this.dialect = DIALECTS[engine.dialect];
    this.cache = new ResultCache(this.options.cacheMaxEntries, this.options.cacheMaxBytes);
    const running = (queryId: string, metric: MetricDef) => this.running(queryId, metric);
    this.answers = this.options.queryTokenKey
      ? new SignedAnswers(
          new QueryTokens(this.options.queryTokenKey),
          this.options.queryTimeoutMs + this.options.asyncResultTtlMs,
          this.options.now,
          (payload, caller, waitMs) => this.replay(payload, caller, waitMs),
        )
      : new LocalAnswers(
          {
            ttlMs: this.options.asyncResultTtlMs,
            maxEntries: this.options.maxPendingEntries,
            now: this.options.now,
            store: this.cache,
            sizeOf: estimateHeapBytes,
          },
          this.options.syncBudgetMs,
          running,
          randomUUID,
        );
    this.admission = new Admission({ perPrincipal: this.options.maxWorkPerPrincipal, total: this.options.maxWorkTotal, retryAfterMs: POLL_AFTER_MS });
    this.insights = new InsightsService(this);
    this.dataHealth = new DataHealth(engine, this.options.now);
  }

  /** A policy every restricted metric of the catalog can live with: each group it names is defined. */
  private checkedPolicy(policy: AccessPolicy): AccessPolicy {
    checkAccessPolicy(policy);
    for (const metric of this.catalog.list()) checkAccess(metric, policy);
    return policy;
  }

  /** Replaces the access policy (a deploy does this by restarting; tests do it in-process). Takes effect on the next request. */
  setAccessPolicy(policy: AccessPolicy): void {
    this.policy = this.checkedPolicy(policy);
  }

  accessPolicy(): AccessPolicy {
    return this.policy;
  }

  /** The caller of a request: its IAM principal, and the verified person with the groups the policy gives them now. */
  callerFor(principal: string, email?: string): Caller {
    return email ? { principal, person: { email, groups: groupsOf(this.policy, email) } } : { principal };
  }

  /** The service's clock (tests pass their own). */
  now(): number {
    return this.options.now();
  }

  cacheStats() {
    return this.cache.stats();
  }

  /** A computed result from the cache (finished 202 answers share it under other keys). */
  private cached(key: string): ComputedResult | undefined {
    return this.cache.get(key) as ComputedResult | undefined;
  }

  private meta(extra: Partial<Meta> = {}): Meta {
    return { generatedAt: new Date(this.options.now()).toISOString(), ...extra };
  }

  /** The catalog as this caller may see it: restricted metrics they may not read are absent. */
  listMetrics(search?: string, who: Who = OPERATOR): MetricList {
    const caller = asCaller(who);
    const visible = new Set(
      this.catalog
        .list()
        .filter((metric) => mayRead(metric.access, caller))
        .map((metric) => metric.name),
    );
    return { metrics: searchMetrics(this.catalog, search).filter((metric) => visible.has(metric.name)), meta: this.meta() };
  }

  async getMetric(name: string, who: Who = OPERATOR): Promise<MetricDetail & { meta: Meta }> {
    const metric = resolveMetric(this.catalog, name, asCaller(who));
    noteAuditSubject(metricSubject('metric', metric));
    const sources = sourceTablesOf(metric);
    const manifest = await this.engine.snapshot();
    const tables = tableFreshness(manifest, sources, this.options.now());
    return {
      ...describeMetric(metric),
      definition: metric.definition,
      minGroupSize: metric.minGroupSize,
      ...(metric.minPeople !== undefined ? { minPeople: metric.minPeople } : {}),
      sources,
      freshness: { dataAsOf: oldestSnapshot(tables), met: tables.every((table) => table.met), tables },
      changelog: metric.changelog,
      lineage: metricLineage(metric),
      health: await this.dataHealth.metricHealth(manifest, tables),
      meta: this.meta({
        metric: metric.name,
        metricVersion: metric.version,
        ...(isRestricted(metric.access) ? { restricted: true } : {}),
        engine: this.engine.name,
      }),
    };
  }

  async dimensionValues(name: string, dimension: string, who: Who = OPERATOR): Promise<DimensionValues> {
    const started = this.options.now();
    const caller = asCaller(who);
    const metric = resolveMetric(this.catalog, name, caller);
    const definition = resolveDimension(this.catalog, metric, dimension, 'dimension');
    noteAuditSubject(metricSubject('dimension_values', metric, { dimension }));
    const baseMeta = {
      metric: metric.name,
      metricVersion: metric.version,
      ...(isRestricted(metric.access) ? { restricted: true } : {}),
      engine: this.engine.name,
    };
    if (definition.values) {
      const valueLabels = labelsOf(definition, definition.values);
      return {
        metric: metric.name,
        dimension,
        values: [...definition.values],
        ...(valueLabels ? { valueLabels } : {}),
        meta: this.meta({ ...baseMeta, elapsedMs: 0 }),
      };
    }
    const manifest = await this.engine.snapshot();
    const compiled = compileDimensionValues(metric, dimension, this.dialect, { rowCap: DIMENSION_VALUES_CAP, snapshotId: manifest.snapshotId });
    const key = JSON.stringify(['values', audienceOf(metric, caller), metric.name, metric.version, dimension, manifest.snapshotId]);
    const hit = this.cached(key);
    const result = hit ?? (await this.run(metric, compiled, key, manifest));
    const cached = hit !== undefined;
    const truncated = result.rows.length > DIMENSION_VALUES_CAP;
    const values = result.rows.slice(0, DIMENSION_VALUES_CAP).map((row) => row[0] ?? null);
    const valueLabels = labelsOf(definition, values);
    return {
      metric: metric.name,
      dimension,
      values,
      ...(valueLabels ? { valueLabels } : {}),
      meta: this.meta({
        ...baseMeta,
        cached,
        truncated,
        dataAsOf: result.dataAsOf ?? undefined,
        ...(result.snapshotId ? { snapshotId: result.snapshotId } : {}),
        elapsedMs: this.options.now() - started,
      }),
    };
  }

  /** Validates and resolves a query body: bad input fails here, before the engine is asked anything. */
  check(body: unknown, who: Who = OPERATOR): { request: ResolvedQuery; limit?: number } {
    const parsed = parseQueryRequest(body);
    let request: ResolvedQuery;
    try {
      request = resolveQuery(this.catalog, parsed, asCaller(who));
    } catch (error) {
      // A refusal still says which metric and range it was about (dates and grain are validated words, not free text).
      const metric = this.catalog.get(parsed.metric);
      if (metric) noteAuditSubject(metricSubject('query', metric, { from: parsed.from, to: parsed.to, ...(parsed.grain ? { grain: parsed.grain } : {}) }));
      throw error;
    }
    noteAuditSubject(resolvedSubject('query', request));
    return { request, limit: parsed.limit };
  }

  /** One statement for the request at a snapshot; a comparison's earlier side is cut where the metric's data ends (manifest). */
  private compile(request: ResolvedQuery, snapshotId: string | undefined, manifest?: LakeManifest): CompiledQuery {
    const comparison = request.compare ? comparisonPlan(request, request.compare, manifest ? dataEndOf(request.metric, manifest) : null) : undefined;
    return compileQuery(request, this.dialect, { rowCap: this.options.maxRows, snapshotId, ...(comparison ? { comparison } : {}) });
  }

  /** Validates, resolves and compiles at a snapshot without running anything: what benches and tests pin. */
  prepare(body: unknown, snapshotId?: string): { request: ResolvedQuery; limit?: number; compiled: CompiledQuery } {
    const { request, limit } = this.check(body);
    return { request, limit, compiled: this.compile(request, snapshotId) };
  }

  /**
   * Runs a query. A client that cannot wait long (an Apps Script custom function has 30 s in all)
   * passes `waitMs` (HTTP `Prefer: wait=N`) to get its 202 sooner.
   */
  async query(body: unknown, who: Who, waitMs = Number.POSITIVE_INFINITY, resumed?: Resumption): Promise<QueryOutcome> {
    const started = resumed?.issuedAtMs ?? this.options.now();
    const caller = asCaller(who);
    const principal = caller.principal;
    const { request, limit } = this.check(body, caller);
    const metric = request.metric;
    const manifest = await this.engine.snapshot();
    const compiled = this.compile(request, manifest.snapshotId, manifest);
    const key = resultKey(request, manifest, caller);
    const queryId = randomUUID();
    const cachedResult = this.cached(key);
    if (cachedResult) return { status: 200, body: this.shape(cachedResult, metric, limit, { cached: true, queryId, started }) };

    // The same question already running costs nothing more; only new work needs room.
    const start = () => this.run(metric, compiled, key, manifest, request);
    return this.within(
      this.inFlight.has(key) ? start : () => this.admission.admit(principal, start),
      { caller, waitMs, metric, request: { kind: 'query', body }, resumed },
      (result, queryId) => this.shape(result, metric, limit, { cached: false, queryId, started }),
    );
  }

  /**
   * Answers with the work's result if it finishes within the client's wait (and the sync budget),
   * else 202: the work goes on, and `GET /v1/query/{id}` answers it once done. Work that fails
   * before the budget (bad input) fails the request itself.
   */
  private async within<T, B extends QueryResult | ForecastResult | AnomalyResult>(
    start: () => Promise<T>,
    context: { caller: Caller; waitMs: number; metric: MetricDef; request: { kind: ReplayKind; body: unknown }; resumed?: Resumption },
    answer: (result: T, queryId: string) => B,
  ): Promise<Outcome<B>> {
    const { caller, waitMs, metric, request, resumed } = context;
    const ledger = resumed?.ledger ?? new RequestLedger();
    const work = currentLedger.run(ledger, start);
    const queryId = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<typeof BUDGET_SPENT>((resolve) => {
      timer = setTimeout(() => resolve(BUDGET_SPENT), Math.min(this.options.syncBudgetMs, waitMs));
    });
    try {
      const first = await Promise.race([work, budget]);
      if (first !== BUDGET_SPENT) return { status: 200, body: answer(first as T, queryId) };
    } finally {
      clearTimeout(timer);
    }
    const acceptedId = this.answers.accept({
      caller,
      metric,
      request,
      work,
      answer: (result, id) => answer(result as T, id),
      ledger,
      audit: currentAuditSubject(),
      issuedAtMs: resumed?.issuedAtMs ?? this.options.now(),
      ...(resumed ? { expiresAtMs: resumed.expiresAtMs } : {}),
    });
    return this.running(acceptedId, metric);
  }

  /** A signed id's request, run again here: its executions are resumed, finished ones only read. */
  private replay(payload: QueryTokenPayload, caller: Caller, waitMs: number | undefined): Promise<PolledOutcome> {
    const resumed: Resumption = { ledger: new RequestLedger(payload.executions), issuedAtMs: payload.issuedAtMs, expiresAtMs: payload.expiresAtMs };
    const wait = waitMs ?? REPLAY_DEFAULT_WAIT_MS;
    switch (payload.kind) {
      case 'query':
        return this.query(payload.body, caller, wait, resumed);
      case 'forecast':
        return this.forecastWithin(payload.body, caller, wait, resumed);
      case 'anomalies':
        return this.anomaliesWithin(payload.body, caller, wait, resumed);
    }
  }

  private running(queryId: string, metric: MetricDef): { status: 202; body: QueryAccepted } {
    return {
      status: 202,
      body: {
        queryId,
        status: 'running',
        retryAfterMs: POLL_AFTER_MS,
        meta: this.meta({
          metric: metric.name,
          metricVersion: metric.version,
          ...(isRestricted(metric.access) ? { restricted: true } : {}),
          engine: this.engine.name,
          queryId,
        }),
      },
    };
  }

  /**
   * The outcome of a query answered with 202, waiting up to `waitMs` for it; only the principal and
   * person who asked may read it, and only while the policy still lets them see its metric.
   */
  queryStatus(queryId: string, who: Who, waitMs?: number): Promise<PolledOutcome> {
    return this.answers.poll(queryId, asCaller(who), waitMs);
  }

  /**
   * Runs a compiled statement once per key at a time and caches what it computes. The key holds
   * the metric version and the snapshot id, so a new definition or new data never reads old results.
   */
  private run(metric: MetricDef, compiled: CompiledQuery, key: string, manifest: LakeManifest, request?: ResolvedQuery): Promise<ComputedResult> {
    const ledger = currentLedger.getStore();
    const shared = this.inFlight.get(key);
    if (shared) {
      // Joining another request's execution: this request's id must name it too.
      ledger?.follow(shared.ledger);
      return shared.result;
    }
    const own = ledger ?? new RequestLedger();
    const running = this.execute(metric, compiled, manifest, request, own).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, { result: running, ledger: own });
    running.then(
      (result) => {
        if (result.cacheable !== false) this.cache.set(key, result, cacheEntryBytes(key, result));
      },
      () => undefined,
    );
    return running;
  }

  /** Runs a statement; a query's rows (`request`) lose what lies past the data's edge, then small groups. */
  private async execute(
    metric: MetricDef,
    compiled: CompiledQuery,
    manifest: LakeManifest,
    request: ResolvedQuery | undefined,
    ledger: RequestLedger,
  ): Promise<ComputedResult> {
    const result = await this.engine.execute(
      { sql: compiled.sql, params: compiled.params },
      { timeoutMs: this.options.queryTimeoutMs, maxRows: this.options.maxRows, ledger },
    );
    let rows = result.rows;
    let suppressed: Suppressed | undefined;
    let beforeSuppression: ComputedResult['beforeSuppression'];
    const dataEnd = dataEndOf(metric, manifest);
    let partialPeriod: string | undefined;
    let columns = compiled.columns;
    if (compiled.hasGroupSize) {
      const sizeIndex = compiled.columns.length;
      // The value, and with a comparison the earlier period's value, each with its hidden columns.
      const sides = compiled.comparison
        ? [
            { valueIndex: sizeIndex - 2, sizeIndex },
            { valueIndex: sizeIndex - 1, sizeIndex: sizeIndex + compiled.comparison.hiddenWidth },
          ]
        : [{ valueIndex: sizeIndex - 1, sizeIndex }];
      const keepsEveryPeriod = compiled.columns.every((column) => column.role !== 'dimension');
      if (request && dataEnd) {
        // Sums over periods after the snapshot come back as 0 from SQL: no data is not zero (nor is
        // the earlier period compared with it).
        const edge = edgeOfRange(request, metric, dataEnd);
        partialPeriod = edge.partialPeriod;
        const periodOf = request.grain ? (row: readonly Cell[]) => String(row[0]) : () => request.from;
        for (const side of sides) rows = blankPastTheEdge(rows, edge, { periodOf, ...side, keepsEveryPeriod });
      }
      // Groups of a few records or people could single out a customer (groupSuppression.ts).
      const axes = compiled.columns.flatMap((column, index) => (column.role === 'period' || column.role === 'dimension' ? [index] : []));
      ({ rows, suppressed, beforeSuppression } = suppressGroups(
        rows,
        { axes, sides, keepsEveryPeriod },
        { minGroupSize: metric.minGroupSize, additive: isAdditive(metric), ...(compiled.personFloor ? { personFloor: compiled.personFloor } : {}) },
      ));
      if (compiled.comparison) ({ columns, rows } = withChange(columns, rows, metric));
    }
    const freshness = tableFreshness(manifest, sourceTablesOf(metric), this.options.now());
    return {
      columns,
      rows,
      ...(request?.compare ? { comparison: { compare: request.compare, ...comparisonRange(request, request.compare) } } : {}),
      ...(suppressed ? { suppressed, beforeSuppression } : {}),
      dataAsOf: oldestSnapshot(freshness),
      dataEnd,
      ...(partialPeriod ? { partialPeriod } : {}),
      freshUntil: freshUntil(freshness),
      // Athena reads the snapshot its statement names; DuckDB says which one its views pointed at.
      ...(result.snapshotId === undefined ? { snapshotId: manifest.snapshotId } : result.snapshotId ? { snapshotId: result.snapshotId } : {}),
      engineElapsedMs: result.elapsedMs,
      ...(result.bytesScanned !== undefined ? { bytesScanned: result.bytesScanned } : {}),
      // An engine that follows the lake says which snapshot answered; only a match may be cached.
      ...(result.snapshotId !== undefined && result.snapshotId !== manifest.snapshotId ? { cacheable: false } : {}),
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
      // Rows keep the codes; the words for those they hold travel in the columns.
      columns: withValueLabels(result.columns, rows, (name) => this.catalog.modelDimension(metric, name)),
      rows,
      meta: this.meta({
        metric: metric.name,
        metricVersion: metric.version,
        ...(isRestricted(metric.access) ? { restricted: true } : {}),
        ...edgeMeta(result),
        cached: context.cached,
        engine: this.engine.name,
        elapsedMs: Math.max(0, this.options.now() - context.started),
        ...(result.bytesScanned !== undefined ? { bytesScanned: result.bytesScanned } : {}),
        queryId: context.queryId,
        rowCount: rows.length,
        ...(truncated ? { truncated } : {}),
        ...(result.suppressed ? { suppressed: result.suppressed } : {}),
        ...(metric.status === 'deprecated' && metric.replacedBy ? { replacedBy: metric.replacedBy } : {}),
      }),
    };
  }

  /** One series of a metric (cached like any query): what forecasts and anomaly flags are computed on. */
  async series(query: QueryRequest, caller: Caller): Promise<MetricSeries> {
    const { request } = this.check(query, caller);
    const manifest = await this.engine.snapshot();
    const compiled = this.compile(request, manifest.snapshotId, manifest);
    const key = resultKey(request, manifest, caller);
    const hit = this.cached(key);
    return { result: hit ?? (await this.run(request.metric, compiled, key, manifest, request)), cached: hit !== undefined, metric: request.metric };
  }

  /** What a forecast or anomaly answer says about its series: version, freshness, cache, time taken. */
  seriesMeta(metric: MetricDef, series: ComputedResult, cached: boolean, started: number): Meta {
    return this.meta({
      metric: metric.name,
      metricVersion: metric.version,
      ...(isRestricted(metric.access) ? { restricted: true } : {}),
      ...edgeMeta(series),
      cached,
      engine: this.engine.name,
      elapsedMs: this.options.now() - started,
    });
  }

  /** POST /v1/forecast: the forecast, or 202 when its series outlives the client's wait. */
  forecastWithin(body: unknown, who: Who, waitMs = Number.POSITIVE_INFINITY, resumed?: Resumption): Promise<Outcome<ForecastResult>> {
    const caller = asCaller(who);
    const request = parseForecastRequest(body);
    const metric = resolveMetric(this.catalog, request.metric, caller);
    this.noteInsightSubject('forecast', metric, request, { horizon: request.horizon });
    return this.within(
      () => this.admission.admit(caller.principal, () => this.insights.forecast(request, caller)),
      { caller, waitMs, metric, request: { kind: 'forecast', body }, resumed },
      (result) => result,
    );
  }

  /** POST /v1/anomalies: the flags, or 202 when the series behind them outlive the client's wait. */
  anomaliesWithin(body: unknown, who: Who, waitMs = Number.POSITIVE_INFINITY, resumed?: Resumption): Promise<Outcome<AnomalyResult>> {
    const caller = asCaller(who);
    const request = parseAnomalyRequest(body);
    const metric = resolveMetric(this.catalog, request.metric, caller);
    this.noteInsightSubject('anomalies', metric, request, request.dimensions?.length ? { dimensions: [...request.dimensions] } : {});
    return this.within(
      () => this.admission.admit(caller.principal, () => this.insights.anomalies(request, caller)),
      { caller, waitMs, metric, request: { kind: 'anomalies', body }, resumed },
      (result) => result,
    );
  }

  /** For the audit: the series a forecast or anomaly search reads, as the catalog resolves it (its own errors surface later, as before). */
  private noteInsightSubject(
    kind: 'forecast' | 'anomalies',
    metric: MetricDef,
    request: QueryRequest,
    extra: { horizon?: number; dimensions?: string[] },
  ): void {
    const { metric: name, from, to, grain, filters } = request;
    // Only names the catalog knows for this metric; a wrong one fails the request later anyway.
    const dimensions = extra.dimensions?.filter((dimension) => metric.dimensions.includes(dimension));
    const known = { ...extra, ...(dimensions ? { dimensions } : {}) };
    try {
      noteAuditSubject(resolvedSubject(kind, resolveQuery(this.catalog, { metric: name, from, to, grain, ...(filters ? { filters } : {}) }), known));
    } catch {
      noteAuditSubject(metricSubject(kind, metric));
    }
  }

  /** A metric's series and its forecast, answered in full (the in-process CLI, the operator's, and tests; no 202). */
  async forecast(body: unknown, who: Who = OPERATOR): Promise<ForecastResult> {
    const caller = asCaller(who);
    const request = parseForecastRequest(body);
    resolveMetric(this.catalog, request.metric, caller);
    return this.insights.forecast(request, caller);
  }

  /** Unusual periods of a metric with their contributors, answered in full (the in-process CLI and tests; no 202). */
  async anomalies(body: unknown, who: Who = OPERATOR): Promise<AnomalyResult> {
    return this.insights.anomalies(parseAnomalyRequest(body), asCaller(who));
  }

  /** Per lake table: freshness now, the quality gate's last result, 30 days of SLO attainment (dataHealth.ts). */
  async freshness(): Promise<FreshnessReport> {
    const manifest = await this.engine.snapshot();
    const { cached, ...report } = await this.dataHealth.report(manifest);
    return { ...report, meta: this.meta({ engine: this.engine.name, snapshotId: manifest.snapshotId, cached }) };
  }

  /** The engine's reachability and the lake's files, reused for `healthCacheMs` so frequent probes stay cheap. */
  health(): Promise<HealthReport> {
    const now = this.options.now();
    if (!this.healthReport || now - this.healthReport.atMs >= this.options.healthCacheMs) {
      this.healthReport = {
        atMs: now,
        report: this.engine
          .health()
          .catch((): EngineHealth => ({ reachable: false, detail: 'The engine did not answer.' }))
          .then(({ lakeFault, ...engine }) => ({
            status: engine.reachable && !lakeFault ? 'ok' : 'degraded',
            engine: { name: this.engine.name, ...engine },
            ...(lakeFault ? { lake: lakeFault } : {}),
            meta: this.meta({ engine: this.engine.name }),
          })),
      };
    }
    return this.healthReport.report;
  }
}
