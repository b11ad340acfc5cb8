/** downloadFile's body: the object streamed into a file, its length and (when S3 keeps a whole-object SHA-256) its checksum checked. */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { S3Error, errorFromAnswer } from './s3Error';
import { readAll, type S3Transport } from './s3Transport';

/** Writes the object to `file` (truncated at each attempt); returns its size. A cut-short or corrupted answer is retried. */
export function downloadTo(transport: S3Transport, bucket: string, key: string, file: string): Promise<number> {
  const where = { op: 'GetObject', bucket, key };
  return transport.stream({ ...where, method: 'GET', headers: { 'x-amz-checksum-mode': 'ENABLED' }, answers: [404] }, async (response, progress) => {
    if (response.status === 404) throw errorFromAnswer(where, 404, await readAll(response, progress));
    const hash = createHash('sha256');
    let bytes = 0;
    const handle = await open(file, 'w');
    try {
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          progress();
          hash.update(chunk);
          await handle.write(chunk);
          bytes += chunk.byteLength;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    const length = response.headers.get('content-length');
    if (length !== null && Number(length) !== bytes) {
      throw new S3Error({ ...where, status: response.status, code: 'IncompleteBody', detail: `${bytes} of ${length} bytes` });
    }
    // A composite checksum ("…-N") covers the parts, not the bytes as a whole: only a whole-object one is checked.
    const checksum = response.headers.get('x-amz-checksum-sha256');
    if (checksum && !checksum.includes('-') && checksum !== hash.digest('base64')) {
      throw new S3Error({ ...where, status: response.status, code: 'IncompleteBody', detail: 'the body does not match its SHA-256 checksum' });
    }
    return bytes;
  });
}
