/**
 * `snaq lake status` and `snaq lake rollback` on an S3 lake: the same rules as a folder's
 * (lakeStatus.ts, lakeStore.ts), read from and written to S3. Rollback rewrites the root manifest
 * conditionally on the version read, under the lake's lock.
 */
import { LAKE_RELATIVE, checkLakeId } from '../lakeLayout';
import { chooseRollbackTarget, rollbackEntry } from '../lakeStore';
import { statusOf, type LakeStatus } from '../lakeStatus';
import { LakeError, MANIFEST_FILE, type ReadableLakeManifest } from '../manifest';
import type { S3Lake } from './s3Lake';
import { acquireS3Lock } from './s3Lock';

export async function s3LakeStatus(lake: S3Lake, now: Date = new Date()): Promise<LakeStatus> {
  const history = await lake.readHistory();
  let manifest: ReadableLakeManifest | undefined;
  let currentProblem: LakeError | undefined;
  try {
    manifest = (await lake.readManifest())?.manifest;
    if (!manifest) currentProblem = noLake(lake);
  } catch (error) {
    if (!(error instanceof LakeError)) throw error;
    currentProblem = error;
  }
  // A prefix with neither manifest nor history is no lake (a typo in the URL): say so rather than show an empty status.
  if (!manifest && history.length === 0) throw currentProblem ?? noLake(lake);
  return statusOf({ manifest, currentProblem, history }, now);
}

export async function rollbackS3Lake(lake: S3Lake, to?: string): Promise<{ from: string; to: string }> {
  if (to !== undefined) checkLakeId(to);
  const lock = await acquireS3Lock(lake, 'rollback');
  try {
    const started = Date.now();
    const current = await lake.readManifest();
    if (!current) throw noLake(lake);
    const { snapshots } = await lake.listSnapshots(current.manifest.snapshotId);
    const target = chooseRollbackTarget(current.manifest, snapshots, to, {
      snapshots: lake.where(LAKE_RELATIVE.snapshots),
      manifest: lake.where(MANIFEST_FILE),
    });
    await lake.putJson(MANIFEST_FILE, target.manifest, { ifMatch: current.etag });
    await lake.appendHistory(rollbackEntry(current.manifest, target.manifest, started));
    return { from: current.manifest.snapshotId, to: target.snapshotId };
  } finally {
    await lock.release().catch(() => undefined);
  }
}

function noLake(lake: S3Lake): LakeError {
  return new LakeError('manifest_missing', lake.where(MANIFEST_FILE), `There is no lake at ${lake.where()}: ${lake.where(MANIFEST_FILE)} does not exist.`);
}
