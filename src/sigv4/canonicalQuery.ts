/**
 * The canonical query string: every parameter decoded, URI-encoded, and sorted by key then value.
 */
import { encodeRfc3986Bytes, percentDecodeBytes } from './percentEncoding';
import type { Bytes } from './types';

/**
 * Decodes one query component to bytes as a form-urlencoded parser would (`+` is a space, which is
 * also how URLSearchParams, and therefore aws4fetch, read it). Bytes keep invalid UTF-8 such as
 * `%FF` distinct instead of collapsing it to U+FFFD.
 */
export function decodeQueryComponent(raw: string): Bytes {
  return percentDecodeBytes(raw.replace(/\+/g, ' '));
}

/** A query component as SigV4 canonicalises it: decoded, then URI-encoded. */
function canonicalComponent(raw: string): string {
  return encodeRfc3986Bytes(decodeQueryComponent(raw));
}

/**
 * Splits the raw text after `?` into its parameters, still encoded, in order. The local server's
 * router reads its parameters from this same split, so it acts on exactly what the signature covers.
 * - A key without `=` gets an empty value (`flag` → `flag=`); empty keys (`=x`) are kept too.
 * - Only the first `=` separates: `k==v` is key `k`, value `=v`; a `?` is an ordinary character.
 * - Empty segments (`a=1&&b=2`) carry no parameter and are skipped, as every query parser does.
 */
export function queryPairs(rawQuery: string): Array<[key: string, value: string]> {
  const pairs: Array<[string, string]> = [];
  for (const segment of rawQuery.split('&')) {
    if (segment === '') continue;
    const equals = segment.indexOf('=');
    pairs.push(equals >= 0 ? [segment.slice(0, equals), segment.slice(equals + 1)] : [segment, '']);
  }
  return pairs;
}

/**
 * Builds the canonical query from the raw text after `?`, split by `queryPairs`.
 * Repeated keys are all kept and ordered by value (suite: get-vanilla-query-order-key/-value).
 * Sorting compares the encoded strings, which are ASCII, so code-unit order is byte order.
 */
export function canonicalQuery(rawQuery: string): string {
  const pairs = queryPairs(rawQuery).map(([key, value]): [string, string] => [canonicalComponent(key), canonicalComponent(value)]);
  pairs.sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}
