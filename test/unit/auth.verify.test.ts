/**
 * The local server's SigV4 verifier: requests signed by our signer and by aws4fetch verify, and
 * every way a request can be wrong is rejected with a reason that leaks nothing.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsClient, AwsV4Signer } from 'aws4fetch';
import { signRequest, type SignRequestInput, type SignedRequest } from '../../src/sigv4';
import { nodeCrypto } from '../../src/sigv4/nodeCrypto';
import { verifySigV4, type VerifyConfig, type VerifyInput } from '../../src/api/auth/verifySigV4';

const ACCESS_KEY_ID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const PRINCIPAL = 'arn:aws:iam::123456789012:user/sheets-addon';
const DATETIME = '20240607T010203Z';
const SIGNED_AT = Date.UTC(2024, 5, 7, 1, 2, 3);
const ORIGIN = 'https://abc123.execute-api.ap-northeast-1.amazonaws.com';

const config: VerifyConfig = {
  region: 'ap-northeast-1',
  service: 'execute-api',
  credentials: (id) => (id === ACCESS_KEY_ID ? { secretAccessKey: SECRET, principal: PRINCIPAL } : undefined),
  now: () => SIGNED_AT,
};

function request(overrides: Partial<SignRequestInput> = {}): SignRequestInput {
  return {
    method: 'POST',
    url: `${ORIGIN}/prod/metrics/売上 月次/query?from=2024-01-01&dims=チャネル&dims=&flag`,
    headers: { 'Content-Type': 'application/json', 'X-Snaq-Client': 'sheets-addon/0.1' },
    body: '{"metric":"mrr","note":"サブスク"}',
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET,
    service: 'execute-api',
    datetime: DATETIME,
    ...overrides,
  };
}

/** What the server would receive for a request sent to `signed.url` with `signed.headers`. */
function received(signed: SignedRequest, body: string | undefined): VerifyInput {
  const match = /^https?:\/\/([^/]+)(.*)$/.exec(signed.url);
  if (!match || match[1] === undefined || match[2] === undefined) throw new Error(`bad url ${signed.url}`);
  const headers: Record<string, string> = { host: match[1] };
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return { method: 'POST', rawUrl: match[2], headers, body: Buffer.from(body ?? '', 'utf8') };
}

function signedInput(overrides: Partial<SignRequestInput> = {}): VerifyInput {
  const input = request(overrides);
  return { ...received(signRequest(input, nodeCrypto), input.body), method: input.method };
}

function expectRejected(input: VerifyInput, reason: RegExp, cfg: VerifyConfig = config): void {
  const result = verifySigV4(input, cfg);
  expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  if (!result.ok) expect(result.reason).not.toContain(SECRET);
}

function withHeaders(input: VerifyInput, changes: Record<string, string | undefined>): VerifyInput {
  return { ...input, headers: { ...input.headers, ...changes } };
}

function withAuthorization(input: VerifyInput, edit: (authorization: string) => string): VerifyInput {
  return withHeaders(input, { authorization: edit(String(input.headers.authorization)) });
}

describe('round trips', () => {
  test('our signer → verified, with the principal and key', () => {
    expect(verifySigV4(signedInput(), config)).toEqual({ ok: true, principal: PRINCIPAL, accessKeyId: ACCESS_KEY_ID });
  });

  test.each([
    ['GET without body', { method: 'GET', body: undefined, headers: {} }],
    ['session token (signed the "before" way)', { sessionToken: 'FwoGZXIvYXdzE//token+with/slashes=' }],
    ['region taken from the execute-api host', { region: undefined }],
    ['X-Amz-Content-Sha256 of the body', { headers: { 'X-Amz-Content-Sha256': nodeCrypto.sha256Hex('{"a":1}') }, body: '{"a":1}' }],
    ['reserved characters and %2F in the path', { url: `${ORIGIN}/prod/a%2Fb/!'()*:@,;=+$&/%E5%A3%B2?q=a+b&%3D=%26` }],
    ['dot segments and double slashes', { url: `${ORIGIN}/prod//metrics/./x/../売上//` }],
    ['lower-case method', { method: 'delete' }],
  ])('our signer, %s → verified', (_label, overrides: Partial<SignRequestInput>) => {
    const result = verifySigV4(signedInput(overrides), config);
    expect(result).toEqual({ ok: true, principal: PRINCIPAL, accessKeyId: ACCESS_KEY_ID });
  });

  test('query parameters in another order still verify (the canonical query is sorted)', () => {
    const input = signedInput({ url: `${ORIGIN}/prod/q?b=2&a=1&a=0` });
    expect(verifySigV4({ ...input, rawUrl: '/prod/q?a=0&a=1&b=2' }, config).ok).toBe(true);
  });

  test('aws4fetch → verified', async () => {
    const input = request({ sessionToken: 'token/+=' });
    const signer = new AwsV4Signer({ ...input, headers: input.headers as Record<string, string> });
    const signed = await signer.sign();
    const headers: Record<string, string> = { host: signed.url.host };
    signed.headers.forEach((value, name) => (headers[name] = value));
    const result = verifySigV4({ method: 'POST', rawUrl: signed.url.pathname + signed.url.search, headers, body: Buffer.from(input.body ?? '') }, config);
    expect(result).toEqual({ ok: true, principal: PRINCIPAL, accessKeyId: ACCESS_KEY_ID });
  });

  test('over real HTTP: aws4fetch and our signer (via fetch) → the server verifies what node received', async () => {
    const results: unknown[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const verdict = verifySigV4(
          { method: req.method ?? '', rawUrl: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) },
          { ...config, now: Date.now },
        );
        results.push(verdict);
        res.writeHead(verdict.ok ? 200 : 403).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/prod/metrics/売上 月次/a%2Fb/(x)?dims=チャネル&dims=&q=a+b&flag`;
      const body = '{"note":"サブスク 🍣"}';
      const client = new AwsClient({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, service: 'execute-api', region: 'ap-northeast-1', retries: 0 });
      const viaAws4fetch = await client.fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      const ours = signRequest({ ...request(), url, body, datetime: undefined, region: 'ap-northeast-1', sessionToken: 'tok/en+=' }, nodeCrypto);
      const viaOurSigner = await fetch(ours.url, { method: 'POST', body, headers: ours.headers });
      expect([viaAws4fetch.status, viaOurSigner.status]).toEqual([200, 200]);
      expect(results).toEqual([
        { ok: true, principal: PRINCIPAL, accessKeyId: ACCESS_KEY_ID },
        { ok: true, principal: PRINCIPAL, accessKeyId: ACCESS_KEY_ID },
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('rejections', () => {
  const good = signedInput();

  test('missing Authorization', () => {
    expectRejected(withHeaders(good, { authorization: undefined }), /^missing Authorization header$/);
  });

  test.each([
    ['no fields', 'AWS4-HMAC-SHA256'],
    ['garbage', 'Bearer'],
    ['missing Signature', `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20240607/ap-northeast-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date`],
    ['short credential', 'AWS4-HMAC-SHA256 Credential=AKID/20240607, SignedHeaders=host;x-amz-date, Signature=' + 'a'.repeat(64)],
    [
      'bad signature format',
      `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20240607/ap-northeast-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=xyz`,
    ],
    [
      'unsorted SignedHeaders',
      `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20240607/ap-northeast-1/execute-api/aws4_request, SignedHeaders=x-amz-date;host, Signature=${'a'.repeat(64)}`,
    ],
    ['duplicate field', `AWS4-HMAC-SHA256 Credential=a/20240607/r/s/aws4_request, Credential=b/20240607/r/s/aws4_request, Signature=${'a'.repeat(64)}`],
  ])('garbled Authorization: %s', (_label, authorization) => {
    expectRejected(withHeaders(good, { authorization }), /^malformed Authorization header/);
  });

  test('algorithm other than AWS4-HMAC-SHA256', () => {
    expectRejected(
      withAuthorization(good, (a) => a.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')),
      /^unsupported algorithm/,
    );
  });

  test('unknown access key', () => {
    expectRejected(signedInput({ accessKeyId: 'AKIDUNKNOWN' }), /^unknown access key id$/);
  });

  test("credential scope date differs from X-Amz-Date's date", () => {
    expectRejected(
      withAuthorization(good, (a) => a.replace('/20240607/', '/20240606/')),
      /scope date does not match/,
    );
  });

  test('wrong region', () => {
    expectRejected(signedInput({ region: 'us-west-2' }), /wrong region: expected ap-northeast-1/);
  });

  test('wrong service', () => {
    expectRejected(signedInput({ service: 'athena' }), /wrong service: expected execute-api/);
  });

  test('terminator other than aws4_request', () => {
    expectRejected(
      withAuthorization(good, (a) => a.replace('aws4_request', 'aws5_request')),
      /must end with aws4_request/,
    );
  });

  test.each(['host', 'x-amz-date'])('%s not signed', (name) => {
    const edited = withAuthorization(good, (a) =>
      a.replace(
        /SignedHeaders=([^,]*)/,
        (_m, list: string) =>
          `SignedHeaders=${list
            .split(';')
            .filter((h) => h !== name)
            .join(';')}`,
      ),
    );
    expectRejected(edited, new RegExp(`^the ${name} header must be signed$`));
  });

  test('X-Amz-Date missing', () => {
    expectRejected(withHeaders(good, { 'x-amz-date': undefined }), /^missing X-Amz-Date header$/);
  });

  test.each(['2024-06-07T01:02:03Z', '20240607T010203', '20241307T010203Z', '20240231T010203Z', ''])('X-Amz-Date malformed: %p', (value) => {
    expectRejected(withHeaders(good, { 'x-amz-date': value }), value === '' ? /^missing X-Amz-Date/ : /^malformed X-Amz-Date/);
  });

  test('X-Amz-Date up to 5 min either way is fine; beyond is expired or in the future', () => {
    const at = (offsetMs: number) => verifySigV4(good, { ...config, now: () => SIGNED_AT + offsetMs });
    expect(at(5 * 60_000).ok).toBe(true);
    expect(at(-5 * 60_000).ok).toBe(true);
    expect(at(5 * 60_000 + 1000)).toEqual({ ok: false, reason: expect.stringMatching(/more than 5 min in the past: the signature has expired/) });
    expect(at(-5 * 60_000 - 1000)).toEqual({ ok: false, reason: expect.stringMatching(/more than 5 min in the future/) });
    expect(verifySigV4(good, { ...config, now: () => SIGNED_AT + 61_000, maxSkewMs: 60_000 })).toEqual({
      ok: false,
      reason: expect.stringMatching(/more than 1 min in the past/),
    });
  });

  test('X-Amz-Content-Sha256 present but not the body hash (even when signed as such)', () => {
    const lying = signedInput({ headers: { 'X-Amz-Content-Sha256': nodeCrypto.sha256Hex('other body') }, body: 'real body' });
    expectRejected(lying, /^X-Amz-Content-Sha256 does not match the body$/);
    expectRejected(signedInput({ headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } }), /^X-Amz-Content-Sha256 does not match/);
  });

  test('a signed header missing from the request', () => {
    expectRejected(withHeaders(good, { 'x-snaq-client': undefined }), /^signed header x-snaq-client is missing/);
  });

  describe('signature mismatch', () => {
    const expectedSignature = /Signature=([0-9a-f]{64})/.exec(String(good.headers.authorization))?.[1] ?? '';

    test.each<[string, VerifyInput]>([
      ['tampered signature', withAuthorization(good, (a) => a.replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`))],
      ['wrong secret', signedInput({ secretAccessKey: SECRET + 'x' })],
      ['replayed signature with another body', { ...good, body: Buffer.from('{"metric":"churn"}') }],
      ['replayed signature with a body one byte longer', { ...good, body: Buffer.concat([good.body, Buffer.from(' ')]) }],
      ['tampered path', { ...good, rawUrl: good.rawUrl.replace('/query?', '/querx?') }],
      ['path re-encoded differently on the wire (%20 → +)', { ...good, rawUrl: good.rawUrl.replace('%20', '+') }],
      ['tampered query value', { ...good, rawUrl: good.rawUrl.replace('from=2024-01-01', 'from=2023-01-01') }],
      ['added query parameter', { ...good, rawUrl: good.rawUrl + '&admin=1' }],
      ['removed query parameter', { ...good, rawUrl: good.rawUrl.replace('&flag', '') }],
      ['another method', { ...good, method: 'PUT' }],
      ['tampered signed header', withHeaders(good, { 'x-snaq-client': 'evil/1.0' })],
      ['another host', withHeaders(good, { host: 'evil.execute-api.ap-northeast-1.amazonaws.com' })],
      ['X-Amz-Date moved within the skew', withHeaders(good, { 'x-amz-date': '20240607T010204Z' })],
    ])('%s', (_label, input) => {
      const result = verifySigV4(input, config);
      expect(result).toEqual({ ok: false, reason: 'signature does not match' });
    });

    test('the reason never contains the expected signature', () => {
      const tampered = withAuthorization(good, (a) => a.replace(expectedSignature, 'f'.repeat(64)));
      const result = verifySigV4(tampered, config);
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain(expectedSignature);
      expect(JSON.stringify(result)).not.toContain(SECRET);
    });
  });

  test('a session token changed after signing fails', () => {
    const input = signedInput({ sessionToken: 'original-token' });
    expect(verifySigV4(withHeaders(input, { 'x-amz-security-token': 'other-token' }), config)).toEqual({ ok: false, reason: 'signature does not match' });
  });
});
