/**
 * Types shared by the signer (Apps Script and Node) and the local server's verifier.
 *
 * Apps Script has no crypto.subtle, TextEncoder or Buffer, so hashing is injected through
 * `SigV4Crypto` and bytes are plain number arrays, which both worlds can produce.
 */

/** Unsigned bytes, 0..255. (Apps Script's Utilities return signed Java bytes; convert with `unsignedBytes`.) */
export type Bytes = number[];

/** The three primitives SigV4 needs. Strings are always hashed as UTF-8. */
export interface SigV4Crypto {
  /** Lower-case hex SHA-256 of a UTF-8 string or of raw bytes. */
  sha256Hex(message: string | Bytes): string;
  /** HMAC-SHA256 of a UTF-8 string under a raw key. */
  hmacSha256(key: Bytes, message: string): Bytes;
  /** UTF-8 encoding of a string (the pure `utf8Encode` is a valid implementation). */
  utf8(message: string): Bytes;
}

/**
 * How the canonical URI encodes the path.
 * - `'double'`: every non-S3 service (execute-api, athena): the path as sent on the wire, already
 *   percent-encoded, is URI-encoded once more (aws4fetch's default).
 * - `'single'`: the AWS test suite's mode: the path is taken as raw text and encoded once.
 * - `'s3'`: Amazon S3's: like 'single', but repeated slashes are kept (S3 never normalises a key).
 */
export type UriEncoding = 'double' | 'single' | 's3';

/** Header name/value pairs in the order given; duplicates allowed (the test suite has them). */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;
