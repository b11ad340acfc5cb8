/**
 * What a request asked, as the catalog resolved it, carried from the service to the audit line
 * without threading it through every method: http.ts opens a scope per request, the service notes
 * the subject once it has resolved the names. The first note wins, so the series a forecast or an
 * anomaly search reads on its way never replaces the question that was asked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditLine } from '../contract/audit';
import type { ResolvedQuery } from '../catalog/resolve';
import type { MetricDef } from '../catalog/vocabulary';

export type AuditSubject = Pick<
  AuditLine,
  'kind' | 'metric' | 'metricVersion' | 'from' | 'to' | 'grain' | 'dimensions' | 'filters' | 'compare' | 'horizon' | 'dimension'
>;

interface Scope {
  subject?: AuditSubject;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Runs one request's handling; `subject()` says what the service noted during it. */
export async function withAuditScope<T>(
  handle: () => Promise<T>,
): Promise<{ result: T; subject: AuditSubject | undefined } | { error: unknown; subject: AuditSubject | undefined }> {
  const scope: Scope = {};
  try {
    const result = await scopes.run(scope, handle);
    return { result, subject: scope.subject };
  } catch (error) {
    return { error, subject: scope.subject };
  }
}

/** Records what this request is about, unless something was recorded already (or there is no scope: the CLI). */
export function noteAuditSubject(subject: AuditSubject | undefined): void {
  const scope = scopes.getStore();
  if (scope && subject && !scope.subject) scope.subject = subject;
}

/** The subject noted so far in this request, to keep with work answered later (a local 202). */
export function currentAuditSubject(): AuditSubject | undefined {
  return scopes.getStore()?.subject;
}

export function metricSubject(kind: AuditSubject['kind'], metric: MetricDef, extra: Partial<AuditSubject> = {}): AuditSubject {
  return { kind, metric: metric.name, metricVersion: metric.version, ...extra };
}

/** A resolved query: canonical names, typed values; nothing of the body's own text beyond what the catalog accepted. */
export function resolvedSubject(kind: AuditSubject['kind'], request: ResolvedQuery, extra: Partial<AuditSubject> = {}): AuditSubject {
  return metricSubject(kind, request.metric, {
    from: request.from,
    to: request.to,
    ...(request.grain ? { grain: request.grain } : {}),
    ...(request.dimensions.length ? { dimensions: [...request.dimensions] } : {}),
    ...(request.filters.length ? { filters: request.filters.map((filter) => ({ dimension: filter.dimension, values: [...filter.values] })) } : {}),
    ...(request.compare ? { compare: request.compare } : {}),
    ...extra,
  });
}
