/**
 * The lake's history on S3 (`<prefix>history/runs.jsonl`), as the Lambda reads it for
 * `GET /v1/freshness`: like the root manifest (s3Manifest.ts), asked for again at most every 15 s
 * with `If-None-Match`, callers arriving together share one request, and a missing object is an
 * empty history (a lake no export has written to yet), not an error.
 */
import { LAKE_RELATIVE } from '../lake/lakeRelative';
import { parseHistoryLines } from '../lake/historyLines';
import { parseS3Url } from '../lake/s3/s3Url';
import { MANIFEST_TTL_MS, type ManifestObjectReader } from './s3Manifest';
import type { LakeHistory } from './types';

export interface S3HistoryOptions {
  /** s3://bucket/prefix/manifest.json: the history lives beside it. */
  manifestUrl: string;
  client: ManifestObjectReader;
  ttlMs?: number;
  now?: () => number;
}

export function s3HistoryReader(options: S3HistoryOptions): () => Promise<LakeHistory> {
  const { bucket, prefix } = parseS3Url(options.manifestUrl.replace(/[^/]+$/, ''));
  const key = `${prefix}${LAKE_RELATIVE.history}`;
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? MANIFEST_TTL_MS;
  let held: { checkedAt: number; etag: string; history: LakeHistory } | undefined;
  let inFlight: Promise<LakeHistory> | undefined;

  async function refresh(): Promise<LakeHistory> {
    const answer = await options.client.getObject(bucket, key, held?.etag ? { ifNoneMatch: held.etag } : {});
    if (answer === 'not-modified' && held) {
      held = { ...held, checkedAt: now() };
    } else if (answer === undefined || answer === 'not-modified') {
      held = { checkedAt: now(), etag: '', history: { entries: [], version: 'none' } };
    } else {
      const entries = parseHistoryLines(new TextDecoder().decode(answer.body));
      held = { checkedAt: now(), etag: answer.etag, history: { entries, version: answer.etag || `bytes:${answer.body.byteLength}` } };
    }
    return held.history;
  }

  return async () => {
    if (held && now() - held.checkedAt < ttlMs) return held.history;
    inFlight ??= refresh().finally(() => (inFlight = undefined));
    return inFlight;
  };
}
