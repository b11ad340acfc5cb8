/**
 * SigV4Crypto on node:crypto, for the local server's verifier and the tests. The Apps Script
 * counterpart wraps Utilities.computeDigest/computeHmacSha256Signature the same way.
 * This is the only file under src/sigv4 that may import Node.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Bytes, SigV4Crypto } from './types';

export const nodeCrypto: SigV4Crypto = {
  sha256Hex: (message: string | Bytes) =>
    createHash('sha256')
      .update(typeof message === 'string' ? Buffer.from(message, 'utf8') : Uint8Array.from(message))
      .digest('hex'),
  hmacSha256: (key: Bytes, message: string) => Array.from(createHmac('sha256', Uint8Array.from(key)).update(message, 'utf8').digest()),
  utf8: (message: string) => Array.from(Buffer.from(message, 'utf8')),
};
