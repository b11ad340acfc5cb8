/**
 * The HMAC chain: shared by the signer and the verifier so both compute the signature one way.
 */
import type { Bytes, SigV4Crypto } from './types';
import { hex } from './bytes';
import { TERMINATOR } from './canonicalRequest';

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string, crypto: SigV4Crypto): Bytes {
  const kDate = crypto.hmacSha256(crypto.utf8('AWS4' + secretAccessKey), date);
  const kRegion = crypto.hmacSha256(kDate, region);
  const kService = crypto.hmacSha256(kRegion, service);
  return crypto.hmacSha256(kService, TERMINATOR);
}

/** Lower-case hex signature of a string to sign. */
export function signStringToSign(signingKey: Bytes, stringToSign: string, crypto: SigV4Crypto): string {
  return hex(crypto.hmacSha256(signingKey, stringToSign));
}
