/**
 * Results shared by every cell of every document, in the script cache. Hundreds of cells
 * recalculate at once when a sheet opens, each in its own execution, so:
 * - a result is cached under its normalised request and the document's refresh epoch, split into
 *   chunks because one cache value holds at most 100 KB;
 * - the first execution to miss marks the key as in flight (under a brief document lock) and the
 *   others wait for its result instead of sending the same request;
 * - the cache is only a hint (entries may vanish any time), so every path still works on a miss.
 */
import type { CacheLike, Platform } from './platform';

/** 30,000 UTF-16 units are at most 90 KB of UTF-8, under the 100 KB value limit. */
const CHUNK_CHARS = 30_000;
/** Results above this many chunks are not cached: they would crowd out ~1,000 items. */
const MAX_CHUNKS = 40;
const IN_FLIGHT_TTL_S = 30;
// Waiting counts against the 30 s, but a cell that gives up here may send a duplicate request.
const LOCK_WAIT_MS = 5_000;
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

export interface SharedResultOptions<T> {
  platform: Pick<Platform, 'cache' | 'documentProperties' | 'documentLock' | 'crypto' | 'sleep' | 'now'>;
  /** The normalised request: equal requests must give equal text. */
  request: string;
  deadline: number;
  /** Asks the server; called at most once, and only when nobody else is already asking. */
  load(): T;
  /** How long the result may be served, in seconds (the cache caps it at 6 h). */
  ttlSeconds(result: T): number;
}

export function cacheKeyOf(platform: SharedResultOptions<unknown>['platform'], request: string): string {
  const epoch = platform.documentProperties.getProperty(EPOCH_PROPERTY) ?? '0';
  // Cache keys are limited to 250 characters, so the request is hashed.
  return `snaq:r:${platform.crypto.sha256Hex(`${epoch}|${request}`).slice(0, 48)}`;
}

function cached<T>(cache: CacheLike, key: string): T | undefined {
  const text = readChunked(cache, key);
  return text === null ? undefined : (JSON.parse(text) as T);
}

/** The cached result, the result of an identical request in flight, or a fresh one. */
export function sharedResult<T>(options: SharedResultOptions<T>): T {
  const { platform } = options;
  const key = cacheKeyOf(platform, options.request);
  const inFlightKey = `${key}:in-flight`;
  const hit = cached<T>(platform.cache, key);
  if (hit !== undefined) return hit;

  // Claim the key under a brief document lock so exactly one execution fetches it. The owner
  // stores its result before it clears its claim, so the claim is read first: no claim and no
  // result means nobody has it. Without the lock (contention, or no document), still defer to a
  // claim someone else already made.
  const claim = (): { mine: boolean; arrived?: T } => {
    const claimed = platform.cache.get(inFlightKey) !== null;
    const arrived = cached<T>(platform.cache, key);
    if (arrived !== undefined) return { mine: false, arrived };
    if (!claimed) platform.cache.put(inFlightKey, String(platform.now()), IN_FLIGHT_TTL_S);
    return { mine: !claimed };
  };
  let outcome: { mine: boolean; arrived?: T };
  const lock = platform.documentLock();
  if (lock && lock.tryLock(LOCK_WAIT_MS)) {
    try {
      outcome = claim();
    } finally {
      lock.releaseLock();
    }
  } else {
    outcome = claim();
  }
  if (outcome.arrived !== undefined) return outcome.arrived;
  const mine = outcome.mine;

  if (!mine) {
    // Another execution is fetching this very request: wait for its result while time allows.
    while (platform.now() + POLL_MS < options.deadline - 8_000) {
      platform.sleep(POLL_MS);
      if (platform.cache.get(inFlightKey) === null) break; // finished or gave up: look once more below
      const arrived = cached<T>(platform.cache, key);
      if (arrived !== undefined) return arrived;
    }
    // The owner writes the result before it clears its claim, so a result is there unless it failed.
    const arrived = cached<T>(platform.cache, key);
    if (arrived !== undefined) return arrived;
  }

  try {
    const result = options.load();
    writeChunked(platform.cache, key, JSON.stringify(result), Math.max(1, Math.min(21_600, Math.floor(options.ttlSeconds(result)))));
    return result;
  } finally {
    if (mine) platform.cache.remove(inFlightKey);
  }
}

/** Seconds until `freshUntil`, at least 5 minutes (stale data is re-checked soon), at most 6 hours. */
export function ttlUntil(freshUntil: string | undefined, nowMs: number): number {
  const until = freshUntil ? Date.parse(freshUntil) : Number.NaN;
  if (Number.isNaN(until)) return 600;
  return Math.max(300, Math.min(21_600, Math.floor((until - nowMs) / 1000)));
}

