/**
 * The canonical URI: the request path, normalised the way AWS normalises non-S3 paths, then
 * URI-encoded once ('single') or twice ('double').
 */
import type { UriEncoding } from './types';
import { encodeForWire, encodeRfc3986, encodeRfc3986Bytes, percentDecodeBytes } from './percentEncoding';

const SINGLE_DOT = /^(?:\.|%2e)$/i;
const DOUBLE_DOT = /^(?:\.|%2e){2}$/i;

/**
 * The path an HTTP client actually sends, following WHATWG URL parsing for http(s) (which is what
 * aws4fetch signs, since it reads `new URL(url).pathname`): characters that cannot go on the wire
 * are percent-encoded, `\` counts as `/`, and `.`/`..` segments (also written `%2e`) are resolved.
 * Existing escapes such as `%2F` or `%2f` are kept verbatim.
 */
export function wirePath(path: string): string {
  const withoutLeadingSlash = path.startsWith('/') || path.startsWith('\\') ? path.slice(1) : path;
  const segments = withoutLeadingSlash.split(/[/\\]/);
  const out: string[] = [];
  segments.forEach((raw, index) => {
    const isLast = index === segments.length - 1;
    const segment = encodeForWire(raw, 'path');
    if (DOUBLE_DOT.test(segment)) {
      out.pop();
      if (isLast) out.push(''); // "/a/b/.." → "/a/"
    } else if (SINGLE_DOT.test(segment)) {
      if (isLast) out.push(''); // "/a/." → "/a/"
    } else {
      out.push(segment);
    }
  });
  return '/' + out.join('/');
}

/**
 * Builds the canonical URI from a path as given in the URL (or as received on the wire).
 *
 * 'double' and 'single' first take the wire form of the path and collapse repeated slashes: AWS normalises
 * non-S3 paths (the suite's normalize-path cases), and aws4fetch does the same two steps, in this
 * order (dots are resolved before slashes collapse, so "/a//../b" is "/a/b", not "/b").
 * - 'double': each segment of the wire path, escapes included, is URI-encoded again, so `%20`
 *   becomes `%2520` and `%2F` becomes `%252F` (execute-api, athena).
 * - 'single': each segment is percent-decoded and encoded once, so a raw path such as
 *   `/example space/` gives `/example%20space/` (the AWS test suite).
 * - 's3': as 'single', without collapsing slashes: S3 signs the path as sent, so the key
 *   `a//b` stays `/bucket/a//b`.
 */
export function canonicalUri(path: string, encoding: UriEncoding): string {
  const wire = wirePath(path);
  const normalised = encoding === 's3' ? wire : wire.replace(/\/+/g, '/');
  const encodeSegment =
    encoding === 'double' ? (segment: string) => encodeRfc3986(segment) : (segment: string) => encodeRfc3986Bytes(percentDecodeBytes(segment));
  return normalised.split('/').map(encodeSegment).join('/');
}
