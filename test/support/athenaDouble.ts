/**
 * A local stand-in for Amazon Athena's JSON API (loopback only), for testing the Athena engine
 * without AWS.
 *
 * - Every request is checked like the service would: POST /, `X-Amz-Target: AmazonAthena.<Op>`,
 *   `Content-Type: application/x-amz-json-1.1`, the body against the Athena service model
 *   (test/support/athena/model.ts), and the SigV4 signature for service `athena` (the project's own
 *   verifier). Failures answer 400 InvalidRequestException (model) or 403 Invalid/Unrecognized…
 *   (signature) and are listed in `invalid`.
 * - Results are real: a test registers, for each Trino statement the compiler produced, the DuckDB
 *   statement the compiler produced for the same query (`expect`), and the double runs it on a
 *   DuckDbEngine over a sample lake, then answers as Athena would (all strings, header row first on
 *   page 1, ColumnInfo types, NULL as a missing VarCharValue, 1000 rows a page, opaque NextToken).
 *   `expectRows` registers a canned Athena-shaped result instead (for types DuckDB cannot produce).
 *   With `lakeFor` the data is resolved per statement instead (athenaS3Lake.ts: the snapshot each
 *   table names, fetched from S3), and a statement Athena would refuse fails before it runs.
 *   A statement nobody registered FAILS with a SYNTAX_ERROR-like user error and is listed in `unexpected`.
 * - Behaviour is scriptable per statement (timeline of states, failures per execution, hang until
 *   stopped) and globally (throttle or 5xx the next N calls). Every call is recorded in `calls`.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from '../../src/api/auth/verifySigV4';
import type { Cell } from '../../src/contract/types';
import type { DuckDbEngine } from '../../src/engine/duckdb';
import type { EngineStatement } from '../../src/engine/types';
import { validateAthenaRequest } from './athena/model';

export type AthenaState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface AthenaErrorInfo {
  ErrorCategory: 1 | 2 | 3;
  ErrorType: number;
  Retryable: boolean;
  ErrorMessage: string;
}

export interface QueryBehaviour {
  /** States shown before the final one, each for so many ms, e.g. [['QUEUED', 30], ['RUNNING', 30]]. */
  timeline?: Array<[AthenaState, number]>;
  /** The nth execution of this statement fails with failures[n] (undefined → succeeds). */
  failures?: Array<AthenaErrorInfo | undefined>;
  /** Never finishes: RUNNING until stopped. */
  hang?: boolean;
  /** Cancelled by the workgroup's BytesScannedCutoffPerQuery, as Athena does past the per-query limit. */
  scanLimitExceeded?: boolean;
  dataScannedInBytes?: number;
}

export interface CannedResult {
  columns: Array<{ name: string; type: string; precision?: number; scale?: number }>;
  /** Values as Athena prints them; null → no VarCharValue. */
  rows: Array<Array<string | null>>;
}

export interface RecordedCall {
  op: string;
  body: Record<string, unknown>;
  at: number;
  status: number;
  errorType?: string;
}

interface Expectation {
  source: { duckdb: EngineStatement } | { canned: CannedResult };
  behaviour: QueryBehaviour;
  executions: number;
}

interface AthenaTable {
  columnInfo: Array<Record<string, unknown>>;
  rows: Array<Array<string | null>>;
}

interface Execution {
  id: string;
  input: Record<string, unknown>;
  sql: string;
  submittedAt: number;
  expectation?: Expectation;
  failure?: AthenaErrorInfo;
  stoppedAt?: number;
  result?: Promise<AthenaTable>;
}

/** A DuckDB engine over the files one statement reads, and how to let it go (athenaS3Lake.ts builds them from S3). */
export interface StatementLake {
  engine: DuckDbEngine;
  release(): Promise<void>;
}

export interface AthenaDoubleOptions {
  /** The lake every statement runs on; or `lakeFor`, a lake made for each statement. */
  engine?: DuckDbEngine;
  /**
   * Resolves the tables a Trino statement names to data, as Athena does through Glue: called per
   * execution. `refusal` returns why Athena would refuse the statement before running it (a table
   * read without its projected partition), which FAILS the execution as a user error.
   */
  lakeFor?: { refusal(trinoSql: string): string | undefined; open(trinoSql: string): Promise<StatementLake> };
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  workGroup?: string;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const PAGE = 1000;

/** DuckDB column type (from DESCRIBE) → Athena ColumnInfo. */
function columnInfoFor(name: string, duckType: string): Record<string, unknown> {
  const base = { CatalogName: 'hive', SchemaName: '', TableName: '', Name: name, Label: name, Nullable: 'UNKNOWN', CaseSensitive: false };
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duckType);
  if (decimal) return { ...base, Type: 'decimal', Precision: Number(decimal[1]), Scale: Number(decimal[2]) };
  const map: Record<string, [string, number, number]> = {
    VARCHAR: ['varchar', 2147483647, 0],
    BOOLEAN: ['boolean', 0, 0],
    TINYINT: ['tinyint', 3, 0],
    SMALLINT: ['smallint', 5, 0],
    INTEGER: ['integer', 10, 0],
    BIGINT: ['bigint', 19, 0],
    HUGEINT: ['bigint', 19, 0],
    UBIGINT: ['bigint', 19, 0],
    DOUBLE: ['double', 17, 0],
    FLOAT: ['real', 17, 0],
    DATE: ['date', 0, 0],
    TIMESTAMP: ['timestamp', 3, 0],
  };
  const found = map[duckType];
  if (!found) throw new Error(`The Athena double has no mapping for DuckDB type ${duckType}.`);
  return { ...base, Type: found[0], Precision: found[1], Scale: found[2], CaseSensitive: found[0] === 'varchar' };
}

/** Java's Double.toString, as Trino prints doubles: 1.0, 0.5, 1.2345678E7, 1.0E-4. */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) {
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  const text = String(value);
  return text.includes('.') ? text : `${text}.0`;
}

/** A typed cell from DuckDbEngine → the string Athena would print for its type. */
function printCell(cell: Cell, info: Record<string, unknown>): string | null {
  if (cell === null) return null;
  switch (info.Type) {
    case 'boolean':
      return cell ? 'true' : 'false';
    case 'double':
    case 'real':
      return javaDouble(Number(cell));
    case 'decimal':
      return Number(cell).toFixed(Number(info.Scale ?? 0));
    case 'timestamp':
      // DuckDbEngine gives ISO 'YYYY-MM-DDTHH:MM:SS.sssZ'; Athena prints 'YYYY-MM-DD HH:MM:SS.sss'.
      return String(cell).replace('T', ' ').replace(/Z$/, '');
    default:
      return String(cell);
  }
}

export class AthenaDouble {
  readonly calls: RecordedCall[] = [];
  /** Requests refused by the model check or SigV4, with the reason. */
  readonly invalid: Array<{ op: string; reason: string }> = [];
  /** Statements started that no test registered. */
  readonly unexpected: string[] = [];
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly workGroup: string;
  private readonly expectations = new Map<string, Expectation>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, string>();
  private faults: Array<{ remaining: number; ops?: string[]; status: number; type: string; message?: string }> = [];
  private server?: http.Server;
  private port = 0;

  constructor(private readonly options: AthenaDoubleOptions) {
    this.region = options.region ?? 'ap-northeast-1';
    this.accessKeyId = options.accessKeyId ?? 'AKIDATHENADOUBLE';
    this.secretAccessKey = options.secretAccessKey ?? 'athena-double-secret-key/EXAMPLE';
    this.workGroup = options.workGroup ?? 'snaq';
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.handle(req, Buffer.concat(chunks)).then(
          ({ status, body }) => {
            res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': randomUUID() });
            res.end(JSON.stringify(body));
          },
          (error: Error) => {
            res.writeHead(500, { 'Content-Type': CONTENT_TYPE });
            res.end(JSON.stringify({ __type: 'InternalServerException', message: error.message }));
          },
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Answer `trinoSql` (exactly as sent) by running `duckdb` on the lake. */
  expect(trinoSql: string, duckdb: EngineStatement, behaviour: QueryBehaviour = {}): void {
    this.expectations.set(trinoSql, { source: { duckdb }, behaviour, executions: 0 });
  }

  /** Answer `trinoSql` with a canned result, already in Athena's printed form. */
  expectRows(trinoSql: string, canned: CannedResult, behaviour: QueryBehaviour = {}): void {
    this.expectations.set(trinoSql, { source: { canned }, behaviour, executions: 0 });
  }

  /** The next `count` valid calls (of `ops`, or any) answer 400 ThrottlingException (or `type`). */
  throttleNext(count: number, options: { ops?: string[]; type?: 'ThrottlingException' | 'TooManyRequestsException' } = {}): void {
    this.faults.push({ remaining: count, ops: options.ops, status: 400, type: options.type ?? 'ThrottlingException' });
  }

  /** The next `count` valid calls (of `ops`, or any) answer 500 InternalServerException. */
  failNext(count: number, options: { ops?: string[]; status?: number } = {}): void {
    this.faults.push({ remaining: count, ops: options.ops, status: options.status ?? 500, type: 'InternalServerException' });
  }

  /** The next `count` valid calls (of `ops`, or any) are refused with `status` `type` and `message`, e.g. 400 AccessDeniedException from IAM. */
  refuseNext(count: number, refusal: { ops?: string[]; status: number; type: string; message: string }): void {
    this.faults.push({ remaining: count, ...refusal });
  }

  callsOf(op: string): RecordedCall[] {
    return this.calls.filter((call) => call.op === op);
  }

  /** Forget calls, faults and invalid-request records (expectations stay). */
  reset(): void {
    this.calls.length = 0;
    this.invalid.length = 0;
    this.unexpected.length = 0;
    this.faults = [];
  }

  private async handle(req: http.IncomingMessage, raw: Buffer): Promise<{ status: number; body: unknown }> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith('AmazonAthena.') ? target.slice('AmazonAthena.'.length) : '';
    const refuse = (status: number, type: string, message: string, body: Record<string, unknown> = {}) => {
      this.invalid.push({ op: op || target, reason: message });
      this.calls.push({ op: op || target, body, at: Date.now(), status, errorType: type });
      return { status, body: { __type: type, message } };
    };

    const verdict = verifySigV4(
      { method: req.method ?? '', rawUrl: req.url ?? '', headers: req.headers, body: raw },
      {
        region: this.region,
        service: 'athena',
        credentials: (id) => (id === this.accessKeyId ? { secretAccessKey: this.secretAccessKey, principal: 'athena-double' } : undefined),
      },
    );
    if (!verdict.ok) {
      const type = verdict.reason === 'unknown access key id' ? 'UnrecognizedClientException' : 'InvalidSignatureException';
      return refuse(403, type, verdict.reason);
    }
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/') return refuse(400, 'InvalidRequestException', 'Athena takes POST /');
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    if (contentType !== CONTENT_TYPE) return refuse(400, 'InvalidRequestException', `Content-Type must be ${CONTENT_TYPE}`);
    if (!op) return refuse(400, 'InvalidRequestException', 'X-Amz-Target must be AmazonAthena.<Operation>');
    let body: Record<string, unknown>;
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return refuse(400, 'InvalidRequestException', 'The body is not JSON');
    }
    const problems = validateAthenaRequest(op, body);
    if (problems.length) return refuse(400, 'InvalidRequestException', problems.join('; '), body);

    const call: RecordedCall = { op, body, at: Date.now(), status: 200 };
    this.calls.push(call);
    const fault = this.faults.find((candidate) => candidate.remaining > 0 && (!candidate.ops || candidate.ops.includes(op)));
    if (fault) {
      fault.remaining--;
      call.status = fault.status;
      call.errorType = fault.type;
      return { status: fault.status, body: { __type: fault.type, message: fault.message ?? (fault.status === 400 ? 'Rate exceeded' : 'Internal error') } };
    }
    const answer = await this.operation(op, body);
    if ('error' in answer) {
      call.status = 400;
      call.errorType = 'InvalidRequestException';
      return { status: 400, body: { __type: 'InvalidRequestException', message: answer.error, AthenaErrorCode: 'INVALID_INPUT' } };
    }
    return { status: 200, body: answer.ok };
  }

  private async operation(op: string, body: Record<string, unknown>): Promise<{ ok: unknown } | { error: string }> {
    switch (op) {
      case 'StartQueryExecution':
        return this.startQuery(body);
      case 'GetQueryExecution': {
        const execution = this.executions.get(String(body.QueryExecutionId));
        if (!execution) return { error: `QueryExecution ${String(body.QueryExecutionId)} was not found` };
        return { ok: { QueryExecution: this.describe(execution) } };
      }
      case 'GetQueryResults':
        return this.results(body);
      case 'StopQueryExecution': {
        const execution = this.executions.get(String(body.QueryExecutionId));
        if (!execution) return { error: `QueryExecution ${String(body.QueryExecutionId)} was not found` };
        const state = this.stateOf(execution).state;
        if (state === 'QUEUED' || state === 'RUNNING') execution.stoppedAt = Date.now();
        return { ok: {} };
      }
      case 'GetWorkGroup':
        if (body.WorkGroup !== this.workGroup) return { error: `WorkGroup ${String(body.WorkGroup)} is not found.` };
        return {
          ok: {
            WorkGroup: {
              Name: this.workGroup,
              State: 'ENABLED',
              Configuration: {
                EnforceWorkGroupConfiguration: true,
                BytesScannedCutoffPerQuery: 10_737_418_240,
                EngineVersion: { EffectiveEngineVersion: 'Athena engine version 3' },
              },
            },
          },
        };
      case 'ListWorkGroups':
        return { ok: { WorkGroups: [{ Name: this.workGroup, State: 'ENABLED' }] } };
      default:
        return { error: `The Athena double does not implement ${op}` };
    }
  }

  private startQuery(body: Record<string, unknown>): { ok: unknown } | { error: string } {
    if (body.WorkGroup !== undefined && body.WorkGroup !== this.workGroup) return { error: `WorkGroup ${String(body.WorkGroup)} is not found.` };
    const token = body.ClientRequestToken as string | undefined;
    if (token !== undefined) {
      const existing = this.tokens.get(token);
      if (existing) {
        if (this.executions.get(existing)!.sql !== body.QueryString) return { error: 'Idempotent parameters do not match' };
        return { ok: { QueryExecutionId: existing } };
      }
    }
    const sql = String(body.QueryString);
    const expectation = this.expectations.get(sql);
    const id = randomUUID();
    const execution: Execution = { id, input: body, sql, submittedAt: Date.now(), expectation };
    const refusal = this.options.lakeFor?.refusal(sql);
    if (refusal) {
      execution.failure = { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: refusal };
    } else if (expectation) {
      execution.failure = expectation.behaviour.failures?.[expectation.executions];
      expectation.executions++;
    } else {
      this.unexpected.push(sql);
      execution.failure = { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: `SYNTAX_ERROR: line 1:1: the double has no answer for: ${sql}` };
    }
    this.executions.set(id, execution);
    if (token !== undefined) this.tokens.set(token, id);
    return { ok: { QueryExecutionId: id } };
  }

  private stateOf(execution: Execution): { state: AthenaState; finishedAt?: number } {
    if (execution.stoppedAt !== undefined) return { state: 'CANCELLED', finishedAt: execution.stoppedAt };
    const behaviour = execution.expectation?.behaviour ?? {};
    if (behaviour.scanLimitExceeded) return { state: 'CANCELLED', finishedAt: execution.submittedAt };
    if (behaviour.hang) return { state: 'RUNNING' };
    let at = execution.submittedAt;
    const now = Date.now();
    for (const [state, ms] of behaviour.timeline ?? []) {
      at += ms;
      if (now < at) return { state };
    }
    return { state: execution.failure ? 'FAILED' : 'SUCCEEDED', finishedAt: at };
  }

  private describe(execution: Execution): Record<string, unknown> {
    const { state, finishedAt } = this.stateOf(execution);
    const done = state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED';
    const input = execution.input;
    return {
      QueryExecutionId: execution.id,
      Query: execution.sql,
      StatementType: 'DML',
      ResultConfiguration: { OutputLocation: `s3://athena-double-results/${execution.id}.csv` },
      ...(input.ResultReuseConfiguration ? { ResultReuseConfiguration: input.ResultReuseConfiguration } : {}),
      QueryExecutionContext: input.QueryExecutionContext ?? {},
      Status: {
        State: state,
        SubmissionDateTime: execution.submittedAt / 1000,
        ...(done && finishedAt !== undefined ? { CompletionDateTime: finishedAt / 1000 } : {}),
        ...(state === 'CANCELLED'
          ? {
              StateChangeReason: execution.expectation?.behaviour.scanLimitExceeded
                ? 'Query cancelled! : Bytes scanned limit was exceeded'
                : 'Query was cancelled by the user',
            }
          : {}),
        ...(state === 'FAILED' && execution.failure ? { StateChangeReason: execution.failure.ErrorMessage, AthenaError: execution.failure } : {}),
      },
      Statistics: {
        EngineExecutionTimeInMillis: done && finishedAt !== undefined ? finishedAt - execution.submittedAt : 0,
        ...(state === 'SUCCEEDED' ? { DataScannedInBytes: execution.expectation?.behaviour.dataScannedInBytes ?? 1_234_567 } : {}),
        ResultReuseInformation: { ReusedPreviousResult: false },
      },
      WorkGroup: input.WorkGroup ?? 'primary',
      EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
    };
  }

  private async table(execution: Execution): Promise<AthenaTable> {
    const source = execution.expectation!.source;
    if ('canned' in source) {
      return {
        columnInfo: source.canned.columns.map((column) => ({
          CatalogName: 'hive',
          SchemaName: '',
          TableName: '',
          Name: column.name,
          Label: column.name,
          Type: column.type,
          Precision: column.precision ?? 0,
          Scale: column.scale ?? 0,
          Nullable: 'UNKNOWN',
          CaseSensitive: column.type === 'varchar',
        })),
        rows: source.canned.rows,
      };
    }
    const lake = this.options.lakeFor ? await this.options.lakeFor.open(execution.sql) : undefined;
    const engine = lake?.engine ?? this.options.engine;
    if (!engine) throw new Error('The Athena double was given neither an engine nor lakeFor.');
    try {
      const limits = { timeoutMs: 30_000, maxRows: 10_000_000 };
      const described = await engine.execute({ sql: `DESCRIBE ${source.duckdb.sql}`, params: source.duckdb.params }, limits);
      const columnInfo = described.rows.map((row) => columnInfoFor(String(row[0]), String(row[1])));
      const result = await engine.execute(source.duckdb, limits);
      return { columnInfo, rows: result.rows.map((row) => row.map((cell, i) => printCell(cell, columnInfo[i]!))) };
    } finally {
      await lake?.release();
    }
  }

  private async results(body: Record<string, unknown>): Promise<{ ok: unknown } | { error: string }> {
    const id = String(body.QueryExecutionId);
    const execution = this.executions.get(id);
    if (!execution) return { error: `QueryExecution ${id} was not found` };
    const { state } = this.stateOf(execution);
    if (state !== 'SUCCEEDED') return { error: `Query has not yet finished. Current state: ${state}` };
    execution.result ??= this.table(execution);
    const table = await execution.result;
    let offset = 0; // position in [header, ...rows]
    if (body.NextToken !== undefined) {
      const decoded = /^([0-9a-f-]+):(\d+)$/.exec(Buffer.from(String(body.NextToken), 'base64url').toString('utf8'));
      if (!decoded || decoded[1] !== id) return { error: 'The NextToken is not valid for this query' };
      offset = Number(decoded[2]);
    }
    const size = Math.min(PAGE, Number(body.MaxResults ?? PAGE));
    const all = table.rows.length + 1;
    const end = Math.min(all, offset + size);
    const rows: Array<{ Data: Array<{ VarCharValue?: string }> }> = [];
    for (let i = offset; i < end; i++) {
      const values = i === 0 ? table.columnInfo.map((column) => String(column.Name)) : table.rows[i - 1]!;
      rows.push({ Data: values.map((value) => (value === null ? {} : { VarCharValue: value })) });
    }
    return {
      ok: {
        UpdateCount: 0,
        ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: table.columnInfo } },
        ...(end < all ? { NextToken: Buffer.from(`${id}:${end}`).toString('base64url') } : {}),
      },
    };
  }
}

export async function startAthenaDouble(options: AthenaDoubleOptions): Promise<AthenaDouble> {
  return new AthenaDouble(options).start();
}
