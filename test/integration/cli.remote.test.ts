/** The CLI's HTTP client against servers that misbehave: every failure names the URL and its cause. */
import { createServer, type Server, type Socket } from 'node:net';
import { remoteGet, remoteQuery } from '../../src/cli/remote';
import { ApiError } from '../../src/contract/errors';
import type { MetricList } from '../../src/contract/types';
import { createTestLake } from '../support/lake';
import { startLocalApi } from '../support/localApi';
import { RemoteError } from '../../src/cli/remote';

const request = { metric: 'revenue', from: '2024-01-01', to: '2025-01-01' };

describe('remoteQuery', () => {
  let server: Server;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  test('a server that accepts the connection and never answers times out, naming the URL', async () => {
    server = createServer((socket) => sockets.push(socket)); // reads nothing, says nothing
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const started = Date.now();
    const failure = await remoteQuery(request, { baseUrl: url, timeoutMs: 300 }).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(RemoteError);
    expect((failure as RemoteError).message).toBe(`Cannot reach ${url}/v1/query: no answer within 0.3 s.`);
    expect((failure as RemoteError).sentence('ja')).toBe(`${url}/v1/query に接続できません: 0.3 秒以内に応答がありませんでした。`);
  });

  test('a server that hangs up mid-answer is named as such', async () => {
    server = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const failure = await remoteQuery(request, { baseUrl: url, timeoutMs: 5_000 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RemoteError);
    expect((failure as RemoteError).message).toMatch(new RegExp(`^Cannot reach ${url}/v1/query: the connection was closed before an answer`));
  });
});

describe('remote calls follow the access policy', () => {
  test('they carry no person: a restricted metric is FORBIDDEN with its own reason and absent from the list; others answer', async () => {
    const lake = await createTestLake({ scale: 0.05 });
    const api = await startLocalApi(lake.dir);
    try {
      const options = { baseUrl: api.server.url, env: {} };
      const refused = await remoteQuery({ ...request, metric: 'gross_margin' }, options).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApiError);
      expect([(refused as ApiError).code, (refused as ApiError).details?.reason]).toEqual(['FORBIDDEN', 'restricted_metric']);
      const list = await remoteGet<MetricList>('/v1/metrics', options);
      expect(list.metrics.map((metric) => metric.name)).not.toContain('gross_margin');
      expect((await remoteQuery(request, options)).rows.length).toBe(1);
    } finally {
      await api.close();
      lake.remove();
    }
  }, 60_000);
});
