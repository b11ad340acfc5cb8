/**
 * The canonical query string: every parameter decoded, URI-encoded, and sorted by key then value.
 */
import { encodeRfc3986Bytes, percentDecodeBytes } from './percentEncoding';

/**
 * Decodes one query component as a form-urlencoded parser would (`+` is a space, which is also
 * how URLSearchParams, and therefore aws4fetch, read it) and re-encodes it for SigV4. Working on
 * bytes keeps invalid UTF-8 such as `%FF` distinct instead of collapsing it to U+FFFD.
 */
function canonicalComponent(raw: string): string {
  return encodeRfc3986Bytes(percentDecodeBytes(raw.replace(/\+/g, ' ')));
}

/**
 * Builds the canonical query from the raw text after `?`.
 * - A key without `=` gets an empty value (`flag` → `flag=`); empty keys (`=x`) are kept too.
 * - Empty segments (`a=1&&b=2`) carry no parameter and are skipped, as every query parser does.
 * - Repeated keys are all kept and ordered by value (suite: get-vanilla-query-order-key/-value).
 * Sorting compares the encoded strings, which are ASCII, so code-unit order is byte order.
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const segment of rawQuery.split('&')) {
    if (segment === '') continue;
    const equals = segment.indexOf('=');
    const key = equals >= 0 ? segment.slice(0, equals) : segment;
    const value = equals >= 0 ? segment.slice(equals + 1) : '';
    pairs.push([canonicalComponent(key), canonicalComponent(value)]);
  }
  pairs.sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}
