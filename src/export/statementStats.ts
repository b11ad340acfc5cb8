/**
 * What the export asked of the source: every statement's duration, so the benchmark can report the
 * longest one (target ≤ 1 s), the p99 and how many connections were used.
 */
export interface StatementRecord {
  /** What it read: `chunk`, `keys`, `changed`, `setup`. */
  kind: string;
  table?: string;
  ms: number;
  rows: number;
  /** The server's connection (thread) id that ran it. */
  connectionId: number;
}

export interface StatementSummary {
  statements: number;
  rows: number;
  longestMs: number;
  p99Ms: number;
  /** Distinct server connections that ran statements. */
  connectionsUsed: number;
  /** The most connections checked out at one moment. */
  peakConcurrentConnections: number;
}

export class StatementStats {
  private readonly records: StatementRecord[] = [];
  private readonly connections = new Set<number>();
  private checkedOut = 0;
  private peakCheckedOut = 0;

  record(entry: StatementRecord): void {
    this.records.push(entry);
    this.connections.add(entry.connectionId);
  }

  connectionTaken(): void {
    this.checkedOut += 1;
    this.peakCheckedOut = Math.max(this.peakCheckedOut, this.checkedOut);
  }

  connectionReturned(): void {
    this.checkedOut -= 1;
  }

  all(): readonly StatementRecord[] {
    return this.records;
  }

  summary(): StatementSummary {
    const durations = this.records.map((r) => r.ms).sort((a, b) => a - b);
    return {
      statements: durations.length,
      rows: this.records.reduce((sum, r) => sum + r.rows, 0),
      longestMs: durations.at(-1) ?? 0,
      p99Ms: nearestRank(durations, 0.99),
      connectionsUsed: this.connections.size,
      peakConcurrentConnections: this.peakCheckedOut,
    };
  }
}

/** The nearest-rank percentile of sorted values (0 for none). */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}
