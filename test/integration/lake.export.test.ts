/**
 * `snaq lake export` from a private MariaDB holding the sample source: the exported lake is the
 * generator's direct lake (row for row and metric for metric), holds no personal data, an
 * incremental export equals a full one of the same source state (deletes and erasures included),
 * rows written during the export are never lost, and one export runs at a time.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { LAKE_SCHEMA, LAKE_TABLES, type TableName } from '../../src/contract/lakeSchema';
import { SOURCE_SCHEMA } from '../../src/contract/privacyPolicy';
import { loadCatalog } from '../../src/catalog/catalog';
import { OPERATOR } from '../../src/catalog/accessPolicy';
import { MetricsService, type QueryOutcome } from '../../src/api/service';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { advanceSource } from '../../src/export/advanceSource';
import { exportLake, type ExportOptions, type ExportResult } from '../../src/export/exportLake';
import { seedSource } from '../../src/export/seedSource';
import { parseSourceUrl } from '../../src/export/sourceUrl';
import { LakeError, readManifest } from '../../src/lake/manifest';
import { readHistory } from '../../src/lake/lakeHistory';
import { rollbackLake } from '../../src/lake/lakeStore';
import { pseudonymise, samplePseudonymKey } from '../../src/lake/pseudonym';
import { createTestLake, TEST_AS_OF, type TestLake } from '../support/lake';
import { lakeStrings, lakeTableRows } from '../support/lakeLines';
import { startMariaDb, type PrivateMariaDb } from '../support/mariadb';
import { describeIfAvailable, MARIADBD } from '../support/requirements';

const INPUTS = { scale: 0.02, seed: 7, asOf: TEST_AS_OF };
const NO_KEY_ENV = {} as NodeJS.ProcessEnv;

describeIfAvailable(MARIADBD, 'snaq lake export from a private MariaDB', () => {
  let db: PrivateMariaDb;
  let generated: TestLake;
  let root: string;
  let app: Connection;

  beforeAll(async () => {
    [db, generated] = await Promise.all([startMariaDb(), createTestLake(INPUTS)]);
    await seedSource(parseSourceUrl(db.readWrite.url), INPUTS);
    root = mkdtempSync(path.join(os.tmpdir(), 'snaq-export-test-'));
    const l = parseSourceUrl(db.readWrite.url);
    app = await createConnection({ host: l.host, port: l.port, user: l.user, password: l.password, database: l.database, timezone: 'Z', dateStrings: true });
    await app.query("SET time_zone = '+00:00'");
  }, 120_000);

  afterAll(async () => {
    await app?.end();
    await db?.stop();
    generated?.remove();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const lakeAt = (name: string) => path.join(root, name);
  const run = (lakeDir: string, options: Partial<ExportOptions> = {}): Promise<ExportResult> =>
    exportLake({ lakeDir, source: parseSourceUrl(db.readOnly.url), env: NO_KEY_ENV, ...options });

  async function expectSameTables(a: string, b: string): Promise<void> {
    for (const table of LAKE_TABLES) {
      const [left, right] = await Promise.all([lakeTableRows(a, table), lakeTableRows(b, table)]);
      expect({ table, rows: left.length }).toEqual({ table, rows: right.length });
      expect({ table, same: left.every((line, i) => line === right[i]) }).toEqual({ table, same: true });
    }
  }

  describe('a first export of the seeded source', () => {
    let lake: string;
    let result: ExportResult;
    const said: string[] = [];

    beforeAll(async () => {
      lake = lakeAt('first');
      result = await run(lake, { say: (line) => said.push(line) });
    }, 120_000);

    it('publishes a full snapshot of schema version 2 that passed the gate, says it used the development key, and records the run', () => {
      const manifest = readManifest(lake);
      expect(manifest.schemaVersion).toBe(2);
      expect(manifest.snapshotId).toBe(result.runId);
      expect(manifest.generator).toBeUndefined();
      expect(manifest.export).toMatchObject({ sampleSource: true, full: true, previousSnapshotId: null });
      expect(manifest.quality?.passed).toBe(true);
      expect(existsSync(path.join(lake, manifest.quality!.report))).toBe(true);
      expect(result.developmentKey).toBe(true);
      expect(said.some((line) => /DEVELOPMENT pseudonym key/.test(line))).toBe(true);
      for (const table of LAKE_TABLES) {
        expect(manifest.tables[table].path).toBe(`snapshots/${manifest.snapshotId}/${table}`);
        expect(manifest.tables[table].snapshotAt).toBe(TEST_AS_OF.toISOString());
        expect(manifest.tables[table].rowsRead).toBe(manifest.tables[table].rows);
      }
      expect(readHistory(lake).map((entry) => [entry.kind, entry.outcome, entry.snapshotId])).toEqual([['export', 'published', manifest.snapshotId]]);
      expect(readdirSync(path.join(lake, 'staging'))).toEqual([]);
      expect(existsSync(path.join(lake, 'export.lock'))).toBe(false);
    });

    it('reads the source gently: at most 2 connections, every statement under a second', () => {
      expect(result.statements.peakConcurrentConnections).toBeLessThanOrEqual(2);
      expect(result.statements.connectionsUsed).toBeLessThanOrEqual(2);
      expect(result.statements.longestMs).toBeLessThan(1000);
    });

    it('holds exactly the rows of the generator’s direct lake for the same seed, scale and instant', async () => {
      await expectSameTables(lake, generated.dir);
    });

    it('answers every metric exactly as the generator’s direct lake, over ranges, grains, dimensions and filters', async () => {
      const catalog = loadCatalog();
      const [exported, direct] = await Promise.all([DuckDbEngine.open({ lakeDir: lake }), DuckDbEngine.open({ lakeDir: generated.dir })]);
      const services = [new MetricsService(catalog, exported), new MetricsService(catalog, direct)];
      const ranges = [
        { from: '2025-11-01', to: '2026-11-01', grain: 'month' as const },
        { from: '2026-10-01', to: '2026-11-08', grain: 'week' as const },
        { from: '2026-10-20', to: '2026-11-03', grain: 'day' as const },
      ];
      let compared = 0;
      try {
        for (const metric of catalog.list()) {
          if (metric.status === 'deprecated') continue;
          for (const range of ranges) {
            if (!metric.grains.includes(range.grain)) continue;
            const requests = [
              { metric: metric.name, ...range },
              ...metric.dimensions.slice(0, 2).map((d) => ({ metric: metric.name, ...range, dimensions: [d] })),
            ];
            for (const request of requests) {
              const [a, b] = (await Promise.all(services.map((service) => service.query(request, OPERATOR)))) as [QueryOutcome, QueryOutcome];
              expect({ request, status: a.status }).toEqual({ request, status: b.status });
              if (a.status === 200 && b.status === 200) {
                expect({ request, rows: (a.body as { rows: unknown }).rows }).toEqual({ request, rows: (b.body as { rows: unknown }).rows });
                compared += 1;
              }
            }
          }
          // A filter on the first dimension's first value, when the metric has one.
          const first = metric.dimensions[0];
          const values = first ? catalog.modelDimension(metric, first)?.values : undefined;
          if (first && values?.length) {
            const request = { metric: metric.name, ...ranges[0]!, filters: { [first]: values[0]! } };
            const [a, b] = (await Promise.all(services.map((service) => service.query(request, OPERATOR)))) as [QueryOutcome, QueryOutcome];
            expect({ request, body: a.status === 200 ? (a.body as { rows: unknown }).rows : a.status }).toEqual({
              request,
              body: b.status === 200 ? (b.body as { rows: unknown }).rows : b.status,
            });
            compared += 1;
          }
        }
      } finally {
        await Promise.all([exported.close(), direct.close()]);
      }
      expect(compared).toBeGreaterThan(50);
    }, 120_000);

    it('holds no name, kana, e-mail, phone or address of anyone the source knows, in any string column of any file', async () => {
      const [people] = await app.query('SELECT name, name_kana, email, phone, postal_code, address_line FROM users');
      const [recipients] = await app.query('SELECT shipping_name, shipping_phone, shipping_postal_code, shipping_address FROM shop_orders');
      const personal = new Set<string>();
      for (const row of [...(people as Array<Record<string, string | null>>), ...(recipients as Array<Record<string, string | null>>)]) {
        for (const value of Object.values(row)) if (value) personal.add(value);
      }
      expect(personal.size).toBeGreaterThan(100);
      const strings = await lakeStrings(lake);
      const hits = [...strings].filter((value) => personal.has(value) || [...personal].some((p) => p.length >= 6 && value.includes(p)));
      expect(hits).toEqual([]);
    }, 60_000);

    it('replaces every person id by its pseudonym, row by row: no lake id equals the source id of the same row', async () => {
      const key = samplePseudonymKey();
      const byKey: Record<string, { key: string; table: TableName }> = {
        subscriptions: { key: 'subscription_id', table: 'subscriptions' },
        boxes: { key: 'box_id', table: 'boxes' },
        shop_orders: { key: 'order_id', table: 'shop_orders' },
      };
      for (const { key: k, table } of Object.values(byKey)) {
        const [rows] = await app.query(`SELECT ${k} AS k, user_id FROM ${table}`);
        const source = new Map((rows as Array<{ k: number; user_id: number | null }>).map((r) => [String(r.k), r.user_id]));
        const lines = await lakeTableRows(lake, table);
        const names = Object.keys(LAKE_SCHEMA[table].columns);
        for (const line of lines) {
          const values = line.split('|');
          const sourceId = source.get(values[names.indexOf(k)]!);
          const lakeId = values[names.indexOf('user_id')]!;
          if (sourceId === null || sourceId === undefined) continue;
          expect(lakeId).not.toBe(String(sourceId));
          expect(lakeId).toBe(pseudonymise(BigInt(sourceId), key).toString());
        }
      }
      // Tables keyed by the person: no lake id is any source id at all.
      const [ids] = await app.query('SELECT user_id FROM users');
      const sourceIds = new Set((ids as Array<{ user_id: number }>).map((r) => String(r.user_id)));
      for (const table of LAKE_TABLES) {
        const personColumns = Object.entries(SOURCE_SCHEMA[table].columns).filter(([, c]) => c.treatment === 'pseudonymise');
        if (personColumns.length === 0) continue;
        const names = Object.keys(LAKE_SCHEMA[table].columns);
        for (const line of await lakeTableRows(lake, table)) {
          for (const [column] of personColumns) expect(sourceIds.has(line.split('|')[names.indexOf(column)]!)).toBe(false);
        }
      }
    }, 60_000);
  });

  describe('incremental runs', () => {
    it('after advancing the business, an incremental export equals a full export of the same source state, deletes and erasures included', async () => {
      const lake = lakeAt('incremental');
      const first = await run(lake);
      // A service already running on the lake: it follows the publish without a restart.
      const engine = await DuckDbEngine.open({ lakeDir: lake });
      const service = new MetricsService(loadCatalog(), engine);
      const revenue = async () => {
        const outcome = await service.query({ metric: 'revenue', from: '2026-10-01', to: '2026-11-08', grain: 'day' }, 'test');
        return outcome.status === 200 ? (outcome.body as { rows: unknown[]; meta: { snapshotId?: string } }) : undefined;
      };
      const before = await revenue();
      const advanced = await advanceSource(parseSourceUrl(db.readWrite.url), { days: 3 });
      expect(advanced.erased).toBeGreaterThan(0);
      // Small key buckets, so the key check compares many fingerprints and reads keys of the changed buckets only.
      const second = await run(lake, { bucketRows: 200 });
      expect(second.full).toBe(false);
      try {
        const after = await revenue();
        expect((await engine.snapshot()).snapshotId).toBe(second.runId);
        expect(after?.rows).not.toEqual(before?.rows);
        expect(first.runId).not.toBe(second.runId);
      } finally {
        await engine.close();
      }
      const manifest = readManifest(lake);
      expect(manifest.export?.previousSnapshotId).not.toBeNull();
      // Incremental: far fewer rows read than the tables hold (key checks aside).
      const read = LAKE_TABLES.filter((t) => t !== 'products').reduce((sum, t) => sum + (manifest.tables[t].rowsRead ?? 0), 0);
      const held = LAKE_TABLES.filter((t) => t !== 'products').reduce((sum, t) => sum + manifest.tables[t].rows, 0);
      expect(read).toBeLessThan(held / 5);
      // Only the key buckets that changed were read key by key.
      const digestible = ['subscriptions', 'boxes', 'box_items', 'ratings', 'shop_orders', 'shop_order_items'] as const;
      const keysChecked = digestible.reduce((sum, t) => sum + (manifest.tables[t].keysRead ?? 0), 0);
      expect(keysChecked).toBeLessThan(digestible.reduce((sum, t) => sum + manifest.tables[t].rows, 0) / 2);
      expect(LAKE_TABLES.some((t) => (manifest.tables[t].rowsChanged ?? 0) > 0)).toBe(true);

      const full = lakeAt('incremental-full');
      const fullRun = await run(full, { full: true });
      expect(fullRun.full).toBe(true);
      await expectSameTables(lake, full);
    }, 180_000);

    it('after a rollback, the next run resumes from the rolled-back-to snapshot’s cursors and still equals a full export', async () => {
      const lake = lakeAt('rollback');
      const first = await run(lake);
      await advanceSource(parseSourceUrl(db.readWrite.url), { days: 1 });
      await run(lake);
      expect(rollbackLake(lake)).toMatchObject({ to: first.runId });
      await advanceSource(parseSourceUrl(db.readWrite.url), { days: 1 });
      const resumed = await run(lake, { bucketRows: 200 });
      expect(resumed.full).toBe(false);
      expect(resumed.manifest.export?.previousSnapshotId).toBe(first.runId);
      const full = lakeAt('rollback-full');
      await run(full, { full: true });
      await expectSameTables(lake, full);
    }, 180_000);

    it('never loses rows written while it runs: the gate passes and the next export has all of them', async () => {
      const lake = lakeAt('concurrent');
      await run(lake);
      const [[clock]] = (await app.query('SELECT business_clock FROM snaq_sample_source')) as unknown as [[{ business_clock: string }]];
      const now = clock.business_clock;
      let written = 0;
      const write = async () => {
        // The application: a new box with items for an active subscription, and a profile change of a subscription.
        const [[sub]] = (await app.query(
          "SELECT subscription_id, user_id FROM subscriptions WHERE status = 'active' ORDER BY subscription_id LIMIT 1 OFFSET ?",
          [written],
        )) as unknown as [[{ subscription_id: number; user_id: number }]];
        const [[{ next }]] = (await app.query('SELECT max(box_id) + 1 AS next FROM boxes')) as unknown as [[{ next: number }]];
        const [products] = (await app.query('SELECT product_id FROM products WHERE is_active = 1 ORDER BY product_id LIMIT 3')) as unknown as [
          Array<{ product_id: number }>,
        ];
        await app.beginTransaction();
        await app.query(
          "INSERT INTO boxes (box_id, subscription_id, user_id, scheduled_date, shipped_at, status, price_jpy, discount_jpy, created_at, updated_at) VALUES (?, ?, ?, DATE(?), NULL, 'assigned', 1980, 0, ?, ?)",
          [next, sub.subscription_id, sub.user_id, now, now, now],
        );
        for (const { product_id } of products) {
          await app.query("INSERT INTO box_items (box_id, product_id, quantity, assigned_by, created_at) VALUES (?, ?, 1, 'algorithm', ?)", [
            next,
            product_id,
            now,
          ]);
        }
        await app.query("UPDATE subscriptions SET plan = IF(plan = 'biweekly', 'every4weeks', 'biweekly'), updated_at = ? WHERE subscription_id = ?", [
          now,
          sub.subscription_id,
        ]);
        await app.commit();
        written += 1;
      };
      const during = await run(lake, { afterTable: write });
      expect(during.manifest.quality?.passed).toBe(true);
      expect(written).toBe(LAKE_TABLES.length);
      await run(lake, { bucketRows: 200 });
      const full = lakeAt('concurrent-full');
      await run(full, { full: true });
      await expectSameTables(lake, full);
    }, 180_000);
  });

  describe('one export at a time, and recovery', () => {
    it('refuses a second export on the same lake while one runs, naming it', async () => {
      const lake = lakeAt('locked');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const first = run(lake, { afterTable: async () => (entered(), held) });
      await inside;
      const second = await run(lake).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(LakeError);
      expect((second as LakeError).reason).toBe('export_running');
      expect((second as LakeError).message).toContain(String(process.pid));
      release();
      await first;
      expect(readManifest(lake).quality?.passed).toBe(true);
    }, 120_000);

    it('a run that dies part-way leaves the published snapshot untouched, and the next run cleans up and succeeds', async () => {
      const lake = lakeAt('crash');
      await run(lake);
      const before = readFileSync(path.join(lake, 'manifest.json'), 'utf8');
      const died = await run(lake, {
        afterTable: (table) => {
          if (table === 'boxes') throw new Error('power cut');
        },
      }).catch((error: unknown) => error);
      expect((died as Error).message).toBe('power cut');
      expect(readFileSync(path.join(lake, 'manifest.json'), 'utf8')).toBe(before);
      expect(readHistory(lake).at(-1)).toMatchObject({ outcome: 'failed', error: 'power cut' });
      // A process killed outright leaves its lock and staging folder behind: the next run takes both over.
      writeFileSync(
        path.join(lake, 'export.lock'),
        JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), what: 'export', startedAt: new Date().toISOString() }),
      );
      const again = await run(lake);
      expect(readManifest(lake).snapshotId).toBe(again.runId);
      expect(readdirSync(path.join(lake, 'staging'))).toEqual([]);
    }, 120_000);

    it('a changed pseudonym key forces a full export, and every person id changes', async () => {
      const lake = lakeAt('rekeyed');
      await run(lake);
      const users = await lakeTableRows(lake, 'users');
      const otherKey = Buffer.alloc(48, 7).toString('base64');
      const rekeyed = await run(lake, { env: { SNAQ_PSEUDONYM_KEY: otherKey } });
      expect(rekeyed.full).toBe(true);
      expect(rekeyed.developmentKey).toBe(false);
      const ids = new Set(users.map((line) => line.split('|')[0]));
      const after = await lakeTableRows(lake, 'users');
      expect(after.length).toBe(users.length);
      expect(after.filter((line) => ids.has(line.split('|')[0])).length).toBe(0);
    }, 120_000);
  });
});
