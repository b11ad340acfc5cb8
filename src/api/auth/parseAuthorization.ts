/**
 * Parses a SigV4 Authorization header:
 * `AWS4-HMAC-SHA256 Credential=AKID/20240607/ap-northeast-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=<64 hex>`.
 * Only the shape is checked here; whether the values are acceptable is the verifier's call.
 */

export interface SigV4Authorization {
  algorithm: string;
  accessKeyId: string;
  /** Credential scope: `YYYYMMDD`, region, service, terminator. */
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  /** 64 lower-case hex digits. */
  signature: string;
}

export type ParsedAuthorization = { ok: true; value: SigV4Authorization } | { ok: false; reason: string };

/** An HTTP header name (RFC 9110 token), lower-case as SigV4 requires. */
const SIGNED_HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

export function parseAuthorization(header: string): ParsedAuthorization {
  const garbled = (detail: string): ParsedAuthorization => ({ ok: false, reason: `malformed Authorization header: ${detail}` });
  const match = /^(\S+)\s+(.+)$/s.exec(header.trim());
  if (!match || match[1] === undefined || match[2] === undefined) return garbled('expected "<algorithm> Credential=…, SignedHeaders=…, Signature=…"');
  const algorithm = match[1];

  const fields = new Map<string, string>();
  for (const part of match[2].split(',')) {
    const equals = part.indexOf('=');
    if (equals < 0) return garbled('expected Credential, SignedHeaders and Signature once each');
    const name = part.slice(0, equals).trim();
    if (fields.has(name)) return garbled('expected Credential, SignedHeaders and Signature once each');
    fields.set(name, part.slice(equals + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (fields.size !== 3 || credential === undefined || signedHeaders === undefined || signature === undefined) {
    return garbled('expected Credential, SignedHeaders and Signature once each');
  }

  // The access key id cannot contain "/", but read the scope from the end to be safe.
  const scope = credential.split('/');
  if (scope.length < 5) return garbled('Credential must be <key>/<date>/<region>/<service>/aws4_request');
  const [date = '', region = '', service = '', terminator = ''] = scope.slice(-4);
  const accessKeyId = scope.slice(0, -4).join('/');
  if (accessKeyId === '' || !/^\d{8}$/.test(date) || region === '' || service === '') {
    return garbled('Credential must be <key>/<date>/<region>/<service>/aws4_request');
  }

  const names = signedHeaders.split(';');
  if (!names.every((name) => SIGNED_HEADER_NAME.test(name))) return garbled('SignedHeaders must be lower-case header names separated by ";"');
  if (names.some((name, i) => i > 0 && (names[i - 1] ?? '') >= name)) return garbled('SignedHeaders must be sorted and unique');

  if (!/^[0-9a-f]{64}$/.test(signature)) return garbled('Signature must be 64 lower-case hex digits');

  return { ok: true, value: { algorithm, accessKeyId, date, region, service, terminator, signedHeaders: names, signature } };
}
