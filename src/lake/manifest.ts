/**
 * The lake's manifest: what was generated or exported, and when each table's snapshot was taken.
 * The DuckDB engine reads `tables[t].snapshotAt` as the freshness (`dataAsOf`).
 *
 * A manifest with `generator` is a sample the generator made (and may remake); one without is a
 * real lake (an export): nothing here ever writes or deletes either, it only says what is there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { LakeManifest, TableSnapshot } from '../contract/snapshot';
import { LAKE_TABLES, type TableName } from '../contract/lakeSchema';

export const MANIFEST_FILE = 'manifest.json';

export type { TableSnapshot } from '../contract/snapshot';

/** A readable lake's manifest: the contract's shape, with every lake table. */
export type ReadableLakeManifest = LakeManifest & { tables: Record<TableName, TableSnapshot> };

/** A generated lake's manifest: a readable one that also names the generator's inputs. */
export type SampleLakeManifest = ReadableLakeManifest & { generator: NonNullable<LakeManifest['generator']> };

/**
 * What can be wrong at a lake path (reading it), or why the generator will not write there
 * (`replace_*`). The CLI phrases each in Japanese (src/cli/messages.ts).
 */
export type LakeProblem =
  | 'manifest_missing'
  | 'manifest_not_json'
  | 'manifest_invalid'
  | 'not_a_lake'
  | 'not_a_folder'
  | 'sample_of_old_contract'
  | 'replace_not_a_lake'
  | 'replace_file'
  | 'replace_not_a_sample'
  | 'replace_unreadable'
  // The lake's store (src/lake/lakeStore.ts, exportLock.ts): publishing, rolling back, one export at a time.
  | 'lake_not_writable'
  | 'export_running'
  | 'invalid_id'
  | 'snapshot_exists'
  | 'snapshot_not_found'
  | 'snapshot_current'
  | 'no_previous_snapshot'
  | 'cursors_unreadable'
  // A lake on S3 (src/lake/s3/): S3 refused or did not answer; another run took an expired lock over.
  | 'lake_unreachable'
  | 'lock_lost'
  // An s3:// lake named where only a folder is read (serve, query).
  | 'lake_on_s3';

/** A lake that cannot be used or replaced: `path` is the file or folder at fault; the message is one English line. */
export class LakeError extends Error {
  constructor(
    readonly reason: LakeProblem,
    readonly path: string,
    message: string,
    /** The parser's own words (JSON error, the manifest field at fault), for the message. */
    readonly detail = '',
    /** Named facts for the sentence in another language (the lock's holder, the ids available). */
    readonly facts: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'LakeError';
  }
}

const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO timestamp');
const count = z.number().int().nonnegative();
const tableEntry = z.object({
  snapshotAt: isoInstant,
  rows: count,
  path: z.string().min(1),
  // Schema version 2, written by the export: how the table was brought up to date.
  strategy: z.enum(['full', 'append', 'merge']).optional(),
  rowsRead: count.optional(),
  keysRead: count.optional(),
  rowsChanged: count.optional(),
});
const generatorInputs = z.object({ seed: z.number(), scale: z.number().positive(), asOf: isoInstant });
const exportRecord = z.object({
  runId: z.string().min(1),
  source: z.string(),
  sampleSource: z.boolean(),
  full: z.boolean(),
  previousSnapshotId: z.string().min(1).nullable(),
  startedAt: isoInstant,
  finishedAt: isoInstant,
});
const manifestSchema = z.object({
  // 1: the first samples, tables at `<lake>/<table>`; 2: tables under `snapshots/<snapshotId>/` (lakeLayout.ts).
  schemaVersion: z.union([z.literal(1), z.literal(2)]),
  snapshotId: z.string().min(1),
  // Optional, as in the contract: an export writes no generator, and its lake is as valid as a sample.
  generator: generatorInputs.optional(),
  pseudonymKeyFingerprint: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'expected 16 hex digits')
    .optional(),
  generatedAt: isoInstant,
  tables: z.object(Object.fromEntries(LAKE_TABLES.map((t) => [t, tableEntry])) as Record<TableName, typeof tableEntry>),
  export: exportRecord.optional(),
  quality: z.object({ passed: z.boolean(), report: z.string().min(1) }).optional(),
});

/** Where the local lake lives: $SNAQ_LAKE_DIR, else `.snaq/lake` under the working directory. */
export function defaultLakeDir(): string {
  return chooseLakeDir().dir;
}

/**
 * The lake a local command reads: `--lake`, else $SNAQ_LAKE_DIR, else `.snaq/lake` under the
 * working directory. `named` says a person chose it: a named lake is never filled with a sample,
 * so a typo is an error rather than made-up numbers served as real.
 */
export function chooseLakeDir(flag?: string): { dir: string; named: boolean } {
  const named = flag ?? (process.env.SNAQ_LAKE_DIR?.trim() || undefined);
  if (named !== undefined && /^s3:\/\//i.test(named)) {
    throw new LakeError(
      'lake_on_s3',
      named,
      `${named} is a lake on S3, which only export, status and rollback read here (DuckDB's S3 extension cannot be installed); serve or query a lake folder, or ask the API on AWS with --url.`,
    );
  }
  if (flag !== undefined) return { dir: resolve(flag), named: true };
  const fromEnv = process.env.SNAQ_LAKE_DIR;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { dir: resolve(fromEnv), named: true };
  return { dir: resolve(process.cwd(), '.snaq', 'lake'), named: false };
}

/** Reads and validates `<dir>/manifest.json`; throws a LakeError naming the file and the problem. */
export function readManifest(dir: string): ReadableLakeManifest {
  return parseManifest(join(dir, MANIFEST_FILE), readManifestJson(dir));
}

/** True when `dir` holds a readable, valid lake manifest (a sample's or an export's). */
export function lakeExists(dir: string): boolean {
  try {
    readManifest(dir);
    return true;
  } catch {
    return false;
  }
}

export function isSampleManifest(manifest: LakeManifest): manifest is SampleLakeManifest {
  return manifest.generator !== undefined;
}

/**
 * What is at a lake path, read only:
 * - `absent`: nothing, or an empty folder;
 * - `lake`: a valid manifest (`sample` when the generator wrote it);
 * - `unreadable`: a manifest.json that is broken or no longer fits the contract (`sample` when it
 *   names a generator: an older sample, which a caller may regenerate without losing real data);
 * - `other`: a file, or a folder of other things.
 */
export type LakeState =
  | { kind: 'absent' }
  | { kind: 'lake'; manifest: ReadableLakeManifest; sample: boolean }
  | { kind: 'unreadable'; error: LakeError; sample: boolean }
  | { kind: 'other'; error: LakeError };

export function inspectLake(dir: string): LakeState {
  if (!existsSync(dir)) return { kind: 'absent' };
  if (!statSync(dir).isDirectory()) {
    return { kind: 'other', error: new LakeError('not_a_folder', dir, `${dir} is a file, not a folder.`) };
  }
  const entries = readdirSync(dir);
  if (entries.length === 0) return { kind: 'absent' };
  if (!entries.includes(MANIFEST_FILE)) {
    return { kind: 'other', error: new LakeError('not_a_lake', dir, `${dir} holds no ${MANIFEST_FILE}, so it is not a lake.`) };
  }
  let json: unknown;
  try {
    json = readManifestJson(dir);
    const manifest = parseManifest(join(dir, MANIFEST_FILE), json);
    return { kind: 'lake', manifest, sample: isSampleManifest(manifest) };
  } catch (error) {
    if (!(error instanceof LakeError)) throw error;
    return { kind: 'unreadable', error, sample: generatorInputs.safeParse((json as { generator?: unknown } | undefined)?.generator).success };
  }
}

/**
 * A sample written before the lake held no personal data (issue 11): it still has e-mail, names and
 * raw person ids, and no age band. Its manifest, unlike every sample since, records no pseudonym key.
 */
export function isOldContractSample(manifest: ReadableLakeManifest): boolean {
  return isSampleManifest(manifest) && manifest.pseudonymKeyFingerprint === undefined;
}

/** The error for a named sample lake of an older contract: only an explicit generate may rewrite it. */
export function oldContractSampleError(dir: string): LakeError {
  return new LakeError(
    'sample_of_old_contract',
    dir,
    `${dir} is a sample lake of an older lake contract (it still holds personal data). Regenerate it with "npx snaq lake generate --out ${dir}".`,
  );
}

/** The error for a lake path with no manifest (nothing there, or an empty folder). */
export function missingManifestError(dir: string): LakeError {
  const file = join(dir, MANIFEST_FILE);
  return new LakeError(
    'manifest_missing',
    file,
    `No lake at ${dir}: ${file} is missing. Check SNAQ_LAKE_DIR or --lake, or run "npx snaq lake generate" to create a sample.`,
  );
}

function readManifestJson(dir: string): unknown {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw missingManifestError(dir);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = (err as Error).message;
    throw new LakeError('manifest_not_json', file, `Lake manifest ${file} is not valid JSON (${detail}). Fix or restore it.`, detail);
  }
}

/** Validates a manifest held in memory (`file` names it in the error), as `readManifest` does a file's. */
export function parseManifest(file: string, json: unknown): ReadableLakeManifest {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown problem';
    throw new LakeError('manifest_invalid', file, `Lake manifest ${file} is invalid at ${where}. Fix or restore it.`, where);
  }
  const { generator, ...rest } = parsed.data;
  return generator ? { ...rest, generator } : rest;
}
