/**
 * Percent-encoding without URL/URLSearchParams/encodeURIComponent quirks (Apps Script has no URL,
 * and encodeURIComponent leaves !'()* alone and throws on lone surrogates).
 */
import type { Bytes } from './types';
import { utf8Encode } from './bytes';

const HEX_UPPER = '0123456789ABCDEF';

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e // - . _ ~
  );
}

function percentByte(byte: number): string {
  return '%' + HEX_UPPER.charAt(byte >> 4) + HEX_UPPER.charAt(byte & 0x0f);
}

/** SigV4's URI-encode: every byte except A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex). */
export function encodeRfc3986Bytes(bytes: Bytes): string {
  let out = '';
  for (const byte of bytes) out += isUnreserved(byte) ? String.fromCharCode(byte) : percentByte(byte);
  return out;
}

/** SigV4's URI-encode of a string's UTF-8 bytes. */
export function encodeRfc3986(text: string): string {
  return encodeRfc3986Bytes(utf8Encode(text));
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * Percent-decodes to bytes the way the WHATWG URL standard does: `%XX` becomes the byte, and a `%`
 * not followed by two hex digits stays a literal `%` (decodeURIComponent would throw instead).
 * Returning bytes rather than a string keeps invalid UTF-8 distinct (`%FF` ≠ `%FE`).
 */
export function percentDecodeBytes(text: string): Bytes {
  const out: Bytes = [];
  let literalStart = 0;
  const flushLiteral = (end: number): void => {
    if (end > literalStart) out.push(...utf8Encode(text.slice(literalStart, end)));
  };
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x25 /* % */) continue;
    const high = hexValue(text.charCodeAt(i + 1));
    const low = hexValue(text.charCodeAt(i + 2));
    if (high < 0 || low < 0) continue;
    flushLiteral(i);
    out.push(high * 16 + low);
    i += 2;
    literalStart = i + 1;
  }
  flushLiteral(text.length);
  return out;
}

/**
 * Which characters an HTTP client must percent-encode before a URL can go on the wire. These are
 * the WHATWG "path" and "special-query" percent-encode sets as Node 20's URL applies them; existing
 * `%XX` escapes and every other character are left exactly as given. (`^` stays raw as in Node 20;
 * the standard added it to the path set in 2025 and newer Node versions encode it.)
 */
function mustEncodeOnWire(code: number, part: 'path' | 'query'): boolean {
  if (code <= 0x20 || code >= 0x7f) return true; // C0 controls, space, DEL, non-ASCII
  switch (code) {
    case 0x22: // "
    case 0x23: // #
    case 0x3c: // <
    case 0x3e: // >
      return true;
    case 0x60: // `
    case 0x7b: // {
    case 0x7d: // }
      return part === 'path';
    case 0x27: // '
      return part === 'query';
    default:
      return false;
  }
}

/** Percent-encodes (UTF-8) only the characters that cannot appear raw in a URL's path or query. */
export function encodeForWire(text: string, part: 'path' | 'query'): string {
  let out = '';
  let plainStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (!mustEncodeOnWire(text.charCodeAt(i), part)) continue;
    let end = i + 1;
    while (end < text.length && mustEncodeOnWire(text.charCodeAt(end), part)) end++;
    out += text.slice(plainStart, i);
    for (const byte of utf8Encode(text.slice(i, end))) out += percentByte(byte);
    plainStart = end;
    i = end - 1;
  }
  return out + text.slice(plainStart);
}
