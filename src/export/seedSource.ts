/**
 * `snaq source seed`: creates the sample source (schema from the contract, sourceDdl.ts) in a
 * MariaDB/MySQL database and fills it with the sample business at an instant: the same business
 * the generator's direct lake holds at that instant (one DuckDB computation, generate.ts), plus the
 * fake people only a source has. Writes only to a database that is empty or already the sample
 * source (the marker table says so).
 */
import type { Connection } from 'mysql2/promise';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SOURCE_SCHEMA } from '../contract/privacyPolicy';
import { checkBusinessInputs, DEFAULT_SCALE, DEFAULT_SEED, withSampleBusiness, type BusinessInputs } from '../lake/generate';
import { sourceRowsQuery } from '../lake/sourceRows.sql';
import { dropSourceSchemaStatements, SAMPLE_SOURCE_MARKER, sourceSchemaStatements, sourceTablesInDependencyOrder } from './sourceDdl';
import { connectToSampleSource, isDriverError, tablesOf } from './sampleSourceConnection';
import { SourceError, sourceErrorFrom } from './sourceErrors';
import { describeSource, type SourceLocation } from './sourceUrl';
import type { TableName } from '../contract/lakeSchema';

const HOUR_MS = 3_600_000;
/** Rows per INSERT: big enough to load quickly, far below max_allowed_packet (16 MB by default). */
const INSERT_BATCH_ROWS = 1000;
const COMMIT_EVERY_ROWS = 50 * INSERT_BATCH_ROWS;

export interface SeedOptions {
  scale?: number;
  seed?: number;
  /** The business clock to seed at. Default: now, truncated to the hour (UTC), as `lake generate`. */
  asOf?: Date;
}

export interface SeedResult {
  seed: number;
  scale: number;
  asOf: Date;
  /** Whether an earlier sample source was dropped first. */
  replaced: boolean;
  rows: Record<TableName, number>;
}

export async function seedSource(location: SourceLocation, options: SeedOptions = {}): Promise<SeedResult> {
  const inputs: BusinessInputs = {
    seed: options.seed ?? DEFAULT_SEED,
    scale: options.scale ?? DEFAULT_SCALE,
    asOf: options.asOf ?? new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS),
  };
  checkBusinessInputs(inputs);
  const source = describeSource(location);
  const conn = await connectToSampleSource(location, source);
  try {
    const replaced = await refuseForeignDatabase(conn, source);
    try {
      for (const sql of [...dropSourceSchemaStatements(), ...sourceSchemaStatements()]) await conn.query(sql);
      await conn.query(`INSERT INTO ${SAMPLE_SOURCE_MARKER} (seed, scale, seeded_as_of, business_clock) VALUES (?, ?, ?, ?)`, [
        inputs.seed,
        inputs.scale,
        inputs.asOf,
        inputs.asOf,
      ]);
      const rows = await withSampleBusiness(inputs, (duck) => loadTables(duck, conn));
      await conn.query(`UPDATE ${SAMPLE_SOURCE_MARKER} SET completed_at = ?`, [new Date()]);
      return { ...inputs, replaced, rows };
    } catch (error) {
      throw error instanceof SourceError || !isDriverError(error) ? error : sourceErrorFrom(error, { source });
    }
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** True when the database is already the sample source; throws, changing nothing, when it holds other tables and no marker. */
async function refuseForeignDatabase(conn: Connection, source: string): Promise<boolean> {
  const { names, hasMarker } = await tablesOf(conn);
  if (hasMarker) return true;
  if (names.length === 0) return false;
  throw new SourceError(
    'foreign_database',
    `Refusing to seed ${source}: it holds ${names.length} table(s) and no ${SAMPLE_SOURCE_MARKER} marker, so it is not a sample source; nothing was changed. Seed an empty database.`,
    { source, detail: String(names.length) },
  );
}

/** Streams each table's rows out of DuckDB and inserts them in batches, referenced tables first (the foreign keys are checked). */
async function loadTables(duck: DuckDBConnection, conn: Connection): Promise<Record<TableName, number>> {
  const counts = {} as Record<TableName, number>;
  for (const table of sourceTablesInDependencyOrder()) {
    const insert = `INSERT INTO \`${table}\` (${Object.keys(SOURCE_SCHEMA[table].columns)
      .map((c) => `\`${c}\``)
      .join(', ')}) VALUES ?`;
    let pending: unknown[][] = [];
    let count = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      // `VALUES ?` with an array of rows: the driver escapes every value, no value becomes SQL text.
      await conn.query(insert, [pending]);
      count += pending.length;
      pending = [];
      // One commit (one redo-log flush) per COMMIT_EVERY_ROWS, not per batch; never one huge transaction.
      if (count % COMMIT_EVERY_ROWS === 0) {
        await conn.commit();
        await conn.beginTransaction();
      }
    };
    await conn.beginTransaction();
    const result = await duck.stream(sourceRowsQuery(table));
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      for (const row of chunk.getRows()) {
        pending.push(row.map((value) => (typeof value === 'bigint' ? value.toString() : value)));
        if (pending.length >= INSERT_BATCH_ROWS) await flush();
      }
    }
    await flush();
    await conn.commit();
    counts[table] = count;
  }
  return counts;
}
