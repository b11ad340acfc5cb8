/**
 * The one reading of a request's target that the SigV4 verifier and the router share. Reading it
 * twice, differently, would let a router act on parameters the signature never covered (a second
 * `?`, a `#` on the wire): here the path and query split as WHATWG URL splits them, and the query's
 * parameters split as the canonical query splits them (`queryPairs`).
 */
import { decodeQueryComponent, parseUrl, queryPairs, splitTarget } from '../sigv4';

export interface RequestTarget {
  /** Still percent-encoded, as SigV4 canonicalises it and the router matches it. */
  path: string;
  /** The raw text after the first `?`, without a `#fragment`. */
  rawQuery: string;
}

/** Splits node's `req.url`: origin-form (`/v1/…?…`) or absolute-form (`http://host/v1/…`); undefined when neither. */
export function parseRequestTarget(rawUrl: string): RequestTarget | undefined {
  if (rawUrl.startsWith('/')) {
    const { path, query } = splitTarget(rawUrl);
    return { path, rawQuery: query };
  }
  try {
    const { path, query } = parseUrl(rawUrl); // absolute-form, as a proxy may send it
    return { path, rawQuery: query };
  } catch {
    return undefined;
  }
}

/** The query's parameters, decoded (`+` is a space; invalid UTF-8 becomes U+FFFD); a repeated key keeps its last value. */
export function parseQueryString(rawQuery: string): Record<string, string> {
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of queryPairs(rawQuery)) query[decodeText(key)] = decodeText(value);
  return query;
}

function decodeText(raw: string): string {
  return Buffer.from(decodeQueryComponent(raw)).toString('utf8');
}
