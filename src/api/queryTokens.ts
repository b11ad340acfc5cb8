/**
 * Signed query ids: what a 202's `queryId` carries so that ANY instance can answer its poll (on
 * Lambda the instance that answered 202 is frozen, and the next request may reach another one).
 *
 * id = base64url(deflateRaw(JSON payload)) "." base64url(HMAC-SHA256(key, binding ‖ payload))
 *
 * The payload holds the request (kind + body), the Athena executions started for it so far, the
 * issue and expiry times. The MAC binds it to the caller: the IAM principal and, when the request
 * carried a verified ID token, the person's e-mail; an id works for nobody else.
 * Nothing in the payload is secret (the caller sent the request), so it is signed, not encrypted.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ApiError } from '../contract/errors';

/** Who may poll: the MAC covers it, the payload does not carry it. */
export interface QueryBinding {
  principal: string;
  /** The verified person's e-mail, when the request carried an ID token. */
  person?: string;
}

/** What a 202 is bound to: the principal and the verified person (Order 1's binding, plus identity). */
export const bindingOf = (caller: { principal: string; person?: { email: string } }): QueryBinding => ({
  principal: caller.principal,
  ...(caller.person ? { person: caller.person.email } : {}),
});

export type ReplayKind = 'query' | 'forecast' | 'anomalies';

export interface QueryTokenPayload {
  kind: ReplayKind;
  /** The request body as the client sent it (validated again on every poll). */
  body: unknown;
  /** [statement key, Athena QueryExecutionId] for every execution started so far. */
  executions: Array<[string, string]>;
  issuedAtMs: number;
  expiresAtMs: number;
}

/**
 * UrlFetch refuses URLs over 2 KB (PLATFORM.md); the rest is the endpoint and `/v1/query/`
 * (an execute-api URL is about 80 characters; a custom domain leaves room).
 */
export const MAX_QUERY_ID_CHARS = 1_800;
const VERSION = 1;
const KINDS: Record<ReplayKind, string> = { query: 'q', forecast: 'f', anomalies: 'a' };
/** A verified payload inflates to far less; the cap refuses a deflate bomb before parsing. */
const MAX_PAYLOAD_BYTES = 64 * 1024;

function mac(key: Buffer, binding: QueryBinding, payload: string): Buffer {
  return createHmac('sha256', key)
    .update(JSON.stringify(['snaq-query', VERSION, binding.principal, binding.person ?? null]))
    .update('\n')
    .update(payload)
    .digest();
}

export class QueryTokens {
  private readonly key: Buffer;

  constructor(key: string | Buffer) {
    this.key = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    if (this.key.length < 32) throw new Error('The query-token key must be at least 32 bytes.');
  }

  sign(payload: QueryTokenPayload, binding: QueryBinding): string {
    const compact = {
      v: VERSION,
      k: KINDS[payload.kind],
      b: payload.body,
      x: payload.executions,
      t: Math.floor(payload.issuedAtMs / 1000),
      e: Math.ceil(payload.expiresAtMs / 1000),
    };
    const encoded = deflateRawSync(Buffer.from(JSON.stringify(compact), 'utf8'), { level: 9 }).toString('base64url');
    const id = `${encoded}.${mac(this.key, binding, encoded).toString('base64url')}`;
    if (id.length > MAX_QUERY_ID_CHARS) {
      // Only a slow request with very many filter values gets here; the same request answered in time works.
      throw new ApiError('INVALID_ARGUMENT', 'This request has too many filter values to be polled while it runs. Use fewer filter values.', {
        reason: 'too_large_to_poll',
        field: 'filters',
      });
    }
    return id;
  }

  /** The payload if the id is ours, untampered, for this caller and not expired; else undefined (say nothing more). */
  verify(id: string, binding: QueryBinding, nowMs: number): QueryTokenPayload | undefined {
    const dot = id.indexOf('.');
    if (dot <= 0 || id.length > 8_192) return undefined;
    const encoded = id.slice(0, dot);
    const tag = Buffer.from(id.slice(dot + 1), 'base64url');
    const expected = mac(this.key, binding, encoded);
    // Constant time, so the tag cannot be guessed byte by byte from response times.
    if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) return undefined;
    let compact: { v?: unknown; k?: unknown; b?: unknown; x?: unknown; t?: unknown; e?: unknown };
    try {
      compact = JSON.parse(inflateRawSync(Buffer.from(encoded, 'base64url'), { maxOutputLength: MAX_PAYLOAD_BYTES }).toString('utf8')) as typeof compact;
    } catch {
      return undefined;
    }
    const kind = (Object.keys(KINDS) as ReplayKind[]).find((name) => KINDS[name] === compact.k);
    if (compact.v !== VERSION || !kind || typeof compact.t !== 'number' || typeof compact.e !== 'number' || !Array.isArray(compact.x)) return undefined;
    if (compact.e * 1000 <= nowMs) return undefined;
    const executions = compact.x.filter(
      (pair): pair is [string, string] => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string',
    );
    return { kind, body: compact.b, executions, issuedAtMs: compact.t * 1000, expiresAtMs: compact.e * 1000 };
  }
}
