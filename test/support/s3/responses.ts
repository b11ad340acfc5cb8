/** The S3 double's XML answers, element for element as S3 writes them (ListBucketResult, InitiateMultipartUploadResult, …). */
import type { ListV2Page, StoredObject, StoredPart, Upload } from './store';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Written apart from the client's xmlEscape on purpose: a double sharing the client's code would hide the client's mistakes. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;');
}

/** `<name>text</name>`, or nothing for undefined. */
function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

function document(root: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${XMLNS}">${body}</${root}>`;
}

/** With `encoding-type=url`, S3 percent-encodes keys and prefixes (a space as +). */
export function encoderFor(encodingType: string | undefined): (value: string) => string {
  return encodingType === 'url' ? (value) => encodeURIComponent(value).replace(/%20/g, '+') : (value) => value;
}

export function errorXml(code: string, message: string, extra: { key?: string; bucket?: string; requestId: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${el('Code', code)}${el('Message', message)}${el('Key', extra.key)}${el('BucketName', extra.bucket)}${el('RequestId', extra.requestId)}${el('HostId', 's3-double')}</Error>`;
}

export function listV2Xml(
  bucket: string,
  request: { prefix: string; delimiter?: string; maxKeys: number; continuationToken?: string; startAfter?: string; encodingType?: string },
  page: ListV2Page,
): string {
  const enc = encoderFor(request.encodingType);
  const contents = page.contents
    .map(
      ({ key, object }) =>
        `<Contents>${el('Key', enc(key))}${el('LastModified', object.lastModified.toISOString())}${el('ETag', object.etag)}${el('Size', object.body.byteLength)}${el('StorageClass', 'STANDARD')}</Contents>`,
    )
    .join('');
  const prefixes = page.commonPrefixes.map((prefix) => `<CommonPrefixes>${el('Prefix', enc(prefix))}</CommonPrefixes>`).join('');
  return document(
    'ListBucketResult',
    el('Name', bucket) +
      el('Prefix', enc(request.prefix)) +
      el('KeyCount', page.contents.length + page.commonPrefixes.length) +
      el('MaxKeys', request.maxKeys) +
      el('Delimiter', request.delimiter === undefined ? undefined : enc(request.delimiter)) +
      el('IsTruncated', page.isTruncated) +
      el('EncodingType', request.encodingType) +
      contents +
      prefixes +
      el('ContinuationToken', request.continuationToken) +
      el('NextContinuationToken', page.nextContinuationToken) +
      el('StartAfter', request.startAfter === undefined ? undefined : enc(request.startAfter)),
  );
}

export function initiateXml(upload: Upload): string {
  return document('InitiateMultipartUploadResult', el('Bucket', upload.bucket) + el('Key', upload.key) + el('UploadId', upload.id));
}

export function completeXml(endpoint: string, bucket: string, key: string, object: StoredObject): string {
  return document(
    'CompleteMultipartUploadResult',
    el('Location', `${endpoint}/${bucket}/${key}`) +
      el('Bucket', bucket) +
      el('Key', key) +
      el('ETag', object.etag) +
      el('ChecksumSHA256', object.checksumSha256) +
      el('ChecksumType', object.checksumType),
  );
}

export function copyXml(object: StoredObject): string {
  return document('CopyObjectResult', el('LastModified', object.lastModified.toISOString()) + el('ETag', object.etag));
}

export function deleteResultXml(deleted: string[], errors: Array<{ key: string; code: string; message: string }>): string {
  return document(
    'DeleteResult',
    deleted.map((key) => `<Deleted>${el('Key', key)}</Deleted>`).join('') +
      errors.map((error) => `<Error>${el('Key', error.key)}${el('Code', error.code)}${el('Message', error.message)}</Error>`).join(''),
  );
}

export function listUploadsXml(
  bucket: string,
  request: { prefix: string; keyMarker?: string; uploadIdMarker?: string; maxUploads: number; encodingType?: string },
  uploads: Upload[],
  isTruncated: boolean,
): string {
  const enc = encoderFor(request.encodingType);
  const last = uploads[uploads.length - 1];
  return document(
    'ListMultipartUploadsResult',
    el('Bucket', bucket) +
      el('KeyMarker', request.keyMarker === undefined ? '' : enc(request.keyMarker)) +
      el('UploadIdMarker', request.uploadIdMarker ?? '') +
      (isTruncated && last ? el('NextKeyMarker', enc(last.key)) + el('NextUploadIdMarker', last.id) : '') +
      el('Prefix', enc(request.prefix)) +
      el('MaxUploads', request.maxUploads) +
      el('EncodingType', request.encodingType) +
      el('IsTruncated', isTruncated) +
      uploads
        .map(
          (upload) =>
            `<Upload>${el('Key', enc(upload.key))}${el('UploadId', upload.id)}${el('Initiated', upload.initiated.toISOString())}${el('StorageClass', 'STANDARD')}${el('ChecksumAlgorithm', upload.checksumAlgorithm)}</Upload>`,
        )
        .join(''),
  );
}

export function listPartsXml(upload: Upload, parts: StoredPart[], request: { maxParts: number; partNumberMarker: number }, isTruncated: boolean): string {
  const last = parts[parts.length - 1];
  return document(
    'ListPartsResult',
    el('Bucket', upload.bucket) +
      el('Key', upload.key) +
      el('UploadId', upload.id) +
      el('PartNumberMarker', request.partNumberMarker) +
      (last ? el('NextPartNumberMarker', last.number) : '') +
      el('MaxParts', request.maxParts) +
      el('IsTruncated', isTruncated) +
      el('StorageClass', 'STANDARD') +
      el('ChecksumAlgorithm', upload.checksumAlgorithm) +
      parts
        .map(
          (part) =>
            `<Part>${el('PartNumber', part.number)}${el('LastModified', part.lastModified.toISOString())}${el('ETag', part.etag)}${el('Size', part.body.byteLength)}${el('ChecksumSHA256', part.checksumSha256)}</Part>`,
        )
        .join(''),
  );
}
