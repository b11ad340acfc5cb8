/** Small sample lakes for tests: real Parquet written by the real generator, in a temp folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateLake } from '../../src/lake/generate';
import type { LakeManifest } from '../../src/contract/snapshot';
import { tableDir } from './lakeFolders';

export { tableDir } from './lakeFolders';

export const TEST_AS_OF = new Date('2026-11-01T00:00:00Z');

export interface TestLake {
  dir: string;
  manifest: LakeManifest;
  remove(): void;
}

export async function createTestLake(options: { scale?: number; seed?: number; asOf?: Date } = {}): Promise<TestLake> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'snaq-test-lake-'));
  const dir = path.join(root, 'lake');
  const { manifest } = await generateLake({ outDir: dir, scale: options.scale ?? 0.2, seed: options.seed ?? 7, asOf: options.asOf ?? TEST_AS_OF });
  return { dir, manifest, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Adds rows to a lake table as one more Parquet file beside its data (the engine reads
 * `<table's folder>/*.parquet`): `select` is DuckDB SQL over the other tables, read as views.
 */
export async function injectRows(lakeDir: string, table: string, file: string, select: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const name of ['users', 'shop_orders', 'boxes', 'subscriptions']) {
      await connection.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet('${path.join(tableDir(lakeDir, name), '*.parquet')}')`);
    }
    await connection.run(`COPY (${select}) TO '${path.join(tableDir(lakeDir, table), file)}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The spike `injectShopSpike` adds: 20 completed orders of ¥6,000 on the Wednesday of this JST week. */
export const SHOP_SPIKE = { week: '2025-06-09', prefecture: '宮城県', orders: 20, yenEach: 6_000 } as const;

/** Injects SHOP_SPIKE into the lake's shop orders, all from users of one prefecture. */
export function injectShopSpike(lakeDir: string): Promise<void> {
  return injectRows(
    lakeDir,
    'shop_orders',
    'spike.parquet',
    `SELECT CAST(1000000000 + row_number() OVER () AS BIGINT) AS order_id, user_id, TIMESTAMP '2025-06-11 03:00:00' AS ordered_at,
            'completed' AS status, CAST(${SHOP_SPIKE.yenEach} AS INTEGER) AS total_jpy
       FROM (SELECT user_id FROM users WHERE prefecture = '${SHOP_SPIKE.prefecture}' ORDER BY user_id LIMIT ${SHOP_SPIKE.orders})`,
  );
}
