/**
 * The production engine: Amazon Athena (engine v3, Trino SQL) over the S3 lake, spoken to through
 * the Athena JSON 1.1 API signed with SigV4 (aws4fetch), without the AWS SDK.
 *
 * One `execute` is: StartQueryExecution (idempotent token) → poll GetQueryExecution with backoff →
 * GetQueryResults page by page. Throttling and 5xx are retried here with jittered exponential
 * backoff inside the caller's deadline; a FAILED query that Athena marks retryable is started once
 * more. Whatever is abandoned while running (deadline, errors, close) is stopped with StopQueryExecution.
 */
import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import { ApiError } from '../contract/errors';
import type { LakeManifest } from '../contract/snapshot';
import type { Cell } from '../contract/types';
import { decodeRow, decoderFor, type AthenaColumnInfo, type AthenaDatum } from './athena/decode';
import type { EngineResult, EngineStatement, ExecuteOptions, QueryEngine } from './types';

export interface AthenaCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AthenaEngineOptions {
  /** Defaults to https://athena.<region>.amazonaws.com. */
  endpoint?: string;
  region: string;
  credentials: AthenaCredentials;
  workGroup: string;
  database: string;
  /** Defaults to AwsDataCatalog. */
  catalog?: string;
  /** s3://… for query results; without it the workgroup's setting applies. */
  outputLocation?: string;
  /** Athena reuses a result at most this old, for free; 0 disables reuse. Default 60. */
  resultReuseMaxAgeMinutes?: number;
  /** First GetQueryExecution poll interval; it grows ×1.5 up to maxPollIntervalMs. Default 200. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** The lake snapshot Athena reads (in production, a manifest object in S3). */
  manifest: () => Promise<LakeManifest>;
  now?: () => number;
  /** Identical statements within one bucket of this length share a ClientRequestToken. Default 60 s. */
  tokenBucketMs?: number;
  /** Retries of one API call on throttling, 5xx or network errors (inside the deadline). Default 5. */
  maxRetries?: number;
  /** First retry delay; doubles each time with full jitter, capped at 5 s. Default 100. */
  retryBaseMs?: number;
}

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']);
const PAGE_SIZE = 1000;
const STOP_TIMEOUT_MS = 3_000;
const MAX_RETRY_DELAY_MS = 5_000;

/** An Athena API call answered with an error that is not worth retrying. */
class AthenaCallError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The caller's deadline passed. */
class DeadlineError extends Error {}

/** Retries exhausted on throttling, 5xx or the network. */
class UnavailableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

interface QueryExecutionStatus {
  State?: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  StateChangeReason?: string;
  AthenaError?: { ErrorCategory?: number; ErrorType?: number; Retryable?: boolean; ErrorMessage?: string };
}

interface GetQueryExecutionOutput {
  QueryExecution?: { QueryExecutionId?: string; Status?: QueryExecutionStatus; Statistics?: { DataScannedInBytes?: number } };
}

interface GetQueryResultsOutput {
  ResultSet?: { Rows?: Array<{ Data?: AthenaDatum[] }>; ResultSetMetadata?: { ColumnInfo?: AthenaColumnInfo[] } };
  NextToken?: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Whitespace-insensitive form of a statement, for the idempotency token. */
function normalise(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

export class AthenaEngine implements QueryEngine {
  readonly name = 'athena' as const;
  readonly dialect = 'trino' as const;
  private readonly client: AwsClient;
  private readonly endpoint: string;
  private readonly now: () => number;
  private readonly running = new Set<string>();
  private closed = false;

  constructor(private readonly options: AthenaEngineOptions) {
    if (!options.region) throw new Error('AthenaEngine needs a region.');
    if (!options.workGroup) throw new Error('AthenaEngine needs a workgroup.');
    if (!options.database) throw new Error('AthenaEngine needs a database.');
    const reuse = options.resultReuseMaxAgeMinutes ?? 60;
    if (!Number.isInteger(reuse) || reuse < 0 || reuse > 10_080) throw new Error('resultReuseMaxAgeMinutes must be an integer from 0 to 10080.');
    this.endpoint = options.endpoint ?? `https://athena.${options.region}.amazonaws.com`;
    this.now = options.now ?? Date.now;
    this.client = new AwsClient({
      accessKeyId: options.credentials.accessKeyId,
      secretAccessKey: options.credentials.secretAccessKey,
      ...(options.credentials.sessionToken ? { sessionToken: options.credentials.sessionToken } : {}),
      service: 'athena',
      region: options.region,
      retries: 0,
    });
  }

  /**
   * Configuration from the environment. Required: SNAQ_ATHENA_REGION, SNAQ_ATHENA_WORKGROUP,
   * SNAQ_ATHENA_DATABASE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY. Optional: SNAQ_ATHENA_OUTPUT
   * (s3://…), SNAQ_ATHENA_REUSE_MINUTES (0–10080, 0 disables reuse), AWS_SESSION_TOKEN, and
   * SNAQ_ATHENA_ENDPOINT (an https URL, or http on loopback, for a test double).
   */
  static fromEnv(
    env: Record<string, string | undefined>,
    extra: { manifest: () => Promise<LakeManifest>; now?: () => number; pollIntervalMs?: number },
  ): AthenaEngine {
    const read = (name: string): string | undefined => {
      const value = env[name]?.trim();
      return value ? value : undefined;
    };
    const required = (name: string, hint: string): string => {
      const value = read(name);
      if (!value) throw new Error(`${name} is not set: ${hint}`);
      return value;
    };
    const region = required('SNAQ_ATHENA_REGION', 'set it to the AWS region of the Athena workgroup, e.g. ap-northeast-1.');
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new Error(`SNAQ_ATHENA_REGION "${region}" is not an AWS region such as ap-northeast-1.`);
    const workGroup = required('SNAQ_ATHENA_WORKGROUP', 'set it to the Athena workgroup that carries the per-query scan limit.');
    if (!/^[a-zA-Z0-9._-]{1,128}$/.test(workGroup)) throw new Error('SNAQ_ATHENA_WORKGROUP may hold only letters, digits, ".", "_" and "-" (at most 128).');
    const database = required('SNAQ_ATHENA_DATABASE', 'set it to the Glue database that holds the lake tables.');
    if (database.length > 255) throw new Error('SNAQ_ATHENA_DATABASE is longer than 255 characters.');
    const outputLocation = read('SNAQ_ATHENA_OUTPUT');
    if (outputLocation !== undefined && !/^s3:\/\/[^/]+/.test(outputLocation)) {
      throw new Error(`SNAQ_ATHENA_OUTPUT must be an s3:// URL such as s3://bucket/athena-results/.`);
    }
    const reuseText = read('SNAQ_ATHENA_REUSE_MINUTES');
    let resultReuseMaxAgeMinutes: number | undefined;
    if (reuseText !== undefined) {
      resultReuseMaxAgeMinutes = Number(reuseText);
      if (!/^\d+$/.test(reuseText) || resultReuseMaxAgeMinutes > 10_080) {
        throw new Error('SNAQ_ATHENA_REUSE_MINUTES must be a whole number of minutes from 0 (no reuse) to 10080.');
      }
    }
    const accessKeyId = required('AWS_ACCESS_KEY_ID', 'the Athena engine signs its requests with AWS credentials.');
    const secretAccessKey = required('AWS_SECRET_ACCESS_KEY', 'the Athena engine signs its requests with AWS credentials.');
    const sessionToken = read('AWS_SESSION_TOKEN');
    const endpoint = read('SNAQ_ATHENA_ENDPOINT');
    if (endpoint !== undefined) {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        throw new Error('SNAQ_ATHENA_ENDPOINT is not a URL.');
      }
      const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        throw new Error('SNAQ_ATHENA_ENDPOINT must be https (plain http only on loopback).');
      }
    }
    return new AthenaEngine({
      region,
      workGroup,
      database,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      ...(endpoint ? { endpoint } : {}),
      ...(outputLocation ? { outputLocation } : {}),
      ...(resultReuseMaxAgeMinutes !== undefined ? { resultReuseMaxAgeMinutes } : {}),
      ...(extra.pollIntervalMs !== undefined ? { pollIntervalMs: extra.pollIntervalMs } : {}),
      manifest: extra.manifest,
      ...(extra.now ? { now: extra.now } : {}),
    });
  }

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

  /** One signed JSON call with retries on throttling, 5xx and network errors, inside `deadline`. */
  private async call<T>(op: string, body: Record<string, unknown>, deadline: number): Promise<T> {
    const maxRetries = this.options.maxRetries ?? 5;
    const base = this.options.retryBaseMs ?? 100;
    let lastReason = 'network';
    for (let attempt = 0; ; attempt++) {
      if (attempt > maxRetries) throw new UnavailableError(lastReason);
      if (attempt > 0) {
        const delay = Math.random() * Math.min(MAX_RETRY_DELAY_MS, base * 2 ** attempt); // full jitter
        await sleep(Math.min(delay, deadline - this.now()));
      }
      const remaining = deadline - this.now();
      if (remaining <= 0) throw new DeadlineError();
      let response: Response;
      try {
        response = await this.client.fetch(this.endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AmazonAthena.${op}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(remaining),
        });
      } catch {
        if (deadline - this.now() <= 0) throw new DeadlineError();
        lastReason = 'network';
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.ok) {
        try {
          return (text ? JSON.parse(text) : {}) as T;
        } catch {
          lastReason = 'malformed_response';
          continue;
        }
      }
      let type = '';
      let message = '';
      try {
        const parsed = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
        type = (parsed.__type ?? '').split('#').pop() ?? '';
        message = parsed.message ?? parsed.Message ?? '';
      } catch {
        // not JSON: judged by status alone
      }
      if (response.status >= 500 || response.status === 429 || THROTTLING.has(type)) {
        lastReason = response.status >= 500 ? `http_${response.status}` : 'throttled';
        continue;
      }
      throw new AthenaCallError(type || `HTTP ${response.status}`, response.status, message);
    }
  }

  /** Best effort, outside the caller's deadline: a stopped query stops costing money. */
  private async stop(queryExecutionId: string): Promise<void> {
    try {
      await this.call('StopQueryExecution', { QueryExecutionId: queryExecutionId }, this.now() + STOP_TIMEOUT_MS);
    } catch {
      // Athena stops it at the workgroup limit anyway.
    } finally {
      this.running.delete(queryExecutionId);
    }
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
  private async waitFor(id: string, deadline: number): Promise<NonNullable<GetQueryExecutionOutput['QueryExecution']>> {
    let interval = this.options.pollIntervalMs ?? 200;
    const maxInterval = this.options.maxPollIntervalMs ?? Math.max(interval, 2_000);
    for (;;) {
      const output = await this.call<GetQueryExecutionOutput>('GetQueryExecution', { QueryExecutionId: id }, deadline);
      const execution = output.QueryExecution ?? {};
      const state = execution.Status?.State;
      if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') return execution;
      if (this.closed) throw new ApiError('ENGINE_UNAVAILABLE', 'The query engine is shutting down.', { reason: 'closed' });
      const remaining = deadline - this.now();
      if (remaining <= 0) throw new DeadlineError();
      await sleep(Math.min(interval, remaining));
      interval = Math.min(maxInterval, Math.ceil(interval * 1.5));
    }
  }

  private async readResults(id: string, maxRows: number, deadline: number): Promise<{ columnNames: string[]; rows: Cell[][] }> {
    const rows: Cell[][] = [];
    let columnNames: string[] = [];
    let decoders: ReturnType<typeof decoderFor>[] | undefined;
    let nextToken: string | undefined;
    let first = true;
    do {
      const page = await this.call<GetQueryResultsOutput>(
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

  async execute(statement: EngineStatement, options: ExecuteOptions): Promise<EngineResult> {
    if (this.closed) throw new ApiError('ENGINE_UNAVAILABLE', 'The query engine is shutting down.');
    const started = this.now();
    const wallStarted = performance.now();
    const deadline = started + options.timeoutMs;
    let id: string | undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.closed) throw new ApiError('ENGINE_UNAVAILABLE', 'The query engine is shutting down.', { reason: 'closed' });
        const token = this.clientRequestToken(statement, attempt);
        const output = await this.call<{ QueryExecutionId?: string }>('StartQueryExecution', this.startInput(statement, token), deadline);
        if (!output.QueryExecutionId) throw new UnavailableError('malformed_response');
        id = output.QueryExecutionId;
        this.running.add(id);
        const execution = await this.waitFor(id, deadline);
        this.running.delete(id);
        const status = execution.Status ?? {};
        if (status.State === 'SUCCEEDED') {
          const { columnNames, rows } = await this.readResults(id, options.maxRows, deadline);
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
      const output = await this.call<{ WorkGroup?: { State?: string } }>('GetWorkGroup', { WorkGroup: this.options.workGroup }, this.now() + 5_000);
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
