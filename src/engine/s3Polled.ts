/**
 * One S3 object the Lambda keeps and asks for again at most every `ttlMs` (15 s), with
 * `If-None-Match` on the version held, so an unchanged object costs a 304 and no body. Callers
 * arriving together share one request. The root manifest (s3Manifest.ts) and the history
 * (s3History.ts) are read this way.
 */
import type { ManifestObjectReader } from './s3Manifest';

export interface PolledObjectOptions<T> {
  bucket: string;
  key: string;
  client: ManifestObjectReader;
  ttlMs: number;
  now: () => number;
  decode(body: Uint8Array, etag: string): T;
  /** What a missing object is: a value (an empty history), or an error thrown. */
  missing(): T;
  /** While S3 fails, the held value keeps serving this long, and `onStale` is told (default 0: the failure surfaces). */
  maxStaleMs?: number;
  onStale?(error: unknown, held: T): void;
}

export function polledS3Object<T>(options: PolledObjectOptions<T>): () => Promise<T> {
  const { bucket, key, client, ttlMs, now } = options;
  let held: { checkedAt: number; etag: string; value: T } | undefined;
  let inFlight: Promise<T> | undefined;

  async function refresh(): Promise<T> {
    try {
      const answer = await client.getObject(bucket, key, held?.etag ? { ifNoneMatch: held.etag } : {});
      if (answer === 'not-modified' && held) held = { ...held, checkedAt: now() };
      else if (answer === undefined || answer === 'not-modified') held = { checkedAt: now(), etag: '', value: options.missing() };
      else held = { checkedAt: now(), etag: answer.etag, value: options.decode(answer.body, answer.etag) };
      return held.value;
    } catch (error) {
      if (held && now() - held.checkedAt < (options.maxStaleMs ?? 0)) {
        options.onStale?.(error, held.value);
        return held.value;
      }
      throw error;
    }
  }

  return async () => {
    if (held && now() - held.checkedAt < ttlMs) return held.value;
    inFlight ??= refresh().finally(() => (inFlight = undefined));
    return inFlight;
  };
}
