/**
 * What keeps the workbench safe to run beside the API: it is unauthenticated, so it answers only
 * its own loopback origin, and it shares the API's process, so every body is bounded and checked
 * before any work is done. Errors carry one sentence in Japanese and English.
 */
import type http from 'node:http';

/** A workbench request the user (or another page) got wrong: its status and what to fix. */
export class WorkbenchError extends Error {
  constructor(
    readonly status: number,
    readonly en: string,
    readonly ja: string,
  ) {
    super(en);
    this.name = 'WorkbenchError';
  }
}

/** `{ error }` is what the page and the google.script.run shim read; `ja` is the same sentence in Japanese. */
export function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(text);
}

export function sendError(response: http.ServerResponse, error: WorkbenchError, headers: Record<string, string> = {}): void {
  sendJson(response, error.status, { error: error.en, ja: error.ja }, headers);
}

/**
 * DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1, and the
 * browser then sends it our answers with `Host: evil.example:PORT`. Only the loopback names
 * themselves (and an Origin of exactly them, when the browser sends one) are ours.
 */
export function foreignOrigin(request: http.IncomingMessage): WorkbenchError | undefined {
  const port = request.socket.localPort;
  const ours = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  const host = (request.headers.host ?? '').toLowerCase();
  if (!ours.includes(host)) {
    return new WorkbenchError(
      403,
      `The workbench answers only Host 127.0.0.1:${port} or localhost:${port}.`,
      `ワークベンチは Host が 127.0.0.1:${port} か localhost:${port} のときだけ応答します。`,
    );
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !ours.some((name) => origin.toLowerCase() === `http://${name}`)) {
    return new WorkbenchError(403, 'The workbench answers only pages from its own origin.', 'ワークベンチは自分のページからのリクエストにだけ応答します。');
  }
  return undefined;
}

/**
 * Reads a JSON object body of at most `maxBytes`. Checks the content type first (a text/plain
 * POST is what a foreign page can send without asking), refuses a declared or streamed excess
 * at once, and never turns bad JSON into `{}`.
 */
export function readJsonObject(request: http.IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    request.resume();
    return Promise.reject(
      new WorkbenchError(415, 'Send the body as JSON with Content-Type: application/json.', '本文は Content-Type: application/json の JSON で送ってください。'),
    );
  }
  const tooLarge = new WorkbenchError(413, `The body is larger than ${maxBytes} bytes.`, `本文が ${maxBytes} バイトを超えています。`);
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) {
    request.resume();
    return Promise.reject(tooLarge);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      request.off('data', onData);
      request.resume(); // drain without keeping it
      reject(tooLarge);
    };
    request.on('data', onData);
    request.on('error', reject);
    request.on('end', () => {
      if (size > maxBytes) return;
      const notJson = new WorkbenchError(400, 'The body is not a JSON object.', '本文が JSON のオブジェクトではありません。');
      try {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return reject(notJson);
        resolve(body as Record<string, unknown>);
      } catch {
        reject(notJson);
      }
    });
  });
}
