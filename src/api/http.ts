/**
 * Transport-neutral request handling shared by the local server and the Lambda handler: content
 * type and JSON checks, rate limiting, routing, error mapping and the access log. Authentication
 * happens before this (SigV4 in the local server, IAM in API Gateway) and arrives as `principal`.
 */
import { ApiError } from '../contract/errors';
import type { AccessLogger } from './accessLog';
import { auditedRoute, auditLineOf, isAnswer, loggedQueryId } from './auditLine';
import { withAuditScope, type AuditSubject } from './auditScope';
import type { RateLimiter } from './rateLimit';
import { matchRoute } from './routes';
import type { MetricsService } from './service';
import { identify } from './identity/identify';
import type { IdTokenVerifier } from './identity/idToken';

export interface ApiRequest {
  method: string;
  /** The path without the query string, still percent-encoded. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: string;
  principal: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface HttpContext {
  service: MetricsService;
  rateLimiter?: RateLimiter;
  log: AccessLogger;
  /** Reports unexpected failures (with stacks) to the operator, never to the caller. */
  reportInternal: (error: unknown) => void;
  /** Verifies the person's ID token (`X-Snaq-Id-Token`); absent: no person is ever identified. */
  idTokens?: IdTokenVerifier;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function errorResponse(error: ApiError, extraHeaders: Record<string, string> = {}): ApiResponse {
  return { status: error.status, headers: { ...JSON_HEADERS, ...extraHeaders }, body: JSON.stringify(error.toBody()) };
}

/** What the caller sees of a bug: a stable code and a plain sentence, never a stack. */
export const INTERNAL_MESSAGE = 'Something went wrong on our side. Try again; if it persists, tell the data team.';

function decodeBody(request: ApiRequest): unknown {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw new ApiError('INVALID_ARGUMENT', 'Send the request body as JSON with Content-Type: application/json.', {
      reason: 'unsupported_content_type',
    });
  }
  try {
    return JSON.parse(request.body);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'The request body is not valid JSON.', { reason: 'invalid_json' });
  }
}

/** `Prefer: wait=8` → 8000 (RFC 7240); absent or malformed → no preference. */
export function preferredWaitMs(prefer: string | undefined): number | undefined {
  const match = /(?:^|[,;\s])wait=(\d{1,5})(?:$|[,;\s])/i.exec(prefer ?? '');
  return match ? Number(match[1]) * 1000 : undefined;
}

/** Retry-After is whole seconds (RFC 9110); the details carry milliseconds for clients that want them. */
function retryAfterSeconds(error: ApiError): number {
  const ms = Number(error.details?.retryAfterMs);
  return Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : Number(error.details?.retryAfterSeconds ?? 1);
}

interface LogFields {
  metric?: string;
  code?: string;
  reason?: string;
  cached?: boolean;
  queryId?: string;
}

export async function handleApiRequest(request: ApiRequest, context: HttpContext): Promise<ApiResponse> {
  const started = performance.now();
  let routeName = request.path;
  let fields: LogFields;
  let response: ApiResponse;
  let answerBody: unknown;
  let subject: AuditSubject | undefined;
  // The verified person (X-Snaq-Id-Token), for the audit line.
  let email: string | undefined;
  try {
    let match: ReturnType<typeof matchRoute>;
    try {
      match = matchRoute(request.method, request.path);
    } catch {
      throw new ApiError('INVALID_ARGUMENT', 'The request path is not valid percent-encoding.', { reason: 'invalid_path' });
    }
    if (!match) throw new ApiError('INVALID_ARGUMENT', `There is no route ${request.path}.`, { reason: 'unknown_route' });
    if ('allowed' in match) {
      throw new ApiError('INVALID_ARGUMENT', `Use ${match.allowed.join(' or ')} for ${request.path}.`, { reason: 'method_not_allowed' });
    }
    routeName = match.route.pattern;
    const retryAfter = context.rateLimiter?.take(request.principal) ?? 0;
    if (retryAfter > 0) {
      throw new ApiError('RATE_LIMITED', `Too many requests. Retry in ${retryAfter} s.`, {
        reason: 'rate_limited',
        retryAfterSeconds: retryAfter,
        retryAfterMs: retryAfter * 1000,
      });
    }
    const body = request.method === 'POST' ? decodeBody(request) : undefined;
    // Before any route runs: a token that fails is refused, whatever was asked.
    const person = await identify(request.headers, context.idTokens);
    email = person?.email;
    const route = match.route;
    const scoped = await withAuditScope(() =>
      route.handle({
        service: context.service,
        params: match.params,
        query: request.query,
        body,
        principal: request.principal,
        caller: context.service.callerFor(request.principal, person?.email),
        waitMs: preferredWaitMs(request.headers.prefer),
      }),
    );
    subject = scoped.subject;
    if ('error' in scoped) throw scoped.error;
    const result = scoped.result;
    answerBody = result.body;
    const meta = (result.body as { meta?: { cached?: boolean; queryId?: string } }).meta;
    fields = { metric: result.metric, cached: meta?.cached, queryId: meta?.queryId };
    response = { status: result.status, headers: { ...JSON_HEADERS }, body: JSON.stringify(result.body) };
  } catch (error) {
    if (error instanceof ApiError) {
      const retry: Record<string, string> = error.code === 'RATE_LIMITED' ? { 'retry-after': String(retryAfterSeconds(error)) } : {};
      response = errorResponse(error, retry);
      const named = error.details?.metric;
      // Only a name the catalog knows: an unknown one is the caller's free text.
      const metric = typeof named === 'string' && context.service.catalog.get(named) ? named : undefined;
      fields = { code: error.code, metric, reason: typeof error.details?.reason === 'string' ? error.details.reason : undefined };
    } else {
      context.reportInternal(error);
      response = errorResponse(new ApiError('INTERNAL', INTERNAL_MESSAGE));
      fields = { code: 'INTERNAL' };
    }
  }
  const time = new Date().toISOString();
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  const audited = auditedRoute(request.method, routeName);
  if (audited && isAnswer(response.status)) {
    context.log(
      auditLineOf({
        time,
        principal: request.principal,
        ...(email ? { email } : {}),
        method: request.method,
        route: audited,
        status: response.status,
        durationMs,
        subject,
        ...(fields.code ? { error: { code: fields.code, reason: fields.reason, metric: fields.metric } } : { body: answerBody }),
      }),
    );
    return response;
  }
  context.log({
    time,
    principal: request.principal,
    method: request.method,
    route: routeName,
    ...(fields.metric ? { metric: fields.metric } : {}),
    status: response.status,
    ...(fields.code ? { code: fields.code } : {}),
    durationMs,
    ...(fields.cached !== undefined ? { cached: fields.cached } : {}),
    ...(fields.queryId ? { queryId: loggedQueryId(fields.queryId) } : {}),
  });
  return response;
}
