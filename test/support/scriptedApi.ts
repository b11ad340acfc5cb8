/**
 * A fake metrics API for add-on tests that need to control time and count requests: it answers
 * `POST /v1/query` with a small table that names the metric and how many times it was served, and
 * can hold the next request for a metric until the test releases it, so two Apps Script executions
 * overlap exactly where the test wants. It does not check signatures (the real API's tests do).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QueryResult } from '../../src/contract/types';

export interface Hold {
  /** Resolves when the held request has arrived (the execution is now waiting on it). */
  arrived: Promise<void>;
  release(): void;
}

export interface ScriptedApi {
  url: string;
  /** Requests per metric (POST /v1/query). */
  served: Map<string, number>;
  /** Every request, in order: method, path, body. */
  requests: Array<{ method: string; path: string; body: string }>;
  /** Holds the next query for `metric` until `release()`. */
  hold(metric: string): Hold;
  /** From now on every request is answered with this status and JSON body instead. */
  failWith(status: number, body: unknown): void;
  /** From now on query answers are what `change` makes of them (e.g. groups hidden); `undefined` goes back to plain ones. */
  reshape(change: ((result: QueryResult) => QueryResult) | undefined): void;
  /** The next `count` requests are cut off before any answer (a transport error for the caller). */
  hangUp(count: number): void;
  close(): Promise<void>;
}

/** The rows a query for `metric` gets on its n-th request: three rows naming both. */
export function scriptedRows(metric: string, n: number): Array<[string, number]> {
  return [1, 2, 3].map((i) => [`${metric} #${n}`, n * 10 + i]);
}

export async function startScriptedApi(): Promise<ScriptedApi> {
  const served = new Map<string, number>();
  const requests: ScriptedApi['requests'] = [];
  const holds = new Map<string, { arrived: () => void; released: Promise<void> }>();
  let failure: { status: number; body: unknown } | undefined;
  let hangUps = 0;
  let reshaped: ((result: QueryResult) => QueryResult) | undefined;

  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', path: request.url ?? '', body });
      const answer = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      if (hangUps > 0) {
        hangUps--;
        return request.socket.destroy();
      }
      if (failure) return answer(failure.status, failure.body);
      if (request.method !== 'POST' || request.url !== '/v1/query') return answer(404, { error: { code: 'INVALID_ARGUMENT', message: 'no such route' } });
      const metric = String((JSON.parse(body) as { metric?: unknown }).metric);
      const n = (served.get(metric) ?? 0) + 1;
      served.set(metric, n);
      const plain: QueryResult = {
        columns: [
          { name: 'label', type: 'string', role: 'dimension', title: { ja: 'ラベル', en: 'label' } },
          { name: 'value', type: 'number', role: 'value', title: { ja: metric, en: metric }, unit: 'count' },
        ],
        rows: scriptedRows(metric, n),
        meta: { metric, generatedAt: new Date().toISOString(), dataAsOf: '2024-07-01T00:00:00Z' },
      };
      const result = reshaped ? reshaped(plain) : plain;
      const held = holds.get(metric);
      if (!held) return answer(200, result);
      holds.delete(metric);
      held.arrived();
      void held.released.then(() => answer(200, result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    requests,
    hold(metric) {
      let arrived!: () => void;
      let release!: () => void;
      const hold: Hold = { arrived: new Promise((resolve) => (arrived = resolve)), release: () => release() };
      holds.set(metric, { arrived, released: new Promise((resolve) => (release = resolve)) });
      return hold;
    },
    failWith(status, body) {
      failure = { status, body };
    },
    reshape(change) {
      reshaped = change;
    },
    hangUp(count) {
      hangUps = count;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
