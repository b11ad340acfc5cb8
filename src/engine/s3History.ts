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
import { polledS3Object } from './s3Polled';
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
  return polledS3Object<LakeHistory>({
    bucket,
    key: `${prefix}${LAKE_RELATIVE.history}`,
    client: options.client,
    ttlMs: options.ttlMs ?? MANIFEST_TTL_MS,
    now: options.now ?? Date.now,
    decode: (body, etag) => ({ entries: parseHistoryLines(new TextDecoder().decode(body)), version: etag || `bytes:${body.byteLength}` }),
    missing: () => ({ entries: [], version: 'none' }),
  });
}
