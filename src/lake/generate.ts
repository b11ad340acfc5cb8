/**
 * Generates the deterministic synthetic snaq.me sample lake, written by an in-memory DuckDB in the
 * layout of schema version 2 (lakeLayout.ts): one snapshot, `snapshots/<id>/<table>/data.parquet`,
 * its manifest (also the root one) and a history line. A sample is replaced whole, never published
 * beside older snapshots: it is written beside the lake and renamed into place.
 *
 * Determinism: every random attribute is hash(entity key, salt, seed) (see macros.sql.ts),
 * and every process runs over a fixed horizon that asOf only cuts, so the same seed, scale
 * and asOf give identical table contents, and a later asOf keeps earlier history.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { HORIZON_END, HORIZON_START } from './horizon';
import { macroStatements } from './macros.sql';
import { inspectLake, LakeError, MANIFEST_FILE, type SampleLakeManifest, type TableSnapshot } from './manifest';
import { appendHistory, historyTablesOf } from './lakeHistory';
import { syntheticExportHistory } from './syntheticHistory';
import { newRunId, snapshotDir, snapshotTablePath } from './lakeLayout';
import { LAKE_SCHEMA, LAKE_TABLES, type TableName } from '../contract/lakeSchema';
import { SOURCE_SCHEMA } from '../contract/privacyPolicy';
import { pseudonymise, pseudonymKeyFingerprint, samplePseudonymKey } from './pseudonym';
import { sqlString } from './sql';
import { boxStatements } from './tables/boxes.sql';
import { productStatements } from './tables/products.sql';
import { shopStatements } from './tables/shop.sql';
import { subscriptionStatements } from './tables/subscriptions.sql';
import { userStatements } from './tables/users.sql';

export { LAKE_SCHEMA, LAKE_TABLES, type TableName } from '../contract/lakeSchema';
export type { SampleLakeManifest, TableSnapshot } from './manifest';
export { formatGenerateSummary } from './summary';

export interface LakeOptions {
  outDir: string;
  /** Size factor: about 10,000 × scale users by late 2026. Default 1. */
  scale?: number;
  /** Default 42. */
  seed?: number;
  /** The snapshot moment. Default: now, truncated to the hour (UTC). */
  asOf?: Date;
  /** Also write a made-up export history before the sample (syntheticHistory.ts), marked synthetic: `npm start`'s lake. */
  syntheticHistory?: boolean;
  /** Replace a lake that is not a sample (an export); it is moved aside, never deleted. */
  force?: boolean;
}

export interface GeneratedLake {
  manifest: SampleLakeManifest;
  elapsedMs: number;
  /** Where the lake that was replaced under `force` now lives. */
  keptAside?: string;
}

export const DEFAULT_SEED = 42;
export const DEFAULT_SCALE = 1;
const MAX_SCALE = 1000;
const HOUR_MS = 3_600_000;
const JST_OFFSET_MS = 9 * HOUR_MS;

export async function generateLake(opts: LakeOptions): Promise<GeneratedLake> {
  const started = performance.now();
  const scale = opts.scale ?? DEFAULT_SCALE;
  const seed = opts.seed ?? DEFAULT_SEED;
  const asOf = opts.asOf ?? new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
  validateOptions(scale, seed, asOf);

  const outDir = resolve(opts.outDir);
  const replacing = whatToDoWithExisting(outDir, opts.force ?? false);
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  // Written beside outDir and renamed at the end, so a half-written lake is never visible.
  const stagingDir = mkdtempSync(join(parent, `.${basename(outDir)}.tmp-`));
  try {
    // Made-up people, so the DEVELOPMENT key (never one for a real source); the summary says so.
    const key = samplePseudonymKey();
    const snapshotId = snapshotIdOf(seed, scale, asOf);
    const rowCounts = await writeTables(snapshotDir(stagingDir, snapshotId), { seed, scale, asOf, key });
    const snapshotAt = asOf.toISOString();
    const tables = Object.fromEntries(
      LAKE_TABLES.map((t): [TableName, TableSnapshot] => [t, { snapshotAt, rows: rowCounts[t], path: snapshotTablePath(snapshotId, t) }]),
    ) as Record<TableName, TableSnapshot>;
    const manifest: SampleLakeManifest = {
      schemaVersion: 2,
      snapshotId,
      generator: { seed, scale, asOf: snapshotAt },
      pseudonymKeyFingerprint: pseudonymKeyFingerprint(key),
      generatedAt: new Date().toISOString(),
      tables,
    };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    writeFileSync(join(snapshotDir(stagingDir, snapshotId), MANIFEST_FILE), manifestText);
    writeFileSync(join(stagingDir, MANIFEST_FILE), manifestText);
    if (opts.syntheticHistory) {
      for (const entry of syntheticExportHistory({ seed, asOf, rows: rowCounts })) appendHistory(stagingDir, entry);
    }
    appendHistory(stagingDir, {
      at: new Date().toISOString(),
      kind: 'generate',
      runId: newRunId(),
      outcome: 'published',
      snapshotId,
      previousSnapshotId: null,
      tables: historyTablesOf(manifest),
      elapsedMs: Math.round(performance.now() - started),
    });
    const keptAside = replacing === 'keep' ? `${outDir}.replaced-${new Date().toISOString().replace(/[:.]/g, '')}` : undefined;
    swapIntoPlace(stagingDir, outDir, keptAside);
    return { manifest, elapsedMs: Math.round(performance.now() - started), ...(keptAside ? { keptAside } : {}) };
  } catch (err) {
    rmSync(stagingDir, { recursive: true, force: true });
    throw err;
  }
}

/** Same inputs, same id: lets a server tell whether two lakes hold the same data. */
export function snapshotIdOf(seed: number, scale: number, asOf: Date): string {
  return createHash('sha256').update(`seed=${seed};scale=${scale};asOf=${asOf.toISOString()}`).digest('hex').slice(0, 16);
}

function validateOptions(scale: number, seed: number, asOf: Date): void {
  if (!Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw new Error(`Lake scale must be a number above 0 and at most ${MAX_SCALE}; got ${scale}.`);
  }
  if (!Number.isSafeInteger(seed)) throw new Error(`Lake seed must be an integer; got ${seed}.`);
  const t = asOf.getTime();
  if (Number.isNaN(t) || t <= Date.parse(`${HORIZON_START}T00:00:00Z`) || t > Date.parse(`${HORIZON_END}T00:00:00Z`)) {
    throw new Error(`Lake asOf must be a moment after ${HORIZON_START} and no later than ${HORIZON_END}; got ${String(asOf)}.`);
  }
}

/**
 * What may happen to what is at outDir: nothing there (or an empty folder) is written, a sample
 * is replaced, a lake that is not a sample is kept aside only under `force`, and anything else
 * (a file, a folder of other things) is never touched.
 */
function whatToDoWithExisting(outDir: string, force: boolean): 'write' | 'replace' | 'keep' {
  const state = inspectLake(outDir);
  switch (state.kind) {
    case 'absent':
      return 'write';
    case 'other':
      throw state.error.reason === 'not_a_folder'
        ? new LakeError('replace_file', outDir, `Refusing to replace ${outDir}: it is a file, not a folder. Choose another --out.`)
        : new LakeError('replace_not_a_lake', outDir, `Refusing to replace ${outDir}: it is not empty and holds no ${MANIFEST_FILE}. Choose another --out.`);
    case 'lake':
    case 'unreadable':
      if (state.sample) return 'replace';
      if (force) return 'keep';
      throw state.kind === 'lake'
        ? new LakeError(
            'replace_not_a_sample',
            outDir,
            `Refusing to replace ${outDir}: its manifest names no generator, so it is not a sample lake (an export?). Add --force to replace it; it is then kept beside, renamed.`,
          )
        : new LakeError(
            'replace_unreadable',
            outDir,
            `Refusing to replace ${outDir}: its manifest cannot be read (${state.error.detail}), so it may not be a sample lake. Add --force to replace it; it is then kept beside, renamed.`,
            state.error.detail,
          );
  }
}

/** Puts the staged lake at outDir; what was there is deleted (a sample), or kept at `keepAt`. */
function swapIntoPlace(stagingDir: string, outDir: string, keepAt?: string): void {
  if (!existsSync(outDir)) {
    renameSync(stagingDir, outDir);
    return;
  }
  // rename() cannot replace a non-empty directory, so move the old lake aside first.
  const retired = keepAt ?? `${stagingDir}.old`;
  renameSync(outDir, retired);
  try {
    renameSync(stagingDir, outDir);
  } catch (err) {
    // Someone recreated outDir in between: put the old lake back rather than lose it.
    if (!existsSync(outDir)) renameSync(retired, outDir);
    throw err;
  }
  if (!keepAt) rmSync(retired, { recursive: true, force: true });
}

export interface BusinessInputs {
  seed: number;
  scale: number;
  asOf: Date;
}

interface GeneratorInputs extends BusinessInputs {
  /** The pseudonym key for person ids. */
  key: Uint8Array;
}

/** Rejects what generateLake rejects (the same words), for callers that compute the business themselves. */
export function checkBusinessInputs({ seed, scale, asOf }: BusinessInputs): void {
  validateOptions(scale, seed, asOf);
}

/**
 * Computes the sample business at asOf in an in-memory DuckDB and hands the connection to `use`:
 * the staging views `lake_<table>` (and the `*_all` tables behind them) are then ready. One
 * computation for both outputs, the direct lake (Parquet) and the sample source (MariaDB), so
 * both hold the same business.
 */
export async function withSampleBusiness<T>({ seed, scale, asOf }: BusinessInputs, use: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const asOfDateJst = new Date(asOf.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
  const statements = [
    ...macroStatements({ seed, asOf, asOfDateJst }),
    ...productStatements(),
    ...userStatements(scale),
    ...subscriptionStatements(),
    ...boxStatements(),
    ...shopStatements(),
  ];
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  try {
    const conn = await instance.connect();
    try {
      for (const sql of statements) await conn.run(sql);
      return await use(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

async function writeTables(dir: string, { key, ...business }: GeneratorInputs): Promise<Record<TableName, number>> {
  mkdirSync(dir, { recursive: true });
  return withSampleBusiness(business, async (conn) => {
    await writePseudonyms(conn, key);
    const rows = {} as Record<TableName, number>;
    for (const table of LAKE_TABLES) {
      mkdirSync(join(dir, table));
      const result = await conn.runAndReadAll(copyStatement(table, join(dir, table, 'data.parquet')));
      rows[table] = Number(result.getRows()[0]?.[0] ?? Number.NaN);
      if (!Number.isInteger(rows[table])) throw new Error(`DuckDB reported no row count when writing ${table}`);
    }
    return rows;
  });
}

/**
 * `pseudonyms(user_id, pseudonym)` for every person the generator made. DuckDB has no HMAC, so
 * the one implementation (pseudonym.ts) computes them and the lake joins them in.
 */
async function writePseudonyms(conn: DuckDBConnection, key: Uint8Array): Promise<void> {
  await conn.run('CREATE TABLE pseudonyms (user_id BIGINT PRIMARY KEY, pseudonym BIGINT NOT NULL)');
  const ids = (await conn.runAndReadAll('SELECT user_id FROM users_all ORDER BY user_id')).getRows();
  const appender = await conn.createAppender('pseudonyms');
  for (const [id] of ids) {
    const userId = BigInt(id as bigint | number);
    appender.appendBigInt(userId);
    appender.appendBigInt(pseudonymise(userId, key));
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * Projects the staging view `lake_<table>` through the contract, so names and types are exact,
 * and replaces every person id by its pseudonym (the privacy policy's `pseudonymise`).
 */
function copyStatement(table: TableName, file: string): string {
  const spec = LAKE_SCHEMA[table];
  const source = SOURCE_SCHEMA[table].columns;
  const joins: string[] = [];
  const columns = Object.entries(spec.columns).map(([name, type]) => {
    if (source[name]?.treatment !== 'pseudonymise') return `CAST(src.${name} AS ${type}) AS ${name}`;
    const alias = `pseudonym_${joins.length}`;
    joins.push(`LEFT JOIN pseudonyms ${alias} ON ${alias}.user_id = src.${name}`);
    return `CAST(${alias}.pseudonym AS ${type}) AS ${name}`;
  });
  // Sorted by output position: the output's user_id is the pseudonym, not the source's.
  const names = Object.keys(spec.columns);
  const orderBy = spec.orderBy.map((column) => names.indexOf(column) + 1);
  return `COPY (SELECT ${columns.join(', ')} FROM lake_${table} src ${joins.join(' ')} ORDER BY ${orderBy.join(', ')})
    TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`;
}
