/**
 * The ID token verifier, with keys generated here: what Google signs is accepted, and every forgery
 * or misuse the issue lists is refused (forged signature, wrong audience, expired, another domain,
 * replay after expiry, unknown key, alg none / HS256). The key set's caching and refetching too.
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ApiError } from '../../src/contract/errors';
import { IdTokenVerifier } from '../../src/api/identity/idToken';
import { identify, ID_TOKEN_HEADER } from '../../src/api/identity/identify';
import { JwksCache, JwksUnavailable, maxAgeMs, type JwksResponse } from '../../src/api/identity/jwks';
import { IdTokenRejected } from '../../src/api/identity/jwt';
import { publicJwk, signRs256 } from '../../src/api/identity/localIssuer';

const AUDIENCE = '123-abc.apps.googleusercontent.com';
const DOMAIN = 'snaq.me';
const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const newKey = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const KEY = newKey();
const OTHER_KEY = newKey();

const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: 'https://accounts.google.com',
  aud: AUDIENCE,
  sub: '1234567890',
  email: 'Hanako.Sato@snaq.me',
  email_verified: true,
  hd: DOMAIN,
  iat: T0 / 1000 - 60,
  exp: T0 / 1000 + 3600,
  ...extra,
});

/** A fake key endpoint: serves the given keys, counts fetches, can fail. */
function keyServer(keys: Array<[KeyObject, string]>, cacheControl: string | null = 'public, max-age=600') {
  const server = {
    keys,
    fetches: 0,
    failing: false,
    fetch: async (): Promise<JwksResponse> => {
      server.fetches++;
      if (server.failing) throw new Error('connect ECONNREFUSED');
      return { status: 200, body: JSON.stringify({ keys: server.keys.map(([key, kid]) => publicJwk(key, kid)) }), cacheControl };
    },
  };
  return server;
}

function setup(options: { cacheControl?: string | null } = {}) {
  const clock = { now: T0 };
  const server = keyServer([[KEY, 'k1']], options.cacheControl === undefined ? 'public, max-age=600' : options.cacheControl);
  const keys = new JwksCache({ url: 'https://keys.example/certs', fetch: server.fetch, now: () => clock.now, minRefetchMs: 60_000 });
  const verifier = new IdTokenVerifier({
    issuers: ['https://accounts.google.com', 'accounts.google.com'],
    audience: AUDIENCE,
    domain: DOMAIN,
    keys,
    now: () => clock.now,
  });
  return { clock, server, keys, verifier };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IdTokenRejected) return error.problem;
    throw error;
  }
  throw new Error('the token was accepted');
}

describe('verifying an ID token', () => {
  test('a token Google would sign names its person (e-mail lower-cased)', async () => {
    const { verifier } = setup();
    await expect(verifier.verify(signRs256(claims(), KEY, 'k1'))).resolves.toEqual({ email: 'hanako.sato@snaq.me', subject: '1234567890' });
    // Google's tokens may carry the issuer without the scheme.
    await expect(verifier.verify(signRs256(claims({ iss: 'accounts.google.com' }), KEY, 'k1'))).resolves.toMatchObject({ email: 'hanako.sato@snaq.me' });
  });

  test('a forged signature is refused: another key under the same key id, or a payload changed after signing', async () => {
    const { verifier } = setup();
    expect(await refusal(verifier.verify(signRs256(claims(), OTHER_KEY, 'k1')))).toBe('the signature does not match');
    const [header, , signature] = signRs256(claims(), KEY, 'k1').split('.');
    const promoted = Buffer.from(JSON.stringify(claims({ email: 'ceo@snaq.me' }))).toString('base64url');
    expect(await refusal(verifier.verify(`${header}.${promoted}.${signature}`))).toBe('the signature does not match');
  });

  test.each([
    ['a wrong audience', { aud: 'someone-elses-client.apps.googleusercontent.com' }, /another application/],
    ['another issuer', { iss: 'https://evil.example' }, /another issuer/],
    ['another domain', { hd: 'example.com', email: 'hanako@example.com' }, /not from the snaq\.me domain/],
    ['a personal account (no hd)', { hd: undefined, email: 'hanako@gmail.com' }, /not from the snaq\.me domain/],
    ['an address outside the domain under the right hd', { email: 'hanako@example.com' }, /not at snaq\.me/],
    ['an unverified e-mail', { email_verified: false }, /not verified/],
    ['no e-mail (scope missing)', { email: undefined }, /no e-mail/],
    ['an expired token', { exp: T0 / 1000 - 120 }, /expired/],
    ['no expiry', { exp: undefined }, /exp claim/],
    ['a token issued in the future', { iat: T0 / 1000 + 600 }, /future/],
  ])('%s is refused', async (_name, change, problem) => {
    const { verifier } = setup();
    expect(await refusal(verifier.verify(signRs256(claims(change), KEY, 'k1')))).toMatch(problem);
  });

  test('a token replayed after it expired is refused, though it was accepted before', async () => {
    const { verifier, clock } = setup();
    const token = signRs256(claims(), KEY, 'k1');
    await expect(verifier.verify(token)).resolves.toBeDefined();
    clock.now = T0 + 3_600_000 + 30_000; // within the minute of skew
    await expect(verifier.verify(token)).resolves.toBeDefined();
    clock.now = T0 + 3_600_000 + 61_000;
    expect(await refusal(verifier.verify(token))).toBe('it has expired');
  });

  test('alg none and HS256 (the public key as an HMAC secret) are refused before any key is used', async () => {
    const { verifier, server } = setup();
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${encode({ alg: 'none', typ: 'JWT', kid: 'k1' })}.${encode(claims())}.`;
    expect(await refusal(verifier.verify(none))).toMatch(/it is not a signed JWT|algorithm "none"/);
    const noneWithSignature = `${encode({ alg: 'none', kid: 'k1' })}.${encode(claims())}.AAAA`;
    expect(await refusal(verifier.verify(noneWithSignature))).toBe('algorithm "none" is not accepted (only RS256)');
    const publicPem = KEY.export({ format: 'pem', type: 'pkcs1' });
    const input = `${encode({ alg: 'HS256', typ: 'JWT', kid: 'k1' })}.${encode(claims())}`;
    const hs256 = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    expect(await refusal(verifier.verify(hs256))).toBe('algorithm "HS256" is not accepted (only RS256)');
    expect(server.fetches).toBe(0);
  });

  test.each([
    ['not a JWT', 'hello'],
    ['two segments', 'abc.def'],
    ['a header that is not JSON', `${Buffer.from('{not json').toString('base64url')}.e30.AAAA`],
    ['a header that is an array', `${Buffer.from('[1]').toString('base64url')}.e30.AAAA`],
    ['an enormous token', `${'a'.repeat(9000)}.e30.AAAA`],
  ])('%s is refused', async (_name, token) => {
    const { verifier } = setup();
    expect(await refusal(verifier.verify(token))).toMatch(/JWT|JSON|too long/);
  });
});

describe('the signing keys', () => {
  test('are cached for the response’s max-age, then fetched again', async () => {
    const { verifier, server, clock } = setup({ cacheControl: 'public, max-age=600, must-revalidate' });
    const token = signRs256(claims(), KEY, 'k1');
    await verifier.verify(token);
    await verifier.verify(token);
    expect(server.fetches).toBe(1);
    clock.now = T0 + 599_000;
    await verifier.verify(token);
    expect(server.fetches).toBe(1);
    clock.now = T0 + 600_000;
    await verifier.verify(token);
    expect(server.fetches).toBe(2);
  });

  test('an unknown key id fetches again (Google rotated its keys), at most once a minute', async () => {
    const { verifier, server, clock } = setup();
    await verifier.verify(signRs256(claims(), KEY, 'k1'));
    expect(server.fetches).toBe(1);
    // A key id nobody publishes: one refetch, then refused; more such tokens within the minute fetch nothing.
    clock.now = T0 + 61_000;
    expect(await refusal(verifier.verify(signRs256(claims(), OTHER_KEY, 'made-up')))).toBe('it is signed with a key the issuer does not publish');
    expect(server.fetches).toBe(2);
    for (let i = 0; i < 20; i++) await refusal(verifier.verify(signRs256(claims(), OTHER_KEY, `made-up-${i}`)));
    expect(server.fetches).toBe(2);
    // The issuer rotates: the new key is found on the next allowed refetch.
    server.keys = [
      [KEY, 'k1'],
      [OTHER_KEY, 'k2'],
    ];
    clock.now = T0 + 122_000;
    await expect(verifier.verify(signRs256(claims(), OTHER_KEY, 'k2'))).resolves.toMatchObject({ email: 'hanako.sato@snaq.me' });
    expect(server.fetches).toBe(3);
  });

  test('concurrent verifications share one fetch', async () => {
    const { verifier, server } = setup();
    const token = signRs256(claims(), KEY, 'k1');
    await Promise.all(Array.from({ length: 10 }, () => verifier.verify(token)));
    expect(server.fetches).toBe(1);
  });

  test('an unreachable key endpoint: keys held keep serving; with none held, nothing can be verified', async () => {
    const { verifier, server, clock, keys } = setup();
    server.failing = true;
    await expect(keys.key('k1')).rejects.toBeInstanceOf(JwksUnavailable);
    server.failing = false;
    const token = signRs256(claims(), KEY, 'k1');
    await verifier.verify(token);
    server.failing = true;
    clock.now = T0 + 700_000; // past max-age
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  test.each([
    ['public, max-age=21600', 21_600_000],
    ['max-age="60"', 60_000],
    ['no-store', 0],
    ['public', undefined],
    [null, undefined],
  ])('Cache-Control %p → %p ms', (header, expected) => {
    expect(maxAgeMs(header)).toBe(expected);
  });
});

describe('the person behind a request', () => {
  const signedHeaders = (names: string) =>
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/ap-northeast-1/execute-api/aws4_request, SignedHeaders=${names}, Signature=${'0'.repeat(64)}`;

  test('a token the signature covers is verified; none means no person', async () => {
    const { verifier } = setup();
    const token = signRs256(claims(), KEY, 'k1');
    const person = await identify({ authorization: signedHeaders(`host;x-amz-date;${ID_TOKEN_HEADER}`), [ID_TOKEN_HEADER]: token }, verifier);
    expect(person?.email).toBe('hanako.sato@snaq.me');
    await expect(identify({ authorization: signedHeaders('host;x-amz-date') }, verifier)).resolves.toBeUndefined();
  });

  test('a token outside the signed headers is refused 401, even a valid one', async () => {
    const { verifier } = setup();
    const error = await identify({ authorization: signedHeaders('host;x-amz-date'), [ID_TOKEN_HEADER]: signRs256(claims(), KEY, 'k1') }, verifier).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('UNAUTHENTICATED');
    expect((error as ApiError).details?.reason).toBe('id_token_unsigned');
  });

  test('a refused token is 401 with reason id_token; unreachable keys are 503, retryable', async () => {
    const { verifier, server } = setup();
    const headers = (token: string) => ({ authorization: signedHeaders(`host;x-amz-date;${ID_TOKEN_HEADER}`), [ID_TOKEN_HEADER]: token });
    server.failing = true;
    const unavailable = (await identify(headers(signRs256(claims(), KEY, 'k1')), verifier).catch((caught: unknown) => caught)) as ApiError;
    expect([unavailable.code, unavailable.details?.reason]).toEqual(['ENGINE_UNAVAILABLE', 'identity_keys_unavailable']);
    server.failing = false;
    const expired = (await identify(headers(signRs256(claims({ exp: T0 / 1000 - 3600 }), KEY, 'k1')), verifier).catch((caught: unknown) => caught)) as ApiError;
    expect([expired.code, expired.details?.reason, expired.details?.problem]).toEqual(['UNAUTHENTICATED', 'id_token', 'it has expired']);
  });
});
