/**
 * Where everything lives in a lake of schema version 2 (docs/ARCHITECTURE.md, "The lake's layout"):
 *
 *   <lake>/manifest.json                        the current pointer: the current snapshot's full manifest
 *   <lake>/snapshots/<snapshotId>/<table>/*.parquet
 *   <lake>/snapshots/<snapshotId>/manifest.json that snapshot's manifest
 *   <lake>/cursors/<snapshotId>.json            the export's cursors after writing that snapshot
 *   <lake>/history/runs.jsonl                   every export run, rollback and generate, one JSON line each
 *   <lake>/quality/<runId>.json                 the gate's full report of each export run
 *   <lake>/staging/<runId>/                     a run in progress
 *   <lake>/export.lock                          one export (or rollback) at a time
 *
 * Only names: nothing here touches the disk.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { LakeError, MANIFEST_FILE } from './manifest';
import { LAKE_RELATIVE } from './lakeRelative';

export interface LakePaths {
  root: string;
  manifest: string;
  snapshots: string;
  /** The history file itself (`history/runs.jsonl`). */
  history: string;
  cursors: string;
  quality: string;
  staging: string;
  lock: string;
}

/** The same places relative to the lake's root, with `/` (lakeRelative.ts: the Lambda reads them without this module's imports). */
export { LAKE_RELATIVE };

export function lakePaths(lakeDir: string): LakePaths {
  const root = resolve(lakeDir);
  const at = (relative: string) => join(root, ...relative.split('/'));
  return {
    root,
    manifest: at(LAKE_RELATIVE.manifest),
    snapshots: at(LAKE_RELATIVE.snapshots),
    history: at(LAKE_RELATIVE.history),
    cursors: at(LAKE_RELATIVE.cursors),
    quality: at(LAKE_RELATIVE.quality),
    staging: at(LAKE_RELATIVE.staging),
    lock: at(LAKE_RELATIVE.lock),
  };
}

/**
 * Snapshot and run ids become folder and file names, and `rollback --to` takes one from a person:
 * letters, digits, `.`, `_` and `-`, starting with a letter or digit (so never `..` nor a path).
 */
export const LAKE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

export function isLakeId(id: string): boolean {
  return LAKE_ID_PATTERN.test(id);
}

/** Throws LakeError `invalid_id` unless `id` is a safe snapshot or run id; `what` names it in the message. */
export function checkLakeId(id: string, what: 'snapshot' | 'run' = 'snapshot'): string {
  if (!isLakeId(id)) {
    throw new LakeError(
      'invalid_id',
      id,
      `"${id}" is not a valid ${what} id: use letters, digits, ".", "_" and "-" only, starting with a letter or digit (at most 81 characters).`,
      '',
      { what },
    );
  }
  return id;
}

export function snapshotDir(lakeDir: string, snapshotId: string): string {
  return join(lakePaths(lakeDir).snapshots, checkLakeId(snapshotId));
}

/** A table's folder as a manifest names it: relative to the lake root, with `/` on every platform. */
export function snapshotTablePath(snapshotId: string, table: string): string {
  return `${LAKE_RELATIVE.snapshots}/${checkLakeId(snapshotId)}/${table}`;
}

/** A snapshot's own manifest, relative to the lake root. */
export function snapshotManifestPath(snapshotId: string): string {
  return `${LAKE_RELATIVE.snapshots}/${checkLakeId(snapshotId)}/${MANIFEST_FILE}`;
}

/** A snapshot's cursors, relative to the lake root. */
export function cursorsPath(snapshotId: string): string {
  return `${LAKE_RELATIVE.cursors}/${checkLakeId(snapshotId)}.json`;
}

export function snapshotManifestFile(lakeDir: string, snapshotId: string): string {
  return join(snapshotDir(lakeDir, snapshotId), MANIFEST_FILE);
}

export function cursorsFile(lakeDir: string, snapshotId: string): string {
  return join(lakePaths(lakeDir).cursors, `${checkLakeId(snapshotId)}.json`);
}

export function qualityReportFile(lakeDir: string, runId: string): string {
  return join(lakePaths(lakeDir).quality, `${checkLakeId(runId, 'run')}.json`);
}

/** The report's path as the manifest's `quality.report` records it: relative to the lake root. */
export function qualityReportPath(runId: string): string {
  return `${LAKE_RELATIVE.quality}/${checkLakeId(runId, 'run')}.json`;
}

/**
 * A run id that sorts by start time and is safe as a file name: `20261130T071500123Z-1a2b`. The
 * random tail keeps two runs started in the same millisecond apart.
 */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
