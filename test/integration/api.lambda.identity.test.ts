/**
 * The person on Lambda: API Gateway has checked the SigV4 signature (IAM auth) and passes the
 * Authorization header on, so the adapter can see which headers it covered. The ID token is
 * verified against the keys published at the configured URL (here a local issuer's JWKS, served
 * to the verifier by a fake fetch), in REST (v1) and HTTP API (v2) events alike.
 */
import { createLambdaHandler, type LambdaEventV1, type LambdaEventV2 } from '../../src/api/lambda';
import { idTokenVerifier, identityConfigFromEnv } from '../../src/api/identity/config';
import { MetricsService } from '../../src/api/service';
import { loadCatalog } from '../../src/catalog/catalog';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { createTestLake, type TestLake } from '../support/lake';
import { publicJwk, signRs256 } from '../../src/api/identity/localIssuer';
import { generateKeyPairSync } from 'node:crypto';

const GOOGLE_KID = 'google-key-1';
const CLIENT_ID = '123-abc.apps.googleusercontent.com';
const USER_ARN = 'arn:aws:iam::123456789012:user/snaq-sheets-addon';
const FINANCE = 'hanako.sato@snaq.me';
const QUERY = JSON.stringify({ metric: 'gross_margin', from: '2024-01-01', to: '2024-04-01', grain: 'month' });

let lake: TestLake;
let engine: DuckDbEngine;
let handler: ReturnType<typeof createLambdaHandler>;
const keyFetches: string[] = [];

/** What Google would sign for this person of this add-on. */
function googleToken(email: string, change: Record<string, unknown> = {}, key = testIssuerKey): string {
  const now = Math.floor(Date.now() / 1000);
  return signRs256(
    { iss: 'https://accounts.google.com', aud: CLIENT_ID, sub: '42', email, email_verified: true, hd: 'snaq.me', iat: now, exp: now + 3600, ...change },
    key,
    GOOGLE_KID,
  );
}
const testIssuerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  engine = await DuckDbEngine.open({ lakeDir: lake.dir, connections: 1 });
  const service = new MetricsService(loadCatalog(), engine);
  const config = identityConfigFromEnv({ SNAQ_GOOGLE_CLIENT_ID: CLIENT_ID, SNAQ_GOOGLE_DOMAIN: 'snaq.me', SNAQ_GOOGLE_JWKS_URL: 'https://keys.example/certs' });
  const idTokens = idTokenVerifier(config!, {
    fetch: async (url) => {
      keyFetches.push(url);
      return { status: 200, body: JSON.stringify({ keys: [publicJwk(testIssuerKey, GOOGLE_KID)] }), cacheControl: 'public, max-age=3600' };
    },
  });
  handler = createLambdaHandler(async () => ({ service, log: () => undefined, reportInternal: () => undefined, idTokens }));
}, 60_000);
afterAll(async () => {
  await engine?.close();
  lake?.remove();
});

const authorization = (signed: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/ap-northeast-1/execute-api/aws4_request, SignedHeaders=${signed}, Signature=${'a'.repeat(64)}`;

function v1(headers: Record<string, string>): LambdaEventV1 {
  return {
    httpMethod: 'POST',
    path: '/v1/query',
    queryStringParameters: null,
    headers: { Host: 'abc123.execute-api.ap-northeast-1.amazonaws.com', 'Content-Type': 'application/json', 'X-Amz-Date': '20261129T000000Z', ...headers },
    body: QUERY,
    isBase64Encoded: false,
    requestContext: { stage: 'prod', identity: { userArn: USER_ARN, caller: 'AIDAEXAMPLE' } },
  };
}

function v2(headers: Record<string, string>): LambdaEventV2 {
  return {
    version: '2.0',
    rawPath: '/prod/v1/query',
    rawQueryString: '',
    headers: { host: 'abc123.execute-api.ap-northeast-1.amazonaws.com', 'content-type': 'application/json', ...headers },
    body: QUERY,
    isBase64Encoded: false,
    requestContext: { stage: 'prod', http: { method: 'POST' }, authorizer: { iam: { userArn: USER_ARN } } },
  };
}

const reasonOf = (body: string): unknown => (JSON.parse(body) as { error?: { details?: { reason?: string } } }).error?.details?.reason;

test.each([
  ['v1', v1],
  ['v2', v2],
] as const)('%s: a signed token of a finance member answers; none is refused; an unsigned one is 401', async (_name, event) => {
  const signed = authorization('content-type;host;x-amz-date;x-snaq-id-token');
  // API Gateway keeps header names as sent: the adapter reads them in any case.
  const ok = await handler(event({ Authorization: signed, 'X-Snaq-Id-Token': googleToken(FINANCE) }));
  expect(ok.statusCode).toBe(200);
  expect((JSON.parse(ok.body) as { meta: { restricted?: boolean } }).meta.restricted).toBe(true);

  const anonymous = await handler(event({ Authorization: authorization('content-type;host;x-amz-date') }));
  expect([anonymous.statusCode, reasonOf(anonymous.body)]).toEqual([403, 'restricted_metric']);

  const unsigned = await handler(event({ Authorization: authorization('content-type;host;x-amz-date'), 'X-Snaq-Id-Token': googleToken(FINANCE) }));
  expect([unsigned.statusCode, reasonOf(unsigned.body)]).toEqual([401, 'id_token_unsigned']);

  const someoneElse = await handler(event({ Authorization: signed, 'X-Snaq-Id-Token': googleToken('jiro.suzuki@snaq.me') }));
  expect([someoneElse.statusCode, reasonOf(someoneElse.body)]).toEqual([403, 'restricted_metric']);
});

test.each([
  ['a token for another add-on', { aud: 'other.apps.googleusercontent.com' }],
  ['an expired token', { exp: Math.floor(Date.now() / 1000) - 3600 }],
  ['another domain', { hd: 'example.com', email: 'hanako@example.com' }],
])('%s is refused with 401', async (_name, change) => {
  const answer = await handler(
    v1({ Authorization: authorization('content-type;host;x-amz-date;x-snaq-id-token'), 'X-Snaq-Id-Token': googleToken(FINANCE, change) }),
  );
  expect([answer.statusCode, reasonOf(answer.body)]).toEqual([401, 'id_token']);
});

test('a forged token (another key) is refused, and the keys were fetched once from the configured URL', async () => {
  const forged = googleToken(FINANCE, {}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const answer = await handler(v1({ Authorization: authorization('content-type;host;x-amz-date;x-snaq-id-token'), 'X-Snaq-Id-Token': forged }));
  expect([answer.statusCode, reasonOf(answer.body)]).toEqual([401, 'id_token']);
  expect(keyFetches).toEqual(['https://keys.example/certs']);
});

test('configuration: a client id without a domain, or keys over plain http elsewhere than loopback, are refused at start', () => {
  expect(identityConfigFromEnv({})).toBeUndefined();
  expect(() => identityConfigFromEnv({ SNAQ_GOOGLE_CLIENT_ID: CLIENT_ID })).toThrow(/SNAQ_GOOGLE_DOMAIN/);
  expect(() =>
    identityConfigFromEnv({ SNAQ_GOOGLE_CLIENT_ID: CLIENT_ID, SNAQ_GOOGLE_DOMAIN: 'snaq.me', SNAQ_GOOGLE_JWKS_URL: 'http://keys.example/certs' }),
  ).toThrow(/https/);
  expect(identityConfigFromEnv({ SNAQ_GOOGLE_CLIENT_ID: CLIENT_ID, SNAQ_GOOGLE_DOMAIN: 'Snaq.me' })).toEqual({
    audience: CLIENT_ID,
    domain: 'snaq.me',
    jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
    issuers: ['https://accounts.google.com', 'accounts.google.com'],
  });
});
