/**
 * One table's way from the source into the staged snapshot, in a work DuckDB (file-backed, with a
 * memory limit, so memory stays bounded whatever the table's size):
 *
 * - **read whole** (strategy `full`, and every table on a first or `--full` export): every row in
 *   primary-key chunks, written to Parquet a part at a time;
 * - **incremental** (`append`, `merge`): the source's key set first (an index-only scan), then the
 *   rows changed since the cursor (`merge`), then the rows of keys the lake lacks (inserts the cursor
 *   did not show: every new row of an `append` table). The new snapshot is the previous one's rows
 *   whose keys the source still has (deletes and erasures leave), minus the rows read again, plus
 *   those. The key set is read before the changes so that a row written meanwhile is met either by
 *   this run or by the next one's cursor, never dropped.
 */
import { copyFileSync, linkSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { LakeColumnType } from '../contract/lakeSchema';
import { EXPORT_STRATEGIES } from '../contract/exportStrategies';
import type { ExportStrategyKind } from '../contract/snapshot';
import { sqlString } from '../lake/sql';
import type { LakeText, RowTreatment, TableShape } from './lakeRows';
import { readAhead, type Chunk, type SourceReader } from './sourceReader';
import type { SourceValue } from './sourceSql';
import { digestibleKey, digestText, keyDigestTerm } from './keyDigest';

/** Rows per Parquet part when a table is read whole: bounds the work database's memory. */
export const PART_ROWS = 250_000;
/** Snapshot rows per key bucket whose fingerprint is compared (one short aggregate statement on the source each). */
export const BUCKET_ROWS = 100_000;
/** A table of more Parquet parts than this (one added per run of inserts only) is written again whole. */
const MAX_PARTS = 16;
/** Missing keys fetched per page from the work database. */
const MISSING_KEYS_PAGE = 10_000;

export interface TableExportInput {
  conn: DuckDBConnection;
  reader: SourceReader;
  shape: TableShape;
  treatment: RowTreatment;
  /** The staged table's folder (it exists and is empty). */
  outDir: string;
  /** Snapshot rows per fingerprinted key bucket (default BUCKET_ROWS; tests use small ones to have many buckets). */
  bucketRows?: number;
  /** The previous snapshot of the table (a Parquet glob), with its merge cursor; absent: read whole. */
  previous?: { files: string; since?: string };
}

export interface TableExportResult {
  strategy: ExportStrategyKind;
  rows: number;
  rowsRead: number;
  keysRead: number;
  rowsChanged: number;
  /** True when every row was read (a first or full export, or a `full` table). */
  readWhole: boolean;
}

function parquetFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.parquet'))
    .sort();
}

/** The part name after the last one, so linked parts and the new part never clash. */
function nextPartName(parts: readonly string[]): string {
  const last = parts.map((name) => Number(/^part-(\d+)\.parquet$/.exec(name)?.[1] ?? -1)).reduce((a, b) => Math.max(a, b), -1);
  return `part-${String(last + 1).padStart(5, '0')}.parquet`;
}

/** A hard link (snapshots share unchanged files; retention deletes only names), or a copy where links fail. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The VARCHAR staging columns cast to the lake's types, in the contract's order. */
function typedColumns(columns: ReadonlyArray<readonly [string, LakeColumnType]>, from = ''): string {
  return columns.map(([name, type]) => `CAST(${from}${ident(name)} AS ${type}) AS ${ident(name)}`).join(', ');
}

function sourceText(value: SourceValue): LakeText {
  if (value === null) return null;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** Appends text rows to a VARCHAR table, `null` as NULL. */
class TextAppender {
  private constructor(private readonly appender: DuckDBAppender) {}

  static async open(conn: DuckDBConnection, table: string): Promise<TextAppender> {
    return new TextAppender(await conn.createAppender(table));
  }

  append(values: readonly LakeText[]): void {
    for (const value of values) {
      if (value === null) this.appender.appendNull();
      else this.appender.appendVarchar(value);
    }
    this.appender.endRow();
  }

  close(): void {
    this.appender.closeSync();
  }
}

async function createTextTable(conn: DuckDBConnection, table: string, columns: readonly string[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${table} (${columns.map((c) => `${ident(c)} VARCHAR`).join(', ')})`);
}

async function scalar(conn: DuckDBConnection, sql: string): Promise<number> {
  const rows = (await conn.runAndReadAll(sql)).getRows();
  return Number(rows[0]?.[0] ?? 0);
}

async function copyToParquet(conn: DuckDBConnection, select: string, file: string): Promise<number> {
  return scalar(conn, `COPY (${select}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
}

export async function exportTable(input: TableExportInput): Promise<TableExportResult> {
  const strategy = EXPORT_STRATEGIES[input.shape.table];
  if (strategy.kind === 'full' || input.previous === undefined) return readWhole(input, strategy.kind);
  return readIncrementally(input, input.previous, strategy.kind === 'merge' ? strategy.cursor : undefined, strategy.kind);
}

/** Every row, in key order, a Parquet part per PART_ROWS rows. */
async function readWhole(input: TableExportInput, strategy: ExportStrategyKind): Promise<TableExportResult> {
  const { conn, shape } = input;
  const names = shape.lakeColumns.map(([name]) => name);
  await createTextTable(conn, 'whole_rows', names);
  let appender = await TextAppender.open(conn, 'whole_rows');
  let pending = 0;
  let rows = 0;
  let part = 0;
  const flush = async () => {
    appender.close();
    if (pending > 0 || part === 0) {
      await copyToParquet(
        conn,
        `SELECT ${typedColumns(shape.lakeColumns)} FROM whole_rows`,
        join(input.outDir, `part-${String(part).padStart(5, '0')}.parquet`),
      );
      part += 1;
    }
    await conn.run('DELETE FROM whole_rows');
    pending = 0;
  };
  for await (const chunk of readAhead(input.reader.chunks({ table: shape.table, key: shape.key, columns: shape.readColumns }))) {
    for (const row of chunk.rows) appender.append(input.treatment.lakeRow(row));
    pending += chunk.rows.length;
    rows += chunk.rows.length;
    if (pending >= PART_ROWS) {
      await flush();
      appender = await TextAppender.open(conn, 'whole_rows');
    }
  }
  await flush();
  const rowsChanged = input.previous
    ? await changesAgainst(conn, shape, `read_parquet(${sqlString(join(input.outDir, '*.parquet'))})`, input.previous.files)
    : rows;
  return { strategy, rows, rowsRead: rows, keysRead: 0, rowsChanged, readWhole: true };
}

/** Rows inserted, updated or deleted between two versions of a table (both Parquet globs or relations). */
async function changesAgainst(conn: DuckDBConnection, shape: TableShape, current: string, previousFiles: string): Promise<number> {
  const names = shape.lakeColumns.map(([name]) => name);
  const keyMatch = shape.key.map((c) => `p.${ident(c)} = n.${ident(c)}`).join(' AND ');
  const same = names.map((c) => `p.${ident(c)} IS NOT DISTINCT FROM n.${ident(c)}`).join(' AND ');
  const previous = `read_parquet(${sqlString(previousFiles)})`;
  const upserted = await scalar(conn, `SELECT count(*) FROM ${current} n WHERE NOT EXISTS (SELECT 1 FROM ${previous} p WHERE ${keyMatch} AND ${same})`);
  const deleted = await scalar(conn, `SELECT count(*) FROM ${previous} p WHERE NOT EXISTS (SELECT 1 FROM ${current} n WHERE ${keyMatch})`);
  return upserted + deleted;
}

/**
 * The buckets (ranges of the first key column, about BUCKET_ROWS of the snapshot's rows each; the
 * first and last open-ended) whose key-set fingerprints differ between the source and the snapshot.
 */
async function changedBuckets(
  conn: DuckDBConnection,
  reader: SourceReader,
  shape: TableShape,
  bucketRows: number,
): Promise<Array<{ from?: string; below?: string }>> {
  const first = ident(shape.key[0]!);
  await conn.run(
    `CREATE OR REPLACE TABLE bucket_edges AS SELECT edge, row_number() OVER (ORDER BY edge) AS bucket FROM (
       SELECT DISTINCT ${first} AS edge FROM (SELECT ${first}, row_number() OVER (ORDER BY ${first}) AS n FROM previous_rows)
       WHERE n % ${Math.max(1, Math.floor(bucketRows))} = 1 AND n > 1)`,
  );
  const edges = (await conn.runAndReadAll('SELECT CAST(edge AS VARCHAR) FROM bucket_edges ORDER BY bucket')).getRows().map((row) => String(row[0]));
  const term = keyDigestTerm(shape.key, (c) => `p.${ident(c)}`);
  const lakeDigests = new Map<number, string>();
  const rows = (
    await conn.runAndReadAll(
      `SELECT coalesce(e.bucket, 0) AS bucket, count(*), sum(${term}), bit_xor(${term})
       FROM previous_rows p ASOF LEFT JOIN bucket_edges e ON p.${first} >= e.edge GROUP BY ALL`,
    )
  ).getRows();
  for (const [bucket, count, sum, xor] of rows) lakeDigests.set(Number(bucket), digestText(count, sum, xor));
  const changed: Array<{ from?: string; below?: string }> = [];
  for (let bucket = 0; bucket <= edges.length; bucket += 1) {
    const range = { ...(bucket > 0 ? { from: edges[bucket - 1]! } : {}), ...(bucket < edges.length ? { below: edges[bucket]! } : {}) };
    const source = await reader.rangeDigest({ table: shape.table, key: shape.key }, range);
    if (source !== (lakeDigests.get(bucket) ?? '0:0:0')) changed.push(range);
  }
  return changed;
}

async function readIncrementally(
  input: TableExportInput,
  previous: { files: string; since?: string },
  cursor: string | undefined,
  strategy: ExportStrategyKind,
): Promise<TableExportResult> {
  const { conn, shape, reader, treatment } = input;
  const names = shape.lakeColumns.map(([name]) => name);
  const types = new Map(shape.lakeColumns);
  const sourceKeyNames = shape.key.map((c) => `source_${c}`);

  await conn.run(`CREATE OR REPLACE VIEW previous_rows AS SELECT * FROM read_parquet(${sqlString(previous.files)})`);

  // 1. The source's key set (with what the lake derives at each snapshot), as lake keys and source keys:
  //    whole, or only in the buckets whose fingerprints differ from the snapshot's.
  const buckets = digestibleKey(shape.table) ? await changedBuckets(conn, reader, shape, input.bucketRows ?? BUCKET_ROWS) : [{}];
  await conn.run('CREATE OR REPLACE TABLE scanned_buckets (from_key BIGINT, below_key BIGINT)');
  for (const bucket of buckets) {
    await conn.run('INSERT INTO scanned_buckets VALUES (CAST($1 AS BIGINT), CAST($2 AS BIGINT))', [bucket.from ?? null, bucket.below ?? null]);
  }
  await createTextTable(conn, 'source_keys', [...shape.key, ...shape.derivedColumns, ...sourceKeyNames]);
  let keysRead = 0;
  const keyAppender = await TextAppender.open(conn, 'source_keys');
  for (const bucket of buckets) {
    const keyChunks: AsyncIterable<Chunk> =
      shape.derivedColumns.length > 0
        ? reader.keysWith({ table: shape.table, key: shape.key, columns: shape.keyScanColumns })
        : reader.keysInRange({ table: shape.table, key: shape.key }, bucket);
    for await (const chunk of readAhead(keyChunks)) {
      for (const row of chunk.rows) keyAppender.append([...treatment.lakeKeyRow(row), ...row.slice(0, shape.key.length).map(sourceText)]);
      keysRead += chunk.rows.length;
    }
  }
  keyAppender.close();
  await conn.run(
    `CREATE OR REPLACE TABLE lake_keys AS SELECT ${[
      ...shape.key.map((c) => `CAST(${ident(c)} AS ${types.get(c)!}) AS ${ident(c)}`),
      ...shape.derivedColumns.map(ident),
      ...sourceKeyNames.map(ident),
    ].join(', ')} FROM source_keys`,
  );
  await conn.run('DROP TABLE source_keys');
  const firstKey = ident(shape.key[0]!);
  const inScannedBucket = (alias: string) =>
    `EXISTS (SELECT 1 FROM scanned_buckets s WHERE (s.from_key IS NULL OR ${alias}.${firstKey} >= s.from_key) AND (s.below_key IS NULL OR ${alias}.${firstKey} < s.below_key))`;

  // 2. Rows changed since the cursor (merge tables), in read order (a row met twice keeps its last reading).
  await createTextTable(conn, 'fresh_text', names);
  let rowsRead = 0;
  let appender = await TextAppender.open(conn, 'fresh_text');
  if (cursor !== undefined && previous.since !== undefined) {
    for await (const chunk of readAhead(reader.changedFrom({ table: shape.table, key: shape.key, columns: shape.readColumns, cursor }, previous.since))) {
      for (const row of chunk.rows) appender.append(treatment.lakeRow(row));
      rowsRead += chunk.rows.length;
    }
  }
  appender.close();
  await conn.run('CREATE OR REPLACE TABLE fresh_seen AS SELECT row_number() OVER () AS read_order, * FROM fresh_text');

  // 3. Keys the source has and neither the lake nor step 2 does: inserts, read by key.
  const keyEquals = (a: string, b: string) => shape.key.map((c) => `${a}.${ident(c)} = ${b}.${ident(c)}`).join(' AND ');
  const freshKeyEquals = (a: string) => shape.key.map((c) => `${a}.${ident(c)} = CAST(f.${ident(c)} AS ${types.get(c)!})`).join(' AND ');
  await conn.run(
    `CREATE OR REPLACE TABLE missing_keys AS SELECT ${sourceKeyNames.map((c) => `k.${ident(c)}`).join(', ')} FROM lake_keys k
     WHERE NOT EXISTS (SELECT 1 FROM previous_rows p WHERE ${keyEquals('p', 'k')})
       AND NOT EXISTS (SELECT 1 FROM fresh_seen f WHERE ${freshKeyEquals('k')})`,
  );
  await conn.run('DELETE FROM fresh_text');
  const missingCount = await scalar(conn, 'SELECT count(*) FROM missing_keys');
  // A page of keys at a time, the appender closed in between: it and the page's query share the connection.
  for (let offset = 0; offset < missingCount; offset += MISSING_KEYS_PAGE) {
    const page = await conn.runAndReadAll(`SELECT * FROM missing_keys ORDER BY ALL LIMIT ${MISSING_KEYS_PAGE} OFFSET ${offset}`);
    const keys = page.getRows().map((row) => row.map((value) => (value === null ? null : String(value))));
    appender = await TextAppender.open(conn, 'fresh_text');
    for await (const found of reader.rowsByKeys({ table: shape.table, key: shape.key, columns: shape.readColumns }, keys)) {
      for (const row of found.rows) appender.append(treatment.lakeRow(row));
      rowsRead += found.rows.length;
    }
    appender.close();
  }
  await conn.run(`INSERT INTO fresh_seen SELECT (SELECT coalesce(max(read_order), 0) FROM fresh_seen) + row_number() OVER (), * FROM fresh_text`);
  await conn.run(
    `CREATE OR REPLACE TABLE fresh AS SELECT ${typedColumns(shape.lakeColumns)} FROM fresh_seen
     QUALIFY row_number() OVER (PARTITION BY ${shape.key.map(ident).join(', ')} ORDER BY read_order DESC) = 1`,
  );

  // 4. What changed: fresh rows unlike their previous version, refreshed derived values, and deletes.
  const same = names.map((c) => `p.${ident(c)} IS NOT DISTINCT FROM n.${ident(c)}`).join(' AND ');
  const upserted = await scalar(conn, `SELECT count(*) FROM fresh n WHERE NOT EXISTS (SELECT 1 FROM previous_rows p WHERE ${keyEquals('p', 'n')} AND ${same})`);
  const replaced = await scalar(conn, `SELECT count(*) FROM fresh n WHERE EXISTS (SELECT 1 FROM previous_rows p WHERE ${keyEquals('p', 'n')})`);
  const rederived =
    shape.derivedColumns.length === 0
      ? 0
      : await scalar(
          conn,
          `SELECT count(*) FROM previous_rows p JOIN lake_keys k ON ${keyEquals('p', 'k')}
           WHERE NOT EXISTS (SELECT 1 FROM fresh n WHERE ${keyEquals('n', 'p')})
             AND (${shape.derivedColumns.map((c) => `p.${ident(c)} IS DISTINCT FROM k.${ident(c)}`).join(' OR ')})`,
        );
  const deleted = await scalar(
    conn,
    `SELECT count(*) FROM previous_rows p WHERE ${inScannedBucket('p')} AND NOT EXISTS (SELECT 1 FROM lake_keys k WHERE ${keyEquals('p', 'k')})`,
  );

  // 5. The new snapshot. When every previous row stays as it was (only inserts: an append table's usual
  //    day), its files are linked as they are and the new rows added as one more part; otherwise, or
  //    when the parts have piled up, the table is written again: kept previous rows and the fresh ones.
  const previousParts = parquetFiles(dirname(previous.files));
  let rows: number;
  if (deleted === 0 && replaced === 0 && rederived === 0 && previousParts.length < MAX_PARTS) {
    for (const part of previousParts) linkOrCopy(join(dirname(previous.files), part), join(input.outDir, part));
    const added = await scalar(conn, 'SELECT count(*) FROM fresh');
    if (added > 0) await copyToParquet(conn, `SELECT ${names.map(ident).join(', ')} FROM fresh`, join(input.outDir, nextPartName(previousParts)));
    rows = (await scalar(conn, 'SELECT count(*) FROM previous_rows')) + added;
  } else {
    const derived = new Set(shape.derivedColumns);
    const keptColumns = names.map((c) => (derived.has(c) ? `coalesce(k.${ident(c)}, p.${ident(c)}) AS ${ident(c)}` : `p.${ident(c)}`)).join(', ');
    // Kept: a previous row whose key the source still has (or whose bucket did not change), unless read again.
    const kept = `SELECT ${keptColumns} FROM previous_rows p LEFT JOIN lake_keys k ON ${keyEquals('p', 'k')}
      WHERE (k.${firstKey} IS NOT NULL OR NOT ${inScannedBucket('p')})
        AND NOT EXISTS (SELECT 1 FROM fresh n WHERE ${keyEquals('n', 'p')})`;
    rows = await copyToParquet(conn, `${kept} UNION ALL SELECT ${names.map(ident).join(', ')} FROM fresh`, join(input.outDir, 'part-00000.parquet'));
  }
  for (const table of ['fresh', 'fresh_seen', 'fresh_text', 'lake_keys', 'missing_keys', 'scanned_buckets', 'bucket_edges'])
    await conn.run(`DROP TABLE IF EXISTS ${table}`);
  return { strategy, rows, rowsRead, keysRead, rowsChanged: upserted + rederived + deleted, readWhole: false };
}
