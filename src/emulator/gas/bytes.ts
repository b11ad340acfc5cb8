/** Java byte arrays as Apps Script shows them: arrays of numbers, returned signed (-128..127). */
import { GasException } from '../messages';

/** Accepts signed (-128..127) or unsigned (0..255) bytes, as the brief asks (Java itself would reject 128..255). */
export function isByteArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= -128 && b <= 255);
}

export function toBuffer(bytes: number[]): Buffer {
  return Buffer.from(bytes.map((b) => b & 0xff));
}

export function signedBytes(data: Uint8Array): number[] {
  return Array.from(data, (b) => (b > 127 ? b - 256 : b));
}

/** Utilities.Charset names (and their common spellings) → Node encodings. */
export function nodeEncoding(charset: unknown): BufferEncoding {
  const name = String(charset ?? 'UTF_8')
    .toUpperCase()
    .replace(/-/g, '_');
  switch (name) {
    case 'UTF_8':
    case 'UTF8':
      return 'utf8';
    case 'US_ASCII':
    case 'ASCII':
      return 'ascii';
    case 'ISO_8859_1':
    case 'LATIN1':
      return 'latin1';
    case 'UTF_16LE':
      return 'utf16le';
    default:
      throw new GasException(`Invalid argument: charset`);
  }
}
