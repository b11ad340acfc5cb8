/**
 * Which version of a metric's definition the service answers with now, so the shared cache never
 * serves an answer of an older version (sharedResults.ts keys entries by version and checks it).
 * - A version seen in the last 5 minutes (in the catalog, GET /v1/metrics, or in an answer's
 *   meta.metricVersion) is taken as current: a new version reaches every cell within that.
 * - After that, the catalog is asked again, but only when an entry is cached to vouch for: a cell
 *   with nothing cached goes straight to the service and learns the version from its answer.
 * - The last version seen is kept as long as any entry lives (6 h), so a cell knows which entry to look for.
 */
import type { Meta, MetricList } from '../../contract/types';
import type { Platform } from './platform';
import { sharedResult, type VersionedBy } from './sharedResults';

/** How long a version, from the catalog or an answer, is taken as the service's current one. */
export const RECENT_VERSION_TTL_S = 300;
/** As long as the longest a result is cached: a version seen outlives every entry it keys. */
const LAST_SEEN_TTL_S = 21_600;

export interface VersionContext {
  platform: Pick<Platform, 'cache' | 'documentProperties' | 'crypto' | 'sleep' | 'now'>;
  endpoint: string;
  deadline: number;
  /** GET /v1/metrics, as this caller may see it. */
  loadCatalog(): MetricList;
}

const catalogRequest = (endpoint: string) => JSON.stringify([endpoint, 'metric-versions']);

/** Per metric: `r` the version seen in the last few minutes, `l` the last version ever seen. */
function versionKey(context: VersionContext, kind: 'r' | 'l', metric: string): string {
  return `snaq:mv${kind}:${context.platform.crypto.sha256Hex(`${context.endpoint}|${metric}`).slice(0, 40)}`;
}

function remember(context: VersionContext, versions: Record<string, number>): void {
  const entries = Object.entries(versions);
  const keyed = (kind: 'r' | 'l') => Object.fromEntries(entries.map(([name, version]) => [versionKey(context, kind, name), String(version)]));
  context.platform.cache.putAll(keyed('r'), RECENT_VERSION_TTL_S);
  context.platform.cache.putAll(keyed('l'), LAST_SEEN_TTL_S);
}

/** The catalog's versions, fetched once for every execution that needs them at the same time. */
function fetchCatalog(context: VersionContext): Record<string, number> {
  const versions = sharedResult<Record<string, number>>({
    platform: context.platform,
    request: catalogRequest(context.endpoint),
    deadline: context.deadline,
    load: () => Object.fromEntries(context.loadCatalog().metrics.map((metric) => [metric.name, metric.version])),
    ttlSeconds: () => RECENT_VERSION_TTL_S,
  });
  remember(context, versions);
  return versions;
}

const versionIn = (text: string | undefined): number | undefined => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined);

/**
 * The version the service is at for `metric`, or undefined when nothing cached needs it (or the
 * catalog does not list the metric for this caller): the request then goes to the service.
 * `cachedAt(version)` says whether an entry of that version is cached for this request.
 */
export function expectedVersion(context: VersionContext, metric: string, cachedAt: (version: number) => boolean): number | undefined {
  const recentKey = versionKey(context, 'r', metric);
  const lastKey = versionKey(context, 'l', metric);
  const seen = context.platform.cache.getAll([recentKey, lastKey]);
  const recent = versionIn(seen[recentKey]);
  if (recent !== undefined) return recent;
  const last = versionIn(seen[lastKey]);
  if (last === undefined || !cachedAt(last)) return undefined;
  try {
    return fetchCatalog(context)[metric];
  } catch {
    // The service cannot say: the entry was answered by the last version anyone saw, so it stands.
    return last;
  }
}

/** How a result about `metric` is versioned in the shared cache. */
export function versionedBy<T extends { meta?: Meta }>(context: VersionContext, metric: string, cachedAt: (version: number) => boolean): VersionedBy<T> {
  return {
    expected: expectedVersion(context, metric, cachedAt),
    of: (result) => result.meta?.metricVersion,
    learned(version) {
      if (version !== undefined) remember(context, { [metric]: version });
    },
  };
}
