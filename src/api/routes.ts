/** The v1 route table: one place that maps a method and path to the service. Both adapters use it. */
import type { MetricsService } from './service';
import type { Caller } from '../catalog/accessPolicy';

export interface RouteContext {
  service: MetricsService;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The decoded JSON body (POST only). */
  body: unknown;
  principal: string;
  /** The principal and, when the request carried a verified ID token, the person (with their groups now). */
  caller: Caller;
  /** From `Prefer: wait=N` (RFC 7240): how long the client is willing to wait, in ms. */
  waitMs?: number;
}

export interface RouteResult {
  status: number;
  body: unknown;
  /** For the access log. */
  metric?: string;
}

export interface Route {
  method: 'GET' | 'POST';
  /** `{name}` matches one path segment. */
  pattern: string;
  handle(context: RouteContext): Promise<RouteResult>;
}

const ok = (body: unknown, metric?: string): RouteResult => ({ status: 200, body, metric });
/** A 200 answer or a 202 to poll, logged under the metric either carries. */
const answered = (outcome: { status: number; body: { meta: { metric?: string } } }): RouteResult => ({
  status: outcome.status,
  body: outcome.body,
  metric: outcome.body.meta.metric,
});

export const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: '/v1/metrics', handle: async ({ service, query, caller }) => ok(service.listMetrics(query.search, caller)) },
  {
    method: 'GET',
    pattern: '/v1/metrics/{name}',
    handle: async ({ service, params, caller }) => ok(await service.getMetric(params.name!, caller), params.name),
  },
  {
    method: 'GET',
    pattern: '/v1/metrics/{name}/dimensions/{dimension}/values',
    handle: async ({ service, params, caller }) => ok(await service.dimensionValues(params.name!, params.dimension!, caller), params.name),
  },
  {
    method: 'POST',
    pattern: '/v1/query',
    handle: async ({ service, body, caller, waitMs }) => answered(await service.query(body, caller, waitMs)),
  },
  {
    method: 'GET',
    pattern: '/v1/query/{id}',
    handle: async ({ service, params, caller, waitMs }) => answered(await service.queryStatus(params.id!, caller, waitMs)),
  },
  {
    method: 'POST',
    pattern: '/v1/forecast',
    handle: async ({ service, body, caller, waitMs }) => answered(await service.forecastWithin(body, caller, waitMs)),
  },
  {
    method: 'POST',
    pattern: '/v1/anomalies',
    handle: async ({ service, body, caller, waitMs }) => answered(await service.anomaliesWithin(body, caller, waitMs)),
  },
  { method: 'GET', pattern: '/v1/freshness', handle: async ({ service }) => ok(await service.freshness()) },
  {
    method: 'GET',
    pattern: '/v1/health',
    // A degraded service answers 503, so load balancers and monitors see it without reading the body.
    handle: async ({ service }) => {
      const report = await service.health();
      return { status: report.status === 'ok' ? 200 : 503, body: report };
    },
  },
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Finds the route for a path; `params` are percent-decoded. Returns the routes of the path when only the method differs. */
export function matchRoute(method: string, path: string): RouteMatch | { allowed: string[] } | undefined {
  const segments = path.split('/');
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const pattern = route.pattern.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const segment = segments[i]!;
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = decodeURIComponent(segment);
        return segment.length > 0;
      }
      return part === segment;
    });
    if (!matches) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : undefined;
}
