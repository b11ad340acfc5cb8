/**
 * Publishing, keeping and rolling back snapshots in a lake of schema version 2 (lakeLayout.ts).
 *
 * Readers follow the root `manifest.json` only, and it is replaced by one rename, so they see the
 * old snapshot or the new one, never half of each. Everything a new snapshot needs is in place
 * before that rename; a failure before it leaves the served lake as it was. Writers hold the
 * export lock (exportLock.ts).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LakeManifest } from '../contract/snapshot';
import { acquireExportLock, assertLockFor, ensureLakeFolder, notWritable, type ExportLock } from './exportLock';
import { appendHistory, historyTablesOf, type HistoryEntry } from './lakeHistory';
import { checkLakeId, cursorsFile, isLakeId, lakePaths, newRunId, snapshotDir, snapshotManifestFile, snapshotTablePath } from './lakeLayout';
import { LakeError, MANIFEST_FILE, parseManifest, readManifest, type ReadableLakeManifest } from './manifest';
import { snapshotsToRetire } from './snapshotRetention';

/** How many snapshots publishing keeps by default (the current one is always kept). */
export const DEFAULT_KEEP_SNAPSHOTS = 7;

/**
 * Writes a file so that readers see the old content or the new, never a part: a temporary file
 * beside it, synced, then renamed over it; the folder is synced too, so the rename survives a crash.
 */
export function writeFileAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  syncFolder(dirname(file));
}

function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform syncs a folder (Windows): the rename itself is still atomic.
  }
}

function manifestText(manifest: LakeManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * The folder a run writes its snapshot into: `staging/<runId>`, created fresh. Creates the lake
 * when missing, and removes what dead runs left in `staging/` (the lock says none is running).
 */
export function prepareStaging(lakeDir: string, lock: ExportLock, runId: string): string {
  checkLakeId(runId, 'run');
  ensureLakeFolder(lakeDir);
  assertLockFor(lakeDir, lock);
  const { staging } = lakePaths(lakeDir);
  const dir = join(staging, runId);
  try {
    mkdirSync(staging, { recursive: true });
    for (const leftover of readdirSync(staging)) rmSync(join(staging, leftover), { recursive: true, force: true });
    mkdirSync(dir);
  } catch (error) {
    throw notWritable(staging, error);
  }
  return dir;
}

export interface PublishInput {
  /** The staged snapshot: `<table>/*.parquet` for every table of the manifest (prepareStaging's folder). */
  stagingDir: string;
  /** Schema version 2, every `tables[t].path` = `snapshots/<snapshotId>/<t>`. */
  manifest: LakeManifest;
  /** The export's cursors after this snapshot (opaque here); none for a sample. */
  cursors?: unknown;
  /** How many snapshots to keep, the new one included. */
  keep?: number;
}

/**
 * Makes a staged snapshot current: moves it to `snapshots/<id>`, writes its manifest and cursors,
 * then replaces the root manifest in one rename. Only then retention: the newest `keep` snapshots
 * stay (the current one always), older folders and their cursors go. Returns the retired ids.
 */
export function publishSnapshot(lakeDir: string, lock: ExportLock, input: PublishInput): { retired: string[] } {
  assertLockFor(lakeDir, lock);
  const keep = input.keep ?? DEFAULT_KEEP_SNAPSHOTS;
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be a whole number of snapshots, at least 1; got ${keep}.`);
  const manifest = checkPublishable(lakeDir, input.manifest);
  const id = manifest.snapshotId;
  const paths = lakePaths(lakeDir);
  const target = snapshotDir(lakeDir, id);
  if (existsSync(target)) {
    throw new LakeError('snapshot_exists', target, `Snapshot ${id} already exists in ${paths.snapshots}; a new snapshot needs a new id.`, '', { id });
  }
  const cursors = input.cursors === undefined ? undefined : cursorsFile(lakeDir, id);
  try {
    mkdirSync(paths.snapshots, { recursive: true });
    renameSync(input.stagingDir, target);
  } catch (error) {
    throw notWritable(paths.snapshots, error);
  }
  try {
    writeFileAtomically(join(target, MANIFEST_FILE), manifestText(manifest));
    if (cursors) {
      mkdirSync(paths.cursors, { recursive: true });
      writeFileAtomically(cursors, `${JSON.stringify(input.cursors)}\n`);
    }
    writeFileAtomically(paths.manifest, manifestText(manifest));
  } catch (error) {
    // Not published: take back what this call added (as far as it can), so the id stays free for a rerun.
    bestEffort(() => rmSync(target, { recursive: true, force: true }));
    if (cursors) bestEffort(() => rmSync(cursors, { force: true }));
    throw notWritable((error as NodeJS.ErrnoException).path ?? paths.root, error);
  }
  return { retired: retireOldSnapshots(lakeDir, id, keep) };
}

function bestEffort(step: () => void): void {
  try {
    step();
  } catch {
    // cleaning up after a failure must not hide that failure
  }
}

function checkPublishable(lakeDir: string, manifest: LakeManifest): ReadableLakeManifest {
  if (manifest.schemaVersion !== 2) throw new Error(`Only manifests of schema version 2 are published; got ${String(manifest.schemaVersion)}.`);
  checkLakeId(manifest.snapshotId);
  for (const [table, entry] of Object.entries(manifest.tables)) {
    const expected = snapshotTablePath(manifest.snapshotId, table);
    if (entry.path !== expected)
      throw new Error(`Table ${table} must lie at "${expected}" in snapshot ${manifest.snapshotId}; the manifest says "${entry.path}".`);
  }
  return parseManifest(join(lakePaths(lakeDir).root, MANIFEST_FILE), manifest);
}

export interface SnapshotListing {
  snapshotId: string;
  generatedAt: string;
  /** The one the root manifest names. */
  current: boolean;
  manifest: ReadableLakeManifest;
}

/** The snapshots under `snapshots/` with a readable manifest, newest first (by generatedAt, then id). */
export function listSnapshots(lakeDir: string): SnapshotListing[] {
  const { snapshots } = lakePaths(lakeDir);
  let names: string[];
  try {
    names = readdirSync(snapshots);
  } catch {
    return [];
  }
  const currentId = currentSnapshotId(lakeDir);
  const listed: SnapshotListing[] = [];
  for (const name of names) {
    if (!isLakeId(name)) continue;
    try {
      const manifest = readManifest(join(snapshots, name));
      if (manifest.snapshotId !== name) continue; // a folder renamed by hand: not what its manifest says
      listed.push({ snapshotId: name, generatedAt: manifest.generatedAt, current: name === currentId, manifest });
    } catch {
      // no readable manifest: not a snapshot (a crash between the move and the manifest's write)
    }
  }
  return listed.sort(newestFirst);
}

function newestFirst(a: { snapshotId: string; generatedAt: string }, b: { snapshotId: string; generatedAt: string }): number {
  return Date.parse(b.generatedAt) - Date.parse(a.generatedAt) || (a.snapshotId < b.snapshotId ? 1 : a.snapshotId > b.snapshotId ? -1 : 0);
}

function currentSnapshotId(lakeDir: string): string | undefined {
  try {
    return readManifest(lakeDir).snapshotId;
  } catch {
    return undefined;
  }
}

/** Deletes snapshots beyond the newest `keep` (never the current one) and their cursors. */
function retireOldSnapshots(lakeDir: string, currentId: string, keep: number): string[] {
  // A local query already running keeps reading the files it opened, so no grace is needed here (S3 has one).
  const retired = snapshotsToRetire(listSnapshots(lakeDir), currentId, [], Date.now(), { keep, retireAfterMs: 0 });
  for (const id of retired) {
    // The manifest first: a folder whose deletion is cut short is then no longer listed as a snapshot.
    rmSync(snapshotManifestFile(lakeDir, id), { force: true });
    rmSync(snapshotDir(lakeDir, id), { recursive: true, force: true });
    rmSync(cursorsFile(lakeDir, id), { force: true });
  }
  return retired;
}

/** The cursors the export saved with a snapshot, or undefined when it saved none. */
export function readCursors(lakeDir: string, snapshotId: string): unknown {
  const file = cursorsFile(lakeDir, snapshotId);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = (error as Error).message;
    throw new LakeError('cursors_unreadable', file, `The export's cursors ${file} are not valid JSON (${detail}); run a full export (--full).`, detail);
  }
}

/**
 * Makes an earlier snapshot current again: `to`, or else the newest one older than the current.
 * Rewrites the root manifest from `snapshots/<to>/manifest.json` in one rename and records the
 * rollback in the history. The running service follows the root manifest, so it serves `to` from
 * its next query without a restart.
 *
 * The export resumes from the CURRENT snapshot's cursors (`readCursors(lake, current id)`), so the
 * next incremental run after a rollback resumes from the rolled-back-to snapshot's: nothing else
 * to reset here.
 */
export function rollbackLake(lakeDir: string, to?: string): { from: string; to: string } {
  if (to !== undefined) checkLakeId(to);
  const lock = acquireExportLock(lakeDir, 'rollback');
  try {
    const started = Date.now();
    const current = readManifest(lakeDir);
    const paths = lakePaths(lakeDir);
    const target = chooseRollbackTarget(current, listSnapshots(lakeDir), to, { snapshots: paths.snapshots, manifest: paths.manifest });
    writeFileAtomically(paths.manifest, manifestText(target.manifest));
    appendHistory(lakeDir, rollbackEntry(current, target.manifest, started));
    return { from: current.snapshotId, to: target.snapshotId };
  } finally {
    lock.release();
  }
}

/** The history line of a rollback from `current` to `target`. */
export function rollbackEntry(current: LakeManifest, target: ReadableLakeManifest, startedMs: number): HistoryEntry {
  return {
    at: new Date().toISOString(),
    kind: 'rollback',
    runId: newRunId(),
    outcome: 'rolled_back',
    snapshotId: target.snapshotId,
    previousSnapshotId: current.snapshotId,
    tables: historyTablesOf(target),
    ...(target.quality ? { quality: target.quality } : {}),
    elapsedMs: Date.now() - startedMs,
  };
}

/**
 * The snapshot a rollback makes current: `to`, or else the newest one older than the current.
 * `where` names the lake's snapshots and root manifest in messages (a folder, or S3).
 */
export function chooseRollbackTarget<S extends { snapshotId: string; generatedAt: string; manifest: ReadableLakeManifest }>(
  current: LakeManifest,
  snapshots: readonly S[],
  to: string | undefined,
  where: { snapshots: string; manifest: string },
): S {
  const target = to === undefined ? previousSnapshot(current, snapshots, where) : namedSnapshot(to, snapshots, where);
  if (target.snapshotId === current.snapshotId) {
    throw new LakeError('snapshot_current', where.manifest, `Snapshot ${target.snapshotId} is already the current one; nothing to roll back.`, '', {
      id: target.snapshotId,
    });
  }
  return target;
}

function namedSnapshot<S extends { snapshotId: string }>(id: string, snapshots: readonly S[], where: { snapshots: string }): S {
  const found = snapshots.find((snapshot) => snapshot.snapshotId === id);
  if (found) return found;
  const available = snapshots.map((snapshot) => snapshot.snapshotId).join(', ') || '(none)';
  throw new LakeError('snapshot_not_found', `${where.snapshots}/${id}`, `No snapshot ${id} in ${where.snapshots}; available: ${available}.`, '', {
    id,
    available,
  });
}

function previousSnapshot<S extends { snapshotId: string; generatedAt: string }>(
  current: LakeManifest,
  snapshots: readonly S[],
  where: { snapshots: string },
): S {
  const older = snapshots.find((snapshot) => snapshot.snapshotId !== current.snapshotId && newestFirst(snapshot, current) > 0);
  if (older) return older;
  throw new LakeError(
    'no_previous_snapshot',
    where.snapshots,
    `No snapshot older than the current one (${current.snapshotId}) is kept in ${where.snapshots}; nothing to roll back to.`,
    '',
    { id: current.snapshotId },
  );
}
