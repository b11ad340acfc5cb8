/**
 * One CacheService cache (script, document or user), in the main thread.
 * - key longer than 250 characters → "Argument too large: key"
 * - value over 100 KB (UTF-8 bytes) → "Argument too large: value"
 * - TTL: default 600 s; above 21600 s it is clamped to 21600 s; ≤ 0 or not a number means the default
 * - over 1,000 items: the oldest-created 100 are evicted in one batch (FIFO, recent reads do not matter)
 * `putAll` checks every entry before storing any.
 */
import type { Clock } from '../clock';
import {
  CACHE_DEFAULT_TTL_SECONDS,
  CACHE_EVICTION_BATCH,
  CACHE_MAX_ITEMS,
  CACHE_MAX_KEY_LENGTH,
  CACHE_MAX_TTL_SECONDS,
  CACHE_MAX_VALUE_BYTES,
} from '../limits';
import { GasException, MSG } from '../messages';

interface Entry {
  value: string;
  expiresAt: number;
}

export class CacheStore {
  /** Insertion order is creation order: a Map iterates oldest first. */
  private readonly entries = new Map<string, Entry>();
  /** How many items were evicted for space (not expiry). */
  evicted = 0;

  constructor(private readonly clock: Clock) {}

  get(keys: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of keys) {
      const value = this.peek(key);
      if (value !== null) out[key] = value;
    }
    return out;
  }

  put(entries: Array<[string, string]>, ttlSeconds: number | null): void {
    for (const [key, value] of entries) {
      if (key.length > CACHE_MAX_KEY_LENGTH) throw new GasException(MSG.argumentTooLarge('key'));
      if (Buffer.byteLength(value, 'utf8') > CACHE_MAX_VALUE_BYTES) throw new GasException(MSG.argumentTooLarge('value'));
    }
    const ttl =
      ttlSeconds === null || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0 ? CACHE_DEFAULT_TTL_SECONDS : Math.min(ttlSeconds, CACHE_MAX_TTL_SECONDS);
    const expiresAt = this.clock.now() + ttl * 1000;
    for (const [key, value] of entries) {
      this.entries.delete(key);
      this.entries.set(key, { value, expiresAt });
    }
    this.purgeExpired();
    while (this.entries.size > CACHE_MAX_ITEMS) {
      let n = 0;
      for (const key of this.entries.keys()) {
        if (n++ >= CACHE_EVICTION_BATCH) break;
        this.entries.delete(key);
        this.evicted += 1;
      }
    }
  }

  remove(keys: string[]): void {
    for (const key of keys) this.entries.delete(key);
  }

  /** For tests: the live value (null when missing or expired). */
  peek(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  /** For tests: live keys, oldest first. */
  keys(): string[] {
    this.purgeExpired();
    return [...this.entries.keys()];
  }

  get size(): number {
    this.purgeExpired();
    return this.entries.size;
  }

  /** For tests: seconds left before a key expires (null when missing). */
  ttlOf(key: string): number | null {
    const entry = this.entries.get(key);
    return entry ? (entry.expiresAt - this.clock.now()) / 1000 : null;
  }

  clear(): void {
    this.entries.clear();
  }

  private purgeExpired(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
