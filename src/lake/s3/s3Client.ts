/**
 * A production S3 client without the AWS SDK: aws4fetch signs, node: built-ins do the rest.
 * What the lake store and the Lambda's manifest reader build on. Every call is retried on
 * throttling, 5xx and network errors (s3Transport.ts); a refusal is an S3Error naming the
 * operation, the object and S3's code. Objects are addressed path-style at `endpoint` (a local
 * double) or virtual-hosted at https://<bucket>.s3.<region>.amazonaws.com.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CredentialSource } from './credentials';
import { downloadTo } from './download';
import { uploadMultipart } from './multipart';
import { stderrOperatorLog, type OperatorLog } from './operatorLog';
import { getObjectWith, s3OptionsFromEnv, transportFor } from './s3ObjectReader';
import { S3Error, errorFromAnswer, malformedAnswer } from './s3Error';
import { S3Transport, encodeKey, sha256, type S3Call } from './s3Transport';
import { xmlCall } from './xmlCall';
import { S3_XMLNS, asList, asRecord, text, urlDecoded, xmlEscape, type XmlNode } from './s3Xml';

export { S3Error } from './s3Error';

export interface S3ObjectInfo {
  key: string;
  size: number;
  /** As S3 gives it, quotes included: "…" or "…-N" for a multipart object. */
  etag: string;
  /** ISO 8601. */
  lastModified: string;
}

export interface S3ClientOptions {
  region: string;
  credentials: CredentialSource;
  /** Path-style base URL, e.g. http://127.0.0.1:PORT (tests, s3rver); else https://<bucket>.s3.<region>.amazonaws.com virtual-hosted. */
  endpoint?: string;
  /** Attempts per request, the first included. Default 6. */
  maxAttempts?: number;
  /** First retry delay bound; doubles per attempt with full jitter, capped at 5 s. Default 100. */
  retryBaseMs?: number;
  /** Files above this go up in parts. Default 16 MiB. */
  multipartThresholdBytes?: number;
  /** Default 8 MiB, never below 5 MiB; grown so a file needs at most 10,000 parts. */
  partSizeBytes?: number;
  /** Parts in flight (and in memory) at once. Default 4. */
  partConcurrency?: number;
  /** An attempt with no progress (no answer, no body bytes) for this long is abandoned and retried. Default 120 s. */
  requestTimeoutMs?: number;
  /** Default: node:http/https (nodeFetch.ts), not the global fetch, which adds Cache-Control to conditional requests. */
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Operator log: retries, aborts (no secrets). Default: stderr, one JSON line each. */
  log?: (entry: Record<string, unknown>) => void;
}

const MiB = 1024 * 1024;
/** S3's smallest part (all but the last). */
export const MIN_PART_BYTES = 5 * MiB;
const LIST_PAGE_LIMIT = 100_000; // pages: a guard against an endpoint that never stops truncating

function md5(body: Uint8Array): Buffer {
  return createHash('md5').update(body).digest();
}

function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Last-Modified (an HTTP date) or an XML timestamp → ISO 8601. */
function isoTime(value: string | null | undefined): string {
  const time = value ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? '' : new Date(time).toISOString();
}

export class S3Client {
  private readonly transport: S3Transport;
  private readonly log: OperatorLog;
  private readonly multipartThresholdBytes: number;
  private readonly partSizeBytes: number;
  private readonly partConcurrency: number;

  constructor(options: S3ClientOptions) {
    this.transport = transportFor(options);
    this.log = options.log ?? stderrOperatorLog;
    this.multipartThresholdBytes = options.multipartThresholdBytes ?? 16 * MiB;
    this.partSizeBytes = Math.max(MIN_PART_BYTES, options.partSizeBytes ?? 8 * MiB);
    this.partConcurrency = Math.max(1, options.partConcurrency ?? 4);
  }

  /** The object's bytes; 'not-modified' when its ETag equals `ifNoneMatch`; undefined when there is no such key. */
  getObject(bucket: string, key: string, options: { ifNoneMatch?: string } = {}): ReturnType<typeof getObjectWith> {
    return getObjectWith(this.transport, bucket, key, options);
  }

  async getObjectText(bucket: string, key: string): Promise<{ text: string; etag: string } | undefined> {
    const got = await this.getObject(bucket, key);
    if (got === undefined || got === 'not-modified') return undefined;
    return { text: new TextDecoder().decode(got.body), etag: got.etag };
  }

  /** Size, ETag and time of an object; undefined on 404 (HEAD answers have no body, so a missing bucket looks the same). */
  async headObject(bucket: string, key: string): Promise<S3ObjectInfo | undefined> {
    const answer = await this.transport.send({ op: 'HeadObject', bucket, key, method: 'HEAD', answers: [404] });
    if (answer.status === 404) return undefined;
    return {
      key,
      size: Number(answer.headers.get('content-length') ?? 0),
      etag: answer.headers.get('etag') ?? '',
      lastModified: isoTime(answer.headers.get('last-modified')),
    };
  }

  /**
   * One PutObject with the body's SHA-256 signed and sent as its checksum. `ifNoneMatch: '*'`
   * creates only; `ifMatch` replaces only that version; either refused → S3Error PreconditionFailed.
   */
  async putObject(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    options: { contentType?: string; ifNoneMatch?: '*'; ifMatch?: string } = {},
  ): Promise<{ etag: string }> {
    const bytes = toBytes(body);
    const headers: Record<string, string> = {
      'Content-Type': options.contentType ?? (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream'),
      'x-amz-checksum-sha256': sha256(bytes).toString('base64'),
    };
    if (options.ifNoneMatch) headers['If-None-Match'] = options.ifNoneMatch;
    if (options.ifMatch) headers['If-Match'] = options.ifMatch;
    const state = { ambiguous: false };
    try {
      const answer = await this.transport.send({ op: 'PutObject', bucket, key, method: 'PUT', headers, body: bytes, state });
      return { etag: answer.headers.get('etag') ?? '' };
    } catch (error) {
      // An attempt that got no answer may have written the object; then the retry's 412 is about our own write.
      if (error instanceof S3Error && error.code === 'PreconditionFailed' && state.ambiguous) {
        const etag = `"${md5(bytes).toString('hex')}"`;
        const now = await this.headObject(bucket, key);
        if (now?.etag === etag) {
          this.log({ event: 's3_conditional_put_landed_earlier', op: 'PutObject', bucket, key });
          return { etag };
        }
      }
      throw error;
    }
  }

  /** A file to S3: one PutObject up to the threshold, else a multipart upload (aborted on any failure, then the error is rethrown). */
  async uploadFile(
    bucket: string,
    key: string,
    filePath: string,
    options: { contentType?: string } = {},
  ): Promise<{ etag: string; parts: number; bytes: number }> {
    const { size } = await stat(filePath);
    const contentType = options.contentType ?? 'application/octet-stream';
    if (size <= this.multipartThresholdBytes) {
      const body = await readFile(filePath);
      if (body.byteLength !== size) throw new Error(`${filePath} changed while it was being uploaded.`);
      const { etag } = await this.putObject(bucket, key, body, { contentType });
      return { etag, parts: 1, bytes: size };
    }
    return uploadMultipart(this.transport, this.log, {
      bucket,
      key,
      filePath,
      size,
      contentType,
      partSizeBytes: this.partSizeBytes,
      concurrency: this.partConcurrency,
    });
  }

  /** An object to a file: written to a temporary name beside it, then renamed, so the file is whole or absent. */
  async downloadFile(bucket: string, key: string, filePath: string): Promise<{ bytes: number }> {
    const temporary = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${randomUUID()}.download`);
    try {
      const bytes = await downloadTo(this.transport, bucket, key, temporary);
      await rename(temporary, filePath);
      return { bytes };
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /**
   * A server-side copy within one bucket. S3 copies at most 5 GiB in one request; larger sources
   * need UploadPartCopy, which this client does not do: S3's refusal then says so.
   */
  async copyObject(bucket: string, sourceKey: string, key: string): Promise<void> {
    try {
      await xmlCall(
        this.transport,
        { op: 'CopyObject', bucket, key, method: 'PUT', headers: { 'x-amz-copy-source': `/${bucket}/${encodeKey(sourceKey)}` } },
        'CopyObjectResult',
      );
    } catch (error) {
      if (error instanceof S3Error && error.code === 'InvalidRequest') {
        throw new S3Error({ ...error.fields(), hint: 'S3 copies at most 5 GiB in one request, and this client does not do UploadPartCopy' }, { cause: error });
      }
      if (error instanceof S3Error && error.code === 'NoSuchKey') {
        throw new S3Error({ ...error.fields(), hint: `the source s3://${bucket}/${sourceKey} does not exist` }, { cause: error });
      }
      throw error;
    }
  }

  /** Every object under `prefix`, in key order (ListObjectsV2, all pages). */
  async listObjects(bucket: string, prefix: string): Promise<S3ObjectInfo[]> {
    const objects: S3ObjectInfo[] = [];
    await this.listPages(bucket, prefix, undefined, (page) => {
      for (const entry of asList(page.Contents)) {
        const item = asRecord(entry) ?? {};
        objects.push({
          key: urlDecoded(text(item.Key) ?? ''),
          size: Number(text(item.Size) ?? 0),
          etag: text(item.ETag) ?? '',
          lastModified: isoTime(text(item.LastModified)),
        });
      }
    });
    return objects;
  }

  /** The "folders" right under `prefix`, each ending in '/' (ListObjectsV2 with delimiter '/'). */
  async listPrefixes(bucket: string, prefix: string): Promise<string[]> {
    const prefixes: string[] = [];
    await this.listPages(bucket, prefix, '/', (page) => {
      for (const entry of asList(page.CommonPrefixes)) prefixes.push(urlDecoded(text(asRecord(entry)?.Prefix) ?? ''));
    });
    return prefixes;
  }

  /** Deletes keys in batches of 1000 (DeleteObjects, quiet). A key S3 could not delete → S3Error naming it. */
  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    const unique = [...new Set(keys)];
    for (let start = 0; start < unique.length; start += 1000) await this.deleteBatch(bucket, unique.slice(start, start + 1000));
  }

  /** Multipart uploads begun and neither completed nor aborted, under `prefix` (all pages). */
  async listMultipartUploads(bucket: string, prefix: string): Promise<Array<{ key: string; uploadId: string; initiated: string }>> {
    const uploads: Array<{ key: string; uploadId: string; initiated: string }> = [];
    let markers: Array<[string, string]> = [];
    for (let page = 0; page < LIST_PAGE_LIMIT; page++) {
      const result = await xmlCall(
        this.transport,
        { op: 'ListMultipartUploads', bucket, method: 'GET', query: [['uploads', undefined], ['prefix', prefix], ['encoding-type', 'url'], ...markers] },
        'ListMultipartUploadsResult',
      );
      for (const entry of asList(result.Upload)) {
        const upload = asRecord(entry) ?? {};
        uploads.push({ key: urlDecoded(text(upload.Key) ?? ''), uploadId: text(upload.UploadId) ?? '', initiated: isoTime(text(upload.Initiated)) });
      }
      if (text(result.IsTruncated) !== 'true') return uploads;
      const nextKey = text(result.NextKeyMarker);
      if (nextKey === undefined) throw this.malformed('ListMultipartUploads', bucket, prefix, 'a truncated page without NextKeyMarker');
      markers = [
        ['key-marker', urlDecoded(nextKey)],
        ['upload-id-marker', text(result.NextUploadIdMarker) ?? ''],
      ];
    }
    throw this.malformed('ListMultipartUploads', bucket, prefix, 'more pages than any bucket should have');
  }

  /** Aborts an upload; one that is already gone (completed or aborted) counts as aborted. */
  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    const answer = await this.transport.send({ op: 'AbortMultipartUpload', bucket, key, method: 'DELETE', query: [['uploadId', uploadId]], answers: [404] });
    if (answer.status === 404) this.missing('AbortMultipartUpload', bucket, key, answer.body, 'NoSuchUpload');
  }

  private async listPages(bucket: string, prefix: string, delimiter: string | undefined, onPage: (page: XmlNode) => void): Promise<void> {
    let token: string | undefined;
    for (let page = 0; page < LIST_PAGE_LIMIT; page++) {
      const query: S3Call['query'] = [
        ['list-type', '2'],
        ['prefix', prefix],
        ['encoding-type', 'url'],
      ];
      if (delimiter) query.push(['delimiter', delimiter]);
      if (token) query.push(['continuation-token', token]);
      const result = await xmlCall(this.transport, { op: 'ListObjectsV2', bucket, method: 'GET', query }, 'ListBucketResult', prefix);
      onPage(result);
      if (text(result.IsTruncated) !== 'true') return;
      token = text(result.NextContinuationToken);
      if (!token) throw this.malformed('ListObjectsV2', bucket, prefix, 'a truncated page without NextContinuationToken');
    }
    throw this.malformed('ListObjectsV2', bucket, prefix, 'more pages than any bucket should have');
  }

  private async deleteBatch(bucket: string, keys: string[]): Promise<void> {
    let objects: string;
    try {
      objects = keys.map((key) => `<Object><Key>${xmlEscape(key)}</Key></Object>`).join('');
    } catch (error) {
      throw new Error(`DeleteObjects s3://${bucket}/: a key holds ${(error as Error).message}.`, { cause: error });
    }
    const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="${S3_XMLNS}"><Quiet>true</Quiet>${objects}</Delete>`, 'utf8');
    // S3 refuses DeleteObjects without an integrity header: Content-MD5 for every S3-compatible store, SHA-256 for S3's own check.
    const result = await xmlCall(
      this.transport,
      {
        op: 'DeleteObjects',
        bucket,
        method: 'POST',
        query: [['delete', undefined]],
        headers: { 'Content-Type': 'application/xml', 'Content-MD5': md5(body).toString('base64'), 'x-amz-checksum-sha256': sha256(body).toString('base64') },
        body,
      },
      'DeleteResult',
    );
    const errors = asList(result.Error).map((entry) => asRecord(entry) ?? {});
    if (errors.length > 0) {
      const first = errors[0]!;
      throw new S3Error({
        op: 'DeleteObjects',
        bucket,
        key: text(first.Key) ?? '',
        status: 200,
        code: text(first.Code) ?? 'UnknownError',
        ...(text(first.Message) ? { detail: text(first.Message)! } : {}),
        hint: `${errors.length} of ${keys.length} keys in the batch were not deleted`,
      });
    }
  }

  /** A 404 whose code is `expected` means the thing is absent (undefined); any other (NoSuchBucket) is thrown. */
  private missing(op: string, bucket: string, key: string, body: Uint8Array, expected = 'NoSuchKey'): undefined {
    const error = errorFromAnswer({ op, bucket, key }, 404, body);
    if (error.code === expected || error.code === 'NotFound') return undefined;
    throw error;
  }

  private malformed(op: string, bucket: string, key: string | undefined, why: string): S3Error {
    return malformedAnswer(op, bucket, key, why);
  }
}

/** The client the environment describes (s3OptionsFromEnv: AWS_REGION, SNAQ_S3_ENDPOINT, credentials). */
export function s3ClientFromEnv(env: Record<string, string | undefined>, extra: Partial<S3ClientOptions> = {}): S3Client {
  return new S3Client(s3OptionsFromEnv(env, extra));
}
