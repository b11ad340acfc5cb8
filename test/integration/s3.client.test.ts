/**
 * S3Client against the S3 double (test/support/s3Double.ts): every request checked against the
 * S3 model and SigV4, so `invalid` staying empty proves the client speaks S3 as the model says.
 * Objects, listings past one page, deletes past one batch, copies, a 23 MiB multipart upload,
 * retries and what is never retried, a multipart upload that dies, conditional writes racing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Error, s3ClientFromEnv, type S3Client } from '../../src/lake/s3/s3Client';
import { describeIfAvailable } from '../support/requirements';
import { S3_MODEL } from '../support/s3/model';
import { S3Double } from '../support/s3Double';

const MiB = 1024 * 1024;
const BUCKET = 'snaq-lake';

async function rejection(promise: Promise<unknown>): Promise<S3Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected an S3Error');
}

describeIfAvailable(S3_MODEL, 'S3Client against the S3 double', () => {
  let double: S3Double;
  let client: S3Client;
  let dir: string;
  let log: Array<Record<string, unknown>>;
  const opsSeen = new Set<string>();

  beforeAll(async () => {
    double = new S3Double().createBucket(BUCKET);
    await double.start();
    dir = mkdtempSync(path.join(tmpdir(), 'snaq-s3-client-'));
  });
  beforeEach(() => {
    log = [];
    client = double.client({ log: (entry) => log.push(entry) });
  });
  afterEach(() => {
    // Every request the client sent passed the model, the signature and the payload checks.
    expect(double.invalid).toEqual([]);
    expect(double.unexpected).toEqual([]);
    for (const call of double.calls) if (call.status >= 200 && call.status < 300) opsSeen.add(call.op);
    double.reset();
  });
  afterAll(async () => {
    await double.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('objects', () => {
    test('put, get, head: bytes and text, ETag, 404 as undefined, If-None-Match as not-modified', async () => {
      const body = randomBytes(1000);
      const { etag } = await client.putObject(BUCKET, 'objects/one.bin', body);
      expect(etag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
      expect(await client.getObject(BUCKET, 'objects/one.bin')).toEqual({ body: new Uint8Array(body), etag });
      expect(await client.getObject(BUCKET, 'objects/one.bin', { ifNoneMatch: etag })).toBe('not-modified');
      expect(await client.getObject(BUCKET, 'objects/missing.bin')).toBeUndefined();
      const head = await client.headObject(BUCKET, 'objects/one.bin');
      expect(head).toEqual({ key: 'objects/one.bin', size: 1000, etag, lastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/) });
      expect(await client.headObject(BUCKET, 'objects/missing.bin')).toBeUndefined();

      await client.putObject(BUCKET, 'objects/manifest.json', '{"snapshot":"é"}', { contentType: 'application/json' });
      expect(await client.getObjectText(BUCKET, 'objects/manifest.json')).toEqual({ text: '{"snapshot":"é"}', etag: expect.any(String) });
      expect(double.stored(BUCKET, 'objects/manifest.json')!.contentType).toBe('application/json');
      expect(await client.getObjectText(BUCKET, 'objects/missing.json')).toBeUndefined();
      // The body's SHA-256 went along as its checksum, and the double checked it.
      expect(double.stored(BUCKET, 'objects/one.bin')!.checksumSha256).toBe(createHash('sha256').update(body).digest('base64'));
    });

    test('a missing bucket is an error, not a missing key', async () => {
      const error = await rejection(client.getObject('no-such-bucket', 'k'));
      expect(error.message).toBe('GetObject s3://no-such-bucket/k: NoSuchBucket (404)');
      expect(error.retryable).toBe(false);
    });

    test('keys with spaces, non-ASCII, RFC 3986 reserved characters and empty segments round-trip and sign', async () => {
      const keys = ['odd/a b+c', 'odd/日本語/ファイル.parquet', "odd/!'()*", 'odd/%41%2F', 'odd/a//b', 'odd/~tilde=&?#;:@$,', 'odd/ leading and trailing '];
      for (const key of keys) await client.putObject(BUCKET, key, key);
      for (const key of keys) expect((await client.getObjectText(BUCKET, key))?.text).toBe(key);
      expect((await client.listObjects(BUCKET, 'odd/')).map((object) => object.key)).toEqual(double.objects(BUCKET, 'odd/'));
      expect(new Set(double.objects(BUCKET, 'odd/'))).toEqual(new Set(keys));
      await client.deleteObjects(BUCKET, keys);
      expect(double.objects(BUCKET, 'odd/')).toEqual([]);
    });

    test('keys no URL can carry are refused before anything is sent', async () => {
      await expect(client.putObject(BUCKET, 'a/../b', 'x')).rejects.toThrow(/"\." or "\.\." segment/);
      await expect(client.putObject(BUCKET, '', 'x')).rejects.toThrow(/must not be empty/);
      await expect(client.putObject(BUCKET, 'k'.repeat(1025), 'x')).rejects.toThrow(/1024 bytes/);
      await expect(client.getObject('evil.example.com#', 'k')).rejects.toThrow(/The bucket name "evil.example.com#" may hold only lower-case letters/);
      expect(double.calls).toEqual([]);
    });

    test('copyObject copies server-side; a missing source is NoSuchKey', async () => {
      await client.putObject(BUCKET, 'copy/source', 'copied bytes');
      await client.copyObject(BUCKET, 'copy/source', 'copy/target');
      expect(double.object(BUCKET, 'copy/target')?.toString()).toBe('copied bytes');
      expect(double.callsOf('CopyObject')).toEqual([expect.objectContaining({ status: 200, bytesIn: 0 })]);
      const error = await rejection(client.copyObject(BUCKET, 'copy/none', 'copy/target2'));
      expect(error.message).toBe('CopyObject s3://snaq-lake/copy/target2: NoSuchKey (404); the source s3://snaq-lake/copy/none does not exist');
    });

    test('a source over the copy limit fails saying that UploadPartCopy is not done', async () => {
      const limited = new S3Double({ maxCopySourceBytes: 10 }).createBucket(BUCKET);
      await limited.start();
      try {
        await limited.client().putObject(BUCKET, 'big', 'more than ten bytes');
        const error = await rejection(limited.client().copyObject(BUCKET, 'big', 'big-copy'));
        expect(error.message).toBe(
          'CopyObject s3://snaq-lake/big-copy: InvalidRequest (400); S3 copies at most 5 GiB in one request, and this client does not do UploadPartCopy',
        );
        expect(limited.invalid).toEqual([]);
      } finally {
        await limited.close();
      }
    });

    test('an <Error> inside a 200 (as S3 answers a failed copy) is a failure, retried when S3 says so', async () => {
      await client.putObject(BUCKET, 'copy/a', 'a');
      double.failNext(1, { status: 200, code: 'InternalError', op: 'CopyObject' });
      await client.copyObject(BUCKET, 'copy/a', 'copy/b');
      expect(double.callsOf('CopyObject').map((call) => call.code ?? 'ok')).toEqual(['InternalError', 'ok']);
      double.failNext(1, { status: 200, code: 'AccessDenied', op: 'CopyObject' });
      expect((await rejection(client.copyObject(BUCKET, 'copy/a', 'copy/c'))).message).toBe('CopyObject s3://snaq-lake/copy/c: AccessDenied (200)');
    });
  });

  describe('listings and deletes', () => {
    test('listObjects reads every page (2,500 keys, 1000 a page), in key order', async () => {
      const keys = Array.from({ length: 2_500 }, (_, i) => `many/part-${String(i).padStart(5, '0')}.parquet`);
      for (const key of keys) double.seed(BUCKET, key, 'x');
      double.seed(BUCKET, 'many-other/not-this', 'x');
      const listed = await client.listObjects(BUCKET, 'many/');
      expect(listed.map((object) => object.key)).toEqual(keys);
      expect(listed[0]).toEqual({ key: keys[0], size: 1, etag: `"${createHash('md5').update('x').digest('hex')}"`, lastModified: expect.stringMatching(/Z$/) });
      expect(double.callsOf('ListObjectsV2')).toHaveLength(3);
      expect(await client.listObjects(BUCKET, 'nothing-here/')).toEqual([]);
    });

    test('listPrefixes gives the folders right under a prefix, across pages', async () => {
      for (let i = 0; i < 1_200; i++) double.seed(BUCKET, `folders/snap-${String(i).padStart(4, '0')}/users/part-0.parquet`, 'x');
      double.seed(BUCKET, 'folders/manifest.json', '{}');
      const prefixes = await client.listPrefixes(BUCKET, 'folders/');
      expect(prefixes).toHaveLength(1_200);
      expect(prefixes[0]).toBe('folders/snap-0000/');
      expect(prefixes.at(-1)).toBe('folders/snap-1199/');
      expect(double.callsOf('ListObjectsV2')).toHaveLength(2);
      expect(await client.listPrefixes(BUCKET, 'folders/snap-0001/')).toEqual(['folders/snap-0001/users/']);
    });

    test('deleteObjects deletes 2,500 keys in batches of 1000, with Content-MD5 and SHA-256', async () => {
      const keys = Array.from({ length: 2_500 }, (_, i) => `doomed/${i}`);
      for (const key of keys) double.seed(BUCKET, key, 'x');
      await client.deleteObjects(BUCKET, [...keys, keys[0]!]);
      expect(double.objects(BUCKET, 'doomed/')).toEqual([]);
      expect(double.callsOf('DeleteObjects').map((call) => call.status)).toEqual([200, 200, 200]);
      await client.deleteObjects(BUCKET, []);
      expect(double.callsOf('DeleteObjects')).toHaveLength(3);
    });

    test('a key S3 would not delete fails the call, naming that key', async () => {
      double.seed(BUCKET, 'keep/locked', 'x');
      double.seed(BUCKET, 'keep/free', 'x');
      double.denyDelete('keep/locked');
      const error = await rejection(client.deleteObjects(BUCKET, ['keep/free', 'keep/locked']));
      expect(error).toMatchObject({ op: 'DeleteObjects', key: 'keep/locked', code: 'AccessDenied', retryable: false });
      expect(error.message).toBe('DeleteObjects s3://snaq-lake/keep/locked: AccessDenied (200); 1 of 2 keys in the batch were not deleted');
      expect(double.objects(BUCKET, 'keep/')).toEqual(['keep/locked']);
    });
  });

  describe('files', () => {
    const file23 = () => path.join(dir, 'big.bin');
    beforeAll(() => writeFileSync(file23(), randomBytes(23 * MiB)));

    test('a 23 MiB file goes up in parts of at least 5 MiB with SHA-256 checksums, and comes down byte for byte', async () => {
      const result = await client.uploadFile(BUCKET, 'files/big.bin', file23(), { contentType: 'application/vnd.apache.parquet' });
      expect(result).toEqual({ etag: expect.stringMatching(/^"[0-9a-f]{32}-3"$/), parts: 3, bytes: 23 * MiB });
      const parts = double.callsOf('UploadPart');
      expect(parts.map((call) => call.bytesIn).sort((a, b) => b - a)).toEqual([8 * MiB, 8 * MiB, 7 * MiB]); // in flight together: any order
      expect(double.callsOf('CreateMultipartUpload')).toHaveLength(1);
      expect(double.callsOf('CompleteMultipartUpload')).toEqual([expect.objectContaining({ status: 200 })]);
      const stored = double.stored(BUCKET, 'files/big.bin')!;
      expect(stored).toMatchObject({
        etag: result.etag,
        checksumType: 'COMPOSITE',
        checksumSha256: expect.stringMatching(/-3$/),
        contentType: 'application/vnd.apache.parquet',
      });
      expect(double.uploadsInProgress()).toEqual([]);

      const target = path.join(dir, 'downloaded.bin');
      expect(await client.downloadFile(BUCKET, 'files/big.bin', target)).toEqual({ bytes: 23 * MiB });
      expect(readFileSync(target).equals(readFileSync(file23()))).toBe(true);
      expect(readdirSync(dir).filter((name) => name.endsWith('.download'))).toEqual([]);
    });

    test('the part size is configurable but never below 5 MiB; small files are one PutObject', async () => {
      const fine = double.client({ partSizeBytes: 1 * MiB, multipartThresholdBytes: 6 * MiB });
      const result = await fine.uploadFile(BUCKET, 'files/five.bin', file23());
      expect(result.parts).toBe(5);
      expect(
        double
          .callsOf('UploadPart')
          .map((call) => call.bytesIn)
          .sort((a, b) => b - a),
      ).toEqual([5 * MiB, 5 * MiB, 5 * MiB, 5 * MiB, 3 * MiB]);

      const small = path.join(dir, 'small.bin');
      writeFileSync(small, 'small');
      expect(await client.uploadFile(BUCKET, 'files/small.bin', small)).toEqual({ etag: expect.stringMatching(/^"[0-9a-f]{32}"$/), parts: 1, bytes: 5 });
      expect(double.callsOf('PutObject')).toHaveLength(1);
      const empty = path.join(dir, 'empty.bin');
      writeFileSync(empty, '');
      expect((await client.uploadFile(BUCKET, 'files/empty.bin', empty)).bytes).toBe(0);
      expect(double.object(BUCKET, 'files/empty.bin')).toEqual(Buffer.alloc(0));
    });

    test('a part that fails is retried on its own, and the upload completes', async () => {
      double.dropNext(1, { op: 'UploadPart' });
      double.failNext(1, { status: 503, code: 'SlowDown', op: 'UploadPart' });
      const result = await client.uploadFile(BUCKET, 'files/retried.bin', file23());
      expect(result.parts).toBe(3);
      expect(double.callsOf('UploadPart')).toHaveLength(5);
      expect(double.callsOf('CreateMultipartUpload')).toHaveLength(1);
      expect(double.object(BUCKET, 'files/retried.bin')!.equals(readFileSync(file23()))).toBe(true);
    });

    test('a multipart upload that dies mid-way is aborted: no upload left in progress, no object', async () => {
      let parts = 0;
      double.beforeRequest = ({ op }) => {
        if (op === 'UploadPart' && ++parts === 2) double.failNext(1, { status: 403, code: 'AccessDenied', op: 'UploadPart' });
      };
      const error = await rejection(client.uploadFile(BUCKET, 'files/dies.bin', file23()));
      expect(error.message).toBe('UploadPart s3://snaq-lake/files/dies.bin: AccessDenied (403)');
      expect(double.uploadsInProgress()).toEqual([]);
      expect(double.stored(BUCKET, 'files/dies.bin')).toBeUndefined();
      expect(double.callsOf('AbortMultipartUpload')).toEqual([expect.objectContaining({ status: 204 })]);
      expect(double.callsOf('CompleteMultipartUpload')).toEqual([]);
      expect(log).toContainEqual(expect.objectContaining({ event: 's3_multipart_aborted', key: 'files/dies.bin', error: error.message }));
    });

    test('at most partConcurrency parts are read and in flight at once', async () => {
      let inFlight = 0;
      let most = 0;
      double.beforeRequest = async ({ op }) => {
        if (op !== 'UploadPart') return;
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 100));
        inFlight--;
      };
      const two = double.client({ partConcurrency: 2, partSizeBytes: 5 * MiB });
      expect((await two.uploadFile(BUCKET, 'files/two-at-a-time.bin', file23())).parts).toBe(5);
      expect(most).toBe(2);
    });

    test('listMultipartUploads reads every page (1,005 uploads, 1000 a page)', async () => {
      const ids = Array.from({ length: 1_005 }, (_, i) => double.seedUpload(BUCKET, `pending/${String(i).padStart(4, '0')}`));
      const uploads = await client.listMultipartUploads(BUCKET, 'pending/');
      expect(uploads.map((upload) => upload.uploadId)).toEqual(ids);
      expect(uploads[1_004]).toEqual({ key: 'pending/1004', uploadId: ids[1_004], initiated: expect.stringMatching(/Z$/) });
      expect(double.callsOf('ListMultipartUploads')).toHaveLength(2);
      await Promise.all(uploads.map((upload) => client.abortMultipartUpload(BUCKET, upload.key, upload.uploadId)));
      expect(double.uploadsInProgress()).toEqual([]);
    });

    test('an upload whose abort fails too stays listed, and abortMultipartUpload removes it', async () => {
      double.failNext(1, { status: 403, code: 'AccessDenied', op: 'CompleteMultipartUpload' });
      double.failNext(1, { status: 403, code: 'AccessDenied', op: 'AbortMultipartUpload' });
      await rejection(client.uploadFile(BUCKET, 'files/stuck.bin', file23()));
      expect(log).toContainEqual(expect.objectContaining({ event: 's3_multipart_abort_failed', key: 'files/stuck.bin' }));
      const uploads = await client.listMultipartUploads(BUCKET, 'files/');
      expect(uploads).toEqual([{ key: 'files/stuck.bin', uploadId: double.uploadsInProgress()[0]!.uploadId, initiated: expect.stringMatching(/Z$/) }]);
      expect(await client.listMultipartUploads(BUCKET, 'elsewhere/')).toEqual([]);
      await client.abortMultipartUpload(BUCKET, 'files/stuck.bin', uploads[0]!.uploadId);
      expect(double.uploadsInProgress()).toEqual([]);
      // Already gone counts as aborted.
      await client.abortMultipartUpload(BUCKET, 'files/stuck.bin', uploads[0]!.uploadId);
    });

    test('a Complete whose answer was lost is found complete on the retry', async () => {
      double.dropNext(1, { op: 'CompleteMultipartUpload', afterApplying: true });
      const result = await client.uploadFile(BUCKET, 'files/lost-answer.bin', file23());
      expect(result).toEqual({ etag: double.stored(BUCKET, 'files/lost-answer.bin')!.etag, parts: 3, bytes: 23 * MiB });
      expect(double.callsOf('CompleteMultipartUpload').map((call) => call.code ?? call.status)).toEqual(['Dropped', 'NoSuchUpload']);
    });

    test('downloadFile: a missing key is NoSuchKey and leaves no file; a dropped connection is retried', async () => {
      const target = path.join(dir, 'never.bin');
      const error = await rejection(client.downloadFile(BUCKET, 'files/none.bin', target));
      expect(error.code).toBe('NoSuchKey');
      expect(existsSync(target)).toBe(false);
      await client.putObject(BUCKET, 'files/small-again.bin', 'abc');
      double.dropNext(2, { op: 'GetObject' });
      expect(await client.downloadFile(BUCKET, 'files/small-again.bin', target)).toEqual({ bytes: 3 });
      expect(readFileSync(target, 'utf8')).toBe('abc');
      expect(readdirSync(dir).filter((name) => name.endsWith('.download'))).toEqual([]);
    });
  });

  describe('retries', () => {
    test('500s, then success', async () => {
      double.failNext(2, { status: 500, code: 'InternalError', op: 'PutObject' });
      await client.putObject(BUCKET, 'retry/a', 'a');
      expect(double.callsOf('PutObject').map((call) => call.status)).toEqual([500, 500, 200]);
      expect(log.filter((entry) => entry.event === 's3_retry')).toEqual([
        expect.objectContaining({ op: 'PutObject', key: 'retry/a', attempt: 1, status: 500, code: 'InternalError', delayMs: expect.any(Number) }),
        expect.objectContaining({ attempt: 2 }),
      ]);
    });

    test('503 SlowDown and 400 RequestTimeout are retried; so is a dropped connection', async () => {
      await client.putObject(BUCKET, 'retry/b', 'b');
      double.failNext(3, { status: 503, code: 'SlowDown', op: 'GetObject' });
      double.failNext(1, { status: 400, code: 'RequestTimeout', op: 'GetObject' });
      double.dropNext(1, { op: 'GetObject' });
      expect((await client.getObjectText(BUCKET, 'retry/b'))?.text).toBe('b');
      expect(double.callsOf('GetObject').map((call) => call.code ?? call.status)).toEqual([
        'Dropped',
        'SlowDown',
        'SlowDown',
        'SlowDown',
        'RequestTimeout',
        200,
      ]);
    });

    test('a 403 is not retried; the error names the operation, the object and the code', async () => {
      double.failNext(1, { status: 403, code: 'AccessDenied', op: 'PutObject' });
      const error = await rejection(client.putObject(BUCKET, 'retry/denied', 'x'));
      expect(error.message).toBe('PutObject s3://snaq-lake/retry/denied: AccessDenied (403)');
      expect(error).toMatchObject({
        op: 'PutObject',
        status: 403,
        code: 'AccessDenied',
        key: 'retry/denied',
        retryable: false,
        detail: 'injected by the test',
      });
      expect(double.callsOf('PutObject')).toHaveLength(1);
    });

    test('retries end after maxAttempts with the last error', async () => {
      const three = double.client({ maxAttempts: 3 });
      double.failNext(5, { status: 500, code: 'InternalError', op: 'HeadObject' });
      const error = await rejection(three.headObject(BUCKET, 'retry/x'));
      expect(error.message).toBe('HeadObject s3://snaq-lake/retry/x: InternalError (500, 3 attempts)');
      expect(double.callsOf('HeadObject')).toHaveLength(3);
    });

    test('backoff is full jitter, doubling from retryBaseMs and capped at 5 s', async () => {
      const delays: number[] = [];
      const slow = double.client({ maxAttempts: 9, retryBaseMs: 1_000, sleep: async (ms) => void delays.push(ms) });
      double.failNext(8, { status: 500, code: 'InternalError', op: 'HeadObject' });
      await slow.headObject(BUCKET, 'retry/x');
      expect(delays).toHaveLength(8);
      delays.forEach((delay, i) => expect(delay).toBeLessThanOrEqual(Math.min(5_000, 1_000 * 2 ** i)));
    });

    test('a stalled request is abandoned after requestTimeoutMs and retried', async () => {
      let stalled = false;
      double.beforeRequest = async ({ op }) => {
        if (op === 'PutObject' && !stalled) {
          stalled = true;
          await new Promise((resolve) => setTimeout(resolve, 1_500));
        }
      };
      const impatient = double.client({ requestTimeoutMs: 200 });
      const started = Date.now();
      await impatient.putObject(BUCKET, 'retry/stalled', 'x');
      expect(Date.now() - started).toBeLessThan(1_400);
      expect(double.object(BUCKET, 'retry/stalled')?.toString()).toBe('x');
      await new Promise((resolve) => setTimeout(resolve, 1_400)); // let the stalled request finish before the next test
    });
  });

  describe('conditional writes', () => {
    test('If-None-Match * race: two concurrent puts, exactly one wins', async () => {
      // Hold both requests until both have arrived, so they really meet at the store.
      let arrived = 0;
      let release!: () => void;
      const bothHere = new Promise<void>((resolve) => (release = resolve));
      double.beforeRequest = async ({ op }) => {
        if (op !== 'PutObject') return;
        if (++arrived === 2) release();
        await bothHere;
      };
      const results = await Promise.allSettled([
        client.putObject(BUCKET, 'race/lock', 'writer A', { ifNoneMatch: '*' }),
        client.putObject(BUCKET, 'race/lock', 'writer B', { ifNoneMatch: '*' }),
      ]);
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toMatchObject({ code: 'PreconditionFailed', status: 412, retryable: false });
      expect(['writer A', 'writer B']).toContain(double.object(BUCKET, 'race/lock')!.toString());
      // Node's global fetch would have added Cache-Control: no-cache to a conditional request, which S3 keeps as metadata.
      expect(double.stored(BUCKET, 'race/lock')!.cacheControl).toBeUndefined();
      expect(double.callsOf('PutObject')).toHaveLength(2); // 412 is never retried
    });

    test('If-Match replaces only the version named', async () => {
      const { etag } = await client.putObject(BUCKET, 'cond/manifest.json', 'v1');
      const second = await client.putObject(BUCKET, 'cond/manifest.json', 'v2', { ifMatch: etag });
      expect((await rejection(client.putObject(BUCKET, 'cond/manifest.json', 'v3', { ifMatch: etag }))).code).toBe('PreconditionFailed');
      expect((await rejection(client.putObject(BUCKET, 'cond/absent.json', 'v1', { ifMatch: etag }))).code).toBe('PreconditionFailed');
      expect(await client.getObjectText(BUCKET, 'cond/manifest.json')).toEqual({ text: 'v2', etag: second.etag });
    });

    test('a create-only put whose answer was lost is not reported as lost to another writer', async () => {
      double.dropNext(1, { op: 'PutObject', afterApplying: true });
      const { etag } = await client.putObject(BUCKET, 'cond/once', 'mine', { ifNoneMatch: '*' });
      expect(etag).toBe(double.stored(BUCKET, 'cond/once')!.etag);
      expect(double.callsOf('PutObject').map((call) => call.code ?? call.status)).toEqual(['Dropped', 'PreconditionFailed']);
      expect(log).toContainEqual(expect.objectContaining({ event: 's3_conditional_put_landed_earlier', key: 'cond/once' }));
      // Someone else's object is still a 412, after a lost answer too.
      double.dropNext(1, { op: 'PutObject' });
      expect((await rejection(client.putObject(BUCKET, 'cond/once', 'theirs', { ifNoneMatch: '*' }))).code).toBe('PreconditionFailed');
    });
  });

  test('s3ClientFromEnv with container credentials: the session token is sent and signed', async () => {
    const token = 'FwoGZXIvYXdzEXAMPLE-session-token';
    const tokenDouble = new S3Double({
      credentials: { accessKeyId: 'ASIACONTAINER', secretAccessKey: 'container/secret/EXAMPLE', sessionToken: token },
    }).createBucket(BUCKET);
    await tokenDouble.start();
    const endpoint = http.createServer((req, res) => {
      res.writeHead(req.headers.authorization === 'auth-token' ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          AccessKeyId: 'ASIACONTAINER',
          SecretAccessKey: 'container/secret/EXAMPLE',
          Token: token,
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    try {
      const fromEnv = s3ClientFromEnv(
        {
          AWS_REGION: tokenDouble.region,
          SNAQ_S3_ENDPOINT: tokenDouble.endpoint,
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/creds`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: 'auth-token',
        },
        { log: () => undefined },
      );
      await fromEnv.putObject(BUCKET, 'env/k', 'v');
      expect((await fromEnv.getObjectText(BUCKET, 'env/k'))?.text).toBe('v');
      expect(tokenDouble.invalid).toEqual([]);
    } finally {
      endpoint.closeAllConnections();
      await new Promise<void>((resolve) => endpoint.close(() => resolve()));
      await tokenDouble.close();
    }
  });

  test('the operations the lake builds on were all exercised, each answered 2xx', () => {
    const used = [
      'PutObject',
      'GetObject',
      'HeadObject',
      'CopyObject',
      'DeleteObjects',
      'ListObjectsV2',
      'CreateMultipartUpload',
      'UploadPart',
      'CompleteMultipartUpload',
      'AbortMultipartUpload',
      'ListMultipartUploads',
    ];
    for (const op of used) expect([op, opsSeen.has(op)]).toEqual([op, true]);
  });
});
