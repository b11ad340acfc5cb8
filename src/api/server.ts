/**
 * The local front door: a node:http server that checks SigV4 exactly as API Gateway's IAM auth
 * would, then hands the request to the shared handler. Bodies are capped while they stream in.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../contract/errors';
import { LIMITS } from '../contract/limits';
import { SIGNING_SERVICE } from '../contract/devCredentials';
import type { AccessLogger } from './accessLog';
import { verifySigV4 } from './auth/verifySigV4';
import { isLoopback, type ServerConfig } from './config';
import { errorResponse, handleApiRequest, INTERNAL_MESSAGE, type ApiResponse } from './http';
import { RateLimiter } from './rateLimit';
import { parseQueryString, parseRequestTarget } from './requestTarget';
import type { MetricsService } from './service';
import { IdTokenVerifier } from './identity/idToken';
import { JwksCache } from './identity/jwks';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LOCAL_JWKS_PATH, type LocalIssuer } from './identity/localIssuer';

/** Serves a request outside the API (the workbench); returns false to leave it to the API. */
export type ExtraHandler = (request: http.IncomingMessage, response: http.ServerResponse) => boolean;

export interface LocalServer {
  url: string;
  server: http.Server;
  /** Serves non-/v1 paths with `handler` (unsigned, so only ever on loopback). */
  mount(handler: ExtraHandler): void;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes connections. */
  close(graceMs?: number): Promise<void>;
}

/** nginx's status for "the client closed the request": logged, never sent. */
const CLIENT_CLOSED_REQUEST = 499;

export interface LocalServerOptions {
  service: MetricsService;
  config: ServerConfig;
  log: AccessLogger;
  reportInternal?: (error: unknown) => void;
  now?: () => number;
  /** Verifies people's ID tokens (Google's issuer, or a test's). */
  idTokens?: IdTokenVerifier;
  /**
   * Trust this local issuer instead (when `idTokens` is absent): its JWKS is served at
   * LOCAL_JWKS_PATH and fetched from there, as Google's would be, so the flow works offline.
   */
  localIssuer?: LocalIssuer;
}

class BodyTooLarge extends Error {}
/** The body did not arrive within `bodyTimeoutMs`. */
class BodyTimeout extends Error {}
/** The client hung up before its body was complete: its doing, not ours. */
class ClientAborted extends Error {}

/** Defaults for the receiving side; each is far above what a real client needs (bodies are ≤ 1 MB). */
const DEFAULT_BODY_TIMEOUT_MS = 10_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;

function readBody(request: http.IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    let complete = false;
    // A body that trickles or stops must not hold a connection (and its buffers) forever.
    const timer = setTimeout(() => fail(new BodyTimeout()), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      request.removeAllListeners('data');
      reject(error);
    };
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume(); // drain without keeping it
        fail(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      complete = true;
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    request.on('error', () => fail(new ClientAborted()));
    request.on('close', () => {
      if (!complete) fail(new ClientAborted());
    });
  });
}

/** The JSON answer for a request whose headers or body took too long, written straight to the socket. */
function requestTimeoutReply(): string {
  const body = JSON.stringify(requestTimeoutError().toBody());
  return `HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

function requestTimeoutError(): ApiError {
  return new ApiError('REQUEST_TIMEOUT', 'The request did not arrive in time. Send it again in one go.', { reason: 'body_timeout' });
}

function send(response: http.ServerResponse, result: ApiResponse): void {
  response.writeHead(result.status, { ...result.headers, 'content-length': Buffer.byteLength(result.body) });
  response.end(result.body);
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(',') : value;
  return flat;
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { service, config, log } = options;
  if (config.usesDevCredentials && !isLoopback(config.host)) {
    throw new Error(
      `Refusing to listen on ${config.host} with the public development key. Set SNAQ_ACCESS_KEY_ID and SNAQ_SECRET_ACCESS_KEY, or use 127.0.0.1.`,
    );
  }
  const reportInternal = options.reportInternal ?? ((error: unknown) => console.error('[snaq] internal error:', error));
  const rateLimiter = new RateLimiter(config.rateLimitPerSecond, config.rateLimitBurst);
  const credentials = new Map(config.credentials.map((credential) => [credential.accessKeyId, credential]));

  let extra: ExtraHandler | undefined;
  // Set once the address is known when the server trusts its own local issuer.
  let idTokens = options.idTokens;
  // Node checks the headers and request timeouts on this interval; the default (30 s) would let a
  // stalled client hold its socket up to 30 s past the timeout.
  const checkingIntervalMs = Math.min(1_000, config.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS);
  const server = http.createServer({ connectionsCheckingInterval: checkingIntervalMs }, async (request, response) => {
    if (options.localIssuer && request.method === 'GET' && request.url === LOCAL_JWKS_PATH) {
      return send(response, {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
        body: options.localIssuer.jwks(),
      });
    }
    if (extra && !(request.url ?? '/').startsWith('/v1/') && extra(request, response)) return;
    const started = performance.now();
    const method = request.method ?? 'GET';
    const rawUrl = request.url ?? '/';
    // One split of the target for the verifier and the router, so both read the same parameters.
    const target = parseRequestTarget(rawUrl);
    const path = target?.path ?? rawUrl;
    const reject = (error: ApiError, principal = '-') => {
      send(response, errorResponse(error));
      log({
        time: new Date().toISOString(),
        principal,
        method,
        route: path,
        status: error.status,
        code: error.code,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    };
    try {
      let body: Buffer;
      try {
        body = await readBody(request, LIMITS.maxBodyBytes, config.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          response.setHeader('connection', 'close');
          return reject(new ApiError('INVALID_ARGUMENT', 'The request body is larger than 1 MB.', { reason: 'body_too_large' }));
        }
        if (error instanceof BodyTimeout) {
          response.setHeader('connection', 'close');
          reject(requestTimeoutError());
          response.once('finish', () => request.socket.destroySoon());
          return;
        }
        if (error instanceof ClientAborted) {
          // Nobody is left to answer: one log line, no stack, no INTERNAL.
          return log({
            time: new Date().toISOString(),
            principal: '-',
            method,
            route: path,
            status: CLIENT_CLOSED_REQUEST,
            code: 'CLIENT_CLOSED_REQUEST',
            durationMs: Math.round((performance.now() - started) * 100) / 100,
          });
        }
        throw error;
      }
      const verdict = verifySigV4(
        { method, rawUrl, headers: request.headers, body },
        {
          region: config.region,
          service: SIGNING_SERVICE,
          credentials: (accessKeyId) => credentials.get(accessKeyId),
          now: options.now,
        },
      );
      if (!verdict.ok) {
        return reject(new ApiError('UNAUTHENTICATED', `The request signature was not accepted: ${verdict.reason}`, { reason: 'signature' }));
      }
      const result = await handleApiRequest(
        {
          method,
          path,
          query: parseQueryString(target?.rawQuery ?? ''),
          headers: flatHeaders(request.headers),
          body: body.toString('utf8'),
          principal: verdict.principal,
        },
        { service, rateLimiter, log, reportInternal, idTokens },
      );
      send(response, result);
    } catch (error) {
      reportInternal(error);
      if (!response.headersSent) reject(new ApiError('INTERNAL', INTERNAL_MESSAGE));
    }
  });
  // Even a request Node cannot parse gets a JSON error, never Node's plain-text one.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return socket.end(requestTimeoutReply());
    const body = JSON.stringify(new ApiError('INVALID_ARGUMENT', 'The request is not valid HTTP.', { reason: 'invalid_http' }).toBody());
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  // Node's timeouts bound only *receiving* a request (headers, then the whole request), never the
  // query that follows, which the engine bounds. The body has its own, shorter timer (readBody), so
  // it is answered through the handler; requestTimeout stays a backstop behind it.
  const bodyTimeoutMs = config.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  server.headersTimeout = config.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  server.requestTimeout = server.headersTimeout + bodyTimeoutMs + 1_000;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;
  if (!idTokens && options.localIssuer) {
    if (!isLoopback(config.host))
      throw new Error('The local identity issuer is for development on loopback only: set SNAQ_GOOGLE_CLIENT_ID and SNAQ_GOOGLE_DOMAIN.');
    idTokens = new IdTokenVerifier({
      issuers: [LOCAL_ISSUER],
      audience: LOCAL_AUDIENCE,
      domain: service.accessPolicy().domain,
      keys: new JwksCache({ url: `${url}${LOCAL_JWKS_PATH}` }),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  return {
    url,
    server,
    mount(handler) {
      if (!isLoopback(config.host)) throw new Error('The workbench is unauthenticated and only served on loopback.');
      extra = handler;
    },
    close(graceMs = 10_000) {
      return new Promise((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
