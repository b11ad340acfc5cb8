/**
 * The seam between the metrics service and whatever runs SQL. Two engines implement it:
 * DuckDB embedded over a local lake, and Athena over the S3 lake. Only they know where they run.
 */
import type { Cell, EngineName } from '../contract/types';
import type { FilterScalar } from '../contract/types';
import type { LakeManifest } from '../contract/snapshot';
import type { HistoryEntry } from '../lake/lakeHistory';

export interface EngineStatement {
  sql: string;
  params: readonly FilterScalar[];
}

export interface ExecuteOptions {
  /** The query is interrupted after this long and fails with QUERY_TIMEOUT. */
  timeoutMs: number;
  /** More rows than this fail with RESULT_TOO_LARGE. */
  maxRows: number;
  /**
   * Executions started earlier for this request, possibly by another process: an engine that runs
   * queries remotely (Athena) resumes the one recorded for a statement and records what it starts.
   */
  ledger?: ExecutionLedger;
}

export interface ExecutionLedger {
  started(statementKey: string): string | undefined;
  record(statementKey: string, executionId: string): void;
}

export interface EngineResult {
  columnNames: string[];
  /** Typed cells: numbers are numbers, DATE values are `YYYY-MM-DD`, timestamps ISO strings. */
  rows: Cell[][];
  elapsedMs: number;
  bytesScanned?: number;
  /**
   * The snapshot the rows come from, for an engine that follows a changing lake (DuckDB): null when
   * it cannot tell (the lake changed while the query ran), absent when the engine does not say.
   */
  snapshotId?: string | null;
}

export interface EngineHealth {
  /** Whether the engine answers at all. */
  reachable: boolean;
  detail?: string;
  /** A lake the engine reads but cannot use: the reason (as in ENGINE_UNAVAILABLE errors) and which table or file. */
  lakeFault?: { reason: string; detail: string };
}

export interface QueryEngine {
  readonly name: EngineName;
  /** Which SQL dialect the engine speaks. */
  readonly dialect: 'duckdb' | 'trino';
  execute(statement: EngineStatement, options: ExecuteOptions): Promise<EngineResult>;
  /** The snapshot the engine currently reads; its id keys the result cache. */
  snapshot(): Promise<LakeManifest>;
  health(): Promise<EngineHealth>;
  /**
   * The lake's run history (`history/runs.jsonl`), for freshness SLO attainment and quality results.
   * A lake without one answers no entries; an engine without the method is treated the same way.
   */
  history?(): Promise<LakeHistory>;
  close(): Promise<void>;
}

export interface LakeHistory {
  /** Valid lines, in file order (oldest first); torn or invalid lines are skipped. */
  entries: readonly HistoryEntry[];
  /** Changes whenever the file does: answers computed from it are cached under it. */
  version: string;
}
