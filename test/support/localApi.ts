/** A real local server on a real lake, and an independent SigV4 client (aws4fetch) to call it. */
import { AwsClient } from 'aws4fetch';
import { loadCatalog } from '../../src/catalog/catalog';
import type { AccessLogEntry } from '../../src/api/accessLog';
import type { ServerConfig } from '../../src/api/config';
import { startLocalServer, type LocalServer } from '../../src/api/server';
import { MetricsService, type ServiceOptions } from '../../src/api/service';
import { DEV_CREDENTIALS } from '../../src/contract/devCredentials';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { CountingEngine } from './countingEngine';
import { generateKeyPairSync } from 'node:crypto';
import { localIssuerFrom, type LocalIssuer } from '../../src/api/identity/localIssuer';
import { ID_TOKEN_HEADER } from '../../src/api/identity/identify';

export const REGION = 'ap-northeast-1';
export const SECOND_KEY = { accessKeyId: 'AKIDSECONDPRINCIPAL1', secretAccessKey: 'second-secret', principal: 'second' };

export interface LocalApi {
  server: LocalServer;
  service: MetricsService;
  engine: CountingEngine;
  log: AccessLogEntry[];
  internalErrors: unknown[];
  client: AwsClient;
  /** The local issuer the server trusts (keys generated for this test process). */
  issuer: LocalIssuer;
  /** Headers that make a signed request come from this person (aws4fetch signs them). */
  as(email: string): Record<string, string>;
  close(): Promise<void>;
}

let issuer: LocalIssuer | undefined;
/** One key pair per test process: RSA generation is the slow part. */
export function testIssuer(): LocalIssuer {
  issuer ??= localIssuerFrom(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'test-local');
  return issuer;
}

export function signingClient(credentials: { accessKeyId: string; secretAccessKey: string } = DEV_CREDENTIALS, region = REGION): AwsClient {
  return new AwsClient({ ...credentials, service: 'execute-api', region, retries: 0 });
}

export async function startLocalApi(
  lakeDir: string,
  options: { service?: Partial<ServiceOptions>; config?: Partial<ServerConfig>; engine?: CountingEngine } = {},
): Promise<LocalApi> {
  const engine = options.engine ?? new CountingEngine(await DuckDbEngine.open({ lakeDir, connections: 2 }));
  const service = new MetricsService(loadCatalog(), engine, options.service);
  const log: AccessLogEntry[] = [];
  const internalErrors: unknown[] = [];
  const server = await startLocalServer({
    service,
    config: {
      host: '127.0.0.1',
      port: 0,
      region: REGION,
      credentials: [{ ...DEV_CREDENTIALS }, SECOND_KEY],
      usesDevCredentials: true,
      rateLimitPerSecond: 0,
      rateLimitBurst: 0,
      queryTimeoutMs: 30_000,
      syncBudgetMs: 20_000,
      ...options.config,
    },
    log: (entry) => log.push(entry),
    reportInternal: (error) => internalErrors.push(error),
    localIssuer: testIssuer(),
  });
  return {
    server,
    service,
    engine,
    log,
    internalErrors,
    client: signingClient(),
    issuer: testIssuer(),
    as: (email) => ({ [ID_TOKEN_HEADER]: testIssuer().tokenFor(email) }),
    async close() {
      await server.close(1_000);
      await engine.close();
    },
  };
}
