/**
 * The quality gate over a staged snapshot: a small sample lake passes; a copy broken one way at a
 * time (one table's Parquet rewritten by DuckDB) fails that check, naming keys only.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE_QUALITY, type QualityCheckName, type QualityProblem, type QualityReport } from '../../src/contract/lakeQuality';
import type { TableName } from '../../src/contract/lakeSchema';
import type { LakeManifest } from '../../src/contract/snapshot';
import { checkLakeQuality, enumerationsOf, qualitySummary, writeQualityReport } from '../../src/lake/quality';
import { createTestLake, tableDir, TEST_AS_OF, type TestLake } from '../support/lake';

let lake: TestLake;
let scratch: string;
let copies = 0;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.1 });
  scratch = mkdtempSync(join(tmpdir(), 'snaq-quality-'));
});
afterAll(() => {
  lake.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the lake whose `table` is rewritten as `select` over `t` (the original table). */
async function brokenCopy(table: TableName, select: string): Promise<string> {
  const dir = join(scratch, `copy-${++copies}`);
  cpSync(lake.dir, dir, { recursive: true });
  const folder = tableDir(dir, table);
  for (const file of readdirSync(folder)) rmSync(join(folder, file));
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(`CREATE VIEW t AS SELECT * FROM read_parquet('${join(tableDir(lake.dir, table), '*.parquet')}')`);
    await db.run(`COPY (${select}) TO '${join(folder, 'data.parquet')}' (FORMAT parquet)`);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  return dir;
}

function check(report: QualityReport, table: TableName, name: QualityCheckName) {
  const found = report.tables.find((t) => t.table === table)?.checks.find((c) => c.check === name);
  if (!found) throw new Error(`no ${name} check for ${table}`);
  return found;
}

function finding(report: QualityReport, table: TableName, name: QualityCheckName, problem: QualityProblem) {
  const found = check(report, table, name).findings.find((f) => f.problem === problem);
  if (!found) throw new Error(`no ${problem} in ${table}.${name}: ${JSON.stringify(check(report, table, name))}`);
  return found;
}

const gate = (dir: string, previous?: LakeManifest) => checkLakeQuality({ dir, snapshotAt: TEST_AS_OF, ...(previous ? { previous } : {}) });

describe('the untouched sample lake', () => {
  it('passes every check of every table, first snapshot or against itself as the previous one', async () => {
    for (const previous of [undefined, lake.manifest]) {
      const report = await gate(lake.dir, previous);
      const failed = report.tables.flatMap((t) => t.checks.filter((c) => c.outcome !== 'passed').map((c) => `${t.table}.${c.check}: ${JSON.stringify(c)}`));
      expect(failed).toEqual([]);
      expect(report.passed).toBe(true);
      for (const t of report.tables) expect(t.rows).toBe(lake.manifest.tables[t.table]!.rows);
    }
    const first = await gate(lake.dir);
    expect(check(first, 'users', 'row_count').notes.map((n) => n.kind)).toEqual(['no_previous']);
  });

  it('writes the report as JSON and says so in one line', async () => {
    const report = await gate(lake.dir);
    const file = join(scratch, 'reports', 'quality.json');
    writeQualityReport(report, file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(report);
    expect(qualitySummary(report, file, 'en')).toBe(`The quality gate passed (report: ${file}).`);
  });
});

describe('each check fails on a copy broken its way', () => {
  it('a duplicate key: primary_key fails with the duplicated keys as samples', async () => {
    const dir = await brokenCopy('boxes', 'SELECT * FROM t UNION ALL (SELECT * FROM t ORDER BY box_id LIMIT 2)');
    const report = await gate(dir);
    const dup = finding(report, 'boxes', 'primary_key', 'duplicate_key');
    expect(dup.rows).toBe(4);
    expect(dup.sampleKeys).toEqual([{ box_id: 1 }, { box_id: 2 }]);
    expect(report.passed).toBe(false);
    const line = qualitySummary(report, '/lake/quality.json', 'en');
    expect(line).toMatch(
      /^Quality gate failed, nothing published: boxes: 2 keys \(box_id\) occur more than once \(4 rows\)\. Full report: \/lake\/quality\.json\.$/,
    );
    expect(qualitySummary(report, '/lake/quality.json', 'ja')).toMatch(/boxes の主キーが重複しています.*\/lake\/quality\.json/);
    expect(qualitySummary(report, '/lake/quality.json', 'ja')).not.toContain('\n');
  });

  it('a NULL key: primary_key fails', async () => {
    const dir = await brokenCopy('products', 'SELECT * REPLACE (CASE WHEN product_id = 3 THEN NULL ELSE product_id END AS product_id) FROM t');
    const report = await gate(dir);
    const nullKey = finding(report, 'products', 'primary_key', 'null_key');
    expect(nullKey.rows).toBe(1);
    expect(nullKey.sampleKeys).toEqual([{ product_id: null }]);
    expect(report.passed).toBe(false);
  });

  it('a dangling reference: references fails naming the referencing rows by their keys (numbers, nothing else)', async () => {
    const dir = await brokenCopy('box_items', 'SELECT * REPLACE (CASE WHEN box_id = 1 THEN 987654321 ELSE box_id END AS box_id) FROM t');
    const report = await gate(dir);
    const dangling = finding(report, 'box_items', 'references', 'dangling_reference');
    expect(dangling.column).toBe('box_id');
    expect(dangling.rows).toBeGreaterThan(0);
    expect(dangling.sampleKeys.length).toBe(Math.min(dangling.rows, 5));
    for (const key of dangling.sampleKeys) {
      expect(Object.keys(key)).toEqual([...LAKE_QUALITY.box_items.key]);
      expect(key.box_id).toBe(987654321);
      expect(typeof key.product_id).toBe('number');
    }
    expect(check(report, 'box_items', 'primary_key').outcome).toBe('passed');
    expect(report.passed).toBe(false);
  });

  it('a NULL person reference passes where an erasure allows it (boxes), and fails where it does not (ratings)', async () => {
    const erased = await brokenCopy('boxes', 'SELECT * REPLACE (CASE WHEN user_id % 10 = 0 THEN NULL ELSE user_id END AS user_id) FROM t');
    const allowed = await gate(erased);
    expect(allowed.passed).toBe(true);
    const note = check(allowed, 'boxes', 'references').notes.find((n) => n.kind === 'erased_person');
    expect(note?.column).toBe('user_id');
    expect(note?.rows).toBeGreaterThan(0);

    const orphaned = await brokenCopy(
      'ratings',
      'SELECT * REPLACE (CASE WHEN box_id = (SELECT min(box_id) FROM t) THEN NULL ELSE user_id END AS user_id) FROM t',
    );
    const refused = await gate(orphaned);
    expect(finding(refused, 'ratings', 'references', 'null_reference').column).toBe('user_id');
    expect(refused.passed).toBe(false);
  });

  it('a row count that drops beyond its bound against the previous manifest fails; one that grows beyond it too', async () => {
    const dir = await brokenCopy('boxes', 'SELECT * FROM t WHERE box_id % 5 <> 0');
    const report = await gate(dir, lake.manifest);
    const shrank = finding(report, 'boxes', 'row_count', 'shrank');
    expect(shrank.rows).toBeLessThan(lake.manifest.tables.boxes!.rows * 0.95);
    expect(report.passed).toBe(false);
    // The same drop with no previous snapshot is nothing to compare (a first export).
    expect(check(await gate(dir), 'boxes', 'row_count').outcome).toBe('passed');

    const products = lake.manifest.tables.products!;
    const smaller = { ...lake.manifest, tables: { ...lake.manifest.tables, products: { ...products, rows: Math.floor(products.rows / 2) } } };
    expect(finding(await gate(lake.dir, smaller), 'products', 'row_count', 'grew').rows).toBe(products.rows);
  });

  it('a value outside an enumeration fails, for a catalog set (plan) and a declared one (boxes.status)', async () => {
    expect(enumerationsOf('subscriptions').get('plan')).toEqual(['biweekly', 'every4weeks']);
    const plan = await brokenCopy('subscriptions', "SELECT * REPLACE (CASE WHEN subscription_id = 2 THEN 'weekly' ELSE plan END AS plan) FROM t");
    const badPlan = finding(await gate(plan), 'subscriptions', 'enumerations', 'bad_value');
    expect(badPlan).toMatchObject({ column: 'plan', rows: 1, sampleKeys: [{ subscription_id: 2 }] });

    const status = await brokenCopy('boxes', "SELECT * REPLACE (CASE WHEN box_id = 7 THEN 'lost' ELSE status END AS status) FROM t");
    expect(finding(await gate(status), 'boxes', 'enumerations', 'bad_value')).toMatchObject({ column: 'status', rows: 1, sampleKeys: [{ box_id: 7 }] });
  });

  it('a timestamp one day after the snapshot instant fails; one within the skew passes', async () => {
    const select = (offset: string) =>
      `SELECT * REPLACE (CASE WHEN order_id = (SELECT min(order_id) FROM t) THEN TIMESTAMP '2026-11-01 00:00:00' + ${offset} ELSE ordered_at END AS ordered_at) FROM t`;
    const late = await gate(await brokenCopy('shop_orders', select('INTERVAL 1 DAY')));
    const future = finding(late, 'shop_orders', 'future_timestamps', 'future_timestamp');
    expect(future).toMatchObject({ column: 'ordered_at', rows: 1 });
    expect(Object.keys(future.sampleKeys[0]!)).toEqual(['order_id']);
    expect(late.passed).toBe(false);

    const skewed = await gate(await brokenCopy('shop_orders', select('INTERVAL 1 MINUTE')));
    expect(check(skewed, 'shop_orders', 'future_timestamps').outcome).toBe('passed');
  });

  it('a missing column fails naming it; the checks that need it are skipped, not crashed', async () => {
    const dir = await brokenCopy('subscriptions', 'SELECT * EXCLUDE (plan) FROM t');
    const report = await gate(dir);
    const missing = finding(report, 'subscriptions', 'schema', 'missing_column');
    expect(missing.column).toBe('plan');
    expect(missing.message).toContain('subscriptions.plan');
    expect(check(report, 'subscriptions', 'primary_key').outcome).toBe('passed');
    expect(check(report, 'subscriptions', 'enumerations').outcome).toBe('passed');
    expect(report.passed).toBe(false);
    expect(qualitySummary(report, 'q.json', 'en')).toContain('subscriptions.plan is missing');
  });

  it('a column of the wrong type fails naming it; references to it are skipped, not crashed', async () => {
    const dir = await brokenCopy('users', 'SELECT * REPLACE (CAST(user_id AS VARCHAR) AS user_id) FROM t');
    const report = await gate(dir);
    expect(finding(report, 'users', 'schema', 'wrong_type')).toMatchObject({ column: 'user_id' });
    expect(finding(report, 'users', 'schema', 'wrong_type').message).toBe('users.user_id is VARCHAR; the lake contract needs BIGINT.');
    expect(check(report, 'ratings', 'references').outcome).toBe('skipped');
    expect(report.passed).toBe(false);
  });

  it('a table with no Parquet fails as unreadable and its other checks are skipped', async () => {
    const dir = join(scratch, `copy-${++copies}`);
    cpSync(lake.dir, dir, { recursive: true });
    const folder = tableDir(dir, 'diagnoses');
    for (const file of readdirSync(folder)) rmSync(join(folder, file));
    const report = await gate(dir);
    expect(finding(report, 'diagnoses', 'schema', 'unreadable').message).toMatch(/^diagnoses: its Parquet files cannot be read/);
    const diagnoses = report.tables.find((t) => t.table === 'diagnoses')!;
    expect(diagnoses.rows).toBeNull();
    expect(diagnoses.checks.filter((c) => c.check !== 'schema').map((c) => c.outcome)).toEqual(Array(5).fill('skipped'));
    expect(report.passed).toBe(false);
  });

  it('sample keys are the key columns of their table and nothing else, in every finding', async () => {
    const dir = await brokenCopy('ratings', 'SELECT * REPLACE (CAST(NULL AS BIGINT) AS user_id) FROM t');
    const report = await gate(dir);
    const findings = report.tables.flatMap((t) => t.checks.flatMap((c) => c.findings.map((f) => ({ table: t.table, f }))));
    expect(findings.length).toBeGreaterThan(0);
    for (const { table, f } of findings) {
      for (const key of f.sampleKeys) expect(Object.keys(key)).toEqual([...LAKE_QUALITY[table].key]);
    }
    expect(
      finding(report, 'ratings', 'references', 'null_reference').sampleKeys.every((k) => typeof k.box_id === 'number' && typeof k.product_id === 'number'),
    ).toBe(true);
  });

  it('an extra column is reported and ignored: the snapshot passes', async () => {
    const dir = await brokenCopy('users', "SELECT *, 'x' AS favourite_colour FROM t");
    const report = await gate(dir);
    expect(report.passed).toBe(true);
    expect(check(report, 'users', 'schema').notes).toEqual([expect.objectContaining({ kind: 'extra_column', column: 'favourite_colour' })]);
  });
});
