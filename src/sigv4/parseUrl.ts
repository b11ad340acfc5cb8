/**
 * A tiny URL splitter, because Apps Script has no `URL`. It only splits; the path and query stay
 * exactly as given (still percent-encoded), since SigV4 must see what goes on the wire.
 */

export interface ParsedUrl {
  /** Lower-case, with the colon: `'https:'`. */
  protocol: string;
  /** Lower-case host name plus the port when it is not the scheme's default: `'localhost:8787'`. */
  host: string;
  /** The path as given (`'/'` when empty). */
  path: string;
  /** The raw text after `?`, without the `#fragment`; `''` when there is none. */
  query: string;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * Splits a request target (`/path?query#fragment`) into path and query. Like WHATWG URL, the
 * fragment ends the target even if it contains a `?`.
 */
export function splitTarget(target: string): { path: string; query: string } {
  const hash = target.indexOf('#');
  const withoutFragment = hash >= 0 ? target.slice(0, hash) : target;
  const question = withoutFragment.indexOf('?');
  const path = question >= 0 ? withoutFragment.slice(0, question) : withoutFragment;
  const query = question >= 0 ? withoutFragment.slice(question + 1) : '';
  return { path: path === '' ? '/' : path, query };
}

/** Drops leading and trailing C0 control characters and spaces (U+0000–U+0020), as WHATWG URL does. */
function trimC0AndSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/**
 * Splits an absolute http(s) URL. As WHATWG URL does (and so aws4fetch), tabs and newlines anywhere
 * are dropped and surrounding spaces/control characters trimmed, user info is ignored, the host is
 * lower-cased and a default port removed. Non-ASCII (IDN) host names are not supported.
 */
export function parseUrl(url: string): ParsedUrl {
  const cleaned = trimC0AndSpace(url.replace(/[\t\n\r]/g, ''));
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(cleaned);
  if (!scheme || scheme[1] === undefined) throw new Error(`Not an absolute URL: ${url}`);
  const protocol = scheme[1].toLowerCase() + ':';
  const rest = cleaned.slice(scheme[0].length);
  // Backslash ends the authority too: WHATWG treats it as "/" in http(s) URLs.
  const authorityEnd = rest.search(/[/\\?#]/);
  const authority = authorityEnd >= 0 ? rest.slice(0, authorityEnd) : rest;
  const target = authorityEnd >= 0 ? rest.slice(authorityEnd) : '';
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
  if (hostAndPort === '') throw new Error(`URL has no host: ${url}`);
  // An IPv6 literal ends with "]", so a trailing ":digits" is always the port.
  const portMatch = /^(.*?)(?::(\d*))?$/.exec(hostAndPort);
  const hostname = portMatch?.[1] ?? hostAndPort;
  const rawPort = portMatch?.[2];
  const port = rawPort === undefined || rawPort === '' ? '' : String(Number(rawPort));
  const host = port === '' || DEFAULT_PORTS[protocol] === port ? hostname : `${hostname}:${port}`;
  return { protocol, host, ...splitTarget(target) };
}
