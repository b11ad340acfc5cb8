/**
 * A local stand-in for Amazon S3 (loopback only, path-style `/bucket/key`, objects in memory),
 * strict where S3 is strict, so a client that passes here does not fail on S3 for a reason a
 * test could have caught (PLATFORM.md: s3rver checks none of this).
 *
 * - Every request is identified and checked against the S3 model (test/support/s3/model.ts):
 *   violations answer 400 InvalidRequest and are listed in `invalid`; an operation the double
 *   does not implement answers 501 NotImplemented and is listed in `unexpected`.
 * - SigV4 for service `s3` with S3's single-encoded canonical URI (the project's verifier):
 *   403 InvalidAccessKeyId, RequestTimeTooSkewed (±15 min), SignatureDoesNotMatch, InvalidToken.
 * - Payloads: `x-amz-content-sha256` must be the body's hash unless UNSIGNED-PAYLOAD
 *   (XAmzContentSHA256Mismatch); `x-amz-checksum-sha256` and `Content-MD5` must match (BadDigest);
 *   DeleteObjects needs one of them (the model's requestChecksumRequired).
 * - Semantics (test/support/s3/store.ts): multipart rules at Complete (5 MiB parts but the last,
 *   ETags, order, SHA-256 checksums), conditional writes, ListObjectsV2 paging with delimiters.
 * - Faults: failNext (an S3 error; status 200 puts the <Error> in a 200 as S3 does for Copy and
 *   Complete), dropNext (the socket is destroyed), beforeRequest (stall, or throw to drop).
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { parseAuthorization } from '../../src/api/auth/parseAuthorization';
import { verifySigV4 } from '../../src/api/auth/verifySigV4';
import { parseRequestTarget } from '../../src/api/requestTarget';
import { staticCredentials } from '../../src/lake/s3/credentials';
import { S3Client, type S3ClientOptions } from '../../src/lake/s3/s3Client';
import { decodeQueryComponent, queryPairs } from '../../src/sigv4';
import { identifyOperation, validateS3Request, type S3RequestParts } from './s3/model';
import { completeXml, copyXml, deleteResultXml, errorXml, initiateXml, listPartsXml, listUploadsXml, listV2Xml } from './s3/responses';
import { S3Failure, S3Store, type StoredObject } from './s3/store';

export const SUPPORTED_OPERATIONS = new Set([
  'PutObject',
  'GetObject',
  'HeadObject',
  'CopyObject',
  'DeleteObject',
  'DeleteObjects',
  'ListObjectsV2',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'ListMultipartUploads',
]);

/** What the double accepts unless told otherwise; S3Client's tests sign with these. */
export const s3DoubleCredentials = Object.freeze({ accessKeyId: 'AKIDS3DOUBLEEXAMPLE', secretAccessKey: 's3-double/K7MDENG+bPxRfiCYEXAMPLEKEY' });

export interface S3DoubleOptions {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The double's clock (signature time checks, LastModified). */
  now?: () => number;
  /** CopyObject refuses larger sources with InvalidRequest, as S3 does above 5 GiB. */
  maxCopySourceBytes?: number;
}

export interface S3DoubleCall {
  op: string;
  bucket: string;
  key?: string;
  status: number;
  code?: string;
  bytesIn: number;
}

export interface S3RequestInfo {
  op: string;
  bucket: string;
  key?: string;
  query: Record<string, string>;
}

interface Fault {
  remaining: number;
  op?: string;
  keyPrefix?: string;
  afterApplying?: boolean;
  status?: number;
  code?: string;
  message?: string;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
  code?: string;
}

const SKEW_MS = 15 * 60_000;
const xmlParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, processEntities: true, htmlEntities: true });
const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const field = (node: unknown, name: string): string | undefined => {
  const value = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
};
const decodeText = (raw: string) => Buffer.from(decodeQueryComponent(raw)).toString('utf8');

export class S3Double {
  readonly calls: S3DoubleCall[] = [];
  /** Requests refused by the model check, SigV4 or a payload check, with the reason. */
  readonly invalid: Array<{ op: string; reason: string }> = [];
  /** Requests for operations the double does not implement. */
  readonly unexpected: string[] = [];
  bytesReceived = 0;
  /** Runs before each valid request is answered: await to stall it, throw to drop its connection. */
  beforeRequest?: (request: S3RequestInfo) => void | Promise<void>;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  private readonly now: () => number;
  private readonly store: S3Store;
  private readonly maxCopySourceBytes: number;
  private readonly failures: Fault[] = [];
  private readonly drops: Fault[] = [];
  private readonly deleteDenied: string[] = [];
  private server?: http.Server;
  private endpointUrl = '';

  constructor(options: S3DoubleOptions = {}) {
    this.region = options.region ?? 'ap-northeast-1';
    this.credentials = options.credentials ?? s3DoubleCredentials;
    this.now = options.now ?? Date.now;
    this.store = new S3Store(this.now);
    this.maxCopySourceBytes = options.maxCopySourceBytes ?? 5 * 1024 ** 3;
  }

  get endpoint(): string {
    return this.endpointUrl;
  }

  createBucket(name: string): this {
    this.store.createBucket(name);
    return this;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        this.bytesReceived += raw.byteLength;
        this.handle(req, raw).then(
          (answer) => {
            if (answer === 'drop') return void req.socket.destroy();
            if (res.destroyed) return;
            res.writeHead(answer.status, { 'x-amz-request-id': randomUUID(), Server: 'AmazonS3', ...answer.headers });
            res.end(req.method === 'HEAD' ? undefined : answer.body);
          },
          () => req.socket.destroy(),
        );
      });
    });
    this.server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpointUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpointUrl;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next `count` matching valid requests answer `status` `code` (status 200: an <Error> document in a 200). */
  failNext(count: number, fault: { status: number; code: string; message?: string; op?: string; keyPrefix?: string }): void {
    this.failures.push({ remaining: count, ...fault });
  }

  /**
   * The next `count` matching valid requests get their connection destroyed instead of an answer;
   * with `afterApplying`, only once the request has taken effect (the answer is lost, the write is not).
   */
  dropNext(count: number, filter: { op?: string; keyPrefix?: string; afterApplying?: boolean } = {}): void {
    this.drops.push({ remaining: count, ...filter });
  }

  /** Stores an object directly (no request, nothing recorded): for tests that need many keys fast. */
  seed(bucket: string, key: string, body: Buffer | string = ''): void {
    this.store.put(bucket, key, Buffer.from(body), { contentType: 'binary/octet-stream' });
  }

  /** Begins a multipart upload directly (no request, nothing recorded); returns its id. */
  seedUpload(bucket: string, key: string): string {
    return this.store.createUpload(bucket, key, { contentType: 'binary/octet-stream' }).id;
  }

  /** Forgets calls, refusals, faults and byte counts (objects, buckets and uploads stay). */
  reset(): void {
    this.calls.length = 0;
    this.invalid.length = 0;
    this.unexpected.length = 0;
    this.failures.length = 0;
    this.drops.length = 0;
    this.deleteDenied.length = 0;
    this.bytesReceived = 0;
    this.beforeRequest = undefined;
  }

  /** DeleteObject and DeleteObjects refuse keys under `keyPrefix` with AccessDenied (a per-key error in DeleteObjects). */
  denyDelete(keyPrefix: string): void {
    this.deleteDenied.push(keyPrefix);
  }

  /** Keys in `bucket` (under `prefix`), in S3's order. */
  objects(bucket: string, prefix = ''): string[] {
    return this.store.listV2(bucket, { prefix, maxKeys: Number.MAX_SAFE_INTEGER }).contents.map((entry) => entry.key);
  }

  object(bucket: string, key: string): Buffer | undefined {
    return this.store.bucket(bucket).get(key)?.body;
  }

  stored(bucket: string, key: string): StoredObject | undefined {
    return this.store.bucket(bucket).get(key);
  }

  uploadsInProgress(): Array<{ bucket: string; key: string; uploadId: string; parts: number }> {
    return this.store.allUploads().map((upload) => ({ bucket: upload.bucket, key: upload.key, uploadId: upload.id, parts: upload.parts.size }));
  }

  callsOf(op: string): S3DoubleCall[] {
    return this.calls.filter((call) => call.op === op);
  }

  /** An S3Client signed for this double, pointed at it (see s3ClientForDouble). */
  client(options: Partial<S3ClientOptions> = {}): S3Client {
    return s3ClientForDouble(this, options);
  }

  private async handle(req: http.IncomingMessage, raw: Buffer): Promise<Answer | 'drop'> {
    const method = req.method ?? '';
    const target = parseRequestTarget(req.url ?? '/');
    const segments = (target?.path ?? '/').slice(1).split('/');
    const bucketRaw = segments[0] ?? '';
    const keyRaw = segments.slice(1).join('/');
    let bucket: string;
    let key: string | undefined;
    try {
      bucket = decodeURIComponent(bucketRaw);
      key = keyRaw === '' ? undefined : decodeURIComponent(keyRaw);
    } catch {
      return this.refuse({ op: 'Unknown', bucket: bucketRaw, status: 0, bytesIn: raw.byteLength }, 400, 'InvalidURI', 'Could not parse the specified URI.');
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    const query = queryPairs(target?.rawQuery ?? '').map(([name, value]): [string, string] => [decodeText(name), decodeText(value)]);
    const parts: S3RequestParts = { method, ...(key !== undefined ? { key } : {}), headers, query, body: raw };
    const op = bucket ? identifyOperation(parts) : undefined;
    const call: S3DoubleCall = { op: op ?? 'Unknown', bucket, ...(key !== undefined ? { key } : {}), status: 0, bytesIn: raw.byteLength };
    if (!op || !SUPPORTED_OPERATIONS.has(op)) {
      this.unexpected.push(`${op ?? 'an unknown operation'}: ${method} ${req.url}`);
      return this.answer(call, this.error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', key, bucket));
    }
    const authProblem = this.checkAuth(req, raw);
    if (authProblem) return this.refuse(call, 403, authProblem.code, authProblem.reason);
    const problems = validateS3Request(op, parts);
    if (problems.length > 0) return this.refuse(call, 400, 'InvalidRequest', problems.join('; '));
    const payloadProblem = this.checkPayload(headers, raw);
    if (payloadProblem) return this.refuse(call, payloadProblem.status, payloadProblem.code, payloadProblem.reason);

    const info: S3RequestInfo = { op, bucket, ...(key !== undefined ? { key } : {}), query: Object.fromEntries(query) };
    try {
      await this.beforeRequest?.(info);
    } catch {
      return this.dropped(call);
    }
    const matches = (fault: Fault) => fault.remaining > 0 && (!fault.op || fault.op === op) && (!fault.keyPrefix || (key ?? '').startsWith(fault.keyPrefix));
    const drop = this.drops.find(matches);
    if (drop) drop.remaining--;
    if (drop && !drop.afterApplying) return this.dropped(call);
    const failure = this.failures.find(matches);
    if (failure) {
      failure.remaining--;
      return this.answer(call, this.error(failure.status!, failure.code!, failure.message ?? 'injected by the test', key, bucket));
    }
    let answer: Answer;
    try {
      answer = this.operation(op, bucket, key, headers, Object.fromEntries(query), raw);
    } catch (error) {
      if (error instanceof S3Failure) answer = this.error(error.status, error.code, error.message, error.key ?? key, bucket);
      else {
        // A bug in the double: loud in `invalid`, so the test fails naming it.
        this.invalid.push({ op, reason: `the double failed: ${(error as Error).message}` });
        answer = this.error(500, 'InternalError', 'the S3 double failed', key, bucket);
      }
    }
    return drop ? this.dropped(call) : this.answer(call, answer);
  }

  private dropped(call: S3DoubleCall): 'drop' {
    call.code = 'Dropped';
    this.calls.push(call);
    return 'drop';
  }

  private answer(call: S3DoubleCall, answer: Answer): Answer {
    call.status = answer.status;
    if (answer.code) call.code = answer.code;
    this.calls.push(call);
    return answer;
  }

  private refuse(call: S3DoubleCall, status: number, code: string, reason: string): Answer {
    this.invalid.push({ op: call.op, reason: `${code}: ${reason}` });
    return this.answer(call, this.error(status, code, reason, call.key, call.bucket));
  }

  private error(status: number, code: string, message: string, key: string | undefined, bucket: string): Answer {
    const body = errorXml(code, message, { ...(key !== undefined ? { key } : {}), ...(code === 'NoSuchBucket' ? { bucket } : {}), requestId: randomUUID() });
    return { status, code, headers: { 'Content-Type': 'application/xml' }, body };
  }

  /** S3's order: who (InvalidAccessKeyId), when (RequestTimeTooSkewed), then the signature itself. */
  private checkAuth(req: http.IncomingMessage, raw: Buffer): { code: string; reason: string } | undefined {
    const authorization = req.headers.authorization;
    if (!authorization) return { code: 'AccessDenied', reason: 'anonymous requests are refused' };
    const parsed = parseAuthorization(authorization);
    if (!parsed.ok) return { code: 'AuthorizationHeaderMalformed', reason: parsed.reason };
    if (parsed.value.accessKeyId !== this.credentials.accessKeyId)
      return { code: 'InvalidAccessKeyId', reason: 'The AWS Access Key Id you provided does not exist in our records.' };
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    const time = match ? Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!) : NaN;
    if (Number.isNaN(time)) return { code: 'AccessDenied', reason: 'X-Amz-Date is missing or malformed' };
    if (Math.abs(time - this.now()) > SKEW_MS)
      return { code: 'RequestTimeTooSkewed', reason: 'The difference between the request time and the current time is too large.' };
    if (this.credentials.sessionToken !== undefined && req.headers['x-amz-security-token'] !== this.credentials.sessionToken) {
      return { code: 'InvalidToken', reason: 'The provided token is malformed or otherwise invalid.' };
    }
    const verdict = verifySigV4(
      { method: req.method ?? '', rawUrl: req.url ?? '', headers: req.headers, body: raw },
      {
        region: this.region,
        service: 's3',
        uriEncoding: 's3',
        payloadHash: 'declared',
        maxSkewMs: SKEW_MS,
        now: this.now,
        credentials: (id) => (id === this.credentials.accessKeyId ? { secretAccessKey: this.credentials.secretAccessKey, principal: 's3-double' } : undefined),
      },
    );
    return verdict.ok ? undefined : { code: 'SignatureDoesNotMatch', reason: verdict.reason };
  }

  private checkPayload(headers: Record<string, string>, raw: Buffer): { status: number; code: string; reason: string } | undefined {
    const declared = headers['x-amz-content-sha256']!;
    if (declared.startsWith('STREAMING-')) return { status: 501, code: 'NotImplemented', reason: 'the double takes no aws-chunked bodies' };
    if (declared !== 'UNSIGNED-PAYLOAD' && declared !== createHash('sha256').update(raw).digest('hex')) {
      return { status: 400, code: 'XAmzContentSHA256Mismatch', reason: "The provided 'x-amz-content-sha256' header does not match what was computed." };
    }
    const checksum = headers['x-amz-checksum-sha256'];
    if (checksum !== undefined && checksum !== createHash('sha256').update(raw).digest('base64')) {
      return { status: 400, code: 'BadDigest', reason: 'The SHA256 you specified did not match the calculated checksum.' };
    }
    const otherChecksum = Object.keys(headers).find(
      (name) =>
        name.startsWith('x-amz-checksum-') &&
        !['x-amz-checksum-sha256', 'x-amz-checksum-algorithm', 'x-amz-checksum-mode', 'x-amz-checksum-type'].includes(name),
    );
    if (otherChecksum) return { status: 501, code: 'NotImplemented', reason: `the double checks only SHA-256 checksums, not ${otherChecksum}` };
    const contentMd5 = headers['content-md5'];
    if (contentMd5 !== undefined) {
      if (Buffer.from(contentMd5, 'base64').byteLength !== 16)
        return { status: 400, code: 'InvalidDigest', reason: 'The Content-MD5 you specified was invalid.' };
      if (contentMd5 !== createHash('md5').update(raw).digest('base64'))
        return { status: 400, code: 'BadDigest', reason: 'The Content-MD5 you specified did not match what we received.' };
    }
    return undefined;
  }

  private operation(op: string, bucket: string, key: string | undefined, headers: Record<string, string>, query: Record<string, string>, raw: Buffer): Answer {
    const store = this.store;
    const objectHeaders = (object: StoredObject): Record<string, string> => ({
      ETag: object.etag,
      'Last-Modified': object.lastModified.toUTCString(),
      'Content-Type': object.contentType,
      'Content-Length': String(object.body.byteLength),
      'Accept-Ranges': 'bytes',
      ...(headers['x-amz-checksum-mode'] === 'ENABLED' && object.checksumSha256
        ? { 'x-amz-checksum-sha256': object.checksumSha256, 'x-amz-checksum-type': object.checksumType! }
        : {}),
    });
    const xml = (body: string): Answer => ({ status: 200, headers: { 'Content-Type': 'application/xml' }, body });
    switch (op) {
      case 'PutObject': {
        const object = store.put(bucket, key!, raw, {
          contentType: headers['content-type'] ?? 'binary/octet-stream',
          ...(headers['cache-control'] !== undefined ? { cacheControl: headers['cache-control'] } : {}),
          ...(headers['x-amz-checksum-sha256'] ? { checksumSha256: headers['x-amz-checksum-sha256'] } : {}),
          ...(headers['if-none-match'] !== undefined ? { ifNoneMatch: headers['if-none-match'] } : {}),
          ...(headers['if-match'] !== undefined ? { ifMatch: headers['if-match'] } : {}),
        });
        return { status: 200, headers: { ETag: object.etag, ...(object.checksumSha256 ? { 'x-amz-checksum-sha256': object.checksumSha256 } : {}) } };
      }
      case 'GetObject':
      case 'HeadObject': {
        if (headers.range !== undefined) throw new S3Failure(501, 'NotImplemented', 'the double serves no ranges');
        const object = store.get(bucket, key!);
        const ifNoneMatch = headers['if-none-match'];
        if (ifNoneMatch !== undefined && (ifNoneMatch === '*' || ifNoneMatch.split(',').some((tag) => tag.trim() === object.etag))) {
          return { status: 304, headers: { ETag: object.etag, 'Last-Modified': object.lastModified.toUTCString() } };
        }
        const ifMatch = headers['if-match'];
        if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.split(',').some((tag) => tag.trim() === object.etag)) {
          throw new S3Failure(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', key);
        }
        return { status: 200, headers: objectHeaders(object), body: object.body };
      }
      case 'CopyObject': {
        const source = headers['x-amz-copy-source']!;
        if (source.includes('?')) throw new S3Failure(501, 'NotImplemented', 'the double copies no versions');
        const [sourceBucket, ...rest] = decodeURIComponent(source.replace(/^\//, '')).split('/');
        const object = store.copy(bucket, sourceBucket!, rest.join('/'), key!, this.maxCopySourceBytes);
        return xml(copyXml(object));
      }
      case 'DeleteObject':
        store.bucket(bucket);
        if (this.deleteDenied.some((prefix) => key!.startsWith(prefix))) throw new S3Failure(403, 'AccessDenied', 'Access Denied', key);
        store.delete(bucket, key!);
        return { status: 204 };
      case 'DeleteObjects': {
        store.bucket(bucket);
        const request = (xmlParser.parse(raw.toString('utf8')) as { Delete: unknown }).Delete;
        const objects = asList((request as Record<string, unknown>).Object);
        if (objects.length > 1000)
          throw new S3Failure(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
        const quiet = field(request, 'Quiet') === 'true';
        const deleted: string[] = [];
        const errors: Array<{ key: string; code: string; message: string }> = [];
        for (const object of objects) {
          const objectKey = field(object, 'Key')!;
          if (this.deleteDenied.some((prefix) => objectKey.startsWith(prefix))) errors.push({ key: objectKey, code: 'AccessDenied', message: 'Access Denied' });
          else {
            store.delete(bucket, objectKey);
            deleted.push(objectKey);
          }
        }
        return xml(deleteResultXml(quiet ? [] : deleted, errors));
      }
      case 'ListObjectsV2': {
        const maxKeys = query['max-keys'] === undefined ? 1000 : Number(query['max-keys']);
        if (maxKeys < 0) throw new S3Failure(400, 'InvalidArgument', 'max-keys must not be negative');
        const request = {
          prefix: query.prefix ?? '',
          maxKeys: Math.min(maxKeys, 1000),
          ...(query.delimiter ? { delimiter: query.delimiter } : {}),
          ...(query['continuation-token'] !== undefined ? { continuationToken: query['continuation-token'] } : {}),
          ...(query['start-after'] !== undefined ? { startAfter: query['start-after'] } : {}),
          ...(query['encoding-type'] !== undefined ? { encodingType: query['encoding-type'] } : {}),
        };
        return xml(listV2Xml(bucket, request, store.listV2(bucket, request)));
      }
      case 'CreateMultipartUpload': {
        const algorithm = headers['x-amz-checksum-algorithm'];
        if (algorithm !== undefined && algorithm !== 'SHA256')
          throw new S3Failure(501, 'NotImplemented', `the double checks only SHA256 checksums, not ${algorithm}`);
        const upload = store.createUpload(bucket, key!, {
          contentType: headers['content-type'] ?? 'binary/octet-stream',
          ...(algorithm ? { checksumAlgorithm: algorithm } : {}),
        });
        return xml(initiateXml(upload));
      }
      case 'UploadPart': {
        const part = store.uploadPart(bucket, key!, query.uploadId!, Number(query.partNumber), raw, headers['x-amz-checksum-sha256']);
        return { status: 200, headers: { ETag: part.etag, ...(part.checksumSha256 ? { 'x-amz-checksum-sha256': part.checksumSha256 } : {}) } };
      }
      case 'CompleteMultipartUpload': {
        const request = (xmlParser.parse(raw.toString('utf8')) as { CompleteMultipartUpload: unknown }).CompleteMultipartUpload;
        const listed = asList((request as Record<string, unknown>).Part).map((part) => ({
          partNumber: Number(field(part, 'PartNumber')),
          etag: field(part, 'ETag') ?? '',
          ...(field(part, 'ChecksumSHA256') !== undefined ? { checksumSha256: field(part, 'ChecksumSHA256')! } : {}),
        }));
        const object = store.complete(bucket, key!, query.uploadId!, listed, {
          ...(headers['if-none-match'] !== undefined ? { ifNoneMatch: headers['if-none-match'] } : {}),
          ...(headers['if-match'] !== undefined ? { ifMatch: headers['if-match'] } : {}),
        });
        return xml(completeXml(this.endpointUrl, bucket, key!, object));
      }
      case 'AbortMultipartUpload':
        store.abort(bucket, key!, query.uploadId!);
        return { status: 204 };
      case 'ListParts': {
        const upload = store.upload(bucket, key!, query.uploadId!);
        const maxParts = Math.min(query['max-parts'] === undefined ? 1000 : Number(query['max-parts']), 1000);
        const marker = Number(query['part-number-marker'] ?? 0);
        const all = [...upload.parts.values()].filter((part) => part.number > marker).sort((a, b) => a.number - b.number);
        return xml(listPartsXml(upload, all.slice(0, maxParts), { maxParts, partNumberMarker: marker }, all.length > maxParts));
      }
      case 'ListMultipartUploads': {
        const maxUploads = Math.min(query['max-uploads'] === undefined ? 1000 : Number(query['max-uploads']), 1000);
        const request = {
          prefix: query.prefix ?? '',
          maxUploads,
          ...(query['key-marker'] ? { keyMarker: query['key-marker'] } : {}),
          ...(query['upload-id-marker'] ? { uploadIdMarker: query['upload-id-marker'] } : {}),
          ...(query['encoding-type'] !== undefined ? { encodingType: query['encoding-type'] } : {}),
        };
        const uploads = store.listUploads(bucket, request.prefix, request.keyMarker, request.uploadIdMarker);
        return xml(listUploadsXml(bucket, request, uploads.slice(0, maxUploads), uploads.length > maxUploads));
      }
      default:
        throw new S3Failure(501, 'NotImplemented', `the double does not implement ${op}`);
    }
  }
}

/** An S3Client with the double's credentials and region, pointed at it; retries without real waiting and logs nothing unless told. */
export function s3ClientForDouble(double: S3Double, options: Partial<S3ClientOptions> = {}): S3Client {
  if (!double.endpoint) throw new Error('Start the S3 double before making a client for it.');
  return new S3Client({
    region: double.region,
    credentials: staticCredentials(double.credentials, 'the S3 double'),
    endpoint: double.endpoint,
    sleep: async () => undefined,
    log: () => undefined,
    ...options,
  });
}
