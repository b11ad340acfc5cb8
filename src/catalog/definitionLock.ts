/**
 * The definition lock: per metric, its version, a hash of its definition and a hash of the SQL it
 * compiles to (both dialects, a fixed set of requests), committed as definitions.lock.json.
 * - A definition that changed under the same version fails the check, naming the metric: a number
 *   in someone's sheet must never change meaning silently.
 * - A compiler change alters only SQL hashes: regenerating the lock records it, and its diff is the review.
 */
import { createHash } from 'node:crypto';
import type { QueryRequest } from '../contract/types';
import type { Catalog } from './catalog';
import { compileQuery } from './compile';
import { DIALECTS, type DialectName } from './dialect';
import { resolveQuery } from './resolve';
import type { MetricDef } from './vocabulary';

export interface LockedMetric {
  version: number;
  definitionHash: string;
  sqlHash: string;
}

/** Metric name → its entry; written sorted by name. */
export type DefinitionLock = Record<string, LockedMetric>;

export const LOCK_COMMAND = 'npm run catalog:lock';

/**
 * What is not the definition: words (reworded freely), governance (who owns it, its status) and
 * the version and changelog themselves. Everything else, at any depth, is hashed, so a new field
 * that changes numbers is covered without anyone remembering to list it.
 */
// Who may see a metric (`access`) does not change what its number means: a policy change needs no new version.
const NOT_DEFINITION = new Set(['title', 'description', 'definition', 'changelog', 'version', 'owner', 'tags', 'status', 'replacedBy', 'access']);

/** JSON with keys sorted at every depth and undefined left out: equal definitions give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The definition as data, without its words: models keep only the dimensions this metric exposes
 * (another metric's dimension on a shared model is not this one's definition) and drop personal-data
 * names, which refuse requests but never change a number.
 */
export function definitionOf(metric: MetricDef): unknown {
  const strip = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) return value.map((item) => strip(item, depth + 1));
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const isModel = typeof record.table === 'string' && Array.isArray(record.joins) && typeof record.dimensions === 'object';
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      if (NOT_DEFINITION.has(key) && (depth === 0 || key === 'title')) continue;
      // A dimension's value labels are words too (its codes, `values`, are the definition).
      if (key === 'valueLabels') continue;
      if (isModel && key === 'personalData') continue;
      if (isModel && key === 'dimensions') {
        const dimensions = item as Record<string, unknown>;
        out[key] = Object.fromEntries(metric.dimensions.filter((name) => name in dimensions).map((name) => [name, strip(dimensions[name], depth + 1)]));
        continue;
      }
      out[key] = strip(item, depth + 1);
    }
    return out;
  };
  return strip(metric, 0);
}

export const definitionHash = (metric: MetricDef): string => sha256(canonicalJson(definitionOf(metric)));

/** A fixed snapshot id, as the export names them: Trino statements must name one. */
const SNAPSHOT_ID = '20250101T000000Z-0a1b2c';
const YEAR = { from: '2024-01-01', to: '2025-01-01' } as const;

/** A value the dimension accepts, so the filter request resolves. */
function sampleValue(metric: MetricDef, catalog: Catalog, dimension: string): string | number | boolean {
  const definition = catalog.modelDimension(metric, dimension)!;
  if (definition.values?.length) return definition.values[0]!;
  return definition.type === 'integer' ? 1 : definition.type === 'boolean' ? true : 'sample';
}

/**
 * The fixed requests whose SQL is hashed: the year in total, by each allowed grain, split by each
 * dimension, and filtered by the first dimension (with more than one value, so IN lists are covered).
 */
export function lockRequests(metric: MetricDef, catalog: Catalog): QueryRequest[] {
  const grain = metric.grains.includes('month') ? 'month' : metric.grains[0]!;
  const requests: QueryRequest[] = [{ metric: metric.name, ...YEAR }];
  for (const each of metric.grains) requests.push({ metric: metric.name, ...YEAR, grain: each });
  for (const dimension of metric.dimensions) requests.push({ metric: metric.name, ...YEAR, grain, dimensions: [dimension] });
  const first = metric.dimensions[0];
  if (first !== undefined) {
    const value = sampleValue(metric, catalog, first);
    const definition = catalog.modelDimension(metric, first)!;
    const second = definition.values?.[1];
    requests.push({ metric: metric.name, ...YEAR, grain, filters: { [first]: second === undefined ? value : [value as string, second] } });
  }
  return requests;
}

export function sqlHash(metric: MetricDef, catalog: Catalog): string {
  const statements = lockRequests(metric, catalog).flatMap((request) =>
    (['duckdb', 'trino'] as DialectName[]).map((dialect) => {
      const compiled = compileQuery(resolveQuery(catalog, request), DIALECTS[dialect], { rowCap: 50_000, snapshotId: SNAPSHOT_ID });
      return { dialect, sql: compiled.sql, params: compiled.params };
    }),
  );
  return sha256(canonicalJson(statements));
}

/** The lock as the catalog is now. */
export function buildLock(catalog: Catalog): DefinitionLock {
  const names = catalog
    .list()
    .map((metric) => metric.name)
    .sort();
  return Object.fromEntries(
    names.map((name) => {
      const metric = catalog.get(name)!;
      return [name, { version: metric.version, definitionHash: definitionHash(metric), sqlHash: sqlHash(metric, catalog) }];
    }),
  );
}

/** The file's text: sorted by name, one field a line, so `git diff` is the review. */
export function formatLock(lock: DefinitionLock): string {
  const sortedLock = Object.fromEntries(
    Object.keys(lock)
      .sort()
      .map((name) => [name, { version: lock[name]!.version, definitionHash: lock[name]!.definitionHash, sqlHash: lock[name]!.sqlHash }]),
  );
  return `${JSON.stringify(sortedLock, null, 2)}\n`;
}

export interface LockProblems {
  /** Definition changed under the same version: only a person can fix these. */
  silentChanges: string[];
  /** Version lower than the locked one: caches and sheets key on versions, which only go up. */
  lowered: string[];
  /** New, removed or re-versioned metrics: the lock is behind; regenerating records them. */
  stale: string[];
  /** Same definition, same version, different SQL: the compiler changed. */
  compilerChanges: string[];
}

/** Compares the committed lock with the catalog as it is now. */
export function compareLocks(committed: DefinitionLock, current: DefinitionLock): LockProblems {
  const problems: LockProblems = { silentChanges: [], lowered: [], stale: [], compilerChanges: [] };
  for (const name of [...new Set([...Object.keys(committed), ...Object.keys(current)])].sort()) {
    const before = committed[name];
    const now = current[name];
    if (!before || !now) problems.stale.push(name);
    else if (now.version < before.version) problems.lowered.push(name);
    else if (now.version === before.version && now.definitionHash !== before.definitionHash) problems.silentChanges.push(name);
    else if (now.version !== before.version) problems.stale.push(name);
    else if (now.sqlHash !== before.sqlHash) problems.compilerChanges.push(name);
  }
  return problems;
}

/** One sentence per kind of problem, each naming its metrics and what to do; empty when the lock holds. */
export function lockMessages(problems: LockProblems): string[] {
  const messages: string[] = [];
  for (const name of problems.silentChanges) {
    messages.push(`Metric ${name}'s definition changed: raise its version and add a changelog entry (then ${LOCK_COMMAND}).`);
  }
  for (const name of problems.lowered) messages.push(`Metric ${name}'s version went down: versions only go up; raise it above the locked one instead.`);
  if (problems.stale.length) {
    messages.push(`The definition lock is out of date for ${problems.stale.join(', ')} (new, removed or re-versioned): run ${LOCK_COMMAND}.`);
  }
  if (problems.compilerChanges.length) {
    messages.push(`The compiler changed the SQL of ${problems.compilerChanges.join(', ')}: run ${LOCK_COMMAND} and review the diff.`);
  }
  return messages;
}

export type Regeneration = { ok: true; text: string; problems: LockProblems } | { ok: false; messages: string[] };

/**
 * The new lock text, or a refusal naming the metrics whose definition changed under the same
 * version (or whose version went down): regenerating must never launder a silent change into the lock.
 */
export function regenerateLock(committed: DefinitionLock | undefined, catalog: Catalog): Regeneration {
  const current = buildLock(catalog);
  const problems = compareLocks(committed ?? {}, current);
  if (problems.silentChanges.length || problems.lowered.length) return { ok: false, messages: lockMessages({ ...problems, stale: [], compilerChanges: [] }) };
  return { ok: true, text: formatLock(current), problems };
}
