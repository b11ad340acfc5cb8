/** How the service verifies people, from the environment: Google's issuer, or none. */
import { GOOGLE_ISSUERS, GOOGLE_JWKS_URL, IdTokenVerifier } from './idToken';
import { JwksCache, type FetchJwks } from './jwks';

export interface GoogleIdentityConfig {
  /** The add-on's OAuth client id: the `aud` of its users' ID tokens (SNAQ_GOOGLE_CLIENT_ID). */
  audience: string;
  /** The Workspace domain (SNAQ_GOOGLE_DOMAIN): the tokens' `hd`. */
  domain: string;
  /** Where the signing keys are published (SNAQ_GOOGLE_JWKS_URL, default Google's). */
  jwksUrl: string;
  issuers: readonly string[];
}

/** Google identity when SNAQ_GOOGLE_CLIENT_ID is set (then SNAQ_GOOGLE_DOMAIN must be too); else undefined. */
export function identityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GoogleIdentityConfig | undefined {
  const audience = env.SNAQ_GOOGLE_CLIENT_ID?.trim();
  if (!audience) return undefined;
  const domain = env.SNAQ_GOOGLE_DOMAIN?.trim().toLowerCase();
  if (!domain) throw new Error('SNAQ_GOOGLE_CLIENT_ID is set but SNAQ_GOOGLE_DOMAIN is not: set the Workspace domain whose people may be identified.');
  const jwksUrl = env.SNAQ_GOOGLE_JWKS_URL?.trim() || GOOGLE_JWKS_URL;
  if (!/^https:\/\//.test(jwksUrl) && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(jwksUrl)) {
    throw new Error(`SNAQ_GOOGLE_JWKS_URL must be https (or http on loopback), not "${jwksUrl}".`);
  }
  return { audience, domain, jwksUrl, issuers: GOOGLE_ISSUERS };
}

export function idTokenVerifier(config: GoogleIdentityConfig, options: { fetch?: FetchJwks; now?: () => number } = {}): IdTokenVerifier {
  return new IdTokenVerifier({
    issuers: config.issuers,
    audience: config.audience,
    domain: config.domain,
    keys: new JwksCache({ url: config.jwksUrl, ...options }),
    ...(options.now ? { now: options.now } : {}),
  });
}
