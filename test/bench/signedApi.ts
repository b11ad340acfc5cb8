/** The real local HTTP server around a MetricsService, and a SigV4 client for it (as api.bench.ts measures the API). */
import { AwsClient } from 'aws4fetch';
import { startLocalServer } from '../../src/api/server';
import type { MetricsService } from '../../src/api/service';
import { DEV_CREDENTIALS } from '../../src/contract/devCredentials';
import type { QueryRequest, QueryResult } from '../../src/contract/types';

export interface SignedApi {
  /** One signed POST /v1/query: its wall time and answer. */
  post(request: QueryRequest): Promise<{ ms: number; status: number; body: QueryResult }>;
  close(): Promise<void>;
}

export async function startSignedApi(service: MetricsService): Promise<SignedApi> {
  const server = await startLocalServer({
    service,
    config: {
      host: '127.0.0.1',
      port: 0,
      region: 'ap-northeast-1',
      credentials: [{ ...DEV_CREDENTIALS }],
      usesDevCredentials: true,
      rateLimitPerSecond: 0,
      rateLimitBurst: 0,
      queryTimeoutMs: 120_000,
      // Never a 202: every measured request is answered in its own round trip.
      syncBudgetMs: 120_000,
    },
    log: () => undefined,
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
