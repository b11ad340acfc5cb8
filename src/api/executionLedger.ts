/**
 * The engine executions one request has started (statement key → execution id), so a poll on
 * another instance resumes them instead of starting duplicates. Requests that share an in-flight
 * statement follow each other's ledgers, so each one's id names every execution it waits for.
 */
import type { ExecutionLedger } from '../engine/types';

export class RequestLedger implements ExecutionLedger {
  private readonly own: Map<string, string>;
  private readonly followed = new Set<RequestLedger>();

  constructor(initial: Iterable<[string, string]> = []) {
    this.own = new Map(initial);
  }

  started(statementKey: string): string | undefined {
    return this.entries().get(statementKey);
  }

  record(statementKey: string, executionId: string): void {
    this.own.set(statementKey, executionId);
  }

  /** Also report what `other` records (a request that joined `other`'s in-flight statement). */
  follow(other: RequestLedger): void {
    if (other !== this) this.followed.add(other);
  }

  entries(seen = new Set<RequestLedger>()): Map<string, string> {
    seen.add(this);
    const all = new Map(this.own);
    for (const other of this.followed) {
      if (seen.has(other)) continue;
      for (const [key, id] of other.entries(seen)) if (!all.has(key)) all.set(key, id);
    }
    return all;
  }
}
