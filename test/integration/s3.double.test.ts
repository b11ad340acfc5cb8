/**
 * The S3 double is strict where S3 is (test/support/s3Double.ts): requests signed by hand with
 * aws4fetch that S3 would refuse are refused here too, with S3's status and code, and recorded.
 * A double that accepted them would let a client pass tests and fail on S3.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import { nodeFetch } from '../../src/lake/s3/nodeFetch';
import { S3Error } from '../../src/lake/s3/s3Client';
import { describeIfAvailable } from '../support/requirements';
import { S3_MODEL } from '../support/s3/model';
import { S3Double, s3DoubleCredentials } from '../support/s3Double';

const MiB = 1024 * 1024;
const BUCKET = 'strict';
const sha256 = (body: Buffer | string) => createHash('sha256').update(body);

interface Raw {
  status: number;
  code?: string;
  text: string;
  headers: Headers;
}

describeIfAvailable(S3_MODEL, 'the S3 double refuses what S3 refuses', () => {
  let double: S3Double;
  const signer = new AwsClient({ ...s3DoubleCredentials, service: 's3', region: 'ap-northeast-1', retries: 0 });

  /** One request signed by aws4fetch with the body's hash (unless `payloadHash` says otherwise), sent without the client. */
  async function raw(
    method: string,
    target: string,
    options: { headers?: Record<string, string>; body?: Buffer | string; payloadHash?: string } = {},
  ): Promise<Raw> {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const signed = await signer.sign(`${double.endpoint}${target}`, {
      method,
      headers: { ...options.headers, 'x-amz-content-sha256': options.payloadHash ?? sha256(body ?? '').digest('hex') },
      ...(body ? { body } : {}),
    });
    const response = await nodeFetch(signed.url, { method, headers: signed.headers, ...(body ? { body } : {}) });
    const text = await response.text();
    return {
      status: response.status,
      text,
      headers: response.headers,
      ...(/<Code>([^<]+)<\/Code>/.exec(text) ? { code: /<Code>([^<]+)<\/Code>/.exec(text)![1]! } : {}),
    };
  }

  async function multipart(key: string, sizes: number[], options: { checksums?: boolean } = {}) {
    const created = await raw('POST', `/${BUCKET}/${key}?uploads`, { headers: options.checksums === false ? {} : { 'x-amz-checksum-algorithm': 'SHA256' } });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)![1]!;
    const parts: Array<{ number: number; etag: string; checksum: string }> = [];
    for (const [i, size] of sizes.entries()) {
      const body = randomBytes(size);
      const checksum = sha256(body).digest('base64');
      const answer = await raw('PUT', `/${BUCKET}/${key}?partNumber=${i + 1}&uploadId=${encodeURIComponent(uploadId)}`, {
        body,
        headers: options.checksums === false ? {} : { 'x-amz-checksum-sha256': checksum },
      });
      expect(answer.status).toBe(200);
      parts.push({ number: i + 1, etag: answer.headers.get('etag')!, checksum });
    }
    return { uploadId, parts };
  }

  const completeBody = (parts: Array<{ number: number; etag: string; checksum?: string }>) =>
    `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts
      .map(
        (part) =>
          `<Part><PartNumber>${part.number}</PartNumber><ETag>${part.etag}</ETag>${part.checksum ? `<ChecksumSHA256>${part.checksum}</ChecksumSHA256>` : ''}</Part>`,
      )
      .join('')}</CompleteMultipartUpload>`;

  beforeAll(async () => {
    double = new S3Double().createBucket(BUCKET);
    await double.start();
  });
  afterEach(() => double.reset());
  afterAll(() => double.close());

  describe('signatures', () => {
    test('a wrong secret: 403 SignatureDoesNotMatch, not retried, recorded', async () => {
      const wrong = double.client({ credentials: { describe: 'wrong', get: async () => ({ ...s3DoubleCredentials, secretAccessKey: 'not-the-secret' }) } });
      const error = (await wrong.putObject(BUCKET, 'k', 'x').catch((caught: unknown) => caught)) as S3Error;
      expect(error).toBeInstanceOf(S3Error);
      expect(error.message).toBe('PutObject s3://strict/k: SignatureDoesNotMatch (403)');
      expect(error.message).not.toContain('not-the-secret');
      expect(double.calls).toHaveLength(1);
      expect(double.invalid).toEqual([{ op: 'PutObject', reason: 'SignatureDoesNotMatch: signature does not match' }]);
    });

    test('an unknown access key: 403 InvalidAccessKeyId; a skewed clock: 403 RequestTimeTooSkewed', async () => {
      const stranger = double.client({ credentials: { describe: 'x', get: async () => ({ accessKeyId: 'AKIDSTRANGER', secretAccessKey: 's' }) } });
      expect(await stranger.headObject(BUCKET, 'k').catch((error: S3Error) => error.code)).toBe('AccessDenied'); // a HEAD answer has no body: the status says it
      expect(await stranger.getObject(BUCKET, 'k').catch((error: S3Error) => error.code)).toBe('InvalidAccessKeyId');
      const late = double.client({ now: () => Date.now() + 20 * 60_000 });
      expect(await late.getObject(BUCKET, 'k').catch((error: S3Error) => error.code)).toBe('RequestTimeTooSkewed');
      expect(double.invalid.map((entry) => entry.reason.split(':')[0])).toEqual(['InvalidAccessKeyId', 'InvalidAccessKeyId', 'RequestTimeTooSkewed']);
    });

    test('temporary credentials: a missing or wrong session token is InvalidToken', async () => {
      const withToken = new S3Double({ credentials: { ...s3DoubleCredentials, sessionToken: 'the-token' } }).createBucket(BUCKET);
      await withToken.start();
      try {
        const noToken = withToken.client({ credentials: { describe: 'x', get: async () => s3DoubleCredentials } });
        expect(await noToken.getObject(BUCKET, 'k').catch((error: S3Error) => error.code)).toBe('InvalidToken');
        const good = withToken.client({ credentials: { describe: 'x', get: async () => ({ ...s3DoubleCredentials, sessionToken: 'the-token' }) } });
        expect(await good.getObject(BUCKET, 'k')).toBeUndefined();
      } finally {
        await withToken.close();
      }
    });

    test('S3 signs the path encoded once with slashes kept: a path encoded twice does not verify', async () => {
      const answer = await raw('GET', `/${BUCKET}/a%20b`);
      expect(answer.status).toBe(404); // verified, then no such key
      const twice = new AwsClient({ ...s3DoubleCredentials, service: 'execute-api', region: 'ap-northeast-1', retries: 0 });
      const signed = await twice.sign(`${double.endpoint}/${BUCKET}/a%20b`, { headers: { 'x-amz-content-sha256': sha256('').digest('hex') } });
      const response = await nodeFetch(signed.url, { headers: signed.headers });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    });
  });

  describe('payloads', () => {
    test('a body changed after signing: 400 XAmzContentSHA256Mismatch', async () => {
      const tampering = double.client({
        fetch: (input, init) => {
          const body = Buffer.from(init!.body as Uint8Array);
          body[0] = body[0]! ^ 0xff;
          return nodeFetch(input, { ...init, body });
        },
      });
      const error = (await tampering.putObject(BUCKET, 'tampered', 'original bytes').catch((caught: unknown) => caught)) as S3Error;
      expect(error).toMatchObject({ status: 400, code: 'XAmzContentSHA256Mismatch', retryable: false });
      expect(double.object(BUCKET, 'tampered')).toBeUndefined();
    });

    test('a checksum that does not match the body: 400 BadDigest (also with UNSIGNED-PAYLOAD)', async () => {
      const unsigned = await raw('PUT', `/${BUCKET}/bad`, {
        body: 'the body',
        payloadHash: 'UNSIGNED-PAYLOAD',
        headers: { 'x-amz-checksum-sha256': sha256('another body').digest('base64') },
      });
      expect([unsigned.status, unsigned.code]).toEqual([400, 'BadDigest']);
      const md5 = await raw('POST', `/${BUCKET}?delete`, {
        body: '<Delete><Object><Key>k</Key></Object></Delete>',
        headers: { 'Content-MD5': createHash('md5').update('x').digest('base64') },
      });
      expect([md5.status, md5.code]).toEqual([400, 'BadDigest']);
      const good = await raw('PUT', `/${BUCKET}/good`, {
        body: 'the body',
        payloadHash: 'UNSIGNED-PAYLOAD',
        headers: { 'x-amz-checksum-sha256': sha256('the body').digest('base64') },
      });
      expect(good.status).toBe(200);
    });

    test('DeleteObjects without Content-MD5 or a checksum: 400 InvalidRequest, as S3 does', async () => {
      double.seed(BUCKET, 'k', 'x');
      const answer = await raw('POST', `/${BUCKET}?delete`, { body: '<Delete><Object><Key>k</Key></Object></Delete>' });
      expect([answer.status, answer.code]).toEqual([400, 'InvalidRequest']);
      expect(double.invalid[0]!.reason).toMatch(/requires Content-MD5 or an x-amz-checksum-\* header/);
      expect(double.object(BUCKET, 'k')).toBeDefined();
    });
  });

  describe('multipart uploads', () => {
    test('a 4 MiB part that is not the last: 400 EntityTooSmall at Complete, and no object', async () => {
      const { uploadId, parts } = await multipart('small-parts', [4 * MiB, 1 * MiB]);
      const answer = await raw('POST', `/${BUCKET}/small-parts?uploadId=${encodeURIComponent(uploadId)}`, { body: completeBody(parts) });
      expect([answer.status, answer.code]).toEqual([400, 'EntityTooSmall']);
      expect(double.object(BUCKET, 'small-parts')).toBeUndefined();
      expect(double.uploadsInProgress()).toEqual([expect.objectContaining({ key: 'small-parts', parts: 2 })]);
      await raw('DELETE', `/${BUCKET}/small-parts?uploadId=${encodeURIComponent(uploadId)}`);
    });

    test('ETags, order and checksums are checked; the object appears only at Complete; Abort ends the upload', async () => {
      const { uploadId, parts } = await multipart('checked', [5 * MiB, 10]);
      const target = `/${BUCKET}/checked?uploadId=${encodeURIComponent(uploadId)}`;
      expect((await raw('GET', `/${BUCKET}/checked`)).code).toBe('NoSuchKey');
      const listed = await raw('GET', target);
      expect(listed.text).toMatch(/<ListPartsResult[^>]*>.*<Part><PartNumber>1<\/PartNumber>.*<Size>5242880<\/Size>.*<Part><PartNumber>2<\/PartNumber>/s);
      expect((await raw('POST', target, { body: completeBody([{ ...parts[0]!, etag: '"0123456789abcdef0123456789abcdef"' }, parts[1]!]) })).code).toBe(
        'InvalidPart',
      );
      expect((await raw('POST', target, { body: completeBody([parts[1]!, parts[0]!]) })).code).toBe('InvalidPartOrder');
      expect((await raw('POST', target, { body: completeBody(parts.map(({ number, etag }) => ({ number, etag }))) })).code).toBe('InvalidPart');
      expect((await raw('POST', target, { body: completeBody([...parts, { number: 3, etag: parts[1]!.etag, checksum: parts[1]!.checksum }]) })).code).toBe(
        'InvalidPart',
      );
      const noChecksum = await raw('PUT', `/${BUCKET}/checked?partNumber=3&uploadId=${encodeURIComponent(uploadId)}`, { body: 'x' });
      expect([noChecksum.status, noChecksum.code]).toEqual([400, 'InvalidRequest']);
      const uploads = await raw('GET', `/${BUCKET}?uploads&prefix=check`);
      expect(uploads.text).toContain(`<UploadId>${uploadId}</UploadId>`);

      expect((await raw('DELETE', target)).status).toBe(204);
      expect((await raw('POST', target, { body: completeBody(parts) })).code).toBe('NoSuchUpload');
      expect((await raw('DELETE', target)).code).toBe('NoSuchUpload');
      expect(double.uploadsInProgress()).toEqual([]);
      expect(double.object(BUCKET, 'checked')).toBeUndefined();
    });

    test('a valid Complete makes the object, with a composite checksum', async () => {
      const { uploadId, parts } = await multipart('whole', [5 * MiB, 5 * MiB, 1]);
      const answer = await raw('POST', `/${BUCKET}/whole?uploadId=${encodeURIComponent(uploadId)}`, { body: completeBody(parts) });
      expect(answer.status).toBe(200);
      expect(answer.text).toMatch(
        /<ETag>&quot;[0-9a-f]{32}-3&quot;<\/ETag><ChecksumSHA256>[A-Za-z0-9+/=]+-3<\/ChecksumSHA256><ChecksumType>COMPOSITE<\/ChecksumType>/,
      );
      expect(double.object(BUCKET, 'whole')!.byteLength).toBe(10 * MiB + 1);
    });
  });

  describe('the model', () => {
    test('operations the double does not implement: 501 NotImplemented, listed in unexpected', async () => {
      expect((await raw('GET', `/${BUCKET}?acl`)).status).toBe(501);
      expect((await raw('GET', `/${BUCKET}`)).code).toBe('NotImplemented'); // ListObjects v1
      expect((await raw('PUT', `/${BUCKET}/k?tagging`, { body: '<Tagging><TagSet/></Tagging>' })).status).toBe(501);
      expect((await raw('GET', '/')).status).toBe(501);
      expect(double.unexpected).toEqual([
        `GetBucketAcl: GET /${BUCKET}?acl`,
        `ListObjects: GET /${BUCKET}`,
        `PutObjectTagging: PUT /${BUCKET}/k?tagging`,
        'an unknown operation: GET /',
      ]);
    });

    test.each([
      [
        'a header of another operation',
        'PUT',
        '/strict/k',
        { headers: { 'x-amz-checksum-algorithm': 'SHA256' }, body: 'x' },
        /the header x-amz-checksum-algorithm is not a member of PutObject/,
      ],
      ['a header sent as a query parameter', 'PUT', '/strict/k?x-amz-acl=private', { body: 'x' }, /x-amz-acl is a header, not a query parameter/],
      ['a query parameter sent as a header', 'GET', '/strict?list-type=2', { headers: { prefix: 'a/' } }, /prefix is a query parameter, not a header/],
      [
        'a query parameter no operation knows',
        'GET',
        '/strict?list-type=2&colour=red',
        {},
        /the query parameter colour is not a member of ListObjectsV2 \(nor of any operation\)/,
      ],
      ['an integer that is not one', 'GET', '/strict?list-type=2&max-keys=ten', {}, /max-keys: "ten" is not an integer/],
      [
        'a value outside its enum',
        'POST',
        '/strict/k?uploads',
        { headers: { 'x-amz-checksum-algorithm': 'MD4' } },
        /x-amz-checksum-algorithm: "MD4" is not one of/,
      ],
      ['UploadPart without its uploadId', 'PUT', '/strict/k?partNumber=1', { body: 'x' }, /the query parameter partNumber is not a member of PutObject/],
      ['a body for an operation that takes none', 'DELETE', '/strict/k', { body: 'x' }, /DeleteObject takes no body/],
      [
        'the wrong XML root',
        'POST',
        '/strict?delete',
        { body: '<Remove><Object><Key>k</Key></Object></Remove>', md5: true },
        /the XML root must be <Delete>, not <Remove>/,
      ],
      [
        'an unknown XML element',
        'POST',
        '/strict?delete',
        { body: '<Delete><Object><Key>k</Key><Colour>red</Colour></Object></Delete>', md5: true },
        /unknown element <Colour>/,
      ],
      [
        'a required XML member missing',
        'POST',
        '/strict?delete',
        { body: '<Delete><Quiet>true</Quiet></Delete>', md5: true },
        /Delete\.Objects: required member is missing/,
      ],
      ['XML that is not well-formed', 'POST', '/strict?delete', { body: '<Delete><Object></Delete>', md5: true }, /not well-formed XML/],
    ] as Array<[string, string, string, { headers?: Record<string, string>; body?: string; md5?: boolean }, RegExp]>)(
      '%s: 400 InvalidRequest, recorded',
      async (_what, method, target, options, reason) => {
        const headers = { ...options.headers, ...(options.md5 ? { 'Content-MD5': createHash('md5').update(options.body!).digest('base64') } : {}) };
        const answer = await raw(method, target, { headers, ...(options.body !== undefined ? { body: options.body } : {}) });
        expect([answer.status, answer.code]).toEqual([400, 'InvalidRequest']);
        expect(double.invalid).toEqual([{ op: expect.any(String), reason: expect.stringMatching(reason) }]);
      },
    );

    test("Node's global fetch adds Cache-Control to a conditional GET, which is no member of GetObject (why the client sends with node:http)", async () => {
      double.seed(BUCKET, 'cached', 'x');
      const viaFetch = double.client({ fetch: (input, init) => fetch(input, init) });
      expect(await viaFetch.getObject(BUCKET, 'cached', { ifNoneMatch: '"abc"' }).catch((error: S3Error) => error.code)).toBe('InvalidRequest');
      expect(double.invalid[0]!.reason).toMatch(/the header cache-control is not a member of GetObject/);
    });
  });

  describe('listings and conditions', () => {
    test('ListObjectsV2: prefix, delimiter, max-keys, start-after and continuation tokens, in UTF-8 byte order', async () => {
      for (const key of ['l/a', 'l/b/1', 'l/b/2', 'l/c', 'l/d/1', 'l/\uffff', 'l/😀']) double.seed(BUCKET, key, 'x');
      const page = async (query: string) => (await raw('GET', `/${BUCKET}?list-type=2&prefix=l%2F&${query}`)).text;
      const first = await page('delimiter=%2F&max-keys=2');
      expect(first).toMatch(
        /<KeyCount>2<\/KeyCount><MaxKeys>2<\/MaxKeys><Delimiter>\/<\/Delimiter><IsTruncated>true<\/IsTruncated><Contents><Key>l\/a<\/Key>.*<CommonPrefixes><Prefix>l\/b\/<\/Prefix><\/CommonPrefixes>/,
      );
      const token = /<NextContinuationToken>([^<]+)</.exec(first)![1]!;
      const second = await page(`delimiter=%2F&max-keys=2&continuation-token=${encodeURIComponent(token)}`);
      expect(second).toMatch(/<Contents><Key>l\/c<\/Key>.*<CommonPrefixes><Prefix>l\/d\/<\/Prefix>/);
      const all = await page('');
      // U+FFFF sorts before U+1F600 in UTF-8 (EF BF BF < F0 9F 98 80), though not in UTF-16.
      expect([...all.matchAll(/<Key>([^<]+)<\/Key>/g)].map((match) => match[1])).toEqual(['l/a', 'l/b/1', 'l/b/2', 'l/c', 'l/d/1', 'l/\uffff', 'l/😀']);
      expect(await page('start-after=l%2Fc')).toMatch(/<KeyCount>3<\/KeyCount>.*<StartAfter>l\/c<\/StartAfter>/s);
      expect(await page('max-keys=5000')).toContain('<MaxKeys>1000</MaxKeys>');
      expect((await raw('GET', `/${BUCKET}?list-type=2&continuation-token=bm9wZQ%3D%3D`)).code).toBe('InvalidArgument');
      expect(await page('encoding-type=url')).toContain('<Key>l%2F%F0%9F%98%80</Key>');
    });

    test('conditional requests: If-None-Match * on PutObject, If-Match, If-None-Match on GetObject', async () => {
      expect((await raw('PUT', `/${BUCKET}/cond`, { body: 'one', headers: { 'If-None-Match': '*' } })).status).toBe(200);
      const again = await raw('PUT', `/${BUCKET}/cond`, { body: 'two', headers: { 'If-None-Match': '*' } });
      expect([again.status, again.code]).toEqual([412, 'PreconditionFailed']);
      const etag = `"${createHash('md5').update('one').digest('hex')}"`;
      expect((await raw('PUT', `/${BUCKET}/cond`, { body: 'two', headers: { 'If-Match': '"ffffffffffffffffffffffffffffffff"' } })).code).toBe(
        'PreconditionFailed',
      );
      expect((await raw('PUT', `/${BUCKET}/absent`, { body: 'two', headers: { 'If-Match': etag } })).code).toBe('PreconditionFailed');
      expect((await raw('GET', `/${BUCKET}/cond`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
      expect((await raw('PUT', `/${BUCKET}/cond`, { body: 'two', headers: { 'If-Match': etag } })).status).toBe(200);
      expect(double.object(BUCKET, 'cond')!.toString()).toBe('two');
    });
  });
});
