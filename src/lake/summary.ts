/** The human summary `snaq lake generate` prints. */
import type { SampleLakeManifest } from './manifest';
import { LAKE_TABLES } from '../contract/lakeSchema';

export function formatGenerateSummary(manifest: SampleLakeManifest, elapsedMs: number): string {
  const { seed, scale, asOf } = manifest.generator;
  const width = Math.max(...LAKE_TABLES.map((t) => t.length));
  const lines = LAKE_TABLES.map((t) => {
    const entry = manifest.tables[t];
    return `  ${t.padEnd(width)}  ${entry.rows.toLocaleString('en-US').padStart(11)} rows  ${entry.path}/`;
  });
  return [
    `Sample lake ${manifest.snapshotId} (seed ${seed}, scale ${scale}, as of ${asOf}) generated in ${(elapsedMs / 1000).toFixed(1)} s`,
    ...lines,
    // The key is public: say so, so nobody takes these pseudonyms for protected ones.
    `  person ids pseudonymised with the DEVELOPMENT sample key (fingerprint ${manifest.pseudonymKeyFingerprint ?? 'none'}); a real export needs SNAQ_PSEUDONYM_KEY`,
  ].join('\n');
}
