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
import { athenaOptionsFromEnv, checkOptions, type AthenaEngineOptions, type FromEnvExtras } from './athena/config';
import { QueryLifecycle } from './athena/lifecycle';
import type { EngineResult, EngineStatement, ExecuteOptions, QueryEngine } from './types';

export type { AthenaCredentials, AthenaEngineOptions } from './athena/config';

export class AthenaEngine implements QueryEngine {
  readonly name = 'athena' as const;
  readonly dialect = 'trino' as const;
  private readonly client: AthenaClient;
  private readonly lifecycle: QueryLifecycle;
  private readonly now: () => number;
  private readonly running = new Set<string>();
  private closed = false;

  constructor(private readonly options: AthenaEngineOptions) {
    checkOptions(options);
    this.now = options.now ?? Date.now;
    this.client = new AthenaClient({
      endpoint: options.endpoint ?? `https://athena.${options.region}.amazonaws.com`,
      region: options.region,
      credentials: options.credentials,
      now: this.now,
      ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
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
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.closed) throw new ApiError('ENGINE_UNAVAILABLE', 'The query engine is shutting down.', { reason: 'closed' });
        id = await this.lifecycle.start(statement, attempt, deadline);
        if (!id) throw new UnavailableError('malformed_response');
        this.running.add(id);
        const execution = await this.lifecycle.waitFor(id, deadline);
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
        if (status.State === 'CANCELLED' && /scan(ned)? limit|bytes scanned/i.test(status.StateChangeReason ?? '')) {
          throw new ApiError('RESULT_TOO_LARGE', 'The query would scan more data than the workgroup allows. Narrow the range or filters.', {
            reason: 'scan_limit',
          });
        }
        // A retryable failure (or a cancellation we did not ask for, e.g. an execution reused through
        // an idempotent token) gets one fresh start with a new token.
        const restartable = status.State === 'CANCELLED' || error?.Retryable === true;
        if (restartable && attempt === 0) continue;
        if (status.State === 'FAILED' && error?.ErrorCategory === 2 && !error.Retryable) {
          // User errors (syntax, types, missing columns): the compiler should make them impossible.
          // Athena's message can quote the statement, so it is not passed on.
          throw new ApiError('INVALID_ARGUMENT', `Athena rejected the compiled statement (error type ${error.ErrorType ?? 'unknown'}).`, {
            reason: 'engine_rejected',
            ...(error.ErrorType !== undefined ? { errorType: error.ErrorType } : {}),
          });
        }
        throw new ApiError('ENGINE_UNAVAILABLE', `Athena could not run the query (${status.State === 'CANCELLED' ? 'cancelled' : 'failed'}). Try again later.`, {
          reason: status.State === 'CANCELLED' ? 'athena_cancelled' : 'athena_failed',
          ...(error?.ErrorType !== undefined ? { errorType: error.ErrorType } : {}),
        });
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
        if (error.type === 'InvalidRequestException') {
          // The message can quote the statement: only the type is passed on.
          throw new ApiError('INVALID_ARGUMENT', 'Athena rejected the request as invalid.', { reason: 'engine_rejected', athenaError: error.type });
        }
        throw new ApiError('ENGINE_UNAVAILABLE', `Athena refused the request (${error.type}). Check the engine's credentials and configuration.`, {
          reason: 'athena_refused',
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
      throw new ApiError('ENGINE_UNAVAILABLE', 'The lake manifest cannot be read.', { reason: 'lake_missing' });
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
      if (error instanceof AthenaCallError) return { reachable: false, detail: `Athena refused the health check (${error.type}).` };
      return { reachable: false, detail: 'Athena did not answer.' };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.running].map((id) => this.stop(id)));
  }
}
