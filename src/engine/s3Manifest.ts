/**
 * The lake's root manifest on S3, as the Lambda reads it: which snapshot every statement names.
 *
 * A new snapshot must be served within 60 s of its publication, so the manifest is asked for again
 * every `ttlMs` (15 s), with `If-None-Match` on the version held: an unchanged manifest costs a 304
 * and no body. Callers that arrive together share one request. When S3 does not answer, the held
 * manifest keeps serving for a while (`maxStaleMs`): a snapshot a few minutes old beats no answer.
 */
import type { LakeManifest } from '../contract/snapshot';
import { parseS3Url } from '../lake/s3/s3Url';
import { polledS3Object } from './s3Polled';

/** What the reader needs from an S3 client (src/lake/s3/s3Client.ts). */
export interface ManifestObjectReader {
  getObject(bucket: string, key: string, options?: { ifNoneMatch?: string }): Promise<{ body: Uint8Array; etag: string } | 'not-modified' | undefined>;
}

export interface S3ManifestOptions {
  /** s3://bucket/prefix/manifest.json */
  url: string;
  client: ManifestObjectReader;
  ttlMs?: number;
  maxStaleMs?: number;
  now?: () => number;
  /** Operator log: a failed refresh served from the held manifest. */
  log?: (entry: Record<string, unknown>) => void;
}

export const MANIFEST_TTL_MS = 15_000;
const MAX_STALE_MS = 5 * 60_000;

export function s3ManifestReader(options: S3ManifestOptions): () => Promise<LakeManifest> {
  const { bucket, prefix } = parseS3Url(options.url.replace(/[^/]+$/, ''));
  const key = `${prefix}${options.url.slice(options.url.lastIndexOf('/') + 1)}`;
  if (!key.endsWith('.json')) throw new Error(`SNAQ_LAKE_MANIFEST must name the manifest file, s3://bucket/prefix/manifest.json, not "${options.url}".`);
  return polledS3Object<LakeManifest>({
    bucket,
    key,
    client: options.client,
    ttlMs: options.ttlMs ?? MANIFEST_TTL_MS,
    now: options.now ?? Date.now,
    decode: (body) => manifestOf(options.url, JSON.parse(new TextDecoder().decode(body)) as unknown),
    missing: () => {
      throw new Error(`The lake manifest ${options.url} does not exist.`);
    },
    maxStaleMs: options.maxStaleMs ?? MAX_STALE_MS,
    onStale: (error, manifest) =>
      options.log?.({ event: 'lake_manifest_stale', snapshotId: manifest.snapshotId, message: error instanceof Error ? error.message : String(error) }),
  });
}

/** A light check (the Lambda's bundle stays small, without the lake's zod schema): what every statement needs. */
function manifestOf(url: string, json: unknown): LakeManifest {
  const manifest = json as Partial<LakeManifest> | null;
  const valid =
    manifest !== null &&
    typeof manifest === 'object' &&
    (manifest.schemaVersion === 1 || manifest.schemaVersion === 2) &&
    typeof manifest.snapshotId === 'string' &&
    manifest.snapshotId !== '' &&
    typeof manifest.tables === 'object' &&
    manifest.tables !== null;
  if (!valid) throw new Error(`The lake manifest ${url} is invalid: it is not a manifest of schema version 1 or 2 with a snapshot id and tables.`);
  return manifest as LakeManifest;
}
