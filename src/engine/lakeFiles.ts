/**
 * A cheap check of a local lake's files, for health: every table has Parquet files, and each one
 * starts and ends with the Parquet magic and has a footer that fits. It reads 12 bytes per file
 * (synchronously: a few small reads, and never queued behind queries in libuv's thread pool).
 * Damage inside a file is found by the query that reads it (ENGINE_UNAVAILABLE `lake_corrupt`).
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import type { LakeManifest } from '../contract/snapshot';

const MAGIC = 'PAR1';

export interface LakeFault {
  /** An ENGINE_UNAVAILABLE reason: `lake_unreadable`, `lake_corrupt`, `lake_manifest_invalid`. */
  reason: string;
  /** One sentence naming the table and file, relative to the lake. */
  detail: string;
}

function fileFault(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 12) return 'is too short to be Parquet';
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(8);
    readSync(fd, head, 0, 4, 0);
    readSync(fd, tail, 0, 8, size - 8);
    if (head.toString('latin1') !== MAGIC || tail.toString('latin1', 4) !== MAGIC) return 'is not a Parquet file (no magic bytes)';
    if (tail.readUInt32LE(0) > size - 12) return 'has a footer longer than the file (truncated)';
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The first fault found in the lake's tables, or undefined when every file looks whole. */
export function findLakeFault(lakeDir: string, manifest: LakeManifest): LakeFault | undefined {
  for (const [table, snapshot] of Object.entries(manifest.tables)) {
    const dir = path.join(lakeDir, snapshot.path);
    let files: string[];
    try {
      files = readdirSync(dir).filter((name) => name.endsWith('.parquet'));
    } catch {
      return { reason: 'lake_unreadable', detail: `Table "${table}": its folder ${snapshot.path} cannot be read.` };
    }
    if (files.length === 0) return { reason: 'lake_unreadable', detail: `Table "${table}": no Parquet files in ${snapshot.path}.` };
    for (const name of files) {
      let problem: string | undefined;
      try {
        problem = fileFault(path.join(dir, name));
      } catch {
        problem = 'cannot be read';
      }
      if (problem) return { reason: 'lake_corrupt', detail: `Table "${table}": ${path.join(snapshot.path, name)} ${problem}.` };
    }
  }
  return undefined;
}
