/**
 * Utilities, entirely inside the worker (node:crypto, no RPC). Digests and HMACs return signed
 * Java bytes and accept signed or unsigned byte arrays; the overloads are Apps Script's
 * (string, string[, charset]) or (Byte[], Byte[]): a mixed call fails like Apps Script's.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { formatDate } from '../dates';
import { SLEEP_MAX_MS } from '../limits';
import { GasException, MSG } from '../messages';
import { GasBlob } from './blob';
import { isByteArray, nodeEncoding, signedBytes, toBuffer } from './bytes';
import { mismatch } from './context';
import { HostObject } from './hostObject';

const DIGESTS: Record<string, string> = { MD2: 'md2', MD5: 'md5', SHA_1: 'sha1', SHA_256: 'sha256', SHA_384: 'sha384', SHA_512: 'sha512' };
const MACS: Record<string, string> = { HMAC_MD5: 'md5', HMAC_SHA_1: 'sha1', HMAC_SHA_256: 'sha256', HMAC_SHA_384: 'sha384', HMAC_SHA_512: 'sha512' };

function enumOf(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, n]));
}

function base64Valid(text: string, webSafe: boolean): boolean {
  const compact = text.replace(/\s+/g, '');
  return (webSafe ? /^[A-Za-z0-9\-_]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/).test(compact) && compact.replace(/=+$/, '').length % 4 !== 1;
}

export class Utilities extends HostObject {
  readonly gasClass = 'Utilities';
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  override _props(): Record<string, unknown> {
    return {
      DigestAlgorithm: enumOf(Object.keys(DIGESTS)),
      MacAlgorithm: enumOf(Object.keys(MACS)),
      Charset: enumOf(['US_ASCII', 'UTF_8']),
    };
  }

  computeDigest(...args: unknown[]): number[] {
    const [algorithm, value, charset] = args;
    const alg = DIGESTS[String(algorithm)];
    if (!alg || args.length > 3 || (args.length === 3 && typeof value !== 'string')) throw mismatch('Utilities.computeDigest', args);
    const data = this._bytesOf(value, charset, 'Utilities.computeDigest', args);
    return signedBytes(createHash(alg).update(data).digest());
  }

  computeHmacSha256Signature(...args: unknown[]): number[] {
    return this._hmac('sha256', args, 'Utilities.computeHmacSha256Signature');
  }

  computeHmacSignature(...args: unknown[]): number[] {
    const [algorithm, ...rest] = args;
    const alg = MACS[String(algorithm)];
    if (!alg) throw mismatch('Utilities.computeHmacSignature', args);
    return this._hmac(alg, rest, 'Utilities.computeHmacSignature');
  }

  private _hmac(alg: string, args: unknown[], method: string): number[] {
    const [value, key, charset] = args;
    const strings = typeof value === 'string' && typeof key === 'string';
    const bytes = isByteArray(value) && isByteArray(key) && args.length === 2;
    if (!(strings && args.length <= 3) && !bytes) throw mismatch(method, args);
    const encoding = strings ? nodeEncoding(charset) : 'utf8';
    const keyBuf = strings ? Buffer.from(key as string, encoding) : toBuffer(key as number[]);
    const valueBuf = strings ? Buffer.from(value as string, encoding) : toBuffer(value as number[]);
    return signedBytes(createHmac(alg, keyBuf).update(valueBuf).digest());
  }

  private _bytesOf(value: unknown, charset: unknown, method: string, args: unknown[]): Buffer {
    if (typeof value === 'string') return Buffer.from(value, nodeEncoding(charset));
    if (isByteArray(value)) return toBuffer(value);
    throw mismatch(method, args);
  }

  base64Encode(...args: unknown[]): string {
    return this._bytesOf(args[0], args[1], 'Utilities.base64Encode', args).toString('base64');
  }
  base64EncodeWebSafe(...args: unknown[]): string {
    return this._bytesOf(args[0], args[1], 'Utilities.base64EncodeWebSafe', args).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  }
  base64Decode(...args: unknown[]): number[] {
    return this._decode(args, false, 'Utilities.base64Decode');
  }
  base64DecodeWebSafe(...args: unknown[]): number[] {
    return this._decode(args, true, 'Utilities.base64DecodeWebSafe');
  }
  private _decode(args: unknown[], webSafe: boolean, method: string): number[] {
    const [encoded, charset] = args;
    if (typeof encoded !== 'string') throw mismatch(method, args);
    if (charset !== undefined) nodeEncoding(charset);
    if (!base64Valid(encoded, webSafe)) throw new GasException('Could not decode string.');
    return signedBytes(Buffer.from(encoded.replace(/\s+/g, ''), webSafe ? 'base64url' : 'base64'));
  }

  newBlob(...args: unknown[]): GasBlob {
    const [data, contentType, name] = args;
    let buffer: Buffer;
    if (data === undefined) buffer = Buffer.alloc(0);
    else if (typeof data === 'string') buffer = Buffer.from(data, 'utf8');
    else if (isByteArray(data)) buffer = toBuffer(data);
    else throw mismatch('Utilities.newBlob', args);
    return new GasBlob(
      buffer,
      contentType === undefined || contentType === null ? null : String(contentType),
      name === undefined || name === null ? null : String(name),
    );
  }

  /** Really blocks this worker (and counts against the execution's time, as in Apps Script). */
  sleep(milliseconds: unknown): void {
    const ms = Number(milliseconds);
    if (!Number.isFinite(ms)) throw mismatch('Utilities.sleep', [milliseconds]);
    if (ms > SLEEP_MAX_MS) throw new GasException(MSG.sleepTooLong);
    if (ms > 0) Atomics.wait(this.sleeper, 0, 0, ms);
  }

  formatDate(...args: unknown[]): string {
    const [date, timeZone, pattern] = args;
    if (!(date instanceof Date) || typeof timeZone !== 'string' || typeof pattern !== 'string') throw mismatch('Utilities.formatDate', args);
    return formatDate(date, timeZone, pattern);
  }

  getUuid(): string {
    return randomUUID();
  }
}
