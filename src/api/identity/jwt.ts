/**
 * The parts of a compact JWS (RFC 7515) that an ID token verifier needs, parsed strictly: three
 * base64url segments, JSON objects in the first two. Nothing here trusts the token; idToken.ts
 * checks the signature before any claim is believed.
 */
import { createVerify, type KeyObject } from 'node:crypto';

export class IdTokenRejected extends Error {
  /** Short and safe to show: never the token, never a key. */
  constructor(readonly problem: string) {
    super(`The ID token was not accepted: ${problem}.`);
    this.name = 'IdTokenRejected';
  }
}

export interface JwtParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `base64url(header) "." base64url(payload)`: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/** Google's ID tokens are about 1 KB; a header this large is not one. */
const MAX_TOKEN_CHARS = 8_192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function jsonSegment(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new IdTokenRejected(`its ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IdTokenRejected(`its ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function parseJwt(token: string): JwtParts {
  if (token.length > MAX_TOKEN_CHARS) throw new IdTokenRejected('it is too long');
  const segments = token.split('.');
  if (segments.length !== 3 || !segments.every((segment) => BASE64URL.test(segment))) throw new IdTokenRejected('it is not a signed JWT');
  const [header, payload, signature] = segments as [string, string, string];
  return {
    header: jsonSegment(header, 'header'),
    payload: jsonSegment(payload, 'payload'),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

/** RS256: RSASSA-PKCS1-v1_5 with SHA-256, the only algorithm Google signs ID tokens with. */
export function verifyRs256(parts: JwtParts, key: KeyObject): boolean {
  if (key.asymmetricKeyType !== 'rsa') return false;
  return createVerify('RSA-SHA256').update(parts.signingInput).verify(key, parts.signature);
}
