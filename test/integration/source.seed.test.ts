/**
 * `snaq source seed` on a private MariaDB: the source holds the same business as the generator's
 * direct lake at the same seed, scale and instant (row for row, once ids are pseudonymised and
 * birth dates banded as the privacy policy says), plus deterministic fake people; the database
 * enforces the contract's keys; a database that is not the sample source is refused untouched.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createConnection, type Connection } from 'mysql2/promise';
import { LAKE_SCHEMA, LAKE_TABLES, type TableName } from '../../src/contract/lakeSchema';
import { ageBand, SOURCE_SCHEMA } from '../../src/contract/privacyPolicy';
import { SAMPLE_SOURCE_MARKER } from '../../src/export/sourceDdl';
import { SourceError } from '../../src/export/sourceErrors';
import { seedSource, type SeedResult } from '../../src/export/seedSource';
import { parseSourceUrl, sourceLocationFrom } from '../../src/export/sourceUrl';
import { pseudonymise, samplePseudonymKey } from '../../src/lake/pseudonym';
import { createTestLake, tableDir, TEST_AS_OF, type TestLake } from '../support/lake';
import { startMariaDb, withForeignDatabase, type PrivateMariaDb } from '../support/mariadb';
import { describeIfAvailable, MARIADBD } from '../support/requirements';

const INPUTS = { scale: 0.02, seed: 7, asOf: TEST_AS_OF };
const AS_OF_DATE_JST = '2026-11-01';
const BIN = path.resolve(__dirname, '../../bin/snaq.js');

describeIfAvailable(MARIADBD, 'snaq source seed on a private MariaDB', () => {
  let db: PrivateMariaDb;
  let lake: TestLake;
  let conn: Connection;
  let seeded: SeedResult;

  beforeAll(async () => {
    [db, lake] = await Promise.all([startMariaDb(), createTestLake(INPUTS)]);
    seeded = await seedSource(parseSourceUrl(db.readWrite.url), INPUTS);
    conn = await createConnection({ ...connectionOf(db.readWrite.url), dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z' });
  }, 60_000);

  afterAll(async () => {
    await conn?.end();
    await db?.stop();
    lake?.remove();
  });

  function connectionOf(url: string) {
    const l = parseSourceUrl(url);
    return { host: l.host, port: l.port, user: l.user, password: l.password, database: l.database };
  }

  async function sourceRows(table: TableName): Promise<Array<Record<string, unknown>>> {
    const [rows] = await conn.query(`SELECT * FROM \`${table}\``);
    return rows as Array<Record<string, unknown>>;
  }

  /** A source row as the lake would hold it: the privacy policy applied, each value as DuckDB prints it. */
  function asLakeRow(table: TableName, row: Record<string, unknown>): string {
    const key = samplePseudonymKey();
    const source = SOURCE_SCHEMA[table].columns;
    return Object.keys(LAKE_SCHEMA[table].columns)
      .map((name) => {
        if (name === 'age_band') return ageBand(String(row.birth_date), AS_OF_DATE_JST);
        const value = row[name];
        if (value === null) return 'NULL';
        if (source[name]?.treatment === 'pseudonymise') return pseudonymise(BigInt(String(value)), key).toString();
        if (source[name]?.type === 'BOOLEAN') return Number(value) === 1 ? 'true' : 'false';
        return String(value);
      })
      .join('|');
  }

  async function lakeRows(table: TableName): Promise<string[]> {
    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    try {
      const columns = Object.keys(LAKE_SCHEMA[table].columns).map((c) => `coalesce(CAST(${c} AS VARCHAR), 'NULL')`);
      const result = await duck.runAndReadAll(
        `SELECT ${columns.join(` || '|' || `)} FROM read_parquet('${path.join(tableDir(lake.dir, table), '*.parquet')}')`,
      );
      return result.getRows().map((row) => String(row[0]));
    } finally {
      duck.closeSync();
      instance.closeSync();
    }
  }

  it('holds as many rows per table as the generator lake at the same seed, scale and instant', async () => {
    for (const table of LAKE_TABLES) {
      const [[{ n }]] = (await conn.query(`SELECT COUNT(*) AS n FROM \`${table}\``)) as unknown as [[{ n: string }]];
      expect({ table, rows: Number(n) }).toEqual({ table, rows: lake.manifest.tables[table]?.rows });
      expect(seeded.rows[table]).toBe(lake.manifest.tables[table]?.rows);
    }
    expect(lake.manifest.tables.boxes?.rows).toBeGreaterThan(100);
  });

  it.each(LAKE_TABLES.map((t) => [t]))('%s: every row is the lake row once pseudonymised and banded', async (table) => {
    const fromSource = (await sourceRows(table)).map((row) => asLakeRow(table, row)).sort();
    const fromLake = (await lakeRows(table)).sort();
    expect(fromSource.length).toBe(fromLake.length);
    expect(fromSource).toEqual(fromLake);
  });

  it('gives every user a fake person: kanji and kana names, e-mail, phone, postal code, address, birth date', async () => {
    const users = await sourceRows('users');
    expect(users.length).toBeGreaterThan(50);
    for (const user of users) {
      expect(user.name).toMatch(/^\p{Script=Han}+ [\p{Script=Han}\p{Script=Hiragana}]+$/u);
      expect(user.name_kana).toMatch(/^[\p{Script=Katakana}ー]+ [\p{Script=Katakana}ー]+$/u);
      expect(user.email).toMatch(/^[^@\s]+@[^@\s]+$/);
      expect(user.phone).toMatch(/^0[789]0-\d{4}-\d{4}$/);
      expect(user.postal_code).toMatch(/^\d{3}-\d{4}$/);
      expect(String(user.address_line).length).toBeGreaterThan(4);
      expect(user.birth_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(user.created_at).toBe(user.registered_at);
    }
    // Fake, yet varied: not one person repeated.
    expect(new Set(users.map((u) => `${u.name_kana} ${u.phone}`)).size).toBe(users.length);
    const diagnoses = await sourceRows('diagnoses');
    for (const d of diagnoses) for (const c of ['allergy_nuts', 'allergy_wheat', 'allergy_milk']) expect([0, 1]).toContain(Number(d[c]));
  });

  it('records the business clock in the marker table', async () => {
    const [[marker]] = (await conn.query(`SELECT * FROM ${SAMPLE_SOURCE_MARKER}`)) as unknown as [[Record<string, unknown>]];
    expect(marker).toMatchObject({ seed: '7', scale: 0.02, seeded_as_of: '2026-11-01 00:00:00.000', business_clock: '2026-11-01 00:00:00.000' });
    expect(marker.completed_at).not.toBeNull();
    // No row of the business is dated at or after the clock.
    const [[{ latest }]] = (await conn.query(
      'SELECT GREATEST((SELECT MAX(updated_at) FROM users), (SELECT MAX(updated_at) FROM boxes), (SELECT MAX(updated_at) FROM shop_orders), (SELECT MAX(created_at) FROM box_items)) AS latest',
    )) as unknown as [[{ latest: string }]];
    expect(latest < '2026-11-01 00:00:00').toBe(true);
  });

  it('enforces every foreign key of the contract', async () => {
    const [[{ n }]] = (await conn.query(
      'SELECT COUNT(*) AS n FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE()',
    )) as unknown as [[{ n: string }]];
    expect(Number(n)).toBe(Object.values(SOURCE_SCHEMA).reduce((sum, t) => sum + t.foreignKeys.length, 0));
    await expect(
      conn.query('INSERT INTO box_items (box_id, product_id, quantity, assigned_by) VALUES (?, ?, 1, ?)', [999999999, 1, 'algorithm']),
    ).rejects.toMatchObject({
      errno: 1452,
    });
  });

  it('seeds the same people again from the same inputs (the sample source is replaced, nothing else)', async () => {
    const checksum = async () => {
      const [rows] = await conn.query(`CHECKSUM TABLE ${LAKE_TABLES.map((t) => `\`${t}\``).join(', ')}`);
      return rows;
    };
    const before = await checksum();
    const again = await seedSource(parseSourceUrl(db.readWrite.url), INPUTS);
    expect(again.replaced).toBe(true);
    expect(await checksum()).toEqual(before);
  }, 30_000);

  it('refuses a database with other tables and no marker, in one line, changing nothing', async () => {
    await withForeignDatabase(db, async (url, expectUntouched) => {
      const result = spawnSync(process.execPath, [BIN, 'source', 'seed', '--scale', '0.02'], {
        env: { ...process.env, SNAQ_SOURCE_URL: url, SNAQ_LANG: 'en' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('Refusing to seed snaq_rw@127.0.0.1');
      expect(result.stderr).toContain('no snaq_sample_source marker');
      expect(result.stderr).not.toContain(db.readWrite.password);
      await expectUntouched();
    });
  });

  it('answers a bad URL and a wrong password with one line that never shows the password', async () => {
    const bad = spawnSync(process.execPath, [BIN, 'source', 'seed', '--source', 'postgres://u:secret@h/db'], {
      env: { ...process.env, SNAQ_LANG: 'en' },
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('snaq: The source URL is malformed: the scheme is "postgres", not "mysql". Write it as mysql://USER:PASSWORD@HOST:PORT/DB.\n');
    expect(() => sourceLocationFrom(undefined, {})).toThrow(expect.objectContaining({ reason: 'no_source' }));
    const wrong = parseSourceUrl(db.readWrite.url.replace(db.readWrite.password, 'not-the-password'));
    const error = await seedSource(wrong, INPUTS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).reason).toBe('access_denied');
    expect((error as SourceError).message).not.toContain('not-the-password');
    expect((error as SourceError).message).not.toContain('\n');
  });
});
