/**
 * Assembles the canonical request and the string to sign from their canonical parts.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const TERMINATOR = 'aws4_request';

export interface CanonicalRequestParts {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  /** Output of `canonicalHeaders`: one `name:value\n` line per signed header. */
  canonicalHeaders: string;
  /** `host;x-amz-date;…`, sorted. */
  signedHeaders: string;
  /** Hex SHA-256 of the body, or the value of a given X-Amz-Content-Sha256 header. */
  payloadHash: string;
}

export function buildCanonicalRequest(parts: CanonicalRequestParts): string {
  return [parts.method.toUpperCase(), parts.canonicalUri, parts.canonicalQuery, parts.canonicalHeaders, parts.signedHeaders, parts.payloadHash].join('\n');
}

/** `YYYYMMDD/region/service/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return [date, region, service, TERMINATOR].join('/');
}

export function buildStringToSign(datetime: string, scope: string, canonicalRequestHash: string): string {
  return [ALGORITHM, datetime, scope, canonicalRequestHash].join('\n');
}
