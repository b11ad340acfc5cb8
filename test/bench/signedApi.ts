/** The real local HTTP server around a MetricsService, and a SigV4 client for it (as api.bench.ts measures the API). */
import { AwsClient } from 'aws4fetch';
import type { AccessLogger } from '../../src/api/accessLog';
import { startLocalServer } from '../../src/api/server';
import type { MetricsService } from '../../src/api/service';
import { DEV_CREDENTIALS } from '../../src/contract/devCredentials';
import type { QueryRequest, QueryResult } from '../../src/contract/types';

export interface SignedApi {
  /** One signed POST /v1/query: its wall time and answer. */
  post(request: QueryRequest): Promise<{ ms: number; status: number; body: QueryResult }>;
  close(): Promise<void>;
}

export interface SignedApiOptions {
  /** The server's query timeout and sync budget (default 120 s: never a 202, every request answered in its own round trip). */
  timeoutMs?: number;
  /** Each access-log entry (default: dropped). */
  log?: AccessLogger;
}

export async function startSignedApi(service: MetricsService, options: SignedApiOptions = {}): Promise<SignedApi> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const server = await startLocalServer({
    service,
    config: {
      host: '127.0.0.1',
      port: 0,
      region: 'ap-northeast-1',
      credentials: [{ ...DEV_CREDENTIALS }],
      usesDevCredentials: true,
      // The benches measure the server, not the per-principal limiter.
      rateLimitPerSecond: 0,
      rateLimitBurst: 0,
      queryTimeoutMs: timeoutMs,
      syncBudgetMs: timeoutMs,
    },
    log: options.log ?? (() => undefined),
  });
  const client = new AwsClient({ ...DEV_CREDENTIALS, service: 'execute-api', region: 'ap-northeast-1', retries: 0 });
  return {
    async post(request) {
      const started = performance.now();
      const response = await client.fetch(`${server.url}/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const body = (await response.json()) as QueryResult;
      return { ms: performance.now() - started, status: response.status, body };
    },
    close: () => server.close(),
  };
}
