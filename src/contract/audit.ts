/**
 * The audit line: one JSON line per answer of a metric route (query, forecast, anomalies, a
 * metric's page, its dimension values, the catalog list), refused ones included. The service
 * writes it (api/http.ts), `snaq audit` reads it, and the CloudWatch Logs Insights queries of the
 * stack (infra/auditQueries.ts) name its fields: one type, so the three cannot drift.
 *
 * It never holds request bodies, tokens, signatures or personal data. Filter values are the ones
 * the catalog resolved (canonical dimension names, typed, deduplicated, sorted); a value the
 * catalog refused is never logged.
 */
import type { Comparison, FilterScalar } from './types';

/** The `type` of every audit line; other lines of the same stream (access lines, operator logs) lack it. */
export const AUDIT_LINE_TYPE = 'snaq.audit';

/** Routes whose answers are audited (method and pattern): those that answer about a metric. */
export const AUDITED_ROUTES = [
  'POST /v1/query',
  'GET /v1/query/{id}',
  'POST /v1/forecast',
  'POST /v1/anomalies',
  'GET /v1/metrics',
  'GET /v1/metrics/{name}',
  'GET /v1/metrics/{name}/dimensions/{dimension}/values',
] as const;

export type AuditedRoute = (typeof AUDITED_ROUTES)[number];

/** Which question the answer was about; a poll says the kind of the request it finishes. */
export type AuditKind = 'query' | 'forecast' | 'anomalies' | 'metric' | 'dimension_values' | 'list';

/** Kinds whose answers carry the metric's numbers: what `snaq audit --unused` counts as use. */
export const KINDS_THAT_PULL_NUMBERS: readonly AuditKind[] = ['query', 'forecast', 'anomalies'];

export interface AuditFilter {
  dimension: string;
  values: FilterScalar[];
}

export interface AuditLine {
  type: typeof AUDIT_LINE_TYPE;
  /** When the answer was sent (ISO UTC). */
  time: string;
  // who
  /** The IAM principal (an ARN on AWS, the access key's principal locally). */
  principal: string;
  /** The person, when their Google ID token was verified. */
  email?: string;
  // what
  method: string;
  /** The route pattern, as in access lines: `/v1/query`, `/v1/metrics/{name}`. */
  route: string;
  kind: AuditKind;
  metric?: string;
  metricVersion?: number;
  from?: string;
  to?: string;
  grain?: string;
  dimensions?: string[];
  filters?: AuditFilter[];
  /** Queries with `compare`: the earlier period was read too. */
  compare?: Comparison;
  /** Forecasts: periods ahead. */
  horizon?: number;
  /** Dimension values: which dimension. */
  dimension?: string;
  // outcome
  status: number;
  code?: string;
  reason?: string;
  rows?: number;
  bytesScanned?: number;
  cached?: boolean;
  snapshotId?: string;
  queryId?: string;
  durationMs: number;
}

/**
 * The field names, spelled once, for readers that cannot import a TypeScript type (Logs Insights
 * queries). Each must be a key of AuditLine, so a renamed field fails to compile here.
 */
export const AUDIT_FIELDS = fieldNames(
  'type',
  'time',
  'principal',
  'email',
  'route',
  'kind',
  'metric',
  'metricVersion',
  'from',
  'to',
  'grain',
  'compare',
  'status',
  'code',
  'reason',
  'rows',
  'bytesScanned',
  'cached',
  'snapshotId',
  'durationMs',
);

function fieldNames<K extends keyof AuditLine>(...names: K[]): { readonly [N in K]: N } {
  return Object.fromEntries(names.map((name) => [name, name])) as { [N in K]: N };
}

const isString = (value: unknown): value is string => typeof value === 'string';
const optional = (value: unknown, check: (v: unknown) => boolean) => value === undefined || check(value);
const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

/** Whether a parsed JSON value is an audit line (the fields every reader relies on, with their types). */
export function isAuditLine(value: unknown): value is AuditLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const line = value as Record<string, unknown>;
  return (
    line.type === AUDIT_LINE_TYPE &&
    isString(line.time) &&
    !Number.isNaN(Date.parse(line.time)) &&
    isString(line.principal) &&
    isString(line.route) &&
    isString(line.kind) &&
    isNumber(line.status) &&
    isNumber(line.durationMs) &&
    optional(line.email, isString) &&
    optional(line.metric, isString) &&
    optional(line.rows, isNumber) &&
    optional(line.cached, (v) => typeof v === 'boolean') &&
    optional(line.dimensions, (v) => Array.isArray(v) && v.every(isString)) &&
    optional(line.filters, (v) => Array.isArray(v) && v.every((f) => typeof f === 'object' && f !== null && isString((f as AuditFilter).dimension)))
  );
}
