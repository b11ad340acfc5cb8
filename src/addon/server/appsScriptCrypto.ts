/**
 * SigV4's hashing on Apps Script's Utilities: Apps Script has no Web Crypto. Utilities takes
 * and returns signed Java bytes (-128..127), so bytes are folded at the boundary.
 */
import { hex, signedBytes, unsignedBytes, utf8Encode } from '../../sigv4/bytes';
import type { Bytes, SigV4Crypto } from '../../sigv4/types';

/** The two Utilities methods used, typed loosely so the emulator and the real service both fit. */
export interface DigestUtilities {
  computeDigest(algorithm: unknown, value: number[]): number[];
  computeHmacSha256Signature(value: number[], key: number[]): number[];
  readonly DigestAlgorithm: { readonly SHA_256: unknown };
}

export function appsScriptCrypto(utilities: DigestUtilities): SigV4Crypto {
  return {
    sha256Hex: (message: string | Bytes) =>
      hex(utilities.computeDigest(utilities.DigestAlgorithm.SHA_256, signedBytes(typeof message === 'string' ? utf8Encode(message) : message))),
    hmacSha256: (key: Bytes, message: string) => unsignedBytes(utilities.computeHmacSha256Signature(signedBytes(utf8Encode(message)), signedBytes(key))),
    utf8: utf8Encode,
  };
}
