/**
 * The local server's stand-in for API Gateway's IAM authorisation: it checks a SigV4-signed
 * request with the same canonicalisation the add-on signs with (src/sigv4), so the two cannot
 * drift apart. Canonical URI in 'double' mode, as execute-api does (the S3 test double asks for S3's rules).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  ALGORITHM,
  TERMINATOR,
  buildCanonicalRequest,
  buildStringToSign,
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  credentialScope,
  deriveSigningKey,
  signStringToSign,
  type UriEncoding,
} from '../../sigv4';
import { nodeCrypto } from '../../sigv4/nodeCrypto';
import { parseRequestTarget } from '../requestTarget';
import { parseAuthorization } from './parseAuthorization';

export interface VerifyInput {
  method: string;
  /** path?query exactly as received on the wire (node's req.url). */
  rawUrl: string;
  /** node's lower-cased IncomingHttpHeaders. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface VerifyConfig {
  region: string;
  /** 'execute-api'. */
  service: string;
  credentials: (accessKeyId: string) => { secretAccessKey: string; principal: string } | undefined;
  now?: () => number;
  /** Allowed clock difference either way; 5 minutes, as AWS allows. */
  maxSkewMs?: number;
  /** How the canonical URI encodes the path: 'double' (default, execute-api) or 's3' (S3: once, slashes kept). */
  uriEncoding?: UriEncoding;
  /**
   * What the canonical request's payload hash is. 'body' (default): the body's SHA-256, and an
   * X-Amz-Content-Sha256 that differs fails. 'declared': S3's rule: X-Amz-Content-Sha256 as sent
   * (required and signed; UNSIGNED-PAYLOAD allowed); the caller checks it against the body.
   */
  payloadHash?: 'body' | 'declared';
}

export type VerifyResult =
  | { ok: true; principal: string; accessKeyId: string }
  /** `reason` is short and safe to show: it never contains the secret or the expected signature. */
  | { ok: false; reason: string };

const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

/**
 * Reads a header as signed. Node joins most repeated headers with ", " before we see them, so a
 * client that signed repeated headers the SigV4 way ("a,b") would not verify; ours never repeats one.
 */
function headerValue(headers: VerifyInput['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Milliseconds since the epoch of a well-formed, real 'YYYYMMDDTHHMMSSZ', else undefined. */
function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  const roundTrip = new Date(time).toISOString().replace(/[:-]|\.\d{3}/g, '');
  return roundTrip === value ? time : undefined;
}

export function verifySigV4(input: VerifyInput, cfg: VerifyConfig): VerifyResult {
  const fail = (reason: string): VerifyResult => ({ ok: false, reason });

  const authorizationHeader = headerValue(input.headers, 'authorization');
  if (!authorizationHeader) return fail('missing Authorization header');
  const parsed = parseAuthorization(authorizationHeader);
  if (!parsed.ok) return fail(parsed.reason);
  const auth = parsed.value;
  if (auth.algorithm !== ALGORITHM) return fail(`unsupported algorithm: only ${ALGORITHM} is accepted`);

  const amzDate = headerValue(input.headers, 'x-amz-date');
  if (!amzDate) return fail('missing X-Amz-Date header');
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined) return fail('malformed X-Amz-Date header: expected YYYYMMDDTHHMMSSZ');

  if (auth.date !== amzDate.slice(0, 8)) return fail("credential scope date does not match X-Amz-Date's date");
  if (auth.region !== cfg.region) return fail(`credential scope has the wrong region: expected ${cfg.region}`);
  if (auth.service !== cfg.service) return fail(`credential scope has the wrong service: expected ${cfg.service}`);
  if (auth.terminator !== TERMINATOR) return fail(`credential scope must end with ${TERMINATOR}`);
  for (const required of ['host', 'x-amz-date']) {
    if (!auth.signedHeaders.includes(required)) return fail(`the ${required} header must be signed`);
  }

  const maxSkewMs = cfg.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const now = (cfg.now ?? Date.now)();
  const skewMinutes = `${Math.round(maxSkewMs / 60000)} min`;
  if (requestTime < now - maxSkewMs) return fail(`X-Amz-Date is more than ${skewMinutes} in the past: the signature has expired`);
  if (requestTime > now + maxSkewMs) return fail(`X-Amz-Date is more than ${skewMinutes} in the future`);

  const credentials = cfg.credentials(auth.accessKeyId);
  if (!credentials) return fail('unknown access key id');

  // The payload hash is computed from the body received, never taken from the request, so
  // replaying a signature with another body fails; except in S3's 'declared' mode, where the
  // caller compares the declared hash with the body (S3 answers XAmzContentSHA256Mismatch).
  const declaredHash = headerValue(input.headers, 'x-amz-content-sha256');
  let payloadHash: string;
  if (cfg.payloadHash === 'declared') {
    if (declaredHash === undefined) return fail('missing X-Amz-Content-Sha256 header');
    if (!auth.signedHeaders.includes('x-amz-content-sha256')) return fail('the x-amz-content-sha256 header must be signed');
    payloadHash = declaredHash;
  } else {
    payloadHash = createHash('sha256').update(input.body).digest('hex');
    if (declaredHash !== undefined && declaredHash !== payloadHash) return fail('X-Amz-Content-Sha256 does not match the body');
  }

  for (const name of auth.signedHeaders) {
    if (headerValue(input.headers, name) === undefined) return fail(`signed header ${name} is missing from the request`);
  }
  // The same split the router reads its path and parameters from (api/requestTarget.ts).
  const target = parseRequestTarget(input.rawUrl);
  if (!target) return fail('malformed request URL');

  const canonicalRequest = buildCanonicalRequest({
    method: input.method,
    canonicalUri: canonicalUri(target.path, cfg.uriEncoding ?? 'double'),
    canonicalQuery: canonicalQuery(target.rawQuery),
    canonicalHeaders: canonicalHeaders(auth.signedHeaders, (name) => headerValue(input.headers, name) ?? ''),
    signedHeaders: auth.signedHeaders.join(';'),
    payloadHash,
  });
  const scope = credentialScope(auth.date, auth.region, auth.service);
  const stringToSign = buildStringToSign(amzDate, scope, nodeCrypto.sha256Hex(canonicalRequest));
  const signingKey = deriveSigningKey(credentials.secretAccessKey, auth.date, auth.region, auth.service, nodeCrypto);
  const expected = Buffer.from(signStringToSign(signingKey, stringToSign, nodeCrypto), 'hex');
  const given = Buffer.from(auth.signature, 'hex'); // 32 bytes: parseAuthorization checked the format
  if (!timingSafeEqual(expected, given)) return fail('signature does not match');

  return { ok: true, principal: credentials.principal, accessKeyId: auth.accessKeyId };
}
