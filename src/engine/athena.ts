/**
 * The production engine: Amazon Athena (engine v3, Trino SQL) over the S3 lake, spoken to through
 * the Athena JSON 1.1 API signed with SigV4 (aws4fetch), without the AWS SDK.
 *
 * One `execute` is: StartQueryExecution (idempotent token) → poll GetQueryExecution with backoff →
 * GetQueryResults page by page (athena/lifecycle.ts). Throttling and 5xx are retried with jittered
 * exponential backoff inside the caller's deadline (athena/client.ts); a FAILED query that Athena
 * marks retryable is started once more. Whatever is abandoned while running (deadline, errors,
 * close) is stopped with StopQueryExecution. This file decides what each outcome means to the caller.
 */
import { ApiError } from '../contract/errors';
import type { LakeManifest } from '../contract/snapshot';
import { AthenaCallError, AthenaClient, DeadlineError, UnavailableError } from './athena/client';
import { athenaOptionsFromEnv, checkOptions, stderrOperatorLog, type AthenaEngineOptions, type FromEnvExtras, type OperatorLog } from './athena/config';
import { QueryLifecycle, type QueryExecutionStatus } from './athena/lifecycle';
import type { EngineResult, EngineStatement, ExecuteOptions, LakeHistory, QueryEngine } from './types';

export type { AthenaCredentials, AthenaEngineOptions } from './athena/config';

/** Athena's message names the cause; its ErrorType numbers are too coarse (1006 covers most of Trino's analysis errors). */
const LAKE_SCHEMA_MISMATCH =
  /\b(TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|COLUMN_NOT_FOUND)\b|Table '[^']*' does not exist|Column '[^']*' cannot be resolved|HIVE_METASTORE_ERROR/i;
const PERMISSION_DENIED = /PERMISSION_DENIED|Access ?Denied|not authorized|Insufficient (Lake Formation )?permissions?/i;
const SCAN_LIMIT = /scan(ned)? limit|bytes scanned/i;

/**
 * What a FAILED query means to the caller. No statement comes from a user (the compiler writes
 * them), so a failure is never the caller's to fix: a broken statement is our bug (INTERNAL), a
 * missing table or permission is the deployment's (ENGINE_UNAVAILABLE). Retrying mends neither.
 */
function failureOf(status: QueryExecutionStatus): ApiError {
  const error = status.AthenaError;
  const message = error?.ErrorMessage ?? status.StateChangeReason ?? '';
  const errorType = error?.ErrorType !== undefined ? { errorType: error.ErrorType } : {};
  if (LAKE_SCHEMA_MISMATCH.test(message)) {
    return new ApiError('ENGINE_UNAVAILABLE', 'A lake table or column the metric reads is missing in Athena. The data team has been told.', {
      reason: 'lake_schema_mismatch',
      retryable: false,
      ...errorType,
    });
  }
  if (PERMISSION_DENIED.test(message) || error?.ErrorType === 234 /* Lake Formation */) {
    return new ApiError('ENGINE_UNAVAILABLE', 'The metrics service may not read the lake. The data team has been told.', {
      reason: 'engine_permission',
      retryable: false,
      ...errorType,
    });
  }
  if (error?.ErrorCategory === 2) {
    return new ApiError('INTERNAL', 'Athena rejected the statement the metrics service wrote. The data team has been told.', {
      reason: 'engine_rejected_statement',
      retryable: false,
      ...errorType,
    });
  }
  return new ApiError('ENGINE_UNAVAILABLE', 'Athena could not run the query. Try again later.', { reason: 'athena_failed', ...errorType });
}

export class AthenaEngine implements QueryEngine {
  readonly name = 'athena' as const;
  readonly dialect = 'trino' as const;
  private readonly client: AthenaClient;
  private readonly lifecycle: QueryLifecycle;
  private readonly now: () => number;
  private readonly log: OperatorLog;
  private readonly running = new Set<string>();
  private closed = false;

  constructor(private readonly options: AthenaEngineOptions) {
    checkOptions(options);
    this.now = options.now ?? Date.now;
    this.log = options.operatorLog ?? stderrOperatorLog;
    this.client = new AthenaClient({
      endpoint: options.endpoint ?? `https://athena.${options.region}.amazonaws.com`,
      region: options.region,
      credentials: options.credentials,
      now: this.now,
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
      onNetworkError: (op, error) => this.log({ event: 'athena_network_error', op, message: causeOf(error) }),
    });
    this.lifecycle = new QueryLifecycle(this.client, options, this.now, () => this.closed);
  }

  /** Configuration from the environment (athena/config.ts lists the variables). */
  static fromEnv(env: Record<string, string | undefined>, extra: FromEnvExtras): AthenaEngine {
    return new AthenaEngine(athenaOptionsFromEnv(env, extra));
  }

  /** The ClientRequestToken: 64 hex of SHA-256 over the statement, the context and a time bucket. */
  clientRequestToken(statement: EngineStatement, attempt = 0): string {
    return this.lifecycle.clientRequestToken(statement, attempt);
  }

  private async stop(queryExecutionId: string): Promise<void> {
    try {
      await this.lifecycle.stop(queryExecutionId);
    } finally {
      this.running.delete(queryExecutionId);
    }
  }

  async execute(statement: EngineStatement, options: ExecuteOptions): Promise<EngineResult> {
    if (this.closed) throw new ApiError('ENGINE_UNAVAILABLE', 'The query engine is shutting down.');
    const started = this.now();
    const wallStarted = performance.now();
    const deadline = started + options.timeoutMs;
    let id: string | undefined;
    const ledger = options.ledger;
    const statementKey = this.lifecycle.statementKey(statement);
    // An execution started for this request earlier (maybe by another instance) is resumed, not repeated.
    let resume = ledger?.started(statementKey);
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.closed) throw new ApiError('ENGINE_UNAVAILABLE', 'The query engine is shutting down.', { reason: 'closed' });
        const resumed = resume !== undefined;
        if (resume !== undefined) {
          id = resume;
          resume = undefined;
        } else {
          id = await this.lifecycle.start(statement, attempt, deadline);
          if (!id) throw new UnavailableError('malformed_response');
          ledger?.record(statementKey, id);
        }
        this.running.add(id);
        let execution: Awaited<ReturnType<QueryLifecycle['waitFor']>>;
        try {
          execution = await this.lifecycle.waitFor(id, deadline);
        } catch (error) {
          // Athena forgets executions after a while: one it no longer knows is started afresh.
          if (resumed && error instanceof AthenaCallError && error.type === 'InvalidRequestException') {
            this.running.delete(id);
            attempt--;
            continue;
          }
          throw error;
        }
        this.running.delete(id);
        const status = execution.Status ?? {};
        if (status.State === 'SUCCEEDED') {
          const { columnNames, rows } = await this.lifecycle.readResults(id, options.maxRows, deadline);
          const scanned = execution.Statistics?.DataScannedInBytes;
          return {
            columnNames,
            rows,
            elapsedMs: performance.now() - wallStarted,
            ...(typeof scanned === 'number' ? { bytesScanned: scanned } : {}),
          };
        }
        const error = status.AthenaError;
        if (status.State === 'CANCELLED' && SCAN_LIMIT.test(status.StateChangeReason ?? '')) {
          throw new ApiError('RESULT_TOO_LARGE', 'The query would scan more data than the workgroup allows. Narrow the range or filters.', {
            reason: 'scan_limit',
          });
        }
        // A retryable failure (or a cancellation we did not ask for, e.g. an execution reused through
        // an idempotent token) gets one fresh start with a new token.
        const restartable = status.State === 'CANCELLED' || error?.Retryable === true;
        if (restartable && attempt === 0) continue;
        if (status.State === 'CANCELLED') {
          throw new ApiError('ENGINE_UNAVAILABLE', 'Athena could not run the query (cancelled). Try again later.', { reason: 'athena_cancelled' });
        }
        const failure = failureOf(status);
        // Athena's message can quote the statement or the lake's paths: it goes to the operator only.
        this.log({
          event: 'athena_query_failed',
          queryExecutionId: id,
          errorCategory: error?.ErrorCategory,
          errorType: error?.ErrorType,
          retryable: error?.Retryable,
          message: error?.ErrorMessage ?? status.StateChangeReason,
          code: failure.code,
          reason: failure.details?.reason,
        });
        throw failure;
      }
    } catch (error) {
      if (id !== undefined && this.running.has(id)) await this.stop(id);
      if (error instanceof ApiError) throw error;
      if (error instanceof DeadlineError) {
        throw new ApiError('QUERY_TIMEOUT', `The query took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped.`, {
          reason: 'timeout',
          timeoutMs: options.timeoutMs,
        });
      }
      if (error instanceof UnavailableError) {
        throw new ApiError('ENGINE_UNAVAILABLE', 'Athena is not answering right now. Try again later.', { reason: error.reason });
      }
      if (error instanceof AthenaCallError) {
        // The message can quote the statement or name the role: the operator gets it, the caller the type.
        this.log({ event: 'athena_call_refused', op: error.op, status: error.status, errorType: error.type, message: error.message });
        if (error.type === 'InvalidRequestException') {
          throw new ApiError('INTERNAL', 'Athena rejected the request the metrics service sent. The data team has been told.', {
            reason: 'engine_rejected_statement',
            retryable: false,
            athenaError: error.type,
          });
        }
        throw new ApiError('ENGINE_UNAVAILABLE', `Athena refused the request (${error.type}). Check the engine's credentials and configuration.`, {
          reason: 'athena_refused',
          retryable: false,
          athenaError: error.type,
        });
      }
      throw error;
    } finally {
      if (id !== undefined) this.running.delete(id);
    }
  }

  async snapshot(): Promise<LakeManifest> {
    try {
      return await this.options.manifest();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      this.log({ event: 'lake_manifest_unreadable', message: causeOf(error) });
      throw new ApiError('ENGINE_UNAVAILABLE', 'The lake manifest cannot be read.', { reason: 'lake_missing' });
    }
  }

  async history(): Promise<LakeHistory> {
    if (!this.options.history) return { entries: [], version: 'none' };
    try {
      return await this.options.history();
    } catch (error) {
      this.log({ event: 'lake_history_unreadable', message: causeOf(error) });
      throw new ApiError('ENGINE_UNAVAILABLE', 'The lake history cannot be read.', { reason: 'lake_history_unreadable' });
    }
  }

  async health(): Promise<{ reachable: boolean; detail?: string }> {
    try {
      const output = await this.client.call<{ WorkGroup?: { State?: string } }>('GetWorkGroup', { WorkGroup: this.options.workGroup }, this.now() + 5_000);
      if (output.WorkGroup?.State && output.WorkGroup.State !== 'ENABLED') {
        return { reachable: false, detail: `The Athena workgroup ${this.options.workGroup} is ${output.WorkGroup.State.toLowerCase()}.` };
      }
      return { reachable: true };
    } catch (error) {
      if (error instanceof AthenaCallError) {
        this.log({ event: 'athena_call_refused', op: error.op, status: error.status, errorType: error.type, message: error.message });
        return { reachable: false, detail: `Athena refused the health check (${error.type}).` };
      }
      this.log({ event: 'athena_health_failed', message: causeOf(error) });
      return { reachable: false, detail: 'Athena did not answer.' };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.running].map((id) => this.stop(id)));
  }
}

/** The message of an error and of its cause (fetch's "fetch failed" hides ECONNREFUSED in `cause`). */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
