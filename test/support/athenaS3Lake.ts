/**
 * Athena's view of the S3 lake, for the Athena double (`lakeFor`): each Glue table's projected
 * `snapshot` partition (projection type `injected`) resolves, through the table's
 * `storage.location.template`, to an S3 prefix. For every statement the objects under the prefixes
 * it names are fetched from S3 (the S3 double), never from the exporter's local files, and read by a
 * DuckDB engine made for that statement. A statement that reads a table without naming its
 * snapshot is refused, as Athena refuses a query on an injected partition without a value.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE_SCHEMA, LAKE_TABLES, type TableName } from '../../src/contract/lakeSchema';
import { DuckDbEngine } from '../../src/engine/duckdb';
import type { LakeObjectStore } from '../../src/lake/s3/s3Lake';
import { parseS3Url } from '../../src/lake/s3/s3Url';
import type { AthenaDoubleOptions, StatementLake } from './athenaDouble';

export interface AthenaS3LakeOptions {
  store: LakeObjectStore;
  /** Each table's `storage.location.template`, with `${snapshot}` where the partition value goes. */
  locationTemplates: Readonly<Record<TableName, string>>;
}

const NAMED = /FROM (\w+) WHERE "snapshot" = '((?:[^']|'')*)'/g;
const BARE = new RegExp(`(?<!DISTINCT )\\b(?:FROM|JOIN)\\s+(${LAKE_TABLES.join('|')})\\b(?! WHERE "snapshot" = ')`, 'g');

export interface AthenaS3Lake extends NonNullable<AthenaDoubleOptions['lakeFor']> {
  /** Objects fetched from S3 so far, by key. */
  readonly fetched: string[];
  close(): Promise<void>;
}

const EMPTY = 'empty.parquet';

export function athenaS3Lake(options: AthenaS3LakeOptions): AthenaS3Lake {
  const objectsOf = async (location: string) => {
    const { bucket, prefix } = parseS3Url(location);
    const listed = await options.store.listObjects(bucket, prefix);
    return listed.filter((object) => object.key.endsWith('.parquet')).map((object) => ({ bucket, prefix, key: object.key }));
  };
  const root = mkdtempSync(join(tmpdir(), 'snaq-athena-s3-'));
  const empties = emptyTables(join(root, 'empty'));
  const fetched: string[] = [];
  return {
    fetched,
    refusal(sql) {
      const bare = [...sql.matchAll(BARE)].map((match) => match[1]!);
      if (bare.length === 0) return undefined;
      return `CONSTRAINT_VIOLATION: For the injected projected partition column snapshot, the WHERE clause must contain only static equality conditions, and at least one such condition must be present (table snaq_lake.${bare[0]}).`;
    },
    async open(sql): Promise<StatementLake> {
      const dir = mkdtempSync(join(root, 'query-'));
      const named = new Map<TableName, string>();
      for (const match of sql.matchAll(NAMED)) named.set(match[1] as TableName, match[2]!.replace(/''/g, "'"));
      const tables: Record<string, { snapshotAt: string; rows: number; path: string }> = {};
      for (const table of LAKE_TABLES) {
        const snapshot = named.get(table);
        const folder = join(dir, table);
        mkdirSync(folder);
        const objects = snapshot === undefined ? [] : await objectsOf(options.locationTemplates[table].replaceAll('${snapshot}', snapshot));
        for (const object of objects) {
          await options.store.downloadFile(object.bucket, object.key, join(folder, object.key.slice(object.prefix.length).replaceAll('/', '_')));
          fetched.push(object.key);
        }
        if (objects.length === 0) copyFileSync(join(await empties, table, EMPTY), join(folder, EMPTY));
        tables[table] = { snapshotAt: new Date().toISOString(), rows: 0, path: table };
      }
      const snapshotId = [...named.values()][0] ?? 'none';
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ schemaVersion: 2, snapshotId, generatedAt: new Date().toISOString(), tables }));
      const engine = await DuckDbEngine.open({ lakeDir: dir, connections: 1 });
      return {
        engine,
        async release() {
          await engine.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    async close() {
      await empties;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** One empty Parquet file per table, with the lake's columns: what Athena reads from a prefix with no objects. */
async function emptyTables(dir: string): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const table of LAKE_TABLES) {
      mkdirSync(join(dir, table), { recursive: true });
      const columns = Object.entries(LAKE_SCHEMA[table].columns).map(([name, type]) => `CAST(NULL AS ${type}) AS "${name}"`);
      await connection.run(`COPY (SELECT ${columns.join(', ')} WHERE false) TO '${join(dir, table, EMPTY)}' (FORMAT parquet)`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return dir;
}
