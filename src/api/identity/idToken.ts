/**
 * Verifies a Google OpenID Connect ID token (what ScriptApp.getIdentityToken() returns) and says
 * which person sent the request. The IAM signature proves "our add-on"; this proves "which person".
 *
 * Checked, in order: a compact RS256 JWS (alg none, HS256 and every other algorithm refused before
 * any key is looked up); the signature against the issuer's published keys (jwks.ts); `iss`; `aud`
 * = the add-on's OAuth client id; `exp` (and `iat`, `nbf` when present) with a small clock skew;
 * `email_verified`; and the Workspace domain `hd`.
 */
import { IdTokenRejected, parseJwt, verifyRs256 } from './jwt';
import type { JwksCache } from './jwks';

export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'] as const;
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

export interface IdTokenOptions {
  /** Accepted `iss` values. */
  issuers: readonly string[];
  /** The `aud` a token must carry: the add-on's OAuth client id (SNAQ_GOOGLE_CLIENT_ID). */
  audience: string;
  /** The Workspace domain a token's `hd` must be (SNAQ_GOOGLE_DOMAIN). */
  domain: string;
  keys: JwksCache;
  now?: () => number;
  /** Clock difference allowed either way on exp/iat/nbf (default 60 s). */
  skewMs?: number;
}

export interface VerifiedIdentity {
  /** Lower-cased. */
  email: string;
  /** The token's `sub`: Google's stable id of the account. */
  subject: string;
}

const DEFAULT_SKEW_MS = 60_000;

function seconds(value: unknown, claim: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new IdTokenRejected(`its ${claim} claim is missing or not a number`);
  return value * 1000;
}

export class IdTokenVerifier {
  constructor(private readonly options: IdTokenOptions) {}

  async verify(token: string): Promise<VerifiedIdentity> {
    const parts = parseJwt(token);
    const { header, payload } = parts;
    // The algorithm is fixed here, never taken from the token: "none" and HMAC with the public key as secret are the classic forgeries.
    if (header.alg !== 'RS256') throw new IdTokenRejected(`algorithm ${JSON.stringify(header.alg ?? null)} is not accepted (only RS256)`);
    if (typeof header.kid !== 'string' || header.kid === '') throw new IdTokenRejected('it names no signing key (kid)');
    const key = await this.options.keys.key(header.kid);
    if (!key) throw new IdTokenRejected('it is signed with a key the issuer does not publish');
    if (!verifyRs256(parts, key)) throw new IdTokenRejected('the signature does not match');

    if (typeof payload.iss !== 'string' || !this.options.issuers.includes(payload.iss)) throw new IdTokenRejected('it comes from another issuer');
    const audience = payload.aud;
    const audiences = Array.isArray(audience) ? audience : [audience];
    if (!audiences.includes(this.options.audience)) throw new IdTokenRejected('it was issued for another application (aud)');
    const now = (this.options.now ?? Date.now)();
    const skew = this.options.skewMs ?? DEFAULT_SKEW_MS;
    if (seconds(payload.exp, 'exp') + skew <= now) throw new IdTokenRejected('it has expired');
    if (payload.iat !== undefined && seconds(payload.iat, 'iat') - skew > now) throw new IdTokenRejected('it was issued in the future');
    if (payload.nbf !== undefined && seconds(payload.nbf, 'nbf') - skew > now) throw new IdTokenRejected('it is not valid yet');

    if (typeof payload.email !== 'string' || payload.email === '') throw new IdTokenRejected('it carries no e-mail (add the userinfo.email scope)');
    if (payload.email_verified !== true && payload.email_verified !== 'true') throw new IdTokenRejected('its e-mail is not verified');
    if (payload.hd !== this.options.domain) throw new IdTokenRejected(`it is not from the ${this.options.domain} domain`);
    const email = payload.email.toLowerCase();
    if (!email.endsWith(`@${this.options.domain}`)) throw new IdTokenRejected(`its e-mail is not at ${this.options.domain}`);
    return { email, subject: typeof payload.sub === 'string' ? payload.sub : '' };
  }
}
