/**
 * uploadFile's multipart path: CreateMultipartUpload (SHA-256 checksums), UploadPart with at most
 * `concurrency` parts read and in flight at once (aws4fetch cannot stream a body, so each part is
 * buffered), each part retried on its own, then CompleteMultipartUpload listing every part's
 * number, ETag and checksum. Any failure stops the other parts, waits for those in flight, aborts
 * the upload (S3 would otherwise keep and bill the parts) and rethrows the first error.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { OperatorLog } from './operatorLog';
import { S3Error, malformedAnswer } from './s3Error';
import { sha256, type S3Transport } from './s3Transport';
import { S3_XMLNS, text, xmlEscape } from './s3Xml';
import { xmlCall } from './xmlCall';

/** S3's limits: parts per upload, bytes per object. */
const MAX_PARTS = 10_000;
const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

export interface MultipartJob {
  bucket: string;
  key: string;
  filePath: string;
  size: number;
  contentType: string;
  partSizeBytes: number;
  concurrency: number;
}

interface UploadedPart {
  etag: string;
  checksum: string;
}

/** The part size for a file: the configured one, grown so the file needs at most 10,000 parts. */
export function partSizeFor(size: number, configured: number): number {
  if (size > MAX_OBJECT_BYTES) throw new Error(`A file of ${size} bytes is larger than S3's 5 TiB object limit.`);
  return Math.max(configured, Math.ceil(size / MAX_PARTS));
}

/** S3's ETag of a multipart object: MD5 of the parts' MD5s, then "-<parts>"; undefined when a part ETag is not an MD5. */
function multipartEtag(parts: UploadedPart[]): string | undefined {
  const digests = parts.map((part) => /^"?([0-9a-f]{32})"?$/i.exec(part.etag)?.[1]);
  if (digests.some((digest) => digest === undefined)) return undefined;
  const md5 = createHash('md5');
  for (const digest of digests) md5.update(Buffer.from(digest!, 'hex'));
  return `"${md5.digest('hex')}-${parts.length}"`;
}

export async function uploadMultipart(transport: S3Transport, log: OperatorLog, job: MultipartJob): Promise<{ etag: string; parts: number; bytes: number }> {
  const { bucket, key } = job;
  const partSize = partSizeFor(job.size, job.partSizeBytes);
  const count = Math.ceil(job.size / partSize);
  const handle = await open(job.filePath, 'r');
  let uploadId: string | undefined;
  const parts: UploadedPart[] = new Array<UploadedPart>(count);
  let uploaded = 0;
  try {
    const created = await xmlCall(
      transport,
      {
        op: 'CreateMultipartUpload',
        bucket,
        key,
        method: 'POST',
        query: [['uploads', undefined]],
        headers: { 'Content-Type': job.contentType, 'x-amz-checksum-algorithm': 'SHA256' },
      },
      'InitiateMultipartUploadResult',
    );
    uploadId = text(created.UploadId);
    if (!uploadId) throw malformedAnswer('CreateMultipartUpload', bucket, key, 'no UploadId');
    const id = uploadId;

    const stop = new AbortController();
    let failure: { error: unknown } | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!failure && next < count) {
        const index = next++;
        try {
          const offset = index * partSize;
          const length = Math.min(partSize, job.size - offset);
          const body = Buffer.allocUnsafe(length);
          const { bytesRead } = await handle.read(body, 0, length, offset);
          if (bytesRead !== length) throw new Error(`${job.filePath} changed while it was being uploaded (part ${index + 1} came up short).`);
          const checksum = sha256(body).toString('base64');
          const answer = await transport.send({
            op: 'UploadPart',
            bucket,
            key,
            method: 'PUT',
            query: [
              ['partNumber', String(index + 1)],
              ['uploadId', id],
            ],
            headers: { 'x-amz-checksum-sha256': checksum },
            body,
            signal: stop.signal,
          });
          const etag = answer.headers.get('etag');
          if (!etag) throw malformedAnswer('UploadPart', bucket, key, 'no ETag');
          parts[index] = { etag, checksum };
          uploaded++;
        } catch (error) {
          if (!failure) {
            failure = { error };
            stop.abort();
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(job.concurrency, count) }, worker));
    if (failure) throw failure.error;

    const etag = await complete(transport, job, id, parts);
    return { etag, parts: count, bytes: job.size };
  } catch (error) {
    if (uploadId !== undefined) await abort(transport, log, job, uploadId, { uploaded, count, error });
    throw error;
  } finally {
    await handle.close();
  }
}

async function complete(transport: S3Transport, job: MultipartJob, uploadId: string, parts: UploadedPart[]): Promise<string> {
  const { bucket, key } = job;
  const list = parts
    .map(
      (part, index) =>
        `<Part><PartNumber>${index + 1}</PartNumber><ETag>${xmlEscape(part.etag)}</ETag><ChecksumSHA256>${part.checksum}</ChecksumSHA256></Part>`,
    )
    .join('');
  const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="${S3_XMLNS}">${list}</CompleteMultipartUpload>`, 'utf8');
  const state = { ambiguous: false };
  try {
    const result = await xmlCall(
      transport,
      {
        op: 'CompleteMultipartUpload',
        bucket,
        key,
        method: 'POST',
        query: [['uploadId', uploadId]],
        headers: { 'Content-Type': 'application/xml' },
        body,
        state,
      },
      'CompleteMultipartUploadResult',
    );
    return text(result.ETag) ?? '';
  } catch (error) {
    // An attempt that got no answer may have completed the upload; the retry then finds no such upload.
    const expected = multipartEtag(parts);
    if (error instanceof S3Error && error.code === 'NoSuchUpload' && state.ambiguous && expected) {
      const head = await transport.send({ op: 'HeadObject', bucket, key, method: 'HEAD', answers: [404] });
      if (head.status === 200 && head.headers.get('etag') === expected) return expected;
    }
    throw error;
  }
}

async function abort(
  transport: S3Transport,
  log: OperatorLog,
  job: MultipartJob,
  uploadId: string,
  why: { uploaded: number; count: number; error: unknown },
): Promise<void> {
  const entry = {
    op: 'AbortMultipartUpload',
    bucket: job.bucket,
    key: job.key,
    uploadId,
    partsUploaded: why.uploaded,
    parts: why.count,
    error: (why.error as Error).message,
  };
  try {
    await transport.send({ op: 'AbortMultipartUpload', bucket: job.bucket, key: job.key, method: 'DELETE', query: [['uploadId', uploadId]], answers: [404] });
    log({ event: 's3_multipart_aborted', ...entry });
  } catch (abortError) {
    // The upload stays behind (listMultipartUploads finds it); the caller still gets the first error.
    log({ event: 's3_multipart_abort_failed', ...entry, abortError: (abortError as Error).message });
  }
}
