/**
 * Canonical headers and the SignedHeaders list.
 */
import type { HeaderList } from './types';

/**
 * Headers aws4fetch leaves unsigned by default, because HTTP stacks and proxies add or rewrite
 * them (fetch sets content-length and user-agent, API Gateway may set x-amzn-trace-id). We use the
 * same list so that our Authorization header is byte-for-byte aws4fetch's. Note that
 * content-type is in it: it is sent, but not signed.
 */
export const UNSIGNED_BY_DEFAULT: ReadonlySet<string> = new Set([
  'authorization',
  'content-type',
  'content-length',
  'user-agent',
  'presigned-expires',
  'expect',
  'x-amzn-trace-id',
  'range',
  'connection',
]);

/**
 * Trims the ends (HTTP whitespace only, as fetch's Headers and Node's parser do) and collapses
 * every inner run of whitespace to one space (as aws4fetch does; the suite's get-header-value-trim).
 */
export function canonicalHeaderValue(value: string): string {
  return value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '').replace(/\s+/g, ' ');
}

/**
 * Merges headers by lower-case name. Repeated headers are joined with ',' in the order given
 * (the suite's get-header-key-duplicate and get-header-value-order).
 */
export function mergeHeaders(headers: HeaderList): Map<string, string> {
  const merged = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const previous = merged.get(key);
    const clean = canonicalHeaderValue(value);
    merged.set(key, previous === undefined ? clean : `${previous},${clean}`);
  }
  return merged;
}

/**
 * Chooses which headers to sign: `host` always, plus every given header except, by default, the
 * ones in UNSIGNED_BY_DEFAULT (`signAll` signs those too, as the test suite expects). The
 * Authorization header is never signed: it carries the signature. Sorted, lower-case, unique.
 */
export function chooseSignedHeaders(names: Iterable<string>, signAll: boolean): string[] {
  const chosen = new Set<string>(['host']);
  for (const name of names) {
    const key = name.toLowerCase();
    if (key === 'authorization') continue;
    if (signAll || !UNSIGNED_BY_DEFAULT.has(key)) chosen.add(key);
  }
  return [...chosen].sort();
}

/** `name:value\n` for each signed header, in the order of `signedNames` (already sorted). */
export function canonicalHeaders(signedNames: readonly string[], valueOf: (name: string) => string): string {
  return signedNames.map((name) => `${name}:${canonicalHeaderValue(valueOf(name))}\n`).join('');
}
