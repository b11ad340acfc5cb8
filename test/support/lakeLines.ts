/** Reading lake tables back for comparisons: every row of a table as one text line, in a stable order. */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE_SCHEMA, type TableName } from '../../src/contract/lakeSchema';
import { readManifest } from '../../src/lake/manifest';

/** The table's rows (the manifest's current snapshot), each as `v1|v2|…` with NULL spelled out, sorted. */
export async function lakeTableRows(lakeDir: string, table: TableName): Promise<string[]> {
  const manifest = readManifest(lakeDir);
  const files = path.join(lakeDir, manifest.tables[table].path, '*.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  try {
    const columns = Object.keys(LAKE_SCHEMA[table].columns).map((c) => `coalesce(CAST("${c}" AS VARCHAR), 'NULL')`);
    const result = await duck.runAndReadAll(`SELECT ${columns.join(` || '|' || `)} AS line FROM read_parquet('${files}') ORDER BY line`);
    return result.getRows().map((row) => String(row[0]));
  } finally {
    duck.closeSync();
    instance.closeSync();
  }
}

/** Every string value of every Parquet file under `dir` (all snapshots, all columns of type VARCHAR). */
export async function lakeStrings(dir: string): Promise<Set<string>> {
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  try {
    const files = (await duck.runAndReadAll(`SELECT file FROM glob('${path.join(dir, '**', '*.parquet')}')`)).getRows().map((row) => String(row[0]));
    const strings = new Set<string>();
    for (const file of files) {
      const described = (await duck.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRows();
      for (const [name, type] of described) {
        if (String(type) !== 'VARCHAR') continue;
        const values = (
          await duck.runAndReadAll(`SELECT DISTINCT "${String(name)}" FROM read_parquet('${file}') WHERE "${String(name)}" IS NOT NULL`)
        ).getRows();
        for (const [value] of values) strings.add(String(value));
      }
    }
    return strings;
  } finally {
    duck.closeSync();
    instance.closeSync();
  }
}
