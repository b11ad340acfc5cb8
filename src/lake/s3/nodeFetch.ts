/**
 * The S3 client's default transport: a fetch over node:http/https that sends exactly the headers
 * it is given. Node's global fetch adds `Cache-Control: no-cache` and `Pragma` to any request with
 * If-None-Match or If-Match (the Fetch standard's cache mode), which S3 would store as the
 * object's Cache-Control on a conditional PutObject, and `Accept-Encoding: gzip`, after which it
 * silently decompresses an object stored with a Content-Encoding. Failures look like fetch's: a
 * TypeError when no answer came or the body was cut short, AbortError/TimeoutError on the signal.
 */
import http from 'node:http';
import https from 'node:https';

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function networkError(message: string, cause: unknown): TypeError {
  return new TypeError(message, { cause });
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => (out[name] = value));
  return out;
}

function bodyBytes(body: RequestInit['body']): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('nodeFetch sends only strings, ArrayBuffers and Uint8Arrays');
}

/** The answer's body as a web stream that pauses the socket when nobody reads, and errors as fetch does when cut short. */
function webBody(response: http.IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        controller.error(error);
      };
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) response.pause();
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        controller.close();
      });
      response.on('error', (error) => fail(error.name === 'AbortError' ? error : networkError('terminated', error)));
      response.on('close', () => {
        if (!response.complete) fail(networkError('terminated', new Error('the connection closed before the body ended')));
      });
    },
    pull() {
      response.resume();
    },
    cancel() {
      response.destroy();
    },
  });
}

/** fetch(url, { method, headers, body, signal }) over node:http/https. */
export const nodeFetch: typeof fetch = (input, init = {}) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = bodyBytes(init.body);
    const headers = headerRecord(init.headers);
    if (body) headers['content-length'] = String(body.byteLength);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return reject(signal.reason);
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: init.method ?? 'GET', headers, ...(signal ? { signal } : {}) },
      (response) => {
        const responseHeaders = new Headers();
        for (let i = 0; i < response.rawHeaders.length; i += 2) responseHeaders.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
        const status = response.statusCode ?? 0;
        const empty = init.method === 'HEAD' || NULL_BODY_STATUSES.has(status);
        if (empty) response.resume();
        try {
          resolve(new Response(empty ? null : webBody(response), { status, statusText: response.statusMessage ?? '', headers: responseHeaders }));
        } catch (error) {
          response.destroy();
          reject(networkError('an answer fetch cannot represent', error));
        }
      },
    );
    request.on('error', (error) => reject(error.name === 'AbortError' ? (signal?.reason ?? error) : networkError('fetch failed', error)));
    request.end(body);
  });
