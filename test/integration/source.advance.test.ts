/**
 * `snaq source advance` on a private MariaDB: the next days of business land inside the day window
 * (keys, foreign keys, enumerations and timestamps as the contract and the quality gate want them),
 * withdrawn people are erased while the tax records stay, the same inputs give the same rows, and
 * anything that is not a completed sample source is refused untouched.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { LAKE_TABLES, type TableName } from '../../src/contract/lakeSchema';
import { SOURCE_SCHEMA } from '../../src/contract/privacyPolicy';
import { advanceSource, type AdvanceResult } from '../../src/export/advanceSource';
import { seedSource } from '../../src/export/seedSource';
import { SAMPLE_SOURCE_MARKER } from '../../src/export/sourceDdl';
import { SourceError } from '../../src/export/sourceErrors';
import { parseSourceUrl } from '../../src/export/sourceUrl';
import { main } from '../../src/cli/main';
import { enumerationsOf } from '../../src/lake/quality';
import { TEST_AS_OF } from '../support/lake';
import { startMariaDb, withForeignDatabase, type PrivateMariaDb } from '../support/mariadb';
import { describeIfAvailable, MARIADBD } from '../support/requirements';

// Scale 0.1 (about 1,000 people) has the generator's rates of under one sign-up and about one shop order a day: these 3 days
// of seed 7 hold 2 sign-ups, 2 subscriptions and 4 orders. A change to the draws may need another seed here.
const INPUTS = { scale: 0.1, seed: 7, asOf: TEST_AS_OF };
const DAYS = 3;
const OLD_CLOCK = '2026-11-01 00:00:00';
const NEW_CLOCK = '2026-11-04 00:00:00';

type Row = Record<string, string | number | null>;
/** Every row of every table, by primary key. */
type Tables = Record<TableName, Map<string, Row>>;

const keyOf = (table: TableName, row: Row) => SOURCE_SCHEMA[table].primaryKey.map((c) => String(row[c])).join('|');
const columnsOfType = (table: TableName, type: string) =>
  Object.entries(SOURCE_SCHEMA[table].columns)
    .filter(([, column]) => column.type === type)
    .map(([name]) => name);

describeIfAvailable(MARIADBD, 'snaq source advance on a private MariaDB', () => {
  let db: PrivateMariaDb;
  let conn: Connection;
  let before: Tables;
  let after: Tables;
  let advanced: AdvanceResult;

  beforeAll(async () => {
    db = await startMariaDb();
    await seedSource(parseSourceUrl(db.readWrite.url), INPUTS);
    const l = parseSourceUrl(db.readWrite.url);
    conn = await createConnection({
      host: l.host,
      port: l.port,
      user: l.user,
      password: l.password,
      database: l.database,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      timezone: 'Z',
    });
    before = await readTables();
    advanced = await advanceSource(parseSourceUrl(db.readWrite.url), { days: DAYS });
    after = await readTables();
  }, 60_000);

  afterAll(async () => {
    await conn?.end();
    await db?.stop();
  });

  async function readTables(): Promise<Tables> {
    const tables = {} as Tables;
    for (const table of LAKE_TABLES) {
      const [rows] = await conn.query(`SELECT * FROM \`${table}\` ORDER BY ${SOURCE_SCHEMA[table].primaryKey.map((c) => `\`${c}\``).join(', ')}`);
      tables[table] = new Map((rows as Row[]).map((row) => [keyOf(table, row), row]));
    }
    return tables;
  }

  async function businessClock(): Promise<string> {
    const [[marker]] = (await conn.query(`SELECT business_clock FROM ${SAMPLE_SOURCE_MARKER}`)) as unknown as [[{ business_clock: string }]];
    return marker.business_clock;
  }

  /** The server's checksum of every table's rows: equal checksums, equal contents. */
  async function checksums(): Promise<unknown> {
    const [rows] = await conn.query(`CHECKSUM TABLE ${LAKE_TABLES.map((t) => `\`${t}\``).join(', ')}`);
    return rows;
  }

  /** Runs the CLI in this process, as `npx snaq …` would, capturing what it prints. */
  async function snaq(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    let stdout = '';
    let stderr = '';
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      const code = await main(['node', 'snaq', ...args]);
      return { code, stdout, stderr };
    } finally {
      out.mockRestore();
      err.mockRestore();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  it('moves the business clock by exactly the days asked, and counts what it wrote', async () => {
    expect(await businessClock()).toBe(`${NEW_CLOCK}.000`);
    expect(advanced.from.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(advanced.to.toISOString()).toBe('2026-11-04T00:00:00.000Z');
    expect(advanced.days).toBe(DAYS);
    for (const table of LAKE_TABLES) {
      const added = [...after[table].keys()].filter((key) => !before[table].has(key)).length;
      const removed = [...before[table].keys()].filter((key) => !after[table].has(key)).length;
      const { inserted, deleted } = advanced.changes[table];
      // A row may come and go within the run (a box booked on one day loses its items to a cancellation on the next).
      expect({ table, net: after[table].size - before[table].size, addedAtMost: added <= inserted, removedAtMost: removed <= deleted }).toEqual({
        table,
        net: inserted - deleted,
        addedAtMost: true,
        removedAtMost: true,
      });
    }
    for (const table of ['users', 'subscriptions', 'boxes', 'box_items', 'ratings', 'shop_orders', 'shop_order_items', 'snack_requests'] as const) {
      expect({ table, inserted: advanced.changes[table].inserted > 0 }).toEqual({ table, inserted: true });
    }
    for (const table of ['boxes', 'subscriptions'] as const) expect(advanced.changes[table].updated).toBeGreaterThan(0);
  });

  it('keeps every foreign key of the contract', async () => {
    for (const table of LAKE_TABLES) {
      for (const fk of SOURCE_SCHEMA[table].foreignKeys) {
        const on = fk.columns.map((c, i) => `r.\`${fk.referencedColumns[i]}\` = t.\`${c}\``).join(' AND ');
        const present = fk.columns.map((c) => `t.\`${c}\` IS NOT NULL`).join(' AND ');
        const [[{ n }]] = (await conn.query(
          `SELECT COUNT(*) AS n FROM \`${table}\` t LEFT JOIN \`${fk.references}\` r ON ${on} WHERE ${present} AND r.\`${fk.referencedColumns[0]}\` IS NULL`,
        )) as unknown as [[{ n: string }]];
        expect({ table, references: fk.references, dangling: Number(n) }).toEqual({ table, references: fk.references, dangling: 0 });
      }
    }
  });

  it('stamps every new or changed row inside the days it advanced, and dates no business after the new clock', () => {
    for (const table of LAKE_TABLES) {
      const stamp = 'updated_at' in SOURCE_SCHEMA[table].columns ? 'updated_at' : 'created_at' in SOURCE_SCHEMA[table].columns ? 'created_at' : undefined;
      for (const [key, row] of after[table]) {
        const old = before[table].get(key);
        if (old !== undefined && JSON.stringify(old) === JSON.stringify(row)) continue;
        // A row the day wrote carries the day's time, never the server's wall clock (ON UPDATE CURRENT_TIMESTAMP).
        if (stamp) expect({ table, key, stamp: String(row[stamp]) > OLD_CLOCK && String(row[stamp]) <= NEW_CLOCK }).toEqual({ table, key, stamp: true });
      }
      for (const column of columnsOfType(table, 'DATETIME')) {
        const latest = [...after[table].values()].map((row) => row[column]).reduce<string>((max, v) => (v !== null && String(v) > max ? String(v) : max), '');
        expect({ table, column, afterClock: latest > NEW_CLOCK }).toEqual({ table, column, afterClock: false });
      }
    }
    // The rows written today are real business: a subscription starts after its person registers, a box ships after it is booked.
    for (const [key, sub] of after.subscriptions) {
      if (before.subscriptions.has(key) || sub.user_id === null) continue;
      expect(String(sub.started_at) >= String(after.users.get(String(sub.user_id))!.registered_at)).toBe(true);
    }
  });

  it("holds only the quality gate's values in every enumerated column", async () => {
    for (const table of LAKE_TABLES) {
      for (const [column, values] of enumerationsOf(table)) {
        if (!(column in SOURCE_SCHEMA[table].columns)) continue;
        const seen = new Set([...after[table].values()].map((row) => row[column]).filter((v) => v !== null));
        const outside = [...seen].filter((v) => !values.includes(String(v)));
        expect({ table, column, outside }).toEqual({ table, column, outside: [] });
      }
    }
    // The box lifecycle moved on: boxes shipped and delivered in the window.
    const moved = [...after.boxes.values()].filter((b) => String(b.updated_at) > OLD_CLOCK && ['shipped', 'delivered'].includes(String(b.status)));
    expect(moved.length).toBeGreaterThan(0);
  });

  it('erases withdrawn people: their person, ratings, requests and diagnoses go; their boxes, subscriptions and orders stay with amounts and no person', () => {
    const erased = [...before.users.keys()].filter((id) => !after.users.has(id));
    expect(erased.length).toBeGreaterThanOrEqual(1);
    expect(erased.length).toBe(advanced.erased);
    for (const id of erased) {
      for (const table of ['ratings', 'snack_requests', 'diagnoses'] as const) {
        expect({ table, id, rows: [...after[table].values()].filter((row) => String(row.user_id) === id).length }).toEqual({ table, id, rows: 0 });
      }
      const subscriptions = [...before.subscriptions.values()].filter((row) => String(row.user_id) === id);
      expect(subscriptions.length).toBeGreaterThan(0);
      // Withdrawn: every subscription had ended (or ended in the window) before the erasure.
      for (const table of ['subscriptions', 'boxes', 'shop_orders'] as const) {
        const kept = [...before[table].entries()].filter(([, row]) => String(row.user_id) === id);
        for (const [key, row] of kept) {
          const now = after[table].get(key);
          expect(now).toBeDefined();
          expect(now!.user_id).toBeNull();
          for (const amount of ['price_jpy', 'discount_jpy', 'total_jpy']) if (amount in row) expect(now![amount]).toEqual(row[amount]);
        }
      }
      expect([...after.subscriptions.values()].filter((row) => String(row.user_id) === id)).toEqual([]);
    }
  });

  it('refuses a database that is not a sample source, changing nothing', async () => {
    await withForeignDatabase(db, async (url, expectUntouched) => {
      const error = await advanceSource(parseSourceUrl(url), { days: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).reason).toBe('not_a_sample_source');
      expect((error as SourceError).message).toMatch(/^Refusing to advance snaq_rw@127\.0\.0\.1:\d+\/shop_app: it has no snaq_sample_source marker/);
      const cli = await snaq(['source', 'advance', '--days', '1'], { SNAQ_SOURCE_URL: url, SNAQ_LANG: 'ja' });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/^snaq: snaq_rw@127\.0\.0\.1:\d+\/shop_app には snaq_sample_source の目印がないため.*何も変更していません。.*\n$/);
      expect(cli.stderr.trim().split('\n')).toHaveLength(1);
      expect(cli.stderr).not.toContain(db.readWrite.password);
      await expectUntouched();
    });
  });

  it('refuses a sample whose seed never completed, changing nothing', async () => {
    const unchanged = await checksums();
    await conn.query(`UPDATE ${SAMPLE_SOURCE_MARKER} SET completed_at = NULL`);
    try {
      const error = await advanceSource(parseSourceUrl(db.readWrite.url), { days: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).reason).toBe('incomplete_seed');
      expect((error as SourceError).message).toContain('its seed never completed');
      expect(await businessClock()).toBe(`${NEW_CLOCK}.000`);
      expect(await checksums()).toEqual(unchanged);
    } finally {
      await conn.query(`UPDATE ${SAMPLE_SOURCE_MARKER} SET completed_at = ?`, ['2026-11-01 00:00:00']);
    }
  });

  it.each([['0'], ['1.5'], ['400'], ['three']])('refuses --days %s in one line, changing nothing', async (days) => {
    const { code, stdout, stderr } = await snaq(['source', 'advance', '--days', days], { SNAQ_SOURCE_URL: db.readWrite.url, SNAQ_LANG: 'en' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`snaq: --days must be a whole number from 1 to 366, not "${days}".\n`);
    expect(await businessClock()).toBe(`${NEW_CLOCK}.000`);
  });

  it('prints one line from the CLI, with the source given by SNAQ_SOURCE_URL', async () => {
    const { code, stdout, stderr } = await snaq(['source', 'advance', '--days', '1'], { SNAQ_SOURCE_URL: db.readWrite.url, SNAQ_LANG: 'en' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Advanced the sample source snaq_rw@127\.0\.0\.1:\d+\/snaq_source by 1 day to 2026-11-05T00:00:00\.000Z: \d+ inserted, \d+ updated, \d+ deleted, [1-9]\d* (person|people) erased\.\n$/,
    );
    expect(stdout).not.toContain(db.readWrite.password);
    expect(await businessClock()).toBe('2026-11-05 00:00:00.000');
  });

  it('erases someone in one day of a tiny sample, and a fresh seed of the same inputs advanced by the same days holds the same rows', async () => {
    const tiny = { ...INPUTS, scale: 0.05 };
    const location = parseSourceUrl(db.readWrite.url);
    await seedSource(location, tiny);
    const oneDay = await advanceSource(location, { days: 1 });
    expect(oneDay.erased).toBe(1);
    expect(oneDay.changes.users.deleted).toBe(1);
    await advanceSource(location, { days: 2 });
    const once = await checksums();
    await seedSource(location, tiny);
    await advanceSource(location, { days: DAYS });
    expect(await checksums()).toEqual(once);
    expect(await businessClock()).toBe(`${NEW_CLOCK}.000`);
  }, 60_000);
});
