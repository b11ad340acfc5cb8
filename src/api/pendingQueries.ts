/**
 * Queries that outlived the synchronous budget and were answered 202: kept until they settle, then
 * for a while longer so the client can poll the result. Only the principal who asked may read it.
 * Finished results live in the byte-bounded result store (so they count against the cache's
 * budget, and the least recently used go first), and the map itself holds at most `maxEntries`.
 */
export type Settled<T> = { result: T } | { error: unknown } | { evicted: true };

/** Where finished results are kept: the service's result cache. */
export interface ResultStore {
  /** Returns false when the value is too large to keep. */
  set(key: string, value: unknown, bytes: number): boolean;
  get(key: string): unknown;
}

export interface PendingOptions {
  ttlMs: number;
  maxEntries: number;
  now: () => number;
  store: ResultStore;
  /** The bytes a finished result holds, as the store counts them. */
  sizeOf: (result: unknown) => number;
}

interface Entry<T, C> {
  principal: string;
  context: C;
  done: Promise<void>;
  /** Absent while running; the error, that the result went to the store, or the result itself when the store refused it. */
  settled?: { error: unknown } | { stored: true } | { result: T };
  expiresMs?: number;
}

const storeKey = (id: string) => `pending:${id}`;

export class PendingQueries<T, C> {
  private readonly entries = new Map<string, Entry<T, C>>();

  constructor(private readonly options: PendingOptions) {}

  add(id: string, principal: string, context: C, work: Promise<T>): void {
    const { store, sizeOf, now, ttlMs } = this.options;
    const entry: Entry<T, C> = { principal, context, done: Promise.resolve() };
    const settle = (settled: Entry<T, C>['settled']) => {
      entry.settled = settled;
      entry.expiresMs = now() + ttlMs;
    };
    entry.done = work.then(
      (result) => {
        // A single result larger than the store takes (a quarter of its budget, rare under maxRows)
        // stays with its entry until it expires, so the client still gets it.
        settle(store.set(storeKey(id), result, sizeOf(result)) ? { stored: true } : { result });
      },
      (error: unknown) => settle({ error }),
    );
    this.makeRoom();
    this.entries.set(id, entry);
  }

  /** Resolves when the query settles or after `waitMs`, whichever is first (a long poll). */
  async settledWithin(id: string, waitMs: number): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || entry.settled) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([entry.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  /** The query if it exists and belongs to `principal`; `settled` is absent while it runs. */
  find(id: string, principal: string): { context: C; settled?: Settled<T> } | undefined {
    this.dropExpired();
    const entry = this.entries.get(id);
    if (!entry || entry.principal !== principal) return undefined;
    if (!entry.settled) return { context: entry.context };
    if (!('stored' in entry.settled)) return { context: entry.context, settled: entry.settled };
    const result = this.options.store.get(storeKey(id));
    return { context: entry.context, settled: result === undefined ? { evicted: true } : { result: result as T } };
  }

  get size(): number {
    return this.entries.size;
  }

  private dropExpired(): void {
    const now = this.options.now();
    for (const [key, entry] of this.entries) if (entry.expiresMs !== undefined && entry.expiresMs < now) this.entries.delete(key);
  }

  /** Drops expired entries, then the oldest settled ones, until one more fits. Running ones stay: admission bounds them. */
  private makeRoom(): void {
    if (this.entries.size < this.options.maxEntries) return;
    this.dropExpired();
    for (const [key, entry] of this.entries) {
      if (this.entries.size < this.options.maxEntries) return;
      if (entry.settled) this.entries.delete(key);
    }
  }
}
