/**
 * The S3 double's state and semantics, without HTTP: buckets of objects in memory, multipart
 * uploads (an object appears only at Complete), conditional writes, and ListObjectsV2 /
 * ListMultipartUploads / ListParts paging in S3's order (UTF-8 byte order of keys). A refusal is
 * an S3Failure carrying S3's status and code.
 */
import { createHash, randomBytes } from 'node:crypto';

export class S3Failure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

export interface StoredObject {
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType: string;
  /** Object metadata S3 would keep from PutObject's Cache-Control. */
  cacheControl?: string;
  /** base64 SHA-256; "…-N" for a composite (multipart) checksum. */
  checksumSha256?: string;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface StoredPart {
  number: number;
  body: Buffer;
  etag: string;
  checksumSha256?: string;
  lastModified: Date;
}

export interface Upload {
  id: string;
  bucket: string;
  key: string;
  initiated: Date;
  /** Creation order, for listing uploads of one key in the order they began. */
  sequence: number;
  contentType: string;
  checksumAlgorithm?: string;
  parts: Map<number, StoredPart>;
}

export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;

const md5 = (body: Buffer) => createHash('md5').update(body).digest();
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest();
/** S3 lists in UTF-8 byte order, which differs from JavaScript's UTF-16 order past U+FFFF. */
export const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const unquote = (etag: string) => etag.replace(/^"|"$/g, '');

/** Continuation tokens are opaque to clients: base64 of where the last page ended. */
function decodeToken(token: string): { after: string; commonPrefix: boolean } {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown; commonPrefix?: unknown };
    if (typeof decoded.after === 'string' && typeof decoded.commonPrefix === 'boolean') return { after: decoded.after, commonPrefix: decoded.commonPrefix };
  } catch {
    // falls through to the refusal
  }
  throw new S3Failure(400, 'InvalidArgument', 'The continuation token provided is incorrect');
}

export interface ListV2Request {
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  continuationToken?: string;
  startAfter?: string;
}

export interface ListV2Page {
  contents: Array<{ key: string; object: StoredObject }>;
  commonPrefixes: string[];
  isTruncated: boolean;
  nextContinuationToken?: string;
}

export class S3Store {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private readonly uploads = new Map<string, Upload>();
  private sequence = 0;

  constructor(private readonly now: () => number) {}

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  bucket(name: string): Map<string, StoredObject> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new S3Failure(404, 'NoSuchBucket', 'The specified bucket does not exist');
    return bucket;
  }

  get(bucketName: string, key: string): StoredObject {
    const object = this.bucket(bucketName).get(key);
    if (!object) throw new S3Failure(404, 'NoSuchKey', 'The specified key does not exist.', key);
    return object;
  }

  /** If-None-Match: * (create only) and If-Match (replace only that ETag), checked at the moment of writing. */
  checkWriteConditions(bucketName: string, key: string, conditions: { ifNoneMatch?: string; ifMatch?: string }): void {
    const existing = this.bucket(bucketName).get(key);
    if (conditions.ifNoneMatch !== undefined) {
      if (conditions.ifNoneMatch !== '*')
        throw new S3Failure(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', key);
      if (existing) throw new S3Failure(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', key);
    }
    if (conditions.ifMatch !== undefined && (!existing || unquote(existing.etag) !== unquote(conditions.ifMatch))) {
      throw new S3Failure(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', key);
    }
  }

  put(
    bucketName: string,
    key: string,
    body: Buffer,
    options: { contentType: string; cacheControl?: string; checksumSha256?: string; ifNoneMatch?: string; ifMatch?: string },
  ): StoredObject {
    this.checkWriteConditions(bucketName, key, options);
    const object: StoredObject = {
      body,
      etag: `"${md5(body).toString('hex')}"`,
      lastModified: new Date(this.now()),
      contentType: options.contentType,
      ...(options.cacheControl !== undefined ? { cacheControl: options.cacheControl } : {}),
      ...(options.checksumSha256 ? { checksumSha256: options.checksumSha256, checksumType: 'FULL_OBJECT' as const } : {}),
    };
    this.bucket(bucketName).set(key, object);
    return object;
  }

  delete(bucketName: string, key: string): void {
    this.bucket(bucketName).delete(key);
  }

  copy(bucketName: string, sourceBucket: string, sourceKey: string, key: string, maxSourceBytes: number): StoredObject {
    const source = this.get(sourceBucket, sourceKey);
    if (source.body.byteLength > maxSourceBytes) {
      throw new S3Failure(
        400,
        'InvalidRequest',
        `The specified copy source is larger than the maximum allowable size for a copy source: ${maxSourceBytes}`,
        key,
      );
    }
    const copy: StoredObject = {
      body: source.body,
      etag: `"${md5(source.body).toString('hex')}"`,
      lastModified: new Date(this.now()),
      contentType: source.contentType,
      ...(source.checksumType === 'FULL_OBJECT' ? { checksumSha256: source.checksumSha256!, checksumType: 'FULL_OBJECT' as const } : {}),
    };
    this.bucket(bucketName).set(key, copy);
    return copy;
  }

  listV2(bucketName: string, request: ListV2Request): ListV2Page {
    const bucket = this.bucket(bucketName);
    let after = request.startAfter;
    // A common prefix already returned (on this page, or last on the previous one) covers all its keys.
    let coveredPrefix: string | undefined;
    if (request.continuationToken !== undefined) {
      const token = decodeToken(request.continuationToken);
      after = token.after;
      coveredPrefix = token.commonPrefix ? token.after : undefined;
    }
    const keys = [...bucket.keys()].filter((key) => key.startsWith(request.prefix) && (after === undefined || byteOrder(key, after) > 0)).sort(byteOrder);
    const page: ListV2Page = { contents: [], commonPrefixes: [], isTruncated: false };
    let last: { after: string; commonPrefix: boolean } | undefined;
    for (const key of keys) {
      if (coveredPrefix !== undefined && key.startsWith(coveredPrefix)) continue;
      if (page.contents.length + page.commonPrefixes.length >= request.maxKeys) {
        page.isTruncated = true;
        break;
      }
      const rest = key.slice(request.prefix.length);
      const cut = request.delimiter ? rest.indexOf(request.delimiter) : -1;
      if (cut >= 0) {
        coveredPrefix = request.prefix + rest.slice(0, cut + request.delimiter!.length);
        page.commonPrefixes.push(coveredPrefix);
        last = { after: coveredPrefix, commonPrefix: true };
      } else {
        page.contents.push({ key, object: bucket.get(key)! });
        last = { after: key, commonPrefix: false };
      }
    }
    if (page.isTruncated && last) page.nextContinuationToken = Buffer.from(JSON.stringify(last)).toString('base64');
    return page;
  }

  createUpload(bucketName: string, key: string, options: { contentType: string; checksumAlgorithm?: string }): Upload {
    this.bucket(bucketName);
    const upload: Upload = {
      id: randomBytes(24).toString('base64url'),
      bucket: bucketName,
      key,
      initiated: new Date(this.now()),
      sequence: this.sequence++,
      contentType: options.contentType,
      ...(options.checksumAlgorithm ? { checksumAlgorithm: options.checksumAlgorithm } : {}),
      parts: new Map(),
    };
    this.uploads.set(upload.id, upload);
    return upload;
  }

  upload(bucketName: string, key: string, uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.bucket !== bucketName || upload.key !== key) {
      throw new S3Failure(
        404,
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        key,
      );
    }
    return upload;
  }

  uploadPart(bucketName: string, key: string, uploadId: string, partNumber: number, body: Buffer, checksumSha256: string | undefined): StoredPart {
    const upload = this.upload(bucketName, key, uploadId);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new S3Failure(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', key);
    }
    if (upload.checksumAlgorithm === 'SHA256' && !checksumSha256) {
      throw new S3Failure(400, 'InvalidRequest', 'Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: null', key);
    }
    const part: StoredPart = {
      number: partNumber,
      body,
      etag: `"${md5(body).toString('hex')}"`,
      lastModified: new Date(this.now()),
      ...(checksumSha256 ? { checksumSha256 } : {}),
    };
    upload.parts.set(partNumber, part); // a part uploaded again replaces the earlier one
    return part;
  }

  /** CompleteMultipartUpload: parts ascending, each known with its ETag (and checksum), all but the last ≥ 5 MiB. */
  complete(
    bucketName: string,
    key: string,
    uploadId: string,
    listed: Array<{ partNumber: number; etag: string; checksumSha256?: string }>,
    conditions: { ifNoneMatch?: string; ifMatch?: string },
  ): StoredObject {
    const upload = this.upload(bucketName, key, uploadId);
    if (listed.length === 0)
      throw new S3Failure(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', key);
    const invalidPart = (why: string) =>
      new S3Failure(
        400,
        'InvalidPart',
        `One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag. (${why})`,
        key,
      );
    const parts: StoredPart[] = [];
    listed.forEach((entry, index) => {
      if (index > 0 && entry.partNumber <= listed[index - 1]!.partNumber)
        throw new S3Failure(
          400,
          'InvalidPartOrder',
          'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
          key,
        );
      const part = upload.parts.get(entry.partNumber);
      if (!part) throw invalidPart(`part ${entry.partNumber} was not uploaded`);
      if (unquote(part.etag) !== unquote(entry.etag)) throw invalidPart(`part ${entry.partNumber} has another ETag`);
      if (upload.checksumAlgorithm === 'SHA256' && entry.checksumSha256 !== part.checksumSha256)
        throw invalidPart(`part ${entry.partNumber} has another or no ChecksumSHA256`);
      parts.push(part);
    });
    parts.slice(0, -1).forEach((part) => {
      if (part.body.byteLength < MIN_PART_BYTES)
        throw new S3Failure(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', key);
    });
    this.checkWriteConditions(bucketName, key, conditions);
    const body = Buffer.concat(parts.map((part) => part.body));
    const etag = `"${md5(Buffer.concat(parts.map((part) => Buffer.from(unquote(part.etag), 'hex')))).toString('hex')}-${parts.length}"`;
    const object: StoredObject = { body, etag, lastModified: new Date(this.now()), contentType: upload.contentType };
    if (upload.checksumAlgorithm === 'SHA256') {
      object.checksumSha256 = `${sha256(Buffer.concat(parts.map((part) => Buffer.from(part.checksumSha256!, 'base64')))).toString('base64')}-${parts.length}`;
      object.checksumType = 'COMPOSITE';
    }
    this.bucket(bucketName).set(key, object);
    this.uploads.delete(uploadId);
    return object;
  }

  abort(bucketName: string, key: string, uploadId: string): void {
    this.upload(bucketName, key, uploadId);
    this.uploads.delete(uploadId);
  }

  /** Uploads in progress under `prefix`, by key then by when they began; after (keyMarker, uploadIdMarker). */
  listUploads(bucketName: string, prefix: string, keyMarker?: string, uploadIdMarker?: string): Upload[] {
    this.bucket(bucketName);
    const all = [...this.uploads.values()]
      .filter((upload) => upload.bucket === bucketName && upload.key.startsWith(prefix))
      .sort((a, b) => byteOrder(a.key, b.key) || a.sequence - b.sequence);
    if (keyMarker === undefined) return all;
    const markerUpload = uploadIdMarker ? this.uploads.get(uploadIdMarker) : undefined;
    return all.filter((upload) => {
      const order = byteOrder(upload.key, keyMarker);
      if (order !== 0) return order > 0;
      return markerUpload !== undefined && markerUpload.key === keyMarker && upload.sequence > markerUpload.sequence;
    });
  }

  allUploads(): Upload[] {
    return [...this.uploads.values()].sort((a, b) => a.sequence - b.sequence);
  }
}
