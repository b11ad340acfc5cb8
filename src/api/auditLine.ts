/** Builds the audit line of an answered request from what the route returned or threw, and what the service noted. */
import { AUDIT_LINE_TYPE, AUDITED_ROUTES, type AuditedRoute, type AuditKind, type AuditLine } from '../contract/audit';
import { createHash } from 'node:crypto';
import type { AuditSubject } from './auditScope';

/**
 * A query id as logs may hold it: a local id (a UUID) as it is; a signed Lambda id, which carries the
 * request itself (queryTokens.ts), as a short digest, so no body reaches the log by that road.
 */
export function loggedQueryId(queryId: string): string {
  return queryId.length <= 64 ? queryId : `sha256:${createHash('sha256').update(queryId).digest('hex').slice(0, 16)}`;
}

const KIND_OF_ROUTE: Record<AuditedRoute, AuditKind> = {
  'POST /v1/query': 'query',
  'GET /v1/query/{id}': 'query',
  'POST /v1/forecast': 'forecast',
  'POST /v1/anomalies': 'anomalies',
  'GET /v1/metrics': 'list',
  'GET /v1/metrics/{name}': 'metric',
  'GET /v1/metrics/{name}/dimensions/{dimension}/values': 'dimension_values',
};

export function auditedRoute(method: string, pattern: string): AuditedRoute | undefined {
  const key = `${method} ${pattern}`;
  return (AUDITED_ROUTES as readonly string[]).includes(key) ? (key as AuditedRoute) : undefined;
}

/** A 202 is a promise of an answer, not one: its line stays an access line, and the poll that answers is audited. */
export const isAnswer = (status: number): boolean => status !== 202;

export interface AnsweredRequest {
  time: string;
  principal: string;
  email?: string;
  method: string;
  route: AuditedRoute;
  status: number;
  durationMs: number;
  subject?: AuditSubject;
  /** The answer's body (successes), for its meta and row count. */
  body?: unknown;
  /** A refusal: its code and reason, and the metric it named when that is a catalog name. */
  error?: { code: string; reason?: string; metric?: string };
}

interface AnswerShape {
  meta?: { rowCount?: number; bytesScanned?: number; cached?: boolean; snapshotId?: string; queryId?: string };
  rows?: unknown[];
  values?: unknown[];
  metrics?: unknown[];
  anomalies?: unknown[];
}

/** How many rows the answer handed over, whatever its route. */
function rowsOf(body: AnswerShape): number | undefined {
  if (typeof body.meta?.rowCount === 'number') return body.meta.rowCount;
  for (const list of [body.rows, body.values, body.metrics, body.anomalies]) if (Array.isArray(list)) return list.length;
  return undefined;
}

export function auditLineOf(answered: AnsweredRequest): AuditLine {
  const subject: AuditSubject = answered.subject ?? {
    kind: KIND_OF_ROUTE[answered.route],
    ...(answered.error?.metric ? { metric: answered.error.metric } : {}),
  };
  const body = (answered.body ?? {}) as AnswerShape;
  const meta = body.meta ?? {};
  const rows = answered.error ? undefined : rowsOf(body);
  return {
    type: AUDIT_LINE_TYPE,
    time: answered.time,
    principal: answered.principal,
    ...(answered.email ? { email: answered.email } : {}),
    method: answered.method,
    route: answered.route.slice(answered.route.indexOf(' ') + 1),
    ...subject,
    status: answered.status,
    ...(answered.error ? { code: answered.error.code, ...(answered.error.reason ? { reason: answered.error.reason } : {}) } : {}),
    ...(rows !== undefined ? { rows } : {}),
    ...(typeof meta.bytesScanned === 'number' ? { bytesScanned: meta.bytesScanned } : {}),
    ...(typeof meta.cached === 'boolean' ? { cached: meta.cached } : {}),
    ...(meta.snapshotId ? { snapshotId: meta.snapshotId } : {}),
    ...(meta.queryId ? { queryId: loggedQueryId(meta.queryId) } : {}),
    durationMs: answered.durationMs,
  };
}
