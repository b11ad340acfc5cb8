/**
 * The S3 client's requests, piece by piece: keys as URL paths, S3's canonical URI (aws4fetch
 * signs, the project's verifier checks in its 's3' mode), part sizes, XML escaping, the
 * operation the S3 model sees in a request, and s3ClientFromEnv's sentences.
 */
import { createHash } from 'node:crypto';
import { AwsV4Signer } from 'aws4fetch';
import { verifySigV4 } from '../../src/api/auth/verifySigV4';
import { partSizeFor } from '../../src/lake/s3/multipart';
import { errorDocumentFields, isRetryable, S3Error } from '../../src/lake/s3/s3Error';
import { s3ClientFromEnv } from '../../src/lake/s3/s3Client';
import { encodeKey } from '../../src/lake/s3/s3Transport';
import { parseXml, text, xmlEscape } from '../../src/lake/s3/s3Xml';
import { canonicalUri } from '../../src/sigv4';
import { describeIfAvailable } from '../support/requirements';
import { S3_MODEL, identifyOperation, type S3RequestParts } from '../support/s3/model';

const MiB = 1024 * 1024;
const AWKWARD_KEYS = ['plain/key.parquet', 'a b+c', "!'()*", '日本語/ファイル', 'a//b', '%41%2F', '~-._', 'x=y&z?#;:@$,', ' edge ', '😀/\u00e9'];

describe('keys as URL paths', () => {
  test.each([
    ['lake/users/part-0.parquet', 'lake/users/part-0.parquet'],
    ['a b+c', 'a%20b%2Bc'],
    ["!'()*", '%21%27%28%29%2A'],
    ['a//b/', 'a//b/'],
    ['%41', '%2541'],
    ['é', '%C3%A9'],
  ])('%j → %j (each segment once, slashes kept)', (key, path) => {
    expect(encodeKey(key)).toBe(path);
  });

  test('keys a URL cannot carry are refused with a sentence', () => {
    expect(() => encodeKey('')).toThrow('An S3 key must not be empty.');
    expect(() => encodeKey('a/./b')).toThrow(/"\." or "\.\." segment/);
    expect(() => encodeKey('..')).toThrow(/"\." or "\.\." segment/);
    expect(() => encodeKey('é'.repeat(513))).toThrow(/1024 bytes/);
    expect(() => encodeKey('bad\ud800')).toThrow(/lone surrogate/);
  });

  test.each(AWKWARD_KEYS)("aws4fetch's S3 signature of %j verifies with the project's verifier in 's3' mode, not in 'double'", async (key) => {
    const datetime = '20260601T000000Z';
    const hash = createHash('sha256').update('body').digest('hex');
    const signed = await new AwsV4Signer({
      url: `http://127.0.0.1:9000/bucket/${encodeKey(key)}?list-type=2&prefix=${encodeURIComponent('a b+c/')}`,
      method: 'PUT',
      headers: { 'x-amz-content-sha256': hash },
      body: 'body',
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      service: 's3',
      region: 'ap-northeast-1',
      datetime,
    }).sign();
    const headers: Record<string, string> = { host: signed.url.host };
    signed.headers.forEach((value, name) => (headers[name] = value));
    const input = { method: 'PUT', rawUrl: signed.url.pathname + signed.url.search, headers, body: Buffer.from('body') };
    const config = {
      region: 'ap-northeast-1',
      service: 's3',
      now: () => Date.parse('2026-06-01T00:00:00Z'),
      credentials: () => ({ secretAccessKey: 'secret', principal: 'p' }),
    };
    expect(verifySigV4(input, { ...config, uriEncoding: 's3', payloadHash: 'declared' })).toMatchObject({ ok: true });
    const needsEncoding = /[^A-Za-z0-9\-._~/]/.test(key) || key.includes('//');
    expect(verifySigV4(input, config).ok).toBe(!needsEncoding);
  });

  test("the 's3' canonical URI keeps repeated slashes, which every other mode collapses", () => {
    expect(canonicalUri('/bucket/a//b', 's3')).toBe('/bucket/a//b');
    expect(canonicalUri('/bucket/a//b', 'single')).toBe('/bucket/a/b');
    expect(canonicalUri('/bucket/a%20b/%E6%97%A5', 's3')).toBe('/bucket/a%20b/%E6%97%A5');
  });

  test("'declared' payloads: UNSIGNED-PAYLOAD verifies (the caller checks bodies), a missing X-Amz-Content-Sha256 does not", async () => {
    const sign = async (headers: Record<string, string>) => {
      const signed = await new AwsV4Signer({
        url: 'http://127.0.0.1:9000/b/k',
        method: 'GET',
        headers,
        accessKeyId: 'AKID',
        secretAccessKey: 'secret',
        service: 's3',
        region: 'r',
        datetime: '20260601T000000Z',
      }).sign();
      const all: Record<string, string> = { host: signed.url.host };
      signed.headers.forEach((value, name) => (all[name] = value));
      return verifySigV4(
        { method: 'GET', rawUrl: '/b/k', headers: all, body: Buffer.from('anything') },
        {
          region: 'r',
          service: 's3',
          uriEncoding: 's3',
          payloadHash: 'declared',
          now: () => Date.parse('2026-06-01T00:00:00Z'),
          credentials: () => ({ secretAccessKey: 'secret', principal: 'p' }),
        },
      );
    };
    expect(await sign({})).toMatchObject({ ok: true }); // aws4fetch adds UNSIGNED-PAYLOAD for s3 itself
    const signed = await new AwsV4Signer({
      url: 'http://127.0.0.1:9000/b/k',
      method: 'GET',
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      service: 's3',
      region: 'r',
      datetime: '20260601T000000Z',
    }).sign();
    const withoutHash: Record<string, string> = { host: signed.url.host };
    signed.headers.forEach((value, name) => name !== 'x-amz-content-sha256' && (withoutHash[name] = value));
    expect(
      verifySigV4(
        { method: 'GET', rawUrl: '/b/k', headers: withoutHash, body: Buffer.alloc(0) },
        {
          region: 'r',
          service: 's3',
          uriEncoding: 's3',
          payloadHash: 'declared',
          now: () => Date.parse('2026-06-01T00:00:00Z'),
          credentials: () => ({ secretAccessKey: 'secret', principal: 'p' }),
        },
      ),
    ).toEqual({ ok: false, reason: 'missing X-Amz-Content-Sha256 header' });
  });
});

describe('part sizes', () => {
  test.each([
    [23 * MiB, 8 * MiB, 8 * MiB],
    [23 * MiB, 5 * MiB, 5 * MiB],
    [100_000 * MiB, 8 * MiB, 10 * MiB], // grown: 10,000 parts at most
    [5 * 1024 ** 4, 8 * MiB, Math.ceil((5 * 1024 ** 4) / 10_000)],
  ])('a %d-byte file with %d configured → parts of %d bytes', (size, configured, expected) => {
    expect(partSizeFor(size, configured)).toBe(expected);
    expect(Math.ceil(size / expected)).toBeLessThanOrEqual(10_000);
  });

  test("past S3's 5 TiB object limit: a sentence", () => {
    expect(() => partSizeFor(5 * 1024 ** 4 + 1, 8 * MiB)).toThrow(/larger than S3's 5 TiB object limit/);
  });
});

describe('XML', () => {
  test('every key survives escaping and the parser, control characters XML allows included', () => {
    for (const key of [...AWKWARD_KEYS, 'a<b>&"\'', 'line\nbreak\r\ttab', '  spaces  ', '&amp;']) {
      expect(text(parseXml(`<Key>${xmlEscape(key)}</Key>`).Key)).toBe(key);
    }
    expect(() => xmlEscape('bell\u0007')).toThrow(/control character/);
  });

  test('S3Error messages are one line: operation, object, code, status', () => {
    expect(new S3Error({ op: 'PutObject', bucket: 'b', key: 'k', status: 403, code: 'AccessDenied' }).message).toBe('PutObject s3://b/k: AccessDenied (403)');
    expect(new S3Error({ op: 'GetObject', bucket: 'b', key: 'k', status: 0, code: 'NetworkError', attempts: 6 }).message).toBe(
      'GetObject s3://b/k: NetworkError (no answer, 6 attempts)',
    );
    const retryable = (status: number, code: string) => new S3Error({ op: 'x', bucket: 'b', status, code }).retryable;
    expect([
      retryable(500, 'InternalError'),
      retryable(503, 'SlowDown'),
      retryable(400, 'RequestTimeout'),
      retryable(429, 'TooManyRequests'),
      retryable(0, 'NetworkError'),
    ]).toEqual([true, true, true, true, true]);
    expect([retryable(403, 'AccessDenied'), retryable(404, 'NoSuchKey'), retryable(412, 'PreconditionFailed'), retryable(400, 'InvalidRequest')]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('s3ClientFromEnv', () => {
  const credentials = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/SECRET' };
  test('a region is required: AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(() => s3ClientFromEnv(credentials)).toThrow(
      'AWS_REGION is not set: set it to the region of the lake bucket, e.g. ap-northeast-1 (AWS_DEFAULT_REGION is read too).',
    );
    expect(() => s3ClientFromEnv({ ...credentials, AWS_DEFAULT_REGION: 'ap-northeast-1' })).not.toThrow();
    expect(() => s3ClientFromEnv({ ...credentials, AWS_REGION: 'tokyo' })).toThrow('AWS_REGION "tokyo" is not an AWS region such as ap-northeast-1.');
  });

  test('SNAQ_S3_ENDPOINT must be https, or http on loopback', () => {
    const env = { ...credentials, AWS_REGION: 'ap-northeast-1' };
    expect(() => s3ClientFromEnv({ ...env, SNAQ_S3_ENDPOINT: 'http://s3.example.com' })).toThrow(
      'SNAQ_S3_ENDPOINT must be https (plain http only on loopback).',
    );
    expect(() => s3ClientFromEnv({ ...env, SNAQ_S3_ENDPOINT: 'http://127.0.0.1:4566' })).not.toThrow();
  });

  test('no credentials: the credentials sentence, without any secret', () => {
    expect(() => s3ClientFromEnv({ AWS_REGION: 'ap-northeast-1' })).toThrow(/^No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(() => s3ClientFromEnv({ AWS_REGION: 'ap-northeast-1', AWS_SECRET_ACCESS_KEY: credentials.AWS_SECRET_ACCESS_KEY })).toThrow(
      /AWS_ACCESS_KEY_ID is not/,
    );
    try {
      s3ClientFromEnv({ AWS_REGION: 'ap-northeast-1', AWS_SECRET_ACCESS_KEY: credentials.AWS_SECRET_ACCESS_KEY });
    } catch (error) {
      expect((error as Error).message).not.toContain(credentials.AWS_SECRET_ACCESS_KEY);
    }
  });
});

describeIfAvailable(S3_MODEL, 'the operation the S3 model sees in a request', () => {
  const request = (method: string, key: string | undefined, query: Array<[string, string]> = [], headers: Record<string, string> = {}): S3RequestParts => ({
    method,
    ...(key !== undefined ? { key } : {}),
    query,
    headers,
    body: Buffer.alloc(0),
  });
  test.each([
    [request('PUT', 'k'), 'PutObject'],
    [request('PUT', 'k', [], { 'x-amz-copy-source': '/b/src' }), 'CopyObject'],
    [
      request('PUT', 'k', [
        ['partNumber', '1'],
        ['uploadId', 'u'],
      ]),
      'UploadPart',
    ],
    [
      request(
        'PUT',
        'k',
        [
          ['partNumber', '1'],
          ['uploadId', 'u'],
        ],
        { 'x-amz-copy-source': '/b/src' },
      ),
      'UploadPartCopy',
    ],
    [request('GET', 'k'), 'GetObject'],
    [request('GET', 'k', [['uploadId', 'u']]), 'ListParts'],
    [request('HEAD', 'k'), 'HeadObject'],
    [request('DELETE', 'k'), 'DeleteObject'],
    [request('DELETE', 'k', [['uploadId', 'u']]), 'AbortMultipartUpload'],
    [request('POST', 'k', [['uploads', '']]), 'CreateMultipartUpload'],
    [request('POST', 'k', [['uploadId', 'u']]), 'CompleteMultipartUpload'],
    [request('POST', undefined, [['delete', '']]), 'DeleteObjects'],
    [request('GET', undefined, [['list-type', '2']]), 'ListObjectsV2'],
    [request('GET', undefined, [['uploads', '']]), 'ListMultipartUploads'],
    [request('GET', undefined), 'ListObjects'],
    [request('GET', undefined, [['acl', '']]), 'GetBucketAcl'],
    [request('GET', 'k', [['tagging', '']]), 'GetObjectTagging'],
  ])('%j is %s', (parts, op) => {
    expect(identifyOperation(parts)).toBe(op);
  });
});

describe('S3 error documents and what is retried', () => {
  test('Code and Message are read from the flat <Error> document, entities decoded; other bodies have no fields', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>No &amp; never &lt;here&gt; &#x263A;</Message><RequestId>1</RequestId></Error>';
    expect(errorDocumentFields(xml)).toEqual({ code: 'AccessDenied', message: 'No & never <here> \u263a' });
    expect(errorDocumentFields('<html><body>502 Bad Gateway</body></html>')).toEqual({});
    expect(errorDocumentFields('')).toEqual({});
  });

  test('5xx, 429 and throttling codes are retried; 501 NotImplemented and other 4xx are not', () => {
    expect(isRetryable(500, 'InternalError')).toBe(true);
    expect(isRetryable(503, 'SlowDown')).toBe(true);
    expect(isRetryable(0, 'NetworkError')).toBe(true);
    expect(isRetryable(400, 'RequestTimeout')).toBe(true);
    expect(isRetryable(501, 'NotImplemented')).toBe(false);
    expect(isRetryable(403, 'AccessDenied')).toBe(false);
    expect(isRetryable(412, 'PreconditionFailed')).toBe(false);
  });
});
