/**
 * Results shared by every cell of every document, in the script cache. Hundreds of cells
 * recalculate at once when a sheet opens, each in its own execution, so:
 * - a result is cached under its normalised request and the document's refresh epoch, split into
 *   chunks because one cache value holds at most 100 KB;
 * - the first execution to miss claims the key and the others wait for its result instead of
 *   sending the same request. The cache is shared by every document and user, so the claim cannot
 *   use the document lock (one per document), and the script lock would serialise every user of
 *   the add-on (PLATFORM.md): it is lock-free instead, see `claim`;
 * - the cache is only a hint (entries may vanish any time), so every path still works on a miss.
 */
import type { CacheLike, Platform } from './platform';

/** 30,000 UTF-16 units are at most 90 KB of UTF-8, under the 100 KB value limit. */
const CHUNK_CHARS = 30_000;
/** Results above this many chunks are not cached: they would crowd out ~1,000 items. */
const MAX_CHUNKS = 40;
const IN_FLIGHT_TTL_S = 30;
/**
 * How long a claimer waits before reading its claim back. Anyone who saw no claim writes theirs
 * within one cache call of looking, so after this the last writer is the owner for everyone. A
 * cache call slower than this lets two executions both own a key: a rare double fetch, never a
 * wrong answer.
 */
const CLAIM_SETTLE_MS = 150;
const POLL_MS = 400;
export const EPOCH_PROPERTY = 'SNAQ_REFRESH_EPOCH';

export function readChunked(cache: CacheLike, key: string): string | null {
  const head = cache.get(key);
  if (head === null) return null;
  if (head.startsWith('v:')) return head.slice(2);
  const count = Number(head.slice(2));
  if (!head.startsWith('c:') || !Number.isInteger(count) || count < 1) return null;
  const keys = Array.from({ length: count }, (_, i) => `${key}:${i}`);
  const chunks = cache.getAll(keys);
  const parts = keys.map((chunkKey) => chunks[chunkKey]);
  return parts.every((part) => typeof part === 'string') ? parts.join('') : null;
}

export function writeChunked(cache: CacheLike, key: string, value: string, ttlSeconds: number): boolean {
  if (value.length <= CHUNK_CHARS) {
    cache.put(key, `v:${value}`, ttlSeconds);
    return true;
  }
  const count = Math.ceil(value.length / CHUNK_CHARS);
  if (count > MAX_CHUNKS) return false;
  const chunks: Record<string, string> = {};
  for (let i = 0; i < count; i++) chunks[`${key}:${i}`] = value.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
  cache.putAll(chunks, ttlSeconds);
  cache.put(key, `c:${count}`, ttlSeconds); // the head last: readers never see a partial set
  return true;
}

/**
 * A result about one metric is cached per version of its definition (metricVersions.ts):
 * - `expected` is the version the catalog says the service is at now, or undefined when nobody
 *   knows (the entry is then only for executions waiting on the same request, for seconds);
 * - an entry whose own version (`of`) is not `expected` is never served, and an answer of another
 *   version is stored under that version's key, never under `expected`'s;
 * - an answer that names no version (a service older than versions) is cached as before.
 */
export interface VersionedBy<T> {
  expected: number | undefined;
  of(result: T): number | undefined;
  /** Told the version an answer came with, so the next request's key can follow it. */
  learned(version: number | undefined): void;
}

export interface SharedResultOptions<T> {
  platform: Pick<Platform, 'cache' | 'documentProperties' | 'crypto' | 'sleep' | 'now'>;
  /** The normalised request: equal requests must give equal text. */
  request: string;
  deadline: number;
  /** Asks the server; called at most once, and only when nobody else is already asking. */
  load(): T;
  /** How long the result may be served, in seconds (the cache caps it at 6 h). */
  ttlSeconds(result: T): number;
  /** For a result about one metric: the version its entry must have. */
  version?: VersionedBy<T>;
  /** Whether the result may be kept for everyone (a restricted metric's never is); default yes. */
  shareable?(result: T): boolean;
}

/** `version`: the metric version the entry is for; `null` for "not known yet" (a short-lived slot). */
export function cacheKeyOf(platform: SharedResultOptions<unknown>['platform'], request: string, version?: number | null): string {
  const epoch = platform.documentProperties.getProperty(EPOCH_PROPERTY) ?? '0';
  const versioned = version === undefined ? request : `${request}|v${version ?? '?'}`;
  // Cache keys are limited to 250 characters, so the request is hashed.
  return `snaq:r:${platform.crypto.sha256Hex(`${epoch}|${versioned}`).slice(0, 48)}`;
}

/**
 * The claim on a request in flight, one per request whatever version its caller expects: an
 * execution that has just learned the version must still wait for the identical request that
 * another execution sent before anyone knew it, rather than send it again.
 */
export function inFlightKeyOf(platform: SharedResultOptions<unknown>['platform'], request: string): string {
  return `${cacheKeyOf(platform, request)}:in-flight`;
}

/** What the not-yet-known slot holds: which version's entry the answer is under (never a second copy). */
const ANSWERED_BY = 'snaq:answeredBy';

/**
 * The entry for `request` at `key`: followed from the not-yet-known slot to the version that
 * answered, and refused when another version than the one now known answered it.
 */
function cached<T>(platform: SharedResultOptions<T>['platform'], key: string, request: string, version?: VersionedBy<T>): T | undefined {
  const text = readChunked(platform.cache, key);
  if (text === null) return undefined;
  const result = JSON.parse(text) as T;
  if (!version) return result;
  const pointer = (result as Record<string, unknown> | null)?.[ANSWERED_BY];
  if (typeof pointer === 'number') return cached(platform, cacheKeyOf(platform, request, pointer), request, { ...version, expected: undefined });
  const answered = version.of(result);
  if (version.expected !== undefined && answered !== undefined && answered !== version.expected) return undefined;
  return result;
}

type Claim<T> = { mine: true; token: string } | { mine: false; arrived?: T };

/**
 * Lock-free: look for a claim and a result in one cache call; with neither, write a claim with a
 * random token, let concurrent claimers write theirs, and read it back: the token that stayed owns
 * the key. The owner stores its result before it clears its claim, so seeing no claim and no result
 * in the same read means nobody has it.
 */
function claim<T>(platform: SharedResultOptions<T>['platform'], key: string, inFlightKey: string, lookup: () => T | undefined): Claim<T> {
  const seen = platform.cache.getAll([inFlightKey, key]);
  if (seen[key] !== undefined) {
    const arrived = lookup();
    if (arrived !== undefined) return { mine: false, arrived };
  }
  if (seen[inFlightKey] !== undefined) return { mine: false };
  // Math.random is enough: the token only tells concurrent claimers apart.
  const token = `${platform.now()}:${Math.random().toString(36).slice(2)}`;
  platform.cache.put(inFlightKey, token, IN_FLIGHT_TTL_S);
  platform.sleep(CLAIM_SETTLE_MS);
  return platform.cache.get(inFlightKey) === token ? { mine: true, token } : { mine: false };
}

/** The cached result, the result of an identical request in flight, or a fresh one. */
export function sharedResult<T>(options: SharedResultOptions<T>): T {
  const { platform, version } = options;
  const key = cacheKeyOf(platform, options.request, version ? (version.expected ?? null) : undefined);
  const inFlightKey = inFlightKeyOf(platform, options.request);
  const lookup = () => cached<T>(platform, key, options.request, version);
  const hit = lookup();
  if (hit !== undefined) return hit;

  const outcome = claim<T>(platform, key, inFlightKey, lookup);
  if (!outcome.mine) {
    if (outcome.arrived !== undefined) return outcome.arrived;
    // Another execution is fetching this very request: wait for its result while time allows.
    while (platform.now() + POLL_MS < options.deadline - 8_000) {
      platform.sleep(POLL_MS);
      if (platform.cache.get(inFlightKey) === null) break; // finished or gave up: look once more below
      const arrived = lookup();
      if (arrived !== undefined) return arrived;
    }
    // The owner writes the result before it clears its claim, so a result is there unless it failed.
    const arrived = lookup();
    if (arrived !== undefined) return arrived;
  }

  try {
    const result = options.load();
    if (options.shareable && !options.shareable(result)) return result;
    const ttl = Math.max(1, Math.min(21_600, Math.floor(options.ttlSeconds(result))));
    if (!version) {
      writeChunked(platform.cache, key, JSON.stringify(result), ttl);
      return result;
    }
    const answered = version.of(result);
    version.learned(answered);
    const text = JSON.stringify(result);
    // A service too old to say its version: cached as before versions were known.
    if (answered === undefined) {
      writeChunked(platform.cache, key, text, ttl);
      return result;
    }
    // Kept under the version that answered, so it is served exactly while that version is current.
    const stored = writeChunked(platform.cache, cacheKeyOf(platform, options.request, answered), text, ttl);
    // The not-yet-known slot only points executions already waiting on this request to it.
    if (stored && version.expected === undefined)
      writeChunked(platform.cache, key, JSON.stringify({ [ANSWERED_BY]: answered }), Math.min(ttl, IN_FLIGHT_TTL_S));
    return result;
  } finally {
    // Clear only our own claim: after its TTL someone else may hold the key.
    if (outcome.mine && platform.cache.get(inFlightKey) === outcome.token) platform.cache.remove(inFlightKey);
  }
}

/** Seconds until `freshUntil`, at least 5 minutes (stale data is re-checked soon), at most 6 hours. */
export function ttlUntil(freshUntil: string | undefined, nowMs: number): number {
  const until = freshUntil ? Date.parse(freshUntil) : Number.NaN;
  if (Number.isNaN(until)) return 600;
  return Math.max(300, Math.min(21_600, Math.floor((until - nowMs) / 1000)));
}
