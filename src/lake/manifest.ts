/**
 * The lake's manifest: what was generated, from which inputs, and when each table's snapshot
 * was taken. The DuckDB engine reads `tables[t].snapshotAt` as the freshness (`dataAsOf`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { LakeManifest, TableSnapshot } from '../contract/snapshot';
import { LAKE_TABLES, type TableName } from '../contract/lakeSchema';

export const MANIFEST_FILE = 'manifest.json';

export type { TableSnapshot } from '../contract/snapshot';

/** A generated lake's manifest: the contract's shape, with every lake table and the generator inputs. */
export type SampleLakeManifest = LakeManifest & {
  generator: NonNullable<LakeManifest['generator']>;
  tables: Record<TableName, TableSnapshot>;
};

const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO timestamp');
const tableEntry = z.object({ snapshotAt: isoInstant, rows: z.number().int().nonnegative(), path: z.string().min(1) });
const manifestSchema = z.object({
  schemaVersion: z.literal(1),
  snapshotId: z.string().min(1),
  generator: z.object({ seed: z.number(), scale: z.number().positive(), asOf: isoInstant }),
  generatedAt: isoInstant,
  tables: z.object(Object.fromEntries(LAKE_TABLES.map((t) => [t, tableEntry])) as Record<TableName, typeof tableEntry>),
});

/** Where the local lake lives: $SNAQ_LAKE_DIR, else `.snaq/lake` under the working directory. */
export function defaultLakeDir(): string {
  const fromEnv = process.env.SNAQ_LAKE_DIR;
  return fromEnv !== undefined && fromEnv.trim() !== '' ? resolve(fromEnv) : resolve(process.cwd(), '.snaq', 'lake');
}

/** Reads and validates `<dir>/manifest.json`; throws an Error naming the file if it is missing or invalid. */
export function readManifest(dir: string): SampleLakeManifest {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`No sample lake manifest at ${file}. Run "npx snaq lake generate" to create the lake.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`Lake manifest ${file} is not valid JSON (${(err as Error).message}). Regenerate the lake.`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown problem';
    throw new Error(`Lake manifest ${file} is invalid at ${where}. Regenerate the lake.`);
  }
  return parsed.data;
}

/** True when `dir` holds a readable, valid lake manifest. */
export function lakeExists(dir: string): boolean {
  if (!existsSync(join(dir, MANIFEST_FILE))) return false;
  try {
    readManifest(dir);
    return true;
  } catch {
    return false;
  }
}
