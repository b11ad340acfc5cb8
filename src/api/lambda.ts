/**
 * The AWS front door: API Gateway (REST, payload v1, or HTTP API, payload v2) → Lambda → the same
 * route table as the local server. API Gateway has already checked the SigV4 signature (IAM
 * auth); the caller's IAM principal comes from the request context, for the access log and audit.
 */
import { ApiError } from '../contract/errors';
import { LIMITS } from '../contract/limits';
import type { AccessLogger } from './accessLog';
import { errorResponse, handleApiRequest, type ApiResponse } from './http';
import type { MetricsService } from './service';

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
}

function isV2(event: LambdaEvent): event is LambdaEventV2 {
  return (event as LambdaEventV2).version === '2.0';
}

function lowerCaseHeaders(headers: Record<string, string | undefined> | null | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

/** An HTTP API's rawPath keeps a named stage ("/prod/v1/query"); the routes start at /v1. */
function routePath(event: LambdaEvent): string {
  if (!isV2(event)) return event.path;
  const stage = event.requestContext.stage;
  return stage && stage !== '$default' && event.rawPath.startsWith(`/${stage}/`) ? event.rawPath.slice(stage.length + 1) : event.rawPath;
}

function queryOf(event: LambdaEvent): Record<string, string> {
  if (!isV2(event)) return { ...(event.queryStringParameters ?? {}) };
  const query: Record<string, string> = {};
  for (const pair of (event.rawQueryString ?? '').split('&')) {
    if (!pair) continue;
    const [key = '', value = ''] = pair.split('=');
    try {
      query[decodeURIComponent(key.replace(/\+/g, ' '))] = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      // a malformed pair is ignored, as URLSearchParams would keep it undecoded
    }
  }
  return query;
}

function principalOf(event: LambdaEvent): string | undefined {
  const arn = isV2(event) ? event.requestContext.authorizer?.iam?.userArn : event.requestContext?.identity?.userArn;
  return arn ?? undefined;
}

function toResult(response: ApiResponse): LambdaResult {
  return { statusCode: response.status, headers: response.headers, body: response.body, isBase64Encoded: false };
}

export function createLambdaHandler(deps: () => Promise<LambdaDeps>): (event: LambdaEvent) => Promise<LambdaResult> {
  return async (event) => {
    const { service, log, reportInternal } = await deps();
    const principal = principalOf(event);
    if (!principal) {
      // Only possible if the API was deployed without IAM auth: refuse rather than serve anonymously.
      return toResult(errorResponse(new ApiError('UNAUTHENTICATED', 'The request carries no IAM identity.', { reason: 'signature' })));
    }
    const raw = event.body ?? '';
    const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (Buffer.byteLength(body) > LIMITS.maxBodyBytes) {
      return toResult(errorResponse(new ApiError('INVALID_ARGUMENT', 'The request body is larger than 1 MB.', { reason: 'body_too_large' })));
    }
    const response = await handleApiRequest(
      {
        method: isV2(event) ? event.requestContext.http.method : event.httpMethod,
        path: routePath(event),
        query: queryOf(event),
        headers: lowerCaseHeaders(event.headers),
        body,
        principal,
      },
      { service, log, reportInternal },
    );
    return toResult(response);
  };
}
