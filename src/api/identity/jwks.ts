/**
 * The signing keys of an OpenID issuer (a JWKS, RFC 7517), fetched from a configurable URL and
 * cached as long as the response's Cache-Control max-age allows. A token signed with a key not in
 * the set (Google rotates its keys) triggers one refetch, at most once per `minRefetchMs`, so a
 * stream of tokens with made-up key ids cannot turn the service into a load generator.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';

export interface JwksResponse {
  status: number;
  body: string;
  cacheControl?: string | null;
}

export type FetchJwks = (url: string) => Promise<JwksResponse>;

export interface JwksOptions {
  url: string;
  fetch?: FetchJwks;
  now?: () => number;
  /** Used when the response states no max-age. */
  defaultMaxAgeMs?: number;
  /** The longest a set is kept, whatever the response says. */
  maxMaxAgeMs?: number;
  /** Refetches for an unknown key id at most this often. */
  minRefetchMs?: number;
}

/** The keys could not be fetched and none are held: no token can be verified right now. */
export class JwksUnavailable extends Error {
  constructor(detail: string) {
    super(`The identity keys could not be fetched: ${detail}`);
    this.name = 'JwksUnavailable';
  }
}

const FETCH_TIMEOUT_MS = 5_000;

/** Node's fetch, bounded in time. */
export const fetchJwksOverHttp: FetchJwks = async (url) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
  return { status: response.status, body: await response.text(), cacheControl: response.headers.get('cache-control') };
};

/** `max-age=N` in ms, or undefined; `no-store`/`no-cache` read as 0. */
export function maxAgeMs(cacheControl: string | null | undefined): number | undefined {
  if (!cacheControl) return undefined;
  if (/(?:^|,)\s*no-(?:store|cache)\s*(?:,|$)/i.test(cacheControl)) return 0;
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,10})"?\s*(?:,|$)/i.exec(cacheControl);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** The RSA signing keys of a JWKS document by key id; other keys (encryption, other types) are left out. */
export function parseJwks(body: string): Map<string, KeyObject> {
  const document = JSON.parse(body) as { keys?: unknown };
  if (!Array.isArray(document.keys)) throw new Error('the document has no "keys" array');
  const keys = new Map<string, KeyObject>();
  for (const jwk of document.keys as Array<Record<string, unknown>>) {
    if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
    try {
      keys.set(jwk.kid, createPublicKey({ key: { kty: 'RSA', n: String(jwk.n), e: String(jwk.e) }, format: 'jwk' }));
    } catch {
      // One malformed key does not spoil the others.
    }
  }
  return keys;
}

export class JwksCache {
  private keys = new Map<string, KeyObject>();
  private expiresAtMs = 0;
  private lastFetchMs = Number.NEGATIVE_INFINITY;
  private fetching?: Promise<void>;
  private readonly fetchJwks: FetchJwks;
  private readonly now: () => number;

  constructor(private readonly options: JwksOptions) {
    this.fetchJwks = options.fetch ?? fetchJwksOverHttp;
    this.now = options.now ?? Date.now;
  }

  /** The key with this id, fetching the set when it is stale or lacks the id (rate-limited); undefined if unknown. */
  async key(kid: string): Promise<KeyObject | undefined> {
    const now = this.now();
    const stale = now >= this.expiresAtMs;
    const unknown = !this.keys.has(kid);
    if (stale || (unknown && now - this.lastFetchMs >= (this.options.minRefetchMs ?? 60_000))) {
      await this.refresh();
    }
    return this.keys.get(kid);
  }

  /** How many fetches were made (tests and the operator's curiosity). */
  fetches = 0;

  private refresh(): Promise<void> {
    // Concurrent requests share one fetch.
    this.fetching ??= this.load().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async load(): Promise<void> {
    this.lastFetchMs = this.now();
    this.fetches++;
    let keys: Map<string, KeyObject>;
    let cacheControl: string | null | undefined;
    try {
      const response = await this.fetchJwks(this.options.url);
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      keys = parseJwks(response.body);
      cacheControl = response.cacheControl;
    } catch (error) {
      // Keys held from before keep serving (Google's overlap for weeks); with none there is nothing to verify with.
      if (this.keys.size > 0) {
        this.expiresAtMs = this.now() + (this.options.minRefetchMs ?? 60_000);
        return;
      }
      throw new JwksUnavailable((error as Error).message);
    }
    const maxAge = Math.min(maxAgeMs(cacheControl) ?? this.options.defaultMaxAgeMs ?? 3_600_000, this.options.maxMaxAgeMs ?? 86_400_000);
    this.keys = keys;
    this.expiresAtMs = this.now() + maxAge;
  }
}
