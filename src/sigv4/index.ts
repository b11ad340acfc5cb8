/**
 * SigV4 for the Apps Script add-on and the local server's verifier. Everything here except
 * `nodeCrypto.ts` is plain ECMAScript (no URL, TextEncoder, Buffer, crypto or Node modules), so it
 * bundles into Apps Script as is. `nodeCrypto.ts` is deliberately not re-exported.
 */
export type { Bytes, HeaderList, SigV4Crypto, UriEncoding } from './types';
export { hex, signedBytes, unsignedBytes, utf8Encode } from './bytes';
export { encodeRfc3986, encodeRfc3986Bytes, encodeForWire, percentDecodeBytes } from './percentEncoding';
export { parseUrl, splitTarget, type ParsedUrl } from './parseUrl';
export { canonicalUri, wirePath } from './canonicalUri';
export { canonicalQuery, decodeQueryComponent, queryPairs } from './canonicalQuery';
export { UNSIGNED_BY_DEFAULT, canonicalHeaderValue, canonicalHeaders, chooseSignedHeaders, mergeHeaders } from './canonicalHeaders';
export { ALGORITHM, TERMINATOR, buildCanonicalRequest, buildStringToSign, credentialScope, type CanonicalRequestParts } from './canonicalRequest';
export { deriveSigningKey, signStringToSign } from './signature';
export { regionFromHost } from './region';
export { amzDatetime, signRequest, type SignRequestInput, type SignedRequest } from './signRequest';
