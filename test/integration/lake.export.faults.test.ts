/**
 * What goes wrong around `snaq lake export`, on a private MariaDB: each fault gives one clear line
 * and a non-zero exit, nothing is published (the previous snapshot keeps serving), and a rerun
 * succeeds. Bad input (URL, password, schema drift, a short key) is refused before anything is read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mysql2/promise';
import { exportLake, ExportError, type ExportOptions, type ExportResult } from '../../src/export/exportLake';
import { seedSource } from '../../src/export/seedSource';
import { SourceError } from '../../src/export/sourceErrors';
import { parseSourceUrl } from '../../src/export/sourceUrl';
import { LakeError, readManifest } from '../../src/lake/manifest';
import { readHistory } from '../../src/lake/lakeHistory';
import { PseudonymKeyError } from '../../src/lake/pseudonym';
import { TEST_AS_OF } from '../support/lake';
import { startMariaDb, type PrivateMariaDb } from '../support/mariadb';
import { describeIfAvailable, MARIADBD } from '../support/requirements';

const INPUTS = { scale: 0.02, seed: 11, asOf: TEST_AS_OF };
const BIN = path.resolve(__dirname, '../../bin/snaq.js');

describeIfAvailable(MARIADBD, 'snaq lake export: faults and bad input', () => {
  let db: PrivateMariaDb;
  let root: string;
  let admin: Connection;
  let lake: string;

  beforeAll(async () => {
    db = await startMariaDb();
    await seedSource(parseSourceUrl(db.readWrite.url), INPUTS);
    admin = await db.admin();
    root = mkdtempSync(path.join(os.tmpdir(), 'snaq-export-faults-'));
    lake = path.join(root, 'lake');
    await run();
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await db?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function run(options: Partial<ExportOptions> = {}): Promise<ExportResult> {
    return exportLake({ lakeDir: lake, source: parseSourceUrl(db.readOnly.url), env: {}, ...options });
  }

  /** The CLI as a person runs it: its exit status and its one line on stderr. */
  function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string; stdout: string } {
    const result = spawnSync(process.execPath, [BIN, 'lake', 'export', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SNAQ_LANG: 'en', ...env },
      timeout: 120_000,
    });
    return { status: result.status, stderr: result.stderr, stdout: result.stdout };
  }

  /** Runs `fault`, expects it to fail with `check`, nothing published; then a plain rerun publishes. */
  async function failsAndRecovers(
    fault: () => Promise<unknown>,
    check: (error: unknown) => void,
    repair: () => Promise<void> = async () => undefined,
  ): Promise<void> {
    const before = readFileSync(path.join(lake, 'manifest.json'), 'utf8');
    const error = await fault().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    check(error);
    expect(readFileSync(path.join(lake, 'manifest.json'), 'utf8')).toBe(before);
    expect(existsSync(path.join(lake, 'export.lock'))).toBe(false);
    await repair();
    const again = await run();
    expect(readManifest(lake).snapshotId).toBe(again.runId);
  }

  it('the source is unreachable: one line naming host and port, via the CLI with a non-zero exit', async () => {
    const before = readFileSync(path.join(lake, 'manifest.json'), 'utf8');
    const { status, stderr } = cli(['--lake', lake], { SNAQ_SOURCE_URL: `mysql://reader:secret@127.0.0.1:1/${db.database}` });
    expect(status).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/Cannot reach the source database at reader@127\.0\.0\.1:1/);
    expect(stderr).not.toContain('secret');
    expect(readFileSync(path.join(lake, 'manifest.json'), 'utf8')).toBe(before);
    expect(readHistory(lake).at(-1)).toMatchObject({ outcome: 'failed' });
  }, 60_000);

  it('a statement killed by the per-statement time cap', async () => {
    // A slow table: the products the export reads become a view that sleeps per row.
    await admin.query('RENAME TABLE products TO products_real');
    await admin.query('CREATE VIEW products AS SELECT p.* FROM products_real p WHERE SLEEP(0.01) = 0');
    await failsAndRecovers(
      () => run({ reader: { capSeconds: 0.5 } }),
      (error) => {
        expect(error).toBeInstanceOf(SourceError);
        expect((error as SourceError).reason).toBe('statement_timeout');
        expect((error as Error).message).toMatch(/table products after the 0\.5 s time cap/);
      },
      async () => {
        await admin.query('DROP VIEW products');
        await admin.query('RENAME TABLE products_real TO products');
      },
    );
  }, 120_000);

  it('the connection drops mid-table', async () => {
    // A slow products table (a view that sleeps per row), so the statement reading it is still running when it is killed.
    await admin.query('RENAME TABLE products TO products_real');
    await admin.query('CREATE VIEW products AS SELECT p.* FROM products_real p WHERE SLEEP(0.005) = 0');
    await failsAndRecovers(
      async () => {
        const exporting = run({ reader: { capSeconds: 30 } });
        let killed = false;
        for (let i = 0; i < 1000 && !killed; i += 1) {
          const [running] = await admin.query("SELECT ID FROM information_schema.processlist WHERE USER = ? AND INFO LIKE '%`products`%'", [db.readOnly.user]);
          for (const row of running as Array<{ ID: number }>) {
            await admin.query(`KILL ${Number(row.ID)}`);
            killed = true;
          }
          if (!killed) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(killed).toBe(true);
        return exporting;
      },
      (error) => {
        expect(error).toBeInstanceOf(SourceError);
        expect((error as SourceError).reason).toBe('connection_lost');
        expect((error as Error).message).toMatch(/dropped while reading table products/);
      },
      async () => {
        await admin.query('DROP VIEW products');
        await admin.query('RENAME TABLE products_real TO products');
      },
    );
  }, 120_000);

  it('the lake cannot be written (a path under a regular file)', async () => {
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    const { status, stderr } = cli(['--lake', path.join(file, 'lake')], { SNAQ_SOURCE_URL: db.readOnly.url });
    expect(status).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(file);
    const error = await exportLake({ lakeDir: path.join(file, 'lake'), source: parseSourceUrl(db.readOnly.url), env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeError);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  }, 60_000);

  it('a quality check fails: nothing published, one line naming the problem and the report, which names keys and no personal data', async () => {
    const [[box]] = (await admin.query('SELECT box_id, status FROM boxes ORDER BY box_id LIMIT 1')) as unknown as [[{ box_id: number; status: string }]];
    await admin.query("UPDATE boxes SET status = 'lost', updated_at = (SELECT business_clock FROM snaq_sample_source) WHERE box_id = ?", [box.box_id]);
    let reportFile = '';
    await failsAndRecovers(
      () => run(),
      (error) => {
        expect(error).toBeInstanceOf(ExportError);
        expect((error as ExportError).reason).toBe('quality_failed');
        reportFile = (error as ExportError).facts.reportFile!;
        const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { passed: boolean };
        expect(report.passed).toBe(false);
        expect(readFileSync(reportFile, 'utf8')).toContain(`"box_id": ${box.box_id}`);
        // The history line names the failed check and its table, so data health can say which without the report.
        expect(readHistory(lake).at(-1)).toMatchObject({ outcome: 'refused', quality: { passed: false, failed: [{ table: 'boxes', check: 'enumerations' }] } });
      },
      async () => {
        await admin.query('UPDATE boxes SET status = ?, updated_at = (SELECT business_clock FROM snaq_sample_source) WHERE box_id = ?', [
          box.status,
          box.box_id,
        ]);
      },
    );
    expect(path.dirname(reportFile)).toBe(path.join(lake, 'quality'));
  }, 120_000);

  it('a quality failure through the CLI is one line with a non-zero exit', async () => {
    await admin.query("UPDATE shop_orders SET status = 'lost', updated_at = (SELECT business_clock FROM snaq_sample_source) ORDER BY order_id LIMIT 1");
    const { status, stderr } = cli(['--lake', lake], { SNAQ_SOURCE_URL: db.readOnly.url });
    expect(status).not.toBe(0);
    expect(
      stderr
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('snaq:')),
    ).toEqual([expect.stringMatching(/^snaq: Quality gate failed, nothing published: .*shop_orders.*Full report: /)]);
    await admin.query("UPDATE shop_orders SET status = 'completed', updated_at = (SELECT business_clock FROM snaq_sample_source) WHERE status = 'lost'");
    expect(cli(['--lake', lake], { SNAQ_SOURCE_URL: db.readOnly.url }).status).toBe(0);
  }, 120_000);

  describe('bad input', () => {
    it('a malformed URL', () => {
      const { status, stderr } = cli(['--lake', lake, '--source', 'mysql//nope']);
      expect(status).not.toBe(0);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/URL/);
    });

    it('a wrong password', async () => {
      const url = db.readOnly.url.replace(`:${db.readOnly.password}@`, ':wrong-password@');
      const error = await exportLake({ lakeDir: lake, source: parseSourceUrl(url), env: {} }).catch((e: unknown) => e);
      expect((error as SourceError).reason).toBe('access_denied');
      expect((error as Error).message).not.toContain('wrong-password');
    }, 30_000);

    it('a missing table, then a missing column, each named', async () => {
      await admin.query('RENAME TABLE ratings TO ratings_moved');
      await failsAndRecovers(
        () => run(),
        (error) => expect(error).toMatchObject({ reason: 'missing_table', facts: { table: 'ratings' } }),
        async () => void (await admin.query('RENAME TABLE ratings_moved TO ratings')),
      );
      await admin.query('ALTER TABLE products RENAME COLUMN maker TO maker_moved');
      await failsAndRecovers(
        () => run(),
        (error) => expect(error).toMatchObject({ reason: 'missing_column', facts: { table: 'products', column: 'maker' } }),
        async () => void (await admin.query('ALTER TABLE products RENAME COLUMN maker_moved TO maker')),
      );
    }, 120_000);

    it('an unknown column type fails only for a column the contract uses; a new column is reported and left out', async () => {
      await admin.query('ALTER TABLE products MODIFY unit_cost_jpy DECIMAL(12,2) NOT NULL');
      await failsAndRecovers(
        () => run(),
        (error) => expect(error).toMatchObject({ reason: 'unknown_column_type', facts: { table: 'products', column: 'unit_cost_jpy' } }),
        async () => void (await admin.query('ALTER TABLE products MODIFY unit_cost_jpy INT NOT NULL')),
      );
      await admin.query('ALTER TABLE users ADD COLUMN nickname VARCHAR(50) NULL, ADD COLUMN home POINT NULL');
      try {
        const said: string[] = [];
        const result = await run({ say: (line) => said.push(line) });
        expect(result.newColumns.map((c) => `${c.table}.${c.column}`)).toEqual(['users.nickname', 'users.home']);
        expect(said.filter((line) => /not in the privacy policy/.test(line))).toHaveLength(2);
        expect(result.manifest.export?.ignoredColumns).toEqual(['users.nickname', 'users.home']);
      } finally {
        await admin.query('ALTER TABLE users DROP COLUMN nickname, DROP COLUMN home');
      }
    }, 120_000);

    it('a pseudonym key shorter than 32 bytes, and no key for a database that is not the sample source', async () => {
      const short = Buffer.alloc(16, 1).toString('base64');
      const error = await run({ env: { SNAQ_PSEUDONYM_KEY: short } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PseudonymKeyError);
      expect((error as Error).message).toMatch(/16 bytes .* at least 32/);
      const { status, stderr } = cli(['--lake', lake], { SNAQ_SOURCE_URL: db.readOnly.url, SNAQ_PSEUDONYM_KEY: short });
      expect(status).not.toBe(0);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      // Without the marker table the source is a real database: the development key is refused.
      await admin.query('RENAME TABLE snaq_sample_source TO snaq_sample_source_hidden');
      try {
        const noKey = await exportLake({ lakeDir: path.join(root, 'real'), source: parseSourceUrl(db.readOnly.url), env: {} }).catch((e: unknown) => e);
        expect(noKey).toBeInstanceOf(PseudonymKeyError);
        expect((noKey as Error).message).toMatch(/SNAQ_PSEUDONYM_KEY is not set/);
      } finally {
        await admin.query('RENAME TABLE snaq_sample_source_hidden TO snaq_sample_source');
      }
    }, 60_000);

    it('a sample source whose seed never completed is refused', async () => {
      await admin.query('UPDATE snaq_sample_source SET completed_at = NULL');
      try {
        const error = await run().catch((e: unknown) => e);
        expect(error).toMatchObject({ reason: 'incomplete_seed' });
      } finally {
        await admin.query('UPDATE snaq_sample_source SET completed_at = business_clock');
      }
    }, 30_000);
  });
});
