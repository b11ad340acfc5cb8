/**
 * Person ids in the lake are pseudonyms (privacyPolicy.ts, `pseudonymise`):
 * HMAC-SHA256(key, the id's decimal digits), its first 8 bytes read big-endian with the top bit
 * cleared, so a positive BIGINT under the same column name and the same Glue type.
 *
 * Why a keyed hash: APPI's 仮名加工情報 needs a replacement "without regularity allowing
 * restoration"; a plain hash of a small integer is reversed by hashing every integer, an HMAC
 * is not without the key, which never enters the lake (the manifest holds its fingerprint only).
 *
 * Collisions: 63 bits, so among n people the chance that any two share a pseudonym is about
 * n² / 2⁶⁴: 5 × 10⁻⁸ for a million people, 5 × 10⁻⁶ for ten million.
 */
import { createHash, createHmac } from 'node:crypto';

export const PSEUDONYM_KEY_ENV = 'SNAQ_PSEUDONYM_KEY';
export const MIN_PSEUDONYM_KEY_BYTES = 32;

/**
 * The DEVELOPMENT key: only for sample data (the generator's direct lake, the seeded sample
 * source), whose people are made up. Never for a real source.
 */
export const SAMPLE_PSEUDONYM_KEY_BASE64 = 'ujKzeOgY6NUtqyCPfy7LNwwXwupgR2jcchJvKQOpDioYBZHYNMYPNJYJg3XjCXwm';

const LOW_63_BITS = (1n << 63n) - 1n;
const FINGERPRINT_PREFIX = 'snaq-pseudonym-key-fingerprint:';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class PseudonymKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PseudonymKeyError';
  }
}

/** A key as `SNAQ_PSEUDONYM_KEY` holds it: standard base64 (`openssl rand -base64 48`) of at least 32 bytes. */
export function parsePseudonymKey(encoded: string, from = PSEUDONYM_KEY_ENV): Buffer {
  const text = encoded.trim();
  if (text === '' || !BASE64.test(text)) {
    throw new PseudonymKeyError(`${from} must be base64 (make one with: openssl rand -base64 48).`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length < MIN_PSEUDONYM_KEY_BYTES) {
    throw new PseudonymKeyError(
      `${from} is ${key.length} bytes once decoded from base64; it needs at least ${MIN_PSEUDONYM_KEY_BYTES} (make one with: openssl rand -base64 48).`,
    );
  }
  return key;
}

/** The key from the environment; one clear line when it is missing or too short. */
export function pseudonymKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer {
  const value = env[PSEUDONYM_KEY_ENV];
  if (value === undefined || value.trim() === '') {
    throw new PseudonymKeyError(`${PSEUDONYM_KEY_ENV} is not set: it keys the person-id pseudonyms (make one with: openssl rand -base64 48).`);
  }
  return parsePseudonymKey(value);
}

export function samplePseudonymKey(): Buffer {
  return parsePseudonymKey(SAMPLE_PSEUDONYM_KEY_BASE64, 'the sample pseudonym key');
}

/** The pseudonym of person id `id` under `key`. */
export function pseudonymise(id: bigint | number, key: Uint8Array): bigint {
  const value = BigInt(id);
  if (value < 0n) throw new RangeError(`A person id is never negative; got ${value}.`);
  const mac = createHmac('sha256', key).update(value.toString(10), 'ascii').digest();
  return mac.readBigUInt64BE(0) & LOW_63_BITS;
}

/**
 * What the manifest records of the key: the first 16 hex digits of
 * SHA-256("snaq-pseudonym-key-fingerprint:" ‖ key bytes). It tells keys apart (a changed key
 * forces a full export) and reveals nothing usable about the key.
 */
export function pseudonymKeyFingerprint(key: Uint8Array): string {
  return createHash('sha256').update(FINGERPRINT_PREFIX, 'utf8').update(key).digest('hex').slice(0, 16);
}
