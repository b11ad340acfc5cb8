/**
 * src/lake/s3/credentials.ts: static credentials from the environment, the container credentials
 * endpoint (relative and full URI, tokens) against a local HTTP server, caching and refresh on an
 * injected clock, and messages that name variables but never hold a secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENDPOINT_TIMEOUT_MS, REFRESH_WINDOW_MS, credentialsFromEnv } from '../../src/lake/s3/credentials';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRET';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE//TOKEN';
const AUTH_TOKEN = 'container-auth-token-EXAMPLE';
const T0 = Date.parse('2026-06-01T00:00:00Z');
const noSleep = async () => undefined;

/** A container credentials endpoint: answers from `script` in turn (the last one repeats), records every request. */
class CredentialsEndpoint {
  readonly requests: Array<{ url: string; authorization?: string }> = [];
  script: Array<{ status?: number; body?: unknown; delayMs?: number; hang?: boolean }> = [];
  private server?: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.requests.push({ url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      const step = this.script[Math.min(this.requests.length - 1, this.script.length - 1)] ?? {};
      if (step.hang) return;
      setTimeout(() => {
        res.writeHead(step.status ?? 200, { 'Content-Type': 'application/json' });
        res.end(typeof step.body === 'string' ? step.body : JSON.stringify(step.body ?? {}));
      }, step.delayMs ?? 0);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

const answer = (id: string, expiresAt: number) => ({
  body: { AccessKeyId: id, SecretAccessKey: SECRET, Token: TOKEN, Expiration: new Date(expiresAt).toISOString(), RoleArn: 'arn:aws:iam::123456789012:role/x' },
});

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}

function expectNoSecret(text: string): void {
  for (const secret of [SECRET, TOKEN, AUTH_TOKEN]) expect(text).not.toContain(secret);
}

describe('static credentials', () => {
  test('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, with AWS_SESSION_TOKEN when set', async () => {
    const source = credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKIDSTATIC', AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: TOKEN });
    expect(await source.get()).toEqual({ accessKeyId: 'AKIDSTATIC', secretAccessKey: SECRET, sessionToken: TOKEN });
    expect(source.describe).toMatch(/AWS_ACCESS_KEY_ID/);
    expectNoSecret(source.describe);
    expect(source.describe).not.toContain('AKIDSTATIC');
  });

  test('they win over the container endpoint, as in the SDKs', async () => {
    const fetch = jest.fn();
    const source = credentialsFromEnv(
      { AWS_ACCESS_KEY_ID: 'AKIDSTATIC', AWS_SECRET_ACCESS_KEY: SECRET, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' },
      { fetch: fetch as unknown as typeof globalThis.fetch },
    );
    expect((await source.get()).accessKeyId).toBe('AKIDSTATIC');
    expect(fetch).not.toHaveBeenCalled();
  });

  test('half a pair names the missing variable and never the value given', () => {
    const noId = messageOf(() => credentialsFromEnv({ AWS_SECRET_ACCESS_KEY: SECRET }));
    expect(noId).toMatch(/AWS_ACCESS_KEY_ID is not/);
    expectNoSecret(noId);
    expect(messageOf(() => credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKIDSTATIC' }))).toMatch(/AWS_SECRET_ACCESS_KEY is not/);
  });

  test('none configured: one sentence naming every variable that would do', () => {
    const message = messageOf(() => credentialsFromEnv({ AWS_ACCESS_KEY_ID: '  ', PATH: '/usr/bin' }));
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ]) {
      expect(message).toContain(name);
    }
  });
});

describe('the container credentials endpoint', () => {
  let endpoint: CredentialsEndpoint;
  let dir: string;
  beforeEach(async () => {
    endpoint = await new CredentialsEndpoint().start();
  });
  afterEach(async () => {
    await endpoint.close();
  });
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'snaq-s3-credentials-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is read from http://169.254.170.2, without an Authorization header', async () => {
    endpoint.script = [answer('ASIARELATIVE', T0 + 3_600_000)];
    const urls: string[] = [];
    // 169.254.170.2 exists only inside ECS: the request is sent to the local server instead.
    const fetch: typeof globalThis.fetch = (input, init) => {
      urls.push(String(input));
      return globalThis.fetch(String(input).replace('http://169.254.170.2', endpoint.url), init);
    };
    const source = credentialsFromEnv(
      { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/1c3e-uuid', AWS_CONTAINER_AUTHORIZATION_TOKEN: AUTH_TOKEN },
      { fetch, now: () => T0 },
    );
    expect(await source.get()).toEqual({ accessKeyId: 'ASIARELATIVE', secretAccessKey: SECRET, sessionToken: TOKEN, expiration: T0 + 3_600_000 });
    expect(urls).toEqual(['http://169.254.170.2/v2/credentials/1c3e-uuid']);
    expect(endpoint.requests).toEqual([{ url: '/v2/credentials/1c3e-uuid' }]);
    expect(source.describe).toBe('the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)');
  });

  test('AWS_CONTAINER_CREDENTIALS_FULL_URI on loopback with AWS_CONTAINER_AUTHORIZATION_TOKEN as the Authorization header', async () => {
    endpoint.script = [answer('ASIAFULL', T0 + 3_600_000)];
    const source = credentialsFromEnv(
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: AUTH_TOKEN },
      { now: () => T0 },
    );
    expect((await source.get()).accessKeyId).toBe('ASIAFULL');
    expect(endpoint.requests).toEqual([{ url: '/creds', authorization: AUTH_TOKEN }]);
  });

  test('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE wins over the token and is read again at each refresh (EKS rotates it)', async () => {
    const file = path.join(dir, 'token');
    writeFileSync(file, 'token-from-file-1\n');
    let now = T0;
    endpoint.script = [answer('ASIA1', T0 + 10 * 60_000), answer('ASIA2', T0 + 60 * 60_000)];
    const source = credentialsFromEnv(
      {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: AUTH_TOKEN,
      },
      { now: () => now },
    );
    await source.get();
    writeFileSync(file, 'token-from-file-2');
    now += 6 * 60_000;
    await source.get();
    expect(endpoint.requests.map((request) => request.authorization)).toEqual(['token-from-file-1', 'token-from-file-2']);
  });

  test('a full URI must be https, or http on loopback or the ECS/EKS credentials hosts', () => {
    for (const uri of ['http://example.com/creds', 'http://10.0.0.5/creds', 'ftp://127.0.0.1/x', 'not a url']) {
      expect(messageOf(() => credentialsFromEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri }))).toMatch(
        /AWS_CONTAINER_CREDENTIALS_FULL_URI (must be https|is not a URL)/,
      );
    }
    for (const uri of ['https://creds.example.com/x', 'http://127.0.0.1:9/x', 'http://localhost/x', 'http://[::1]/x', 'http://169.254.170.23/v1/credentials']) {
      expect(() => credentialsFromEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: uri })).not.toThrow();
    }
    expect(messageOf(() => credentialsFromEnv({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: 'v2/creds' }))).toMatch(/must be a path beginning with "\/"/);
  });

  test('cached until less than 5 minutes remain, then refreshed', async () => {
    let now = T0;
    endpoint.script = [answer('ASIA1', T0 + 15 * 60_000), answer('ASIA2', T0 + 75 * 60_000)];
    const source = credentialsFromEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds` }, { now: () => now });
    expect((await source.get()).accessKeyId).toBe('ASIA1');
    now = T0 + 15 * 60_000 - REFRESH_WINDOW_MS - 1; // 5 min + 1 ms left
    expect((await source.get()).accessKeyId).toBe('ASIA1');
    expect(endpoint.requests).toHaveLength(1);
    now += 2; // just under 5 minutes left
    expect((await source.get()).accessKeyId).toBe('ASIA2');
    expect(endpoint.requests).toHaveLength(2);
  });

  test('concurrent callers share one fetch', async () => {
    endpoint.script = [{ ...answer('ASIASHARED', T0 + 3_600_000), delayMs: 100 }];
    const source = credentialsFromEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds` }, { now: () => T0 });
    const all = await Promise.all(Array.from({ length: 20 }, () => source.get()));
    expect(new Set(all.map((credentials) => credentials.accessKeyId))).toEqual(new Set(['ASIASHARED']));
    expect(endpoint.requests).toHaveLength(1);
  });

  test('a failed refresh keeps the credentials still valid, logs no secret, and tries again 10 s later', async () => {
    let now = T0;
    const log: Array<Record<string, unknown>> = [];
    endpoint.script = [answer('ASIA1', T0 + 15 * 60_000), { status: 500, body: { message: `oops ${SECRET}` } }];
    const source = credentialsFromEnv(
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds` },
      { now: () => now, sleep: noSleep, log: (entry) => log.push(entry) },
    );
    await source.get();
    now = T0 + 12 * 60_000; // 3 minutes left: refresh, which fails 3 times
    expect((await source.get()).accessKeyId).toBe('ASIA1');
    expect(endpoint.requests).toHaveLength(1 + 3);
    expect(log).toEqual([
      expect.objectContaining({ event: 's3_credentials_refresh_failed', error: expect.stringMatching(/answered HTTP 500 \(attempt 3 of 3\)/) }),
    ]);
    expectNoSecret(JSON.stringify(log));
    expect(JSON.stringify(log)).not.toContain('ASIA1');

    now += 5_000; // within the quiet 10 s: the cached ones, no request
    expect((await source.get()).accessKeyId).toBe('ASIA1');
    expect(endpoint.requests).toHaveLength(4);

    now = T0 + 15 * 60_000 + 1; // expired, and the endpoint still fails: an error, without secrets
    const message = await rejection(source.get());
    expect(message).toMatch(/^The container credentials endpoint \(AWS_CONTAINER_CREDENTIALS_FULL_URI\) answered HTTP 500 \(attempt 3 of 3\)\.$/);
    expectNoSecret(message);
  });

  test('5xx are retried (3 attempts in all), 4xx are not', async () => {
    endpoint.script = [{ status: 503 }, { status: 500 }, answer('ASIA3', T0 + 3_600_000)];
    const retried = credentialsFromEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds` }, { now: () => T0, sleep: noSleep });
    expect((await retried.get()).accessKeyId).toBe('ASIA3');
    expect(endpoint.requests).toHaveLength(3);

    endpoint.requests.length = 0;
    endpoint.script = [{ status: 403, body: { message: 'bad token' } }];
    const refused = credentialsFromEnv(
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: AUTH_TOKEN },
      { sleep: noSleep },
    );
    const message = await rejection(refused.get());
    expect(message).toBe('The container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) answered HTTP 403 (attempt 1 of 3).');
    expect(endpoint.requests).toHaveLength(1);
  });

  test('an endpoint that does not answer in time is given up on after each timeout (default 2 s)', async () => {
    expect(ENDPOINT_TIMEOUT_MS).toBe(2_000);
    endpoint.script = [{ hang: true }];
    const source = credentialsFromEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds` }, { sleep: noSleep, endpointTimeoutMs: 100 });
    const started = Date.now();
    expect(await rejection(source.get())).toMatch(/did not answer within 100 ms \(attempt 3 of 3\)/);
    expect(endpoint.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('an answer without keys, or not JSON, is refused without quoting it', async () => {
    endpoint.script = [{ body: { AccessKeyId: 'ASIAHALF', Token: TOKEN } }];
    const half = credentialsFromEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds` }, { sleep: noSleep });
    const message = await rejection(half.get());
    expect(message).toMatch(/answered without SecretAccessKey/);
    expectNoSecret(message);

    endpoint.script = [{ body: `<html>${SECRET}</html>` }];
    const garbled = credentialsFromEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds` }, { sleep: noSleep });
    const garbledMessage = await rejection(garbled.get());
    expect(garbledMessage).toMatch(/did not answer JSON/);
    expectNoSecret(garbledMessage);
  });

  test('a token with a line break is refused before it becomes a header, naming the variable only', async () => {
    const source = credentialsFromEnv({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: `${AUTH_TOKEN}\r\nX-Evil: 1`,
    });
    const message = await rejection(source.get());
    expect(message).toMatch(/AWS_CONTAINER_AUTHORIZATION_TOKEN gives an authorization token with a line break/);
    expectNoSecret(message);
    expect(endpoint.requests).toHaveLength(0);
  });
});
