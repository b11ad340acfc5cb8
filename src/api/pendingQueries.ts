/**
 * Queries that outlived the synchronous budget and were answered 202: kept until they settle, then
 * for a while longer so the client can poll the result. Only the principal who asked may read it.
 */
export type Settled<T> = { result: T } | { error: unknown };

interface Entry<T, C> {
  principal: string;
  context: C;
  done: Promise<void>;
  settled?: Settled<T>;
  expiresMs?: number;
}

export class PendingQueries<T, C> {
  private readonly entries = new Map<string, Entry<T, C>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  add(id: string, principal: string, context: C, work: Promise<T>): void {
    const entry: Entry<T, C> = { principal, context, done: Promise.resolve() };
    const settle = (settled: Settled<T>) => {
      entry.settled = settled;
      entry.expiresMs = this.now() + this.ttlMs;
    };
    entry.done = work.then(
      (result) => settle({ result }),
      (error: unknown) => settle({ error }),
    );
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
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresMs !== undefined && entry.expiresMs < now) this.entries.delete(key);
    const entry = this.entries.get(id);
    return entry && entry.principal === principal ? entry : undefined;
  }
}
