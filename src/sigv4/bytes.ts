/**
 * Byte helpers written in plain ECMAScript, because Apps Script has neither TextEncoder nor Buffer.
 */
import type { Bytes } from './types';

/**
 * UTF-8 encodes a string. Lone surrogates become U+FFFD (EF BF BD), exactly as TextEncoder and
 * WHATWG URL parsing do, so a malformed string canonicalises the same here as in aws4fetch.
 */
export function utf8Encode(text: string): Bytes {
  const out: Bytes = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        code = 0xfffd;
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      code = 0xfffd;
    }
    if (code < 0x80) {
      out.push(code);
    } else if (code < 0x800) {
      out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    } else {
      out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
  }
  return out;
}

const HEX_DIGITS = '0123456789abcdef';

/** Lower-case hex of bytes; accepts signed Java bytes too (-128..127), since `& 0xff` folds them. */
export function hex(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = (bytes[i] ?? 0) & 0xff;
    out += HEX_DIGITS.charAt(b >> 4) + HEX_DIGITS.charAt(b & 0x0f);
  }
  return out;
}

/** Apps Script's Utilities return signed Java bytes (-128..127); SigV4 code works with 0..255. */
export function unsignedBytes(javaBytes: ArrayLike<number>): Bytes {
  const out: Bytes = [];
  for (let i = 0; i < javaBytes.length; i++) out.push((javaBytes[i] ?? 0) & 0xff);
  return out;
}

/** The reverse of `unsignedBytes`, for passing keys to Utilities.computeHmacSha256Signature. */
export function signedBytes(bytes: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = (bytes[i] ?? 0) & 0xff;
    out.push(b > 127 ? b - 256 : b);
  }
  return out;
}
