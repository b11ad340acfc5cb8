/**
 * A bounded in-memory LRU for query results. Bounded by bytes as well as entries, because one
 * daily-grain, three-dimension result can be a thousand times larger than a monthly total.
 */
export interface CacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

export class ResultCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private totalBytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    // Re-insert so Map order stays least- to most-recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  /** Stores a value of `bytes` (estimated heap) size; values larger than a quarter of the budget are not kept (false). */
  set(key: string, value: V, bytes: number): boolean {
    if (this.maxEntries <= 0 || bytes > this.maxBytes / 4) return false;
    this.delete(key);
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    while (this.entries.size > this.maxEntries || this.totalBytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
    return true;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  stats(): CacheStats {
    return { entries: this.entries.size, bytes: this.totalBytes, hits: this.hits, misses: this.misses };
  }
}
