/**
 * One Athena query's life: StartQueryExecution (with an idempotent ClientRequestToken and result
 * reuse) → GetQueryExecution polled with growing intervals → GetQueryResults page by page, and
 * StopQueryExecution for whatever is abandoned.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../../contract/errors';
import type { Cell } from '../../contract/types';
import type { EngineStatement } from '../types';
import { DeadlineError, sleep, type AthenaClient } from './client';
import type { AthenaEngineOptions } from './config';
import { decodeRow, decoderFor, type AthenaColumnInfo, type AthenaDatum } from './decode';

const PAGE_SIZE = 1000;
const STOP_TIMEOUT_MS = 3_000;

export interface QueryExecutionStatus {
  State?: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  StateChangeReason?: string;
  AthenaError?: { ErrorCategory?: number; ErrorType?: number; Retryable?: boolean; ErrorMessage?: string };
}

export interface QueryExecution {
  QueryExecutionId?: string;
  Status?: QueryExecutionStatus;
  Statistics?: { DataScannedInBytes?: number };
}

interface GetQueryResultsOutput {
  ResultSet?: { Rows?: Array<{ Data?: AthenaDatum[] }>; ResultSetMetadata?: { ColumnInfo?: AthenaColumnInfo[] } };
  NextToken?: string;
}

/** Whitespace-insensitive form of a statement, for the idempotency token. */
function normalise(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

export class QueryLifecycle {
  constructor(
    private readonly client: AthenaClient,
    private readonly options: AthenaEngineOptions,
    private readonly now: () => number,
    /** Polling stops (ENGINE_UNAVAILABLE) once this says the engine is closing. */
    private readonly isClosed: () => boolean,
  ) {}

  /** The ClientRequestToken: 64 hex of SHA-256 over the statement, the context and a time bucket. */
  clientRequestToken(statement: EngineStatement, attempt = 0): string {
    const bucket = Math.floor(this.now() / (this.options.tokenBucketMs ?? 60_000));
    const material = JSON.stringify([
      normalise(statement.sql),
      statement.params,
      this.options.workGroup,
      this.options.database,
      this.options.catalog ?? 'AwsDataCatalog',
      bucket,
      attempt,
    ]);
    return createHash('sha256').update(material).digest('hex');
  }

  /** Names a statement in a ledger (short: it travels inside signed query ids). */
  statementKey(statement: EngineStatement): string {
    const material = JSON.stringify([normalise(statement.sql), statement.params, this.options.workGroup, this.options.database]);
    return createHash('sha256').update(material).digest('base64url').slice(0, 16);
  }

  /** Starts the statement; returns its QueryExecutionId. */
  async start(statement: EngineStatement, attempt: number, deadline: number): Promise<string | undefined> {
    const token = this.clientRequestToken(statement, attempt);
    const output = await this.client.call<{ QueryExecutionId?: string }>('StartQueryExecution', this.startInput(statement, token), deadline);
    return output.QueryExecutionId;
  }

  private startInput(statement: EngineStatement, token: string): Record<string, unknown> {
    if (statement.params.length) {
      // Trino statements carry escaped literals (src/catalog/sqlLiteral.ts); Athena binds `?` only in WHERE.
      throw new ApiError('INTERNAL', 'The Athena engine takes statements without bound parameters.', { reason: 'unexpected_params' });
    }
    const reuse = this.options.resultReuseMaxAgeMinutes ?? 60;
    return {
      QueryString: statement.sql,
      ClientRequestToken: token,
      WorkGroup: this.options.workGroup,
      QueryExecutionContext: { Database: this.options.database, Catalog: this.options.catalog ?? 'AwsDataCatalog' },
      ...(this.options.outputLocation ? { ResultConfiguration: { OutputLocation: this.options.outputLocation } } : {}),
      ResultReuseConfiguration: {
        ResultReuseByAgeConfiguration: reuse > 0 ? { Enabled: true, MaxAgeInMinutes: reuse } : { Enabled: false },
      },
    };
  }

  /** Polls until the query finishes; returns the final status and statistics. */
  async waitFor(id: string, deadline: number): Promise<QueryExecution> {
    let interval = this.options.pollIntervalMs ?? 200;
    const maxInterval = this.options.maxPollIntervalMs ?? Math.max(interval, 2_000);
    for (;;) {
      const output = await this.client.call<{ QueryExecution?: QueryExecution }>('GetQueryExecution', { QueryExecutionId: id }, deadline);
      const execution = output.QueryExecution ?? {};
      const state = execution.Status?.State;
      if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') return execution;
      if (this.isClosed()) throw new ApiError('ENGINE_UNAVAILABLE', 'The query engine is shutting down.', { reason: 'closed' });
      const remaining = deadline - this.now();
      if (remaining <= 0) throw new DeadlineError();
      await sleep(Math.min(interval, remaining));
      interval = Math.min(maxInterval, Math.ceil(interval * 1.5));
    }
  }

  /** Every page of a finished query's result, decoded; more than `maxRows` rows is RESULT_TOO_LARGE. */
  async readResults(id: string, maxRows: number, deadline: number): Promise<{ columnNames: string[]; rows: Cell[][] }> {
    const rows: Cell[][] = [];
    let columnNames: string[] = [];
    let decoders: ReturnType<typeof decoderFor>[] | undefined;
    let nextToken: string | undefined;
    let first = true;
    do {
      const page = await this.client.call<GetQueryResultsOutput>(
        'GetQueryResults',
        { QueryExecutionId: id, MaxResults: PAGE_SIZE, ...(nextToken ? { NextToken: nextToken } : {}) },
        deadline,
      );
      if (!decoders) {
        const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columnNames = info.map((column) => column.Name);
        decoders = info.map(decoderFor);
      }
      const pageRows = page.ResultSet?.Rows ?? [];
      // For a SELECT, row 0 of the first page only is the header.
      for (const row of first ? pageRows.slice(1) : pageRows) {
        if (rows.length >= maxRows) {
          throw new ApiError('RESULT_TOO_LARGE', `The result has more than ${maxRows} rows. Narrow the range, grain or dimensions.`, {
            reason: 'too_many_rows',
            maxRows,
          });
        }
        rows.push(decodeRow(row.Data, decoders));
      }
      first = false;
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return { columnNames, rows };
  }

  /** Best effort, outside the caller's deadline: a stopped query stops costing money. */
  async stop(queryExecutionId: string): Promise<void> {
    try {
      await this.client.call('StopQueryExecution', { QueryExecutionId: queryExecutionId }, this.now() + STOP_TIMEOUT_MS);
    } catch {
      // Athena stops it at the workgroup limit anyway.
    }
  }
}
