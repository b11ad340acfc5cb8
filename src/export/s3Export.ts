/**
 * `snaq lake export --lake s3://bucket/prefix`: the export of exportLake.ts, published to S3.
 *
 * The export reads the previous snapshot's Parquet with DuckDB, whose S3 extension cannot be
 * installed here, so it works on a local mirror: the current snapshot is downloaded into a work
 * folder (files already there, from an earlier run with the same `--work-dir`, are kept: a
 * published snapshot never changes), exportLake runs on that folder, and its `beforePublish` step
 * puts the new snapshot on S3: data files (unchanged parts copied inside S3), the snapshot's
 * manifest, cursors and quality report, and the root manifest last. The S3 lake's own lock (a
 * lease, s3Lock.ts) keeps runs from overlapping wherever they run; the history line and quality
 * report of every run, published or not, are written to S3 too.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EXPORT_HEARTBEAT_MS, SNAPSHOT_RETIRE_AFTER_MS } from '../contract/exportJob';
import type { LakeManifest } from '../contract/snapshot';
import { historyTablesOf, oneLineError, readHistory, type HistoryEntry } from '../lake/lakeHistory';
import { cursorsPath, lakePaths, newRunId, qualityReportPath, snapshotManifestPath } from '../lake/lakeLayout';
import { DEFAULT_KEEP_SNAPSHOTS, writeFileAtomically } from '../lake/lakeStore';
import { MANIFEST_FILE, type ReadableLakeManifest } from '../lake/manifest';
import { asLakeError, inParallel, S3Lake, type LakeObjectStore } from '../lake/s3/s3Lake';
import { acquireS3Lock } from '../lake/s3/s3Lock';
import { exportLake, type ExportOptions, type ExportResult } from './exportLake';

export interface S3ExportOptions extends Omit<ExportOptions, 'lakeDir' | 'runId' | 'beforePublish'> {
  /** `s3://bucket/prefix`. */
  lake: string;
  store: LakeObjectStore;
  /** The local mirror (kept between runs when named); default a temporary folder removed at the end. */
  workDir?: string;
  /** Called every minute while the run holds the lock (the job logs its heartbeat). */
  onHeartbeat?: () => void;
  heartbeatMs?: number;
  /** How long a superseded snapshot stays readable (default: twice Athena's longest query). */
  retireAfterMs?: number;
}

export interface S3ExportResult extends ExportResult {
  lake: string;
  transfer: { downloadedBytes: number; uploadedFiles: number; copiedFiles: number; uploadedBytes: number; abortedUploads: number };
  retiredOnS3: string[];
}

/** What this run made current on S3, once the root manifest is written. */
interface PublishedRun {
  manifest: LakeManifest;
  previousSnapshotId: string | null;
}

export async function exportToS3(options: S3ExportOptions): Promise<S3ExportResult> {
  const lake = new S3Lake(options.store, options.lake);
  const say = options.say ?? (() => undefined);
  const runId = newRunId();
  const lock = await acquireS3Lock(lake, 'export').catch((error: unknown) => {
    throw asLakeError(error, lake);
  });
  if (lock.tookOverFrom) {
    say(
      lock.tookOverFrom === 'unreadable'
        ? 'An unreadable lock was left on the lake; taking it over.'
        : `An earlier ${lock.tookOverFrom.what} (${lock.tookOverFrom.host}, since ${lock.tookOverFrom.startedAt}) stopped renewing its lock; taking it over.`,
    );
  }
  let lost: unknown;
  const heartbeat = setInterval(() => {
    options.onHeartbeat?.();
    lock.renew().catch((error: unknown) => (lost ??= error));
  }, options.heartbeatMs ?? EXPORT_HEARTBEAT_MS);
  options.onHeartbeat?.();
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'snaq-s3-mirror-'));
  const transfer = { downloadedBytes: 0, uploadedFiles: 0, copiedFiles: 0, uploadedBytes: 0, abortedUploads: 0 };
  let published: PublishedRun | undefined;
  let recorded = false;
  const started = Date.now();
  try {
    // Housekeeping only: a local S3 without ListMultipartUploads (s3rver), or a role without it, must not stop the export.
    transfer.abortedUploads = await lake.abortLeftoverUploads().catch((error: unknown) => {
      say(`Could not look for multipart uploads a dead run left (${(error as Error).message}); the bucket's AbortIncompleteMultipartUpload rule removes them.`);
      return 0;
    });
    const current = await lake.readManifest();
    transfer.downloadedBytes = await mirrorCurrent(lake, current?.manifest, workDir, say);
    const result = await exportLake({
      ...options,
      lakeDir: workDir,
      runId,
      beforePublish: async ({ stagingDir, manifest, cursors, qualityReportFile }) => {
        if (lost) throw lost;
        const up = await lake.uploadSnapshot(stagingDir, manifest, current ? { dir: workDir, manifest: current.manifest } : undefined);
        Object.assign(transfer, { uploadedFiles: up.uploaded, copiedFiles: up.copied, uploadedBytes: up.bytes });
        await lake.putJson(cursorsPath(manifest.snapshotId), cursors);
        await lake.store.putObject(lake.bucket, lake.key(qualityReportPath(runId)), readFileSync(qualityReportFile), { contentType: 'application/json' });
        // The lease must still be ours, and nobody may have moved the root manifest since it was read.
        await lock.renew();
        await lake.putJson(MANIFEST_FILE, manifest, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
        published = { manifest, previousSnapshotId: current?.manifest.snapshotId ?? null };
        say(
          `Published snapshot ${manifest.snapshotId} to ${lake.where()}: ${up.uploaded} files uploaded (${up.bytes} bytes), ${up.copied} unchanged copied within S3.`,
        );
      },
    });
    await recordRun(lake, workDir, runId, published, started);
    recorded = true;
    // Published and recorded: a retention that fails now is retried by the next run, not this one's failure.
    const retiredOnS3 = await lake
      .retire({ keep: options.keep ?? DEFAULT_KEEP_SNAPSHOTS, retireAfterMs: options.retireAfterMs ?? SNAPSHOT_RETIRE_AFTER_MS }, Date.now(), runId)
      .catch((error: unknown) => {
        say(`Old snapshots were not deleted this time (${(error as Error).message}); the next run tries again.`);
        return [];
      });
    return { ...result, lake: lake.where(), transfer, retiredOnS3 };
  } catch (error) {
    // What this run uploaded goes, so no snapshot that was never served is listed (retention catches what this misses).
    if (!published) await lake.deleteSnapshot(runId).catch(() => undefined);
    // The refused run's report (when the run got that far) and every run's history line belong to the S3 lake too.
    const report = join(workDir, ...qualityReportPath(runId).split('/'));
    if (existsSync(report)) {
      await lake.store
        .putObject(lake.bucket, lake.key(qualityReportPath(runId)), readFileSync(report), { contentType: 'application/json' })
        .catch(() => undefined);
    }
    if (!recorded) await recordRun(lake, workDir, runId, published, started, error).catch(() => undefined);
    throw asLakeError(error, lake);
  } finally {
    clearInterval(heartbeat);
    await lock.release().catch(() => undefined);
    if (!options.workDir) rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * Makes the work folder a local copy of the S3 lake's current snapshot: its data files (only
 * those missing or of another size), its manifest and cursors, and the root manifest. With no
 * snapshot on S3 the folder's root manifest goes, so the export starts afresh.
 */
async function mirrorCurrent(lake: S3Lake, current: ReadableLakeManifest | undefined, workDir: string, say: (line: string) => void): Promise<number> {
  mkdirSync(workDir, { recursive: true });
  const root = lakePaths(workDir);
  if (!current) {
    rmSync(root.manifest, { force: true });
    return 0;
  }
  const files = await lake.snapshotFiles(current);
  let bytes = 0;
  const missing = files.filter(({ relative, size }) => {
    const file = join(workDir, ...relative.split('/'));
    return !existsSync(file) || statSync(file).size !== size;
  });
  await inParallel(missing, async ({ relative }) => {
    const file = join(workDir, ...relative.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    bytes += await lake.download(relative, file);
  });
  const snapshotManifest = join(workDir, ...snapshotManifestPath(current.snapshotId).split('/'));
  mkdirSync(dirname(snapshotManifest), { recursive: true });
  writeFileAtomically(snapshotManifest, `${JSON.stringify(current, null, 2)}\n`);
  const cursors = await lake.readText(cursorsPath(current.snapshotId));
  const cursorsFile = join(workDir, ...cursorsPath(current.snapshotId).split('/'));
  if (cursors) {
    mkdirSync(dirname(cursorsFile), { recursive: true });
    writeFileAtomically(cursorsFile, cursors.text);
  } else rmSync(cursorsFile, { force: true });
  writeFileAtomically(root.manifest, `${JSON.stringify(current, null, 2)}\n`);
  say(`Mirrored snapshot ${current.snapshotId} from ${lake.where()}: ${missing.length} of ${files.length} files downloaded (${bytes} bytes).`);
  return bytes;
}

/** The run's history line, as the local export wrote it, appended to the S3 lake's history. */
async function recordRun(lake: S3Lake, workDir: string, runId: string, published: PublishedRun | undefined, started: number, error?: unknown): Promise<void> {
  const local = readHistory(workDir)
    .filter((entry) => entry.runId === runId)
    .pop();
  let entry: HistoryEntry;
  if (published && local?.outcome !== 'published') {
    // Published on S3, then the local folder failed: S3 is what is served, so its history says published.
    entry = {
      at: new Date().toISOString(),
      kind: 'export',
      runId,
      outcome: 'published',
      snapshotId: published.manifest.snapshotId,
      previousSnapshotId: published.previousSnapshotId,
      tables: historyTablesOf(published.manifest),
      ...(published.manifest.quality ? { quality: published.manifest.quality } : {}),
      elapsedMs: Date.now() - started,
    };
  } else if (local) {
    entry = local;
  } else {
    entry = {
      at: new Date().toISOString(),
      kind: 'export',
      runId,
      outcome: 'failed',
      error: oneLineError(error ?? 'The run ended without a history line.'),
      elapsedMs: Date.now() - started,
    };
  }
  await lake.appendHistory(entry);
}
