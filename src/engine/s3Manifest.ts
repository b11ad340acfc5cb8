/**
 * The lake manifest in production: the exporter writes manifest.json next to the Parquet folders
 * in S3. Read with aws4fetch (no SDK) and kept for a few minutes, since it changes once a day.
 */
import { AwsClient } from 'aws4fetch';
import type { LakeManifest } from '../contract/snapshot';

export interface S3ManifestOptions {
  /** s3://bucket/key/manifest.json */
  url: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style endpoint instead of https://<bucket>.s3.<region>.amazonaws.com (a loopback double in tests). */
  endpoint?: string;
  ttlMs?: number;
  now?: () => number;
  fetcher?: (url: string) => Promise<Response>;
}

export function s3ManifestReader(options: S3ManifestOptions): () => Promise<LakeManifest> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(options.url);
  if (!match) throw new Error(`SNAQ_LAKE_MANIFEST must look like s3://bucket/key, not "${options.url}".`);
  const [, bucket, key] = match;
  const path = key!.split('/').map(encodeURIComponent).join('/');
  const httpsUrl = options.endpoint
    ? `${options.endpoint.replace(/\/+$/, '')}/${bucket}/${path}`
    : `https://${bucket}.s3.${options.region}.amazonaws.com/${path}`;
  const client = new AwsClient({ ...options.credentials, service: 's3', region: options.region, retries: 2 });
  const fetcher = options.fetcher ?? ((url: string) => client.fetch(url));
  const now = options.now ?? Date.now;
  let cached: { at: number; manifest: LakeManifest } | undefined;
  return async () => {
    if (cached && now() - cached.at < (options.ttlMs ?? 300_000)) return cached.manifest;
    const response = await fetcher(httpsUrl);
    if (!response.ok) throw new Error(`The lake manifest could not be read (HTTP ${response.status}).`);
    const manifest = (await response.json()) as LakeManifest;
    if ((manifest.schemaVersion !== 1 && manifest.schemaVersion !== 2) || typeof manifest.snapshotId !== 'string') {
      throw new Error('The lake manifest is not a manifest of schema version 1 or 2.');
    }
    cached = { at: now(), manifest };
    return manifest;
  };
}
