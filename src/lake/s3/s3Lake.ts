/**
 * A lake of schema version 2 on S3 (`s3://bucket/prefix`): the same layout as a folder
 * (lakeLayout.ts), each relative path a key under the prefix. Every reader and writer of the
 * product goes through here: the export, `lake status`, `lake rollback`, retention, the Lambda's
 * manifest reader.
 *
 * S3 has no rename, so publishing is ordered instead: the snapshot's data files, then its own
 * manifest and cursors, and the root `manifest.json` last, conditionally on the one read at the
 * start. A reader that sees a manifest finds every file it names; a run cut short leaves only
 * objects no manifest names, which the next run's retention deletes.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LakeManifest } from '../../contract/snapshot';
import { historyEntrySchema, parseHistory, type HistoryEntry } from '../lakeHistory';
import { cursorsPath, isLakeId, LAKE_RELATIVE, snapshotManifestPath } from '../lakeLayout';
import { LakeError, MANIFEST_FILE, parseManifest, type ReadableLakeManifest } from '../manifest';
import { snapshotsToRetire, type RetentionRule } from '../snapshotRetention';
import { S3Error } from './s3Client';
import { parseS3Url } from './s3Url';

/** What the lake needs from an S3 client (src/lake/s3/s3Client.ts implements it; tests may wrap it). */
export interface LakeObjectStore {
  getObjectText(bucket: string, key: string): Promise<{ text: string; etag: string } | undefined>;
  putObject(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    options?: { contentType?: string; ifNoneMatch?: '*'; ifMatch?: string },
  ): Promise<{ etag: string }>;
  uploadFile(bucket: string, key: string, filePath: string, options?: { contentType?: string }): Promise<{ etag: string; parts: number; bytes: number }>;
  downloadFile(bucket: string, key: string, filePath: string): Promise<{ bytes: number }>;
  copyObject(bucket: string, sourceKey: string, key: string): Promise<void>;
  listObjects(bucket: string, prefix: string): Promise<Array<{ key: string; size: number; etag: string; lastModified: string }>>;
  listPrefixes(bucket: string, prefix: string): Promise<string[]>;
  deleteObjects(bucket: string, keys: readonly string[]): Promise<void>;
  listMultipartUploads(bucket: string, prefix: string): Promise<Array<{ key: string; uploadId: string; initiated: string }>>;
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void>;
}

export interface S3SnapshotListing {
  snapshotId: string;
  generatedAt: string;
  current: boolean;
  manifest: ReadableLakeManifest;
}

/** How many uploads, downloads or reads run at once: enough to fill a link, few enough to stay polite. */
const PARALLEL = 4;
const JSON_TYPE = 'application/json';
/** A history append retried when another writer changed the file in between (only a rollback racing a lock's loss). */
const APPEND_ATTEMPTS = 3;

export class S3Lake {
  readonly bucket: string;
  readonly prefix: string;

  constructor(
    readonly store: LakeObjectStore,
    readonly url: string,
  ) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Url(url));
  }

  /** The key of a path relative to the lake's root. */
  key(relative: string): string {
    return `${this.prefix}${relative}`;
  }

  /** `s3://bucket/prefix<relative>`, for messages. */
  where(relative = ''): string {
    return `s3://${this.bucket}/${this.key(relative)}`;
  }

  async readText(relative: string): Promise<{ text: string; etag: string } | undefined> {
    const key = this.key(relative);
    try {
      return await this.store.getObjectText(this.bucket, key);
    } catch (error) {
      // S3 answers 403, not 404, for a missing key when s3:ListBucket is granted only under the lake's
      // prefix (src/infra): a listing of the key itself, which that grant allows, tells absent from denied.
      if (!(error instanceof S3Error && error.status === 403)) throw error;
      const listed = await this.store.listObjects(this.bucket, key);
      if (listed.some((object) => object.key === key)) throw error;
      return undefined;
    }
  }

  async putJson(relative: string, value: unknown, condition: { ifMatch?: string; ifNoneMatch?: '*' } = {}): Promise<{ etag: string }> {
    return this.store.putObject(this.bucket, this.key(relative), `${JSON.stringify(value, null, 2)}\n`, { contentType: JSON_TYPE, ...condition });
  }

  /** The root manifest and its ETag (to replace it conditionally), or undefined when the lake has none yet. */
  async readManifest(): Promise<{ manifest: ReadableLakeManifest; etag: string } | undefined> {
    return this.readManifestAt(MANIFEST_FILE);
  }

  private async readManifestAt(relative: string): Promise<{ manifest: ReadableLakeManifest; etag: string } | undefined> {
    const found = await this.readText(relative);
    if (!found) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(found.text);
    } catch (error) {
      const detail = (error as Error).message;
      throw new LakeError(
        'manifest_not_json',
        this.where(relative),
        `Lake manifest ${this.where(relative)} is not valid JSON (${detail}). Fix or restore it.`,
        detail,
      );
    }
    return { manifest: parseManifest(this.where(relative), json), etag: found.etag };
  }

  /** Every snapshot with a readable manifest of its own, newest first; `orphans` are prefixes without one. */
  async listSnapshots(currentId?: string): Promise<{ snapshots: S3SnapshotListing[]; orphans: string[] }> {
    // A caller that has read the root manifest already says which snapshot is current.
    currentId ??= (await this.readManifest().catch(() => undefined))?.manifest.snapshotId;
    const ids = (await this.store.listPrefixes(this.bucket, this.key(`${LAKE_RELATIVE.snapshots}/`)))
      .map((prefix) => prefix.slice(this.key(`${LAKE_RELATIVE.snapshots}/`).length).replace(/\/$/, ''))
      .filter(isLakeId);
    const snapshots: S3SnapshotListing[] = [];
    const orphans: string[] = [];
    await inParallel(ids, async (id) => {
      const found = await this.readManifestAt(snapshotManifestPath(id)).catch(() => undefined);
      if (!found || found.manifest.snapshotId !== id) return void orphans.push(id);
      snapshots.push({ snapshotId: id, generatedAt: found.manifest.generatedAt, current: id === currentId, manifest: found.manifest });
    });
    snapshots.sort((a, b) => Date.parse(b.generatedAt) - Date.parse(a.generatedAt) || (a.snapshotId < b.snapshotId ? 1 : -1));
    return { snapshots, orphans: orphans.sort() };
  }

  async readCursors(snapshotId: string): Promise<unknown> {
    const found = await this.readText(cursorsPath(snapshotId));
    if (!found) return undefined;
    try {
      return JSON.parse(found.text) as unknown;
    } catch (error) {
      const detail = (error as Error).message;
      const where = this.where(cursorsPath(snapshotId));
      throw new LakeError('cursors_unreadable', where, `The export's cursors ${where} are not valid JSON (${detail}); run a full export (--full).`, detail);
    }
  }

  /** Every valid history line, oldest first (a torn or hand-edited line is skipped, as locally). */
  async readHistory(): Promise<HistoryEntry[]> {
    return parseHistory((await this.readText(LAKE_RELATIVE.history))?.text ?? '');
  }

  /**
   * Appends one line. S3 cannot append, so the file is rewritten, conditionally on the version read:
   * only the lock's holder appends, and a lost race is read again rather than overwritten.
   */
  async appendHistory(entry: HistoryEntry): Promise<void> {
    const line = `${JSON.stringify(historyEntrySchema.parse(entry))}\n`;
    for (let attempt = 1; ; attempt++) {
      const found = await this.readText(LAKE_RELATIVE.history);
      const before = found ? (found.text.endsWith('\n') || found.text === '' ? found.text : `${found.text}\n`) : '';
      try {
        await this.store.putObject(this.bucket, this.key(LAKE_RELATIVE.history), before + line, {
          contentType: 'application/x-ndjson',
          ...(found ? { ifMatch: found.etag } : { ifNoneMatch: '*' }),
        });
        return;
      } catch (error) {
        if (attempt >= APPEND_ATTEMPTS || (error as { code?: string }).code !== 'PreconditionFailed') throw error;
      }
    }
  }

  /**
   * Uploads a staged snapshot's data files to `snapshots/<id>/<table>/`, then its manifest. A file
   * that is a hard link of the previous snapshot's (an unchanged part, tableExport.ts) is copied
   * inside S3 instead of uploaded again.
   */
  async uploadSnapshot(
    stagingDir: string,
    manifest: LakeManifest,
    previous?: { dir: string; manifest: LakeManifest },
  ): Promise<{ uploaded: number; copied: number; bytes: number }> {
    const sameFiles = previous ? filesByInode(previous.dir, previous.manifest) : new Map<string, string>();
    const files = Object.entries(manifest.tables).flatMap(([table, entry]) =>
      readdirSync(join(stagingDir, table))
        .filter((name) => name.endsWith('.parquet'))
        .map((name) => ({ local: join(stagingDir, table, name), relative: `${entry.path}/${name}` })),
    );
    let uploaded = 0;
    let copied = 0;
    let bytes = 0;
    await inParallel(files, async ({ local, relative }) => {
      const stat = statSync(local);
      const earlier = sameFiles.get(`${stat.dev}:${stat.ino}`);
      if (earlier) {
        await this.store.copyObject(this.bucket, this.key(earlier), this.key(relative));
        copied++;
      } else {
        bytes += (await this.store.uploadFile(this.bucket, this.key(relative), local, { contentType: 'application/vnd.apache.parquet' })).bytes;
        uploaded++;
      }
    });
    await this.putJson(snapshotManifestPath(manifest.snapshotId), manifest);
    return { uploaded, copied, bytes };
  }

  /** The data files of a snapshot's tables, relative to the lake's root, with their sizes. */
  async snapshotFiles(manifest: LakeManifest): Promise<Array<{ relative: string; size: number }>> {
    const listed = await Promise.all(Object.values(manifest.tables).map((entry) => this.store.listObjects(this.bucket, this.key(`${entry.path}/`))));
    return listed.flat().map((object) => ({ relative: object.key.slice(this.prefix.length), size: object.size }));
  }

  /** Downloads one object to a local file (written beside it, then renamed: the client's downloadFile). */
  async download(relative: string, file: string): Promise<number> {
    return (await this.store.downloadFile(this.bucket, this.key(relative), file)).bytes;
  }

  /** Deletes every object under a relative prefix (the snapshot's own manifest first, so a cut-short deletion is never listed as a snapshot). */
  async deleteSnapshot(snapshotId: string): Promise<void> {
    await this.store.deleteObjects(this.bucket, [this.key(snapshotManifestPath(snapshotId))]);
    const rest = await this.store.listObjects(this.bucket, this.key(`${LAKE_RELATIVE.snapshots}/${snapshotId}/`));
    if (rest.length)
      await this.store.deleteObjects(
        this.bucket,
        rest.map((object) => object.key),
      );
    await this.store.deleteObjects(this.bucket, [this.key(cursorsPath(snapshotId))]);
  }

  /**
   * Retention under the lock: snapshots beyond `keep` that have been superseded for longer than
   * Athena's longest query, and the leftovers of runs that never published (no manifest of their own).
   */
  async retire(rule: RetentionRule, nowMs: number, exceptRunning?: string): Promise<string[]> {
    const currentId = (await this.readManifest())?.manifest.snapshotId;
    const [{ snapshots, orphans }, history] = await Promise.all([this.listSnapshots(currentId), this.readHistory()]);
    // A run that failed after uploading its snapshot (the root manifest PUT refused) and could not clean up: never served, never to be.
    const served = new Set(history.filter((entry) => entry.outcome === 'published' || entry.outcome === 'rolled_back').map((entry) => entry.snapshotId));
    const failedRuns = new Set(history.filter((entry) => entry.kind === 'export' && entry.outcome === 'failed').map((entry) => entry.runId));
    const neverServed = snapshots.map((s) => s.snapshotId).filter((id) => failedRuns.has(id) && !served.has(id) && id !== currentId);
    const kept = snapshots.filter((snapshot) => !neverServed.includes(snapshot.snapshotId));
    const retired = snapshotsToRetire(kept, currentId, history, nowMs, rule);
    const leftovers = [...orphans, ...neverServed].filter((id) => id !== exceptRunning && id !== currentId);
    for (const id of [...retired, ...leftovers]) await this.deleteSnapshot(id);
    return retired;
  }

  /** Multipart uploads a dead run left behind (the lock says no run is uploading). */
  async abortLeftoverUploads(): Promise<number> {
    const uploads = await this.store.listMultipartUploads(this.bucket, this.prefix);
    for (const upload of uploads) await this.store.abortMultipartUpload(this.bucket, upload.key, upload.uploadId);
    return uploads.length;
  }
}

/** The previous snapshot's local files by inode, as relative paths (a hard link shares the inode). */
function filesByInode(lakeDir: string, manifest: LakeManifest): Map<string, string> {
  const byInode = new Map<string, string>();
  for (const entry of Object.values(manifest.tables)) {
    let names: string[];
    try {
      names = readdirSync(join(lakeDir, entry.path));
    } catch {
      continue;
    }
    for (const name of names) {
      const stat = statSync(join(lakeDir, entry.path, name));
      byInode.set(`${stat.dev}:${stat.ino}`, `${entry.path}/${name}`);
    }
  }
  return byInode;
}

/** Runs `work` over `items`, at most PARALLEL at a time; the first failure fails the whole after the others settle. */
export async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>, limit = PARALLEL): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  });
  await Promise.all(lanes);
  if (failure !== undefined) throw failure;
}

/** S3's refusals (after the client's retries) as one LakeError naming the lake; every other error passes through. */
export function asLakeError(error: unknown, lake: S3Lake): unknown {
  if (!(error instanceof S3Error)) return error;
  return new LakeError('lake_unreachable', lake.where(), `The lake ${lake.where()} could not be read or written: ${error.message}`, error.message);
}
