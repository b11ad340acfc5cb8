/**
 * The local issuer: a stand-in for Google's, so the whole identity flow works offline. Its RSA key
 * pair is generated into `.snaq/identity/` on first start; the local server publishes the public
 * half as a JWKS and trusts tokens with `iss` "snaq-local" and `aud` "snaq-local-addon". The
 * workbench (and the tests) sign ID tokens with the private half for the person you pick.
 */
import { createPrivateKey, createPublicKey, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LOCAL_ISSUER = 'snaq-local';
export const LOCAL_AUDIENCE = 'snaq-local-addon';
/** Served unsigned by the local server (loopback only): the local issuer's public keys. */
export const LOCAL_JWKS_PATH = '/.well-known/snaq-local-jwks.json';
/** How long a local token lives, as Google's do. */
const TOKEN_LIFETIME_MS = 3_600_000;

/** A compact RS256 JWS over `claims`. */
export function signRs256(claims: Record<string, unknown>, privateKey: KeyObject, kid: string, header: Record<string, unknown> = {}): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  const signingInput = `${encode({ alg: 'RS256', typ: 'JWT', kid, ...header })}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** The public half of a key as a JWKS document's entry. */
export function publicJwk(privateKey: KeyObject, kid: string): Record<string, unknown> {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { kty: 'RSA', n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' };
}

export interface LocalIssuer {
  kid: string;
  /** The JWKS document (JSON text) the local server serves at LOCAL_JWKS_PATH. */
  jwks(): string;
  /** An ID token for a person, as ScriptApp.getIdentityToken() would return one. */
  tokenFor(email: string, options?: { nowMs?: number; domain?: string }): string;
}

export function localIssuerFrom(privateKey: KeyObject, kid: string): LocalIssuer {
  return {
    kid,
    jwks: () => JSON.stringify({ keys: [publicJwk(privateKey, kid)] }),
    tokenFor(email, options = {}) {
      const now = options.nowMs ?? Date.now();
      const address = email.toLowerCase();
      return signRs256(
        {
          iss: LOCAL_ISSUER,
          aud: LOCAL_AUDIENCE,
          sub: `local-${address}`,
          email: address,
          email_verified: true,
          hd: options.domain ?? address.slice(address.indexOf('@') + 1),
          iat: Math.floor(now / 1000),
          exp: Math.floor((now + TOKEN_LIFETIME_MS) / 1000),
        },
        privateKey,
        kid,
      );
    },
  };
}

/** The local issuer whose key is kept at `file` (created, private to this user, on first use). */
export function loadOrCreateLocalIssuer(file: string): LocalIssuer {
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { kid: string; privateKeyPem: string };
    return localIssuerFrom(createPrivateKey(stored.privateKeyPem), stored.kid);
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `local-${randomBytes(6).toString('hex')}`;
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ kid, privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }) }), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return localIssuerFrom(privateKey, kid);
}
