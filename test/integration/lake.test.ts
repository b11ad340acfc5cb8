/**
 * The sample lake end to end: generate small lakes (and one scale-1 lake for the realism
 * checks), then read the Parquet back with DuckDB as the metrics engine would.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { generateLake, LAKE_SCHEMA, LAKE_TABLES, type SampleLakeManifest, type TableName } from '../../src/lake/generate';
import { readManifest } from '../../src/lake/manifest';
import { macroStatements } from '../../src/lake/macros.sql';
import { pseudonymise, pseudonymKeyFingerprint, samplePseudonymKey, SAMPLE_PSEUDONYM_KEY_BASE64 } from '../../src/lake/pseudonym';
import { FAMILY_NAMES, GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE } from '../../src/lake/reference-data';
import { AGE_BANDS, ageBand, SOURCE_SCHEMA } from '../../src/contract/privacyPolicy';
import { readHistory } from '../../src/lake/lakeHistory';
import { syntheticExportHistory } from '../../src/lake/syntheticHistory';
import { tableDir } from '../support/lakeFolders';

const AS_OF = new Date('2026-11-01T00:00:00Z');
const AS_OF_SQL = "TIMESTAMP '2026-11-01 00:00:00'";
const AS_OF_JST_DATE_SQL = "DATE '2026-11-01'";
const EARLIER_AS_OF = new Date('2024-06-15T12:30:00Z');
const EARLIER_AS_OF_SQL = "TIMESTAMP '2024-06-15 12:30:00'";
const SMALL_SCALE = 0.25;

type Row = Record<string, unknown>;

let root: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;
const lakes: Record<'small' | 'again' | 'otherSeed' | 'earlier' | 'full', { dir: string; manifest: SampleLakeManifest; elapsedMs: number }> = {} as never;

/** Query rows, with BIGINT counts turned into plain numbers so expectations read naturally. */
async function rows(sql: string): Promise<Row[]> {
  const raw = (await db.runAndReadAll(sql)).getRowObjectsJS() as Row[];
  return raw.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}
async function one(sql: string): Promise<Row> {
  const [first] = await rows(sql);
  if (first === undefined) throw new Error(`no row from: ${sql}`);
  return first;
}
async function num(sql: string): Promise<number> {
  return Number(Object.values(await one(sql))[0]);
}
function parquet(dir: string, table: TableName): string {
  return `read_parquet('${join(tableDir(dir, table), '*.parquet')}')`;
}
/** Order-independent content checksum of a relation (tables have unique keys, so sums do not cancel). */
async function checksum(relation: string): Promise<string> {
  const r = await one(`SELECT count(*) AS n, CAST(sum(CAST(hash(t) AS HUGEINT)) AS VARCHAR) AS h FROM ${relation} t`);
  return `${String(r.n)}:${String(r.h)}`;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'snaq-lake-test-'));
  const make = async (name: keyof typeof lakes, opts: { scale: number; seed?: number; asOf: Date }) => {
    const dir = join(root, name);
    const { manifest, elapsedMs } = await generateLake({ outDir: dir, ...opts });
    lakes[name] = { dir, manifest, elapsedMs };
  };
  await make('small', { scale: SMALL_SCALE, asOf: AS_OF });
  await make('again', { scale: SMALL_SCALE, asOf: AS_OF });
  await make('otherSeed', { scale: SMALL_SCALE, seed: 7, asOf: AS_OF });
  await make('earlier', { scale: SMALL_SCALE, asOf: EARLIER_AS_OF });
  await make('full', { scale: 1, asOf: AS_OF });

  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  db = await instance.connect();
  // Schema s = the small lake (invariants), schema f = the scale-1 lake (realism).
  for (const [schema, lake] of [
    ['s', lakes.small],
    ['f', lakes.full],
  ] as const) {
    await db.run(`CREATE SCHEMA ${schema}`);
    for (const t of LAKE_TABLES) await db.run(`CREATE VIEW ${schema}.${t} AS SELECT * FROM ${parquet(lake.dir, t)}`);
  }
}, 120_000);

afterAll(() => {
  db?.closeSync();
  instance?.closeSync();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('files and manifest', () => {
  test('manifest.json round-trips and describes the inputs', () => {
    const { dir, manifest } = lakes.small;
    expect(readManifest(dir)).toEqual(manifest);
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.generator).toEqual({ seed: 42, scale: SMALL_SCALE, asOf: AS_OF.toISOString() });
    expect(Object.keys(manifest.tables).sort()).toEqual([...LAKE_TABLES].sort());
    for (const t of LAKE_TABLES) {
      expect(manifest.tables[t].snapshotAt).toBe(AS_OF.toISOString());
      expect(manifest.tables[t].path).toBe(`snapshots/${manifest.snapshotId}/${t}`);
    }
    // Schema version 2's layout: the snapshot's own manifest copy, and the generate in the history.
    expect(readManifest(join(dir, 'snapshots', manifest.snapshotId))).toEqual(manifest);
    expect(readdirSync(dir).sort()).toEqual(['history', 'manifest.json', 'snapshots']);
    expect(readHistory(dir)).toEqual([
      expect.objectContaining({ kind: 'generate', outcome: 'published', snapshotId: manifest.snapshotId, previousSnapshotId: null }),
    ]);
    expect(readHistory(dir)[0]!.tables?.users).toEqual({ snapshotAt: AS_OF.toISOString(), rows: manifest.tables.users.rows });
  });

  test('each table folder holds Parquet with the manifest row count', async () => {
    for (const lake of [lakes.small, lakes.full]) {
      for (const t of LAKE_TABLES) {
        expect(readdirSync(join(lake.dir, lake.manifest.tables[t].path))).toEqual(['data.parquet']);
        const n = await num(`SELECT count(*) FROM ${parquet(lake.dir, t)}`);
        expect({ table: t, rows: n }).toEqual({ table: t, rows: lake.manifest.tables[t].rows });
        expect(n).toBeGreaterThan(0);
      }
    }
  });

  test('columns have exactly the contracted names and types', async () => {
    for (const t of LAKE_TABLES) {
      const described = await rows(`DESCRIBE SELECT * FROM ${parquet(lakes.small.dir, t)}`);
      const actual = described.map((r) => [r.column_name, r.column_type]);
      expect({ table: t, columns: actual }).toEqual({ table: t, columns: Object.entries(LAKE_SCHEMA[t].columns) });
    }
  });

  test('no staging folders are left behind', () => {
    expect(readdirSync(root).sort()).toEqual(Object.keys(lakes).sort());
  });

  test('regenerating replaces an existing lake in place', async () => {
    const dir = join(root, 'replaced');
    await generateLake({ outDir: dir, scale: 0.05, asOf: AS_OF });
    const second = await generateLake({ outDir: dir, scale: 0.05, seed: 9, asOf: AS_OF });
    expect(readManifest(dir).snapshotId).toBe(second.manifest.snapshotId);
    expect(readdirSync(root).filter((n) => n.includes('.tmp-'))).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('with a synthetic history: the made-up nightly runs before the generate line, the same for the same seed and asOf', async () => {
    const dir = join(root, 'synthetic');
    const { manifest } = await generateLake({ outDir: dir, scale: 0.02, asOf: AS_OF, syntheticHistory: true });
    const history = readHistory(dir);
    const rows = Object.fromEntries(LAKE_TABLES.map((t) => [t, manifest.tables[t].rows]));
    expect(history.slice(0, -1)).toEqual(syntheticExportHistory({ seed: 42, asOf: AS_OF, rows }));
    expect(history.at(-1)).toMatchObject({ kind: 'generate', outcome: 'published', snapshotId: manifest.snapshotId });
    expect(history.at(-1)!.synthetic).toBeUndefined();
    // No quality reports or snapshots are made up: only history lines.
    expect(readdirSync(dir).sort()).toEqual(['history', 'manifest.json', 'snapshots']);
    expect(readdirSync(join(dir, 'snapshots'))).toEqual([manifest.snapshotId]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('refuses bad options and a non-empty folder that is not a lake', async () => {
    await expect(generateLake({ outDir: join(root, 'x'), scale: 0 })).rejects.toThrow(/scale/);
    await expect(generateLake({ outDir: join(root, 'x'), asOf: new Date('2031-01-01T00:00:00Z') })).rejects.toThrow(/asOf/);
    const precious = join(root, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'notes.txt'), 'keep me');
    await expect(generateLake({ outDir: precious, scale: 0.05, asOf: AS_OF })).rejects.toThrow(/Refusing to replace/);
    expect(readdirSync(precious)).toEqual(['notes.txt']);
    rmSync(precious, { recursive: true, force: true });
  });
});

describe('determinism', () => {
  test('same seed, scale and asOf give identical tables and snapshotId', async () => {
    expect(lakes.again.manifest.snapshotId).toBe(lakes.small.manifest.snapshotId);
    for (const t of LAKE_TABLES) {
      expect({ t, sum: await checksum(parquet(lakes.again.dir, t)) }).toEqual({ t, sum: await checksum(parquet(lakes.small.dir, t)) });
    }
  });

  test('another seed gives other data', async () => {
    expect(lakes.otherSeed.manifest.snapshotId).not.toBe(lakes.small.manifest.snapshotId);
    for (const t of ['users', 'subscriptions', 'boxes', 'box_items', 'products', 'shop_orders'] as const) {
      expect(await checksum(parquet(lakes.otherSeed.dir, t))).not.toBe(await checksum(parquet(lakes.small.dir, t)));
    }
  });

  test('an earlier asOf shows the same history, cut earlier', async () => {
    const later = lakes.small.dir;
    const earlier = lakes.earlier.dir;
    expect(lakes.earlier.manifest.tables.users.rows).toBeLessThan(lakes.small.manifest.tables.users.rows);
    // The same people, but each one's age band is the one at its own snapshot (contract/privacyPolicy.ts).
    expect(await checksum(`(SELECT * EXCLUDE (age_band) FROM ${parquet(earlier, 'users')})`)).toBe(
      await checksum(`(SELECT * EXCLUDE (age_band) FROM ${parquet(later, 'users')} WHERE registered_at < ${EARLIER_AS_OF_SQL})`),
    );
    // Subscriptions that had ended by then look the same, ids included.
    expect(await checksum(`(SELECT * FROM ${parquet(earlier, 'subscriptions')} WHERE status = 'canceled')`)).toBe(
      await checksum(`(SELECT * FROM ${parquet(later, 'subscriptions')} WHERE canceled_at < ${EARLIER_AS_OF_SQL})`),
    );
    // Boxes well before the earlier asOf keep ids, dates, shipping and status.
    const oldBoxes = (dir: string) => `(SELECT * FROM ${parquet(dir, 'boxes')} WHERE scheduled_date < CAST(${EARLIER_AS_OF_SQL} AS DATE) - 5)`;
    expect(await checksum(oldBoxes(earlier))).toBe(await checksum(oldBoxes(later)));
    const oldItems = (dir: string) => `(SELECT i.* FROM ${parquet(dir, 'box_items')} i JOIN ${oldBoxes(dir)} b USING (box_id))`;
    expect(await checksum(oldItems(earlier))).toBe(await checksum(oldItems(later)));
  });
  test('a late-evening JST asOf cuts every timestamp and dates boxes by the JST day', async () => {
    // 2024-06-15T12:30Z is 21:30 JST on the 15th.
    const dir = lakes.earlier.dir;
    for (const t of LAKE_TABLES) {
      for (const [col, type] of Object.entries(LAKE_SCHEMA[t].columns)) {
        if (type !== 'TIMESTAMP') continue;
        expect({ col: `${t}.${col}`, n: await num(`SELECT count(*) FROM ${parquet(dir, t)} WHERE ${col} >= ${EARLIER_AS_OF_SQL}`) }).toEqual({
          col: `${t}.${col}`,
          n: 0,
        });
      }
    }
    const r = await one(`SELECT max(scheduled_date) FILTER (WHERE status <> 'assigned') AS last_due,
        min(scheduled_date) FILTER (WHERE status = 'assigned') AS first_upcoming,
        min(scheduled_date) FILTER (WHERE status = 'picked') AS first_picked
      FROM ${parquet(dir, 'boxes')}`);
    expect(r).toEqual({
      last_due: new Date('2024-06-15T00:00:00Z'),
      first_upcoming: new Date('2024-06-16T00:00:00Z'),
      first_picked: new Date('2024-06-14T00:00:00Z'),
    });
  });
});

describe('invariants (small lake)', () => {
  test('primary keys are unique', async () => {
    for (const t of LAKE_TABLES) {
      const key = t === 'snack_requests' ? ['user_id', 'product_id', 'requested_at'] : LAKE_SCHEMA[t].orderBy;
      const dupes = await num(`SELECT count(*) FROM (SELECT ${key.join(', ')} FROM s.${t} GROUP BY ALL HAVING count(*) > 1)`);
      expect({ t, dupes }).toEqual({ t, dupes: 0 });
    }
  });

  test('references resolve', async () => {
    const orphans: Record<string, string> = {
      'subscriptions.user_id': `SELECT count(*) FROM s.subscriptions x ANTI JOIN s.users u USING (user_id)`,
      'boxes.subscription_id (+ same user)': `SELECT count(*) FROM s.boxes x ANTI JOIN s.subscriptions y USING (subscription_id, user_id)`,
      'box_items.box_id': `SELECT count(*) FROM s.box_items x ANTI JOIN s.boxes b USING (box_id)`,
      'box_items.product_id': `SELECT count(*) FROM s.box_items x ANTI JOIN s.products p USING (product_id)`,
      'ratings -> box item of that user': `SELECT count(*) FROM s.ratings r ANTI JOIN (SELECT i.box_id, i.product_id, b.user_id FROM s.box_items i JOIN s.boxes b USING (box_id)) x USING (box_id, product_id, user_id)`,
      'snack_requests.user_id': `SELECT count(*) FROM s.snack_requests x ANTI JOIN s.users u USING (user_id)`,
      'snack_requests.product_id': `SELECT count(*) FROM s.snack_requests x ANTI JOIN s.products p USING (product_id)`,
      'diagnoses.user_id': `SELECT count(*) FROM s.diagnoses x ANTI JOIN s.users u USING (user_id)`,
      'shop_orders.user_id': `SELECT count(*) FROM s.shop_orders x ANTI JOIN s.users u USING (user_id)`,
      'shop_order_items.order_id': `SELECT count(*) FROM s.shop_order_items x ANTI JOIN s.shop_orders o USING (order_id)`,
      'shop_order_items.product_id': `SELECT count(*) FROM s.shop_order_items x ANTI JOIN s.products p USING (product_id)`,
      'shop_orders without items': `SELECT count(*) FROM s.shop_orders o ANTI JOIN s.shop_order_items x USING (order_id)`,
    };
    for (const [what, sql] of Object.entries(orphans)) expect({ what, n: await num(sql) }).toEqual({ what, n: 0 });
  });

  test('no timestamp is at or after asOf', async () => {
    for (const t of LAKE_TABLES) {
      for (const [col, type] of Object.entries(LAKE_SCHEMA[t].columns)) {
        if (type !== 'TIMESTAMP') continue;
        const n = await num(`SELECT count(*) FROM s.${t} WHERE ${col} >= ${AS_OF_SQL}`);
        expect({ column: `${t}.${col}`, n }).toEqual({ column: `${t}.${col}`, n: 0 });
      }
    }
  });

  test('events follow the things they depend on', async () => {
    const violations: Record<string, string> = {
      'subscription before registration': `SELECT count(*) FROM s.subscriptions x JOIN s.users u USING (user_id) WHERE x.started_at < u.registered_at`,
      'cancel before start': `SELECT count(*) FROM s.subscriptions WHERE canceled_at <= started_at`,
      'diagnosis before registration': `SELECT count(*) FROM s.diagnoses x JOIN s.users u USING (user_id) WHERE x.answered_at < u.registered_at`,
      'order before registration': `SELECT count(*) FROM s.shop_orders x JOIN s.users u USING (user_id) WHERE x.ordered_at <= u.registered_at`,
      'box before subscription': `SELECT count(*) FROM s.boxes b JOIN s.subscriptions x USING (subscription_id) WHERE b.scheduled_date < CAST(x.started_at + INTERVAL 9 HOUR AS DATE)`,
      'box after cancel': `SELECT count(*) FROM s.boxes b JOIN s.subscriptions x USING (subscription_id) WHERE b.scheduled_date > CAST(x.canceled_at + INTERVAL 9 HOUR AS DATE)`,
      'rating before shipping': `SELECT count(*) FROM s.ratings r JOIN s.boxes b USING (box_id) WHERE r.rated_at <= b.shipped_at OR b.status <> 'delivered'`,
      'request item without a request in the 12 days before hand-over': `SELECT count(*) FROM s.box_items i JOIN s.boxes b USING (box_id)
        WHERE i.assigned_by = 'request' AND NOT EXISTS (SELECT 1 FROM s.snack_requests q
          WHERE q.user_id = b.user_id AND q.product_id = i.product_id
            AND q.requested_at < CAST(b.scheduled_date AS TIMESTAMP) + INTERVAL 3 HOUR
            AND q.requested_at > CAST(b.scheduled_date AS TIMESTAMP) - INTERVAL 13 DAY)`,
      'product used before launch': `SELECT count(*) FROM s.box_items i JOIN s.boxes b USING (box_id) JOIN s.products p USING (product_id) WHERE p.launched_at >= b.scheduled_date`,
    };
    for (const [what, sql] of Object.entries(violations)) expect({ what, n: await num(sql) }).toEqual({ what, n: 0 });
    expect(await num(`SELECT count(*) FROM s.snack_requests`)).toBe(await num(`SELECT count(*) FROM s.box_items WHERE assigned_by = 'request'`));
  });

  test('subscription status agrees with canceled_at and cancel_reason', async () => {
    expect(await num(`SELECT count(*) FROM s.subscriptions WHERE (status = 'active') <> (canceled_at IS NULL)`)).toBe(0);
    expect(await num(`SELECT count(*) FROM s.subscriptions WHERE (status = 'active') <> (cancel_reason IS NULL)`)).toBe(0);
  });

  test('box status agrees with shipped_at and the schedule', async () => {
    const r = await one(`SELECT
        count(*) FILTER (WHERE (status IN ('shipped', 'delivered')) <> (shipped_at IS NOT NULL)) AS shipped_mismatch,
        count(*) FILTER (WHERE status = 'assigned' AND scheduled_date <= ${AS_OF_JST_DATE_SQL}) AS assigned_in_past,
        count(*) FILTER (WHERE status <> 'assigned' AND scheduled_date > ${AS_OF_JST_DATE_SQL}) AS future_not_assigned,
        count(*) FILTER (WHERE status = 'picked' AND scheduled_date < ${AS_OF_JST_DATE_SQL} - 1) AS stale_picked,
        count(*) FILTER (WHERE status = 'shipped' AND shipped_at < ${AS_OF_SQL} - INTERVAL 3 DAY) AS stale_shipped,
        count(*) FILTER (WHERE status = 'delivered' AND shipped_at >= ${AS_OF_SQL} - INTERVAL 3 DAY) AS early_delivered,
        count(*) FILTER (WHERE shipped_at IS NOT NULL AND (CAST(shipped_at + INTERVAL 9 HOUR AS DATE) <> scheduled_date
          OR hour(shipped_at + INTERVAL 9 HOUR) NOT IN (10, 11))) AS off_schedule
      FROM s.boxes`);
    expect(r).toEqual({
      shipped_mismatch: 0,
      assigned_in_past: 0,
      future_not_assigned: 0,
      stale_picked: 0,
      stale_shipped: 0,
      early_delivered: 0,
      off_schedule: 0,
    });
    // One upcoming box per active subscription, none for canceled ones.
    expect(await num(`SELECT count(*) FROM (SELECT subscription_id FROM s.boxes WHERE status = 'assigned' GROUP BY 1 HAVING count(*) > 1)`)).toBe(0);
    expect(
      await num(
        `SELECT count(*) FROM s.subscriptions x ANTI JOIN (SELECT subscription_id FROM s.boxes WHERE status = 'assigned') b USING (subscription_id) WHERE x.status = 'active'`,
      ),
    ).toBe(0);
    expect(
      await num(`SELECT count(*) FROM s.boxes b JOIN s.subscriptions x USING (subscription_id) WHERE b.status = 'assigned' AND x.status = 'canceled'`),
    ).toBe(0);
    const statuses = (await rows(`SELECT DISTINCT status FROM s.boxes ORDER BY 1`)).map((r) => r.status);
    expect(statuses).toEqual(['assigned', 'delivered', 'picked', 'shipped', 'skipped']);
  });

  test('boxes are priced, and filled with 8 snacks unless skipped', async () => {
    const r = await one(`SELECT
        count(*) FILTER (WHERE price_jpy <> 1980) AS bad_price,
        count(*) FILTER (WHERE discount_jpy NOT IN (0, 200, 990)) AS bad_discount
      FROM s.boxes`);
    expect(r).toEqual({ bad_price: 0, bad_discount: 0 });
    expect(await num(`SELECT count(*) FROM (SELECT subscription_id, arg_min(discount_jpy, scheduled_date) AS d FROM s.boxes GROUP BY 1) WHERE d <> 990`)).toBe(
      0,
    );
    const fill = await rows(`SELECT b.status = 'skipped' AS skipped, coalesce(sum(i.quantity), 0) AS units
      FROM s.boxes b LEFT JOIN s.box_items i USING (box_id) GROUP BY b.box_id, b.status`);
    expect(fill.filter((f) => (f.skipped ? f.units !== 0 : f.units !== 8))).toEqual([]);
  });

  test('shop order totals equal their items', async () => {
    expect(
      await num(`SELECT count(*) FROM s.shop_orders o JOIN (
        SELECT order_id, sum(quantity * unit_price_jpy) AS s FROM s.shop_order_items GROUP BY 1) i USING (order_id)
      WHERE o.total_jpy <> i.s`),
    ).toBe(0);
    expect(await num(`SELECT count(*) FROM s.shop_order_items WHERE quantity < 1 OR unit_price_jpy <= 0`)).toBe(0);
  });

  test('values stay in their domains', async () => {
    const domains: Array<[string, string, readonly (string | number)[]]> = [
      ['users', 'gender', ['female', 'male', 'other', 'unanswered']],
      ['users', 'acquisition_channel', ['organic', 'instagram', 'referral', 'ads', 'gift']],
      ['subscriptions', 'plan', ['biweekly', 'every4weeks']],
      ['subscriptions', 'status', ['active', 'canceled']],
      ['subscriptions', "coalesce(cancel_reason, 'price')", ['price', 'too_many_snacks', 'taste', 'moving', 'pause', 'other']],
      ['boxes', 'status', ['assigned', 'picked', 'shipped', 'delivered', 'skipped']],
      ['box_items', 'assigned_by', ['algorithm', 'request']],
      ['products', 'category', ['chocolate', 'baked', 'savory', 'dried_fruit', 'nuts', 'japanese', 'gummy']],
      ['ratings', 'rating', [1, 2, 3, 4, 5]],
      ['diagnoses', 'sweetness_pref', [1, 2, 3, 4, 5]],
      ['diagnoses', 'saltiness_pref', [1, 2, 3, 4, 5]],
      ['diagnoses', 'texture_pref', ['crunchy', 'soft', 'chewy', 'any']],
      ['shop_orders', 'status', ['completed', 'canceled']],
    ];
    for (const [table, column, allowed] of domains) {
      const found = (await rows(`SELECT DISTINCT ${column} AS v FROM s.${table} ORDER BY 1`)).map((r) => r.v);
      expect({ at: `${table}.${column}`, outside: found.filter((v) => !allowed.includes(v as never)) }).toEqual({ at: `${table}.${column}`, outside: [] });
    }
    expect(await num(`SELECT count(*) FROM s.users WHERE prefecture NOT SIMILAR TO '.+[都道府県]'`)).toBe(0);
    expect(await num(`SELECT count(*) FROM s.box_items WHERE quantity < 1 OR quantity > 8`)).toBe(0);
  });

  test('the catalogue: 150 products, ~40 makers, some inactive, launched 2017..asOf', async () => {
    const r = await one(`SELECT count(*) AS n, count(DISTINCT name) AS names, count(DISTINCT maker) AS makers,
        count(DISTINCT maker_prefecture) AS prefectures, avg(CASE WHEN is_active THEN 0 ELSE 1 END) AS inactive,
        min(launched_at) >= DATE '2017-01-01' AND max(launched_at) <= ${AS_OF_JST_DATE_SQL} AS launched_in_range,
        avg(CASE WHEN launched_at < DATE '2018-01-01' THEN 1 ELSE 0 END) AS early,
        count(*) FILTER (WHERE unit_cost_jpy >= list_price_jpy OR unit_cost_jpy <= 0) AS bad_cost
      FROM s.products`);
    expect(r).toMatchObject({ n: 150, names: 150, launched_in_range: true, bad_cost: 0 });
    expect(r.makers).toBeGreaterThanOrEqual(35);
    expect(r.prefectures).toBeGreaterThanOrEqual(20);
    expect(r.inactive).toBeGreaterThan(0.08);
    expect(r.inactive).toBeLessThan(0.25);
    expect(r.early).toBeGreaterThan(0.5);
  });
});

describe('realism (scale-1 lake)', () => {
  test('scale 1 has about 10,000 users, ~75% of them subscribers', async () => {
    const r = await one(`SELECT (SELECT count(*) FROM f.users) AS users,
        (SELECT count(DISTINCT user_id) FROM f.subscriptions) AS subscribers,
        (SELECT count(*) FROM f.diagnoses) AS diagnosed,
        (SELECT count(*) FROM (SELECT user_id FROM f.subscriptions GROUP BY 1 HAVING count(*) > 1)) AS returning`);
    const users = Number(r.users);
    expect(users).toBeGreaterThan(8_500);
    expect(users).toBeLessThan(11_500);
    expect(Number(r.subscribers) / users).toBeGreaterThan(0.7);
    expect(Number(r.subscribers) / users).toBeLessThan(0.8);
    expect(Number(r.diagnosed) / users).toBeGreaterThan(0.8);
    expect(Number(r.returning)).toBeGreaterThan(0);
  });

  test('growth: more active subscribers at the end of 2024 than at the end of 2019', async () => {
    const activeAt = (ts: string) =>
      num(`SELECT count(*) FROM f.subscriptions WHERE started_at < TIMESTAMP '${ts}' AND (canceled_at IS NULL OR canceled_at >= TIMESTAMP '${ts}')`);
    const end2019 = await activeAt('2019-12-31 15:00:00');
    const end2024 = await activeAt('2024-12-31 15:00:00');
    expect(end2024).toBeGreaterThan(2 * end2019);
  });

  test('churn: most old subscriptions ended, with reasons, after a median of 8-12 months', async () => {
    const r = await one(`SELECT avg(CASE WHEN status = 'canceled' THEN 1 ELSE 0 END) AS canceled_share,
        median(datediff('day', started_at, coalesce(canceled_at, ${AS_OF_SQL}))) AS median_days,
        count(DISTINCT cancel_reason) AS reasons
      FROM f.subscriptions WHERE started_at < TIMESTAMP '2022-01-01'`);
    expect(Number(r.canceled_share)).toBeGreaterThan(0.85);
    expect(Number(r.median_days)).toBeGreaterThan(240);
    expect(Number(r.median_days)).toBeLessThan(370);
    expect(r.reasons).toBe(6);
    // Some stay for years.
    expect(await num(`SELECT count(*) FROM f.subscriptions WHERE coalesce(canceled_at, ${AS_OF_SQL}) - started_at > INTERVAL 1095 DAY`)).toBeGreaterThan(100);
  });

  test('December gift peak in shop revenue and in new subscriptions', async () => {
    const byMonth = async (sql: string) => {
      const m = new Map<number, number>();
      for (const r of await rows(sql)) m.set(Number(r.m), Number(r.v));
      return (month: number) => m.get(month) ?? 0;
    };
    const revenue = await byMonth(`SELECT month(ordered_at + INTERVAL 9 HOUR) AS m, sum(total_jpy) AS v FROM f.shop_orders
      WHERE status = 'completed' AND year(ordered_at + INTERVAL 9 HOUR) BETWEEN 2019 AND 2025 GROUP BY 1`);
    const autumnRevenue = (revenue(9) + revenue(10) + revenue(11)) / 3;
    expect(revenue(12) / autumnRevenue).toBeGreaterThan(2.0);
    expect(revenue(12) / autumnRevenue).toBeLessThan(3.5);
    const newSubs = await byMonth(`SELECT month(started_at + INTERVAL 9 HOUR) AS m, count(*) AS v FROM f.subscriptions
      WHERE year(started_at + INTERVAL 9 HOUR) BETWEEN 2019 AND 2025 GROUP BY 1`);
    expect(newSubs(12) / ((newSubs(9) + newSubs(10) + newSubs(11)) / 3)).toBeGreaterThan(1.3);
    expect(await num(`SELECT avg(CASE WHEN status = 'canceled' THEN 1 ELSE 0 END) FROM f.shop_orders`)).toBeLessThan(0.06);
  });

  test('summer dip: fewer new subscriptions and shipped boxes per subscriber in July-August than in spring', async () => {
    const r = await one(`SELECT
        count(*) FILTER (WHERE month(started_at + INTERVAL 9 HOUR) IN (7, 8)) AS summer,
        count(*) FILTER (WHERE month(started_at + INTERVAL 9 HOUR) IN (4, 5)) AS spring
      FROM f.subscriptions WHERE year(started_at + INTERVAL 9 HOUR) BETWEEN 2019 AND 2025`);
    expect(Number(r.summer)).toBeLessThan(0.85 * Number(r.spring));
    const shippedShare = await one(`SELECT
        avg(CASE WHEN status <> 'skipped' THEN 1 ELSE 0 END) FILTER (WHERE month(scheduled_date) IN (7, 8)) AS summer,
        avg(CASE WHEN status <> 'skipped' THEN 1 ELSE 0 END) FILTER (WHERE month(scheduled_date) IN (4, 5)) AS spring,
        avg(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END) AS skipped
      FROM f.boxes WHERE scheduled_date < DATE '2026-10-01'`);
    expect(Number(shippedShare.summer)).toBeLessThan(Number(shippedShare.spring) - 0.05);
    expect(Number(shippedShare.skipped)).toBeGreaterThan(0.05);
    expect(Number(shippedShare.skipped)).toBeLessThan(0.1);
  });

  test('long tail: the top 10% of products hold > 30% of units, the bottom half < 25%', async () => {
    const r = await one(`WITH units AS (SELECT product_id, sum(quantity) AS q FROM f.box_items GROUP BY 1),
      ranked AS (SELECT q, row_number() OVER (ORDER BY q DESC) AS rk, count(*) OVER () AS n, sum(q) OVER () AS total FROM units)
      SELECT sum(q) FILTER (WHERE rk <= n * 0.1) / any_value(total) AS top, sum(q) FILTER (WHERE rk > n / 2) / any_value(total) AS bottom
      FROM ranked`);
    expect(Number(r.top)).toBeGreaterThan(0.3);
    expect(Number(r.bottom)).toBeLessThan(0.25);
    const requested = await num(`SELECT avg(CASE WHEN assigned_by = 'request' THEN 1 ELSE 0 END) FROM f.box_items`);
    expect(requested).toBeGreaterThan(0.1);
    expect(requested).toBeLessThan(0.15);
  });

  test('ratings depend on the product: per-product means spread by more than 1 point', async () => {
    const r = await one(`WITH m AS (SELECT product_id, avg(rating) AS a FROM f.ratings GROUP BY 1 HAVING count(*) >= 30)
      SELECT quantile_cont(a, 0.9) - quantile_cont(a, 0.1) AS spread, count(*) AS products FROM m`);
    expect(Number(r.spread)).toBeGreaterThan(1.0);
    expect(Number(r.products)).toBeGreaterThanOrEqual(100);
    const rated = await num(`SELECT (SELECT count(*) FROM f.ratings) / count(*) FROM f.box_items i JOIN f.boxes b USING (box_id)
      WHERE b.status = 'delivered' AND b.shipped_at < ${AS_OF_SQL} - INTERVAL 30 DAY`);
    expect(rated).toBeGreaterThan(0.3);
    expect(rated).toBeLessThan(0.4);
  });
});

describe('privacy (contract/privacyPolicy.ts)', () => {
  /** Every Parquet file under a lake, wherever it is. */
  function parquetFiles(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.parquet'))
      .map((file) => join(dir, file));
  }

  test('the manifest records the DEVELOPMENT key by its fingerprint, never the key', () => {
    const fingerprint = pseudonymKeyFingerprint(samplePseudonymKey());
    for (const lake of Object.values(lakes)) expect(readManifest(lake.dir).pseudonymKeyFingerprint).toBe(fingerprint);
    const text = JSON.stringify(readManifest(lakes.full.dir));
    expect(text).not.toContain(SAMPLE_PSEUDONYM_KEY_BASE64);
    expect(text).not.toContain(samplePseudonymKey().toString('hex'));
  });

  test('every person id is a pseudonym of a source id, never the source id of its own row', async () => {
    const users = await num(`SELECT count(*) FROM f.users`);
    // Source ids are the running count of sign-ups; the snapshot cuts the last day in the middle, so allow a margin.
    const sourceOf = new Map<bigint, bigint>();
    for (let id = 1n; id <= BigInt(users + 1000); id++) sourceOf.set(pseudonymise(id, samplePseudonymKey()), id);
    for (const table of LAKE_TABLES) {
      for (const [column, spec] of Object.entries(SOURCE_SCHEMA[table].columns)) {
        if (spec.treatment !== 'pseudonymise') continue;
        const values = (await db.runAndReadAll(`SELECT ${column} FROM f.${table} WHERE ${column} IS NOT NULL`)).getRows().map(([v]) => v as bigint);
        expect(values.length).toBeGreaterThan(0);
        const bad = values.filter((value) => !sourceOf.has(value) || sourceOf.get(value) === value);
        expect({ at: `${table}.${column}`, rows: values.length, notPseudonyms: bad.slice(0, 5) }).toEqual({
          at: `${table}.${column}`,
          rows: values.length,
          notPseudonyms: [],
        });
      }
    }
    // Still one person, one pseudonym: as many distinct ids as users.
    expect(await num(`SELECT count(DISTINCT user_id) FROM f.users`)).toBe(users);
  });

  test('no string in any Parquet file looks like an e-mail, a phone number or a seeded name', async () => {
    const fullNames = FAMILY_NAMES.flatMap((family) => [...GIVEN_NAMES_FEMALE, ...GIVEN_NAMES_MALE].map((given) => `${family} ${given}`));
    const looksPersonal = (value: string): string | undefined => {
      if (/[^\s@]+@[^\s@]+\.[a-z]{2,}/i.test(value)) return 'e-mail';
      if (/(?:\+81|\b0)\d{1,4}[- ]?\d{1,4}[- ]?\d{4}\b/.test(value)) return 'phone';
      if (/\b\d{3}-\d{4}\b/.test(value)) return 'postal code';
      if (fullNames.some((name) => value.includes(name))) return 'name';
      return undefined;
    };
    const files = parquetFiles(lakes.full.dir);
    expect(files.length).toBeGreaterThanOrEqual(LAKE_TABLES.length);
    let scanned = 0;
    for (const file of files) {
      const relation = `read_parquet('${file.replace(/'/g, "''")}')`;
      const columns = (await rows(`DESCRIBE SELECT * FROM ${relation}`)).filter((c) => c.column_type === 'VARCHAR').map((c) => String(c.column_name));
      for (const column of columns) {
        const values = (await db.runAndReadAll(`SELECT DISTINCT "${column}" FROM ${relation} WHERE "${column}" IS NOT NULL`)).getRows().map(([v]) => String(v));
        scanned += values.length;
        const hits = values.map((value) => [value, looksPersonal(value)]).filter(([, kind]) => kind !== undefined);
        expect({ file, column, hits: hits.slice(0, 5) }).toEqual({ file, column, hits: [] });
      }
    }
    expect(scanned).toBeGreaterThan(100);
    // The scan would see them: the patterns catch what the source holds.
    expect(['user12@example.com', '090-1234-5678', '150-0001', `${FAMILY_NAMES[0]} ${GIVEN_NAMES_MALE[0]}`].map(looksPersonal)).toEqual([
      'e-mail',
      'phone',
      'postal code',
      'name',
    ]);
  });

  test('users carry an age band at the snapshot instead of a birth date, from adults up', async () => {
    const bands = (await rows(`SELECT age_band, count(*) AS n FROM f.users GROUP BY 1 ORDER BY 1`)).map((r) => String(r.age_band));
    expect(bands.every((band) => AGE_BANDS.includes(band))).toBe(true);
    expect(bands).toEqual(expect.arrayContaining(['20-29', '30-39', '40-49', '50-59']));
    expect(bands).not.toContain('0-9');
    // A band is counted at the snapshot: the same people are younger in an earlier snapshot.
    const older = async (dir: string): Promise<number> =>
      num(`SELECT count(*) FILTER (WHERE age_band >= '40') / count(*) FROM ${parquet(dir, 'users')} WHERE registered_at < ${EARLIER_AS_OF_SQL}`);
    expect(await older(lakes.small.dir)).toBeGreaterThan(await older(lakes.earlier.dir));
  });

  test("the generator's SQL age band is the policy's ageBand", async () => {
    const own = await DuckDBInstance.create(':memory:');
    const conn = await own.connect();
    try {
      for (const sql of macroStatements({ seed: 1, asOf: AS_OF, asOfDateJst: '2026-11-01' })) await conn.run(sql);
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < 3000; i++) {
        const birth = new Date(Date.UTC(1915, 0, 1) + ((i * 7919 * 86_400_000) % (110 * 365 * 86_400_000))).toISOString().slice(0, 10);
        const on = new Date(Date.UTC(2018, 0, 1) + ((i * 104_729 * 86_400_000) % (10 * 365 * 86_400_000))).toISOString().slice(0, 10);
        if (birth <= on) pairs.push([birth, on]);
      }
      pairs.push(['2000-02-29', '2020-02-28'], ['2000-02-29', '2020-02-29'], ['1990-06-15', '2026-06-14'], ['1920-01-01', '2026-01-01']);
      const values = pairs.map(([b, d]) => `(DATE '${b}', DATE '${d}')`).join(', ');
      const sql = (await conn.runAndReadAll(`SELECT CAST(b AS VARCHAR), CAST(d AS VARCHAR), age_band(b, d) FROM (VALUES ${values}) t(b, d)`)).getRows();
      const differ = sql.filter(([b, d, band]) => ageBand(String(b), String(d)) !== band);
      expect({ compared: sql.length, differ: differ.slice(0, 5) }).toEqual({ compared: pairs.length, differ: [] });
    } finally {
      conn.closeSync();
      own.closeSync();
    }
  });
});

describe('speed', () => {
  test('scale 1 generates in under 30 s', () => {
    const { elapsedMs, manifest } = lakes.full;
    console.log(`scale-1 lake: ${elapsedMs} ms, ${manifest.tables.box_items.rows} box items`);
    expect(elapsedMs).toBeLessThan(30_000);
  });
});
