/**
 * The AWS front door: API Gateway (REST, payload v1, or HTTP API, payload v2) → Lambda → the same
 * route table as the local server. API Gateway has already checked the SigV4 signature (IAM
 * auth); the caller's IAM principal comes from the request context, for the access log and audit.
 */
import { ApiError } from '../contract/errors';
import { LIMITS } from '../contract/limits';
import type { AccessLogger } from './accessLog';
import { errorResponse, handleApiRequest, type ApiResponse } from './http';
import { parseQueryString } from './requestTarget';
import type { MetricsService } from './service';
import type { IdTokenVerifier } from './identity/idToken';

export interface LambdaEventV1 {
  version?: '1.0';
  httpMethod: string;
  path: string;
  queryStringParameters?: Record<string, string> | null;
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { stage?: string; identity?: { userArn?: string | null; caller?: string | null } };
}

export interface LambdaEventV2 {
  version: '2.0';
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { stage?: string; http: { method: string }; authorizer?: { iam?: { userArn?: string | null } } };
}

/** The shapes API Gateway sends. The handler accepts any value and reads it without trusting this shape. */
export type LambdaEvent = LambdaEventV1 | LambdaEventV2;

export interface LambdaResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export interface LambdaDeps {
  service: MetricsService;
  log: AccessLogger;
  reportInternal: (error: unknown) => void;
  /** Verifies people's ID tokens (SNAQ_GOOGLE_CLIENT_ID); without it no request names a person. */
  idTokens?: IdTokenVerifier;
}

type Fields = Record<string, unknown>;

/** An object to read fields from; anything else (null, a string, an array) reads as empty. */
function fieldsOf(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Only string values: API Gateway sends nothing else, so anything else is not a header or parameter. */
function stringValues(value: unknown, lowerCaseNames: boolean): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, item] of Object.entries(fieldsOf(value))) {
    if (typeof item === 'string') out[lowerCaseNames ? name.toLowerCase() : name] = item;
  }
  return out;
}

/** What the handler needs from an event, or the error to answer when the event does not carry it. */
type ReadEvent =
  | { ok: true; principal: string; method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string }
  | { ok: false; error: ApiError };

/**
 * Reads an event of either payload version without trusting its shape: a Lambda can be invoked
 * with anything (a test console, a misconfigured integration), and every answer must still be a
 * well-formed response, never a throw.
 */
function readEvent(event: unknown): ReadEvent {
  const fields = fieldsOf(event);
  const context = fieldsOf(fields.requestContext);
  const isV2 = fields.version === '2.0';
  const principal = isV2 ? text(fieldsOf(fieldsOf(context.authorizer).iam).userArn) : text(fieldsOf(context.identity).userArn);
  if (!principal) {
    // Only possible if the API was deployed without IAM auth: refuse rather than serve anonymously.
    return { ok: false, error: new ApiError('UNAUTHENTICATED', 'The request carries no IAM identity.', { reason: 'signature' }) };
  }
  const method = isV2 ? text(fieldsOf(context.http).method) : text(fields.httpMethod);
  const rawPath = isV2 ? text(fields.rawPath) : text(fields.path);
  if (!method || rawPath === undefined) {
    return {
      ok: false,
      error: new ApiError('INVALID_ARGUMENT', 'The event is not an API Gateway proxy request: it has no method or path.', { reason: 'invalid_http' }),
    };
  }
  const raw = fields.body ?? '';
  if (typeof raw !== 'string') {
    return { ok: false, error: new ApiError('INVALID_ARGUMENT', 'The request body must be text.', { reason: 'invalid_body' }) };
  }
  // An HTTP API's rawPath keeps a named stage ("/prod/v1/query"); the routes start at /v1.
  const stage = text(context.stage);
  const path = isV2 && stage && stage !== '$default' && rawPath.startsWith(`/${stage}/`) ? rawPath.slice(stage.length + 1) : rawPath;
  return {
    ok: true,
    principal,
    method,
    path,
    // v2 hands over the raw query: read it exactly as the local server does. v1 has decoded it already.
    query: isV2 ? parseQueryString(text(fields.rawQueryString) ?? '') : stringValues(fields.queryStringParameters, false),
    headers: stringValues(fields.headers, true),
    body: fields.isBase64Encoded === true ? Buffer.from(raw, 'base64').toString('utf8') : raw,
  };
}

function toResult(response: ApiResponse): LambdaResult {
  return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
}

export function createLambdaHandler(
  deps: () => Promise<LambdaDeps>,
  reportStartupFailure: (error: unknown) => void = (error) => console.error('[snaq] cold start failed:', error),
): (event: unknown) => Promise<LambdaResult> {
  return async (event) => {
    let ready: LambdaDeps;
    try {
      ready = await deps();
    } catch (error) {
      // A thrown handler reaches the caller as API Gateway's bare 502; answer our JSON error instead.
      // The cause (a setting, a secret's name) stays in the operator's log.
      reportStartupFailure(error);
      return toResult(
        errorResponse(new ApiError('ENGINE_UNAVAILABLE', 'The metrics service could not start. Try again shortly.', { reason: 'service_not_ready' })),
      );
    }
    const { service, log, reportInternal, idTokens } = ready;
    const request = readEvent(event);
    if (!request.ok) return toResult(errorResponse(request.error));
    if (Buffer.byteLength(request.body) > LIMITS.maxBodyBytes) {
      return toResult(errorResponse(new ApiError('INVALID_ARGUMENT', 'The request body is larger than 1 MB.', { reason: 'body_too_large' })));
    }
    const { principal, method, path, query, headers, body } = request;
    // API Gateway checked the signature; the Authorization header it passes on says which headers it covered.
    return toResult(await handleApiRequest({ method, path, query, headers, body, principal }, { service, log, reportInternal, idTokens }));
  };
}
