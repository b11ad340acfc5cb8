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

export interface LocalServerOptions {
  service: MetricsService;
  config: ServerConfig;
  log: AccessLogger;
  reportInternal?: (error: unknown) => void;
  now?: () => number;
}

class BodyTooLarge extends Error {}

function readBody(request: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume(); // drain without keeping it
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
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
  const server = http.createServer(async (request, response) => {
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
        body = await readBody(request, LIMITS.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          response.setHeader('connection', 'close');
          return reject(new ApiError('INVALID_ARGUMENT', 'The request body is larger than 1 MB.', { reason: 'body_too_large' }));
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
        { method, path, query: parseQueryString(target?.rawQuery ?? ''), headers: flatHeaders(request.headers), body: body.toString('utf8'), principal: verdict.principal },
        { service, rateLimiter, log, reportInternal },
      );
      send(response, result);
    } catch (error) {
      reportInternal(error);
      if (!response.headersSent) reject(new ApiError('INTERNAL', INTERNAL_MESSAGE));
    }
  });
  // Even a request Node cannot parse gets a JSON error, never Node's plain-text one.
  server.on('clientError', (_error, socket) => {
    if (!socket.writable) return socket.destroy();
    const body = JSON.stringify(new ApiError('INVALID_ARGUMENT', 'The request is not valid HTTP.', { reason: 'invalid_http' }).toBody());
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.requestTimeout = 0; // queries may legitimately run longer than Node's default; the engine bounds them.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${hostForUrl}:${address.port}`,
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
