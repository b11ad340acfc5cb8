/** Person-id pseudonyms: HMAC-SHA256 known answers (computed with openssl, not with this code) and the key's rules. */
import {
  parsePseudonymKey,
  pseudonymise,
  pseudonymKeyFingerprint,
  pseudonymKeyFromEnv,
  PseudonymKeyError,
  samplePseudonymKey,
  SAMPLE_PSEUDONYM_KEY_BASE64,
} from '../../src/lake/pseudonym';

describe('pseudonymise(id, key)', () => {
  // echo -n $ID | openssl dgst -sha256 -mac HMAC -macopt hexkey:<the sample key in hex>; first 16 hex digits & 0x7fff…
  test.each<[bigint | number, bigint]>([
    [0, 1869576087226150046n],
    [1, 5432642577267281368n], // MAC cb649fa4…: the top bit is cleared
    [42, 5534231552510485155n],
    [10000, 178389574404136383n],
    [9007199254740993n, 1276673017739502097n], // beyond 2^53: ids are exact bigints
  ])('known answer for id %s under the sample key', (id, expected) => {
    expect(pseudonymise(id, samplePseudonymKey())).toBe(expected);
  });

  test('is a positive 63-bit BIGINT, the same for a number and a bigint, and keyed', () => {
    const key = samplePseudonymKey();
    const other = parsePseudonymKey(Buffer.alloc(32, 7).toString('base64'));
    for (let id = 1; id <= 2000; id++) {
      const p = pseudonymise(id, key);
      expect(p >= 0n && p < 1n << 63n).toBe(true);
      expect(p).not.toBe(BigInt(id));
      expect(pseudonymise(BigInt(id), key)).toBe(p);
      expect(pseudonymise(id, other)).not.toBe(p);
    }
    expect(() => pseudonymise(-1, key)).toThrow(/never negative/);
  });
});

describe('the pseudonym key', () => {
  test('is base64 of at least 32 bytes; a shorter one is refused with one clear line', () => {
    expect(parsePseudonymKey(SAMPLE_PSEUDONYM_KEY_BASE64)).toHaveLength(48);
    expect(parsePseudonymKey(Buffer.alloc(32, 1).toString('base64'))).toHaveLength(32);
    const short = Buffer.alloc(31, 1).toString('base64');
    expect(() => parsePseudonymKey(short)).toThrow(PseudonymKeyError);
    expect(() => parsePseudonymKey(short)).toThrow(
      'SNAQ_PSEUDONYM_KEY is 31 bytes once decoded from base64; it needs at least 32 (make one with: openssl rand -base64 48).',
    );
    expect(() => parsePseudonymKey('not base64 at all!')).toThrow('SNAQ_PSEUDONYM_KEY must be base64 (make one with: openssl rand -base64 48).');
  });

  test('comes from SNAQ_PSEUDONYM_KEY, and its absence is one clear line', () => {
    expect(pseudonymKeyFromEnv({ SNAQ_PSEUDONYM_KEY: SAMPLE_PSEUDONYM_KEY_BASE64 })).toEqual(samplePseudonymKey());
    expect(() => pseudonymKeyFromEnv({})).toThrow(/^SNAQ_PSEUDONYM_KEY is not set: .*openssl rand -base64 48\)\.$/);
    expect(() => pseudonymKeyFromEnv({ SNAQ_PSEUDONYM_KEY: 'c2hvcnQ=' })).toThrow(/is 5 bytes once decoded/);
  });

  test('has a fingerprint: 16 hex of SHA-256("snaq-pseudonym-key-fingerprint:" + key bytes) (known answer from sha256sum)', () => {
    expect(pseudonymKeyFingerprint(samplePseudonymKey())).toBe('426041ab15b2ba5e');
    expect(pseudonymKeyFingerprint(Buffer.alloc(32, 7))).toMatch(/^[0-9a-f]{16}$/);
    expect(pseudonymKeyFingerprint(Buffer.alloc(32, 7))).not.toBe('426041ab15b2ba5e');
  });
});
