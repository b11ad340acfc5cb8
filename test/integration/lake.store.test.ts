/**
 * The lake's store on disk (src/lake/lakeStore.ts): publishing with retention, atomicity, rollback,
 * staging, `snaq lake status` and `rollback` through the CLI, and the embedded engine following
 * new snapshots without a restart (real DuckDB over real Parquet).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MetricsService } from '../../src/api/service';
import { loadCatalog } from '../../src/catalog/catalog';
import { main } from '../../src/cli/main';
import { LAKE_TABLES, type TableName } from '../../src/contract/lakeSchema';
import type { LakeManifest, TableSnapshot } from '../../src/contract/snapshot';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { acquireExportLock, type ExportLock } from '../../src/lake/exportLock';
import { generateLake } from '../../src/lake/generate';
import { appendHistory, historyTablesOf, readHistory } from '../../src/lake/lakeHistory';
import { lakePaths, newRunId, snapshotDir, snapshotTablePath } from '../../src/lake/lakeLayout';
import { lakeStatus } from '../../src/lake/lakeStatus';
import { listSnapshots, prepareStaging, publishSnapshot, readCursors, rollbackLake } from '../../src/lake/lakeStore';
import { LakeError, readManifest } from '../../src/lake/manifest';
import { CountingEngine } from '../support/countingEngine';
import { caughtLakeError as caught } from '../support/lakeErrors';
import { checkedTable, recordsOf, rolesOf } from '../support/cliTable';

let root: string;
let lakes = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'snaq-store-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const newLakeDir = () => join(root, `lake-${++lakes}`);
const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

/** A manifest of schema version 2 for snapshot `id`, taken `day` days after T0. */
function manifestOf(id: string, day: number, rows: Partial<Record<TableName, number>> = {}): LakeManifest {
  const snapshotAt = new Date(T0 + day * DAY).toISOString();
  return {
    schemaVersion: 2,
    snapshotId: id,
    generatedAt: new Date(T0 + day * DAY + 60_000).toISOString(),
    tables: Object.fromEntries(
      LAKE_TABLES.map((t): [TableName, TableSnapshot] => [t, { snapshotAt, rows: rows[t] ?? 1, path: snapshotTablePath(id, t), strategy: 'full' }]),
    ) as Record<TableName, TableSnapshot>,
  };
}

/** Stages a snapshot of placeholder files (publishing never reads Parquet) and publishes it. */
function publishFake(lake: string, lock: ExportLock, id: string, day: number, keep?: number): { retired: string[] } {
  const staging = prepareStaging(lake, lock, newRunId());
  for (const t of LAKE_TABLES) {
    mkdirSync(join(staging, t));
    writeFileSync(join(staging, t, 'part-0.parquet'), `${id}/${t}`);
  }
  return publishSnapshot(lake, lock, { stagingDir: staging, manifest: manifestOf(id, day), cursors: { after: id }, ...(keep ? { keep } : {}) });
}

/** A lake with snapshots s1…sN published a day apart, the lock released. */
function lakeWith(count: number): string {
  const lake = newLakeDir();
  const lock = acquireExportLock(lake, 'export');
  for (let i = 1; i <= count; i++) publishFake(lake, lock, `s${i}`, i);
  lock.release();
  return lake;
}

const rootManifestText = (lake: string) => readFileSync(lakePaths(lake).manifest, 'utf8');

describe('publishSnapshot', () => {
  test('makes the staged snapshot current: its folder, its manifest copy, its cursors, the root manifest', () => {
    const lake = lakeWith(1);
    expect(readManifest(lake)).toEqual(manifestOf('s1', 1));
    expect(readManifest(snapshotDir(lake, 's1'))).toEqual(manifestOf('s1', 1));
    expect(readdirSync(join(snapshotDir(lake, 's1'), 'users'))).toEqual(['part-0.parquet']);
    expect(readCursors(lake, 's1')).toEqual({ after: 's1' });
    expect(readdirSync(lakePaths(lake).staging)).toEqual([]);
    expect(readdirSync(lake).filter((name) => name.includes('.tmp'))).toEqual([]);
    expect(existsSync(lakePaths(lake).lock)).toBe(false);
  });

  test('9 snapshots with keep 7: the 7 newest remain, with their cursors; the retired ones lose theirs', () => {
    const lake = newLakeDir();
    const lock = acquireExportLock(lake, 'export');
    const retired = Array.from({ length: 9 }, (_, i) => publishFake(lake, lock, `s${i + 1}`, i + 1, 7).retired);
    lock.release();
    expect(retired).toEqual([[], [], [], [], [], [], [], ['s1'], ['s2']]);
    const kept = ['s9', 's8', 's7', 's6', 's5', 's4', 's3'];
    expect(listSnapshots(lake).map((s) => s.snapshotId)).toEqual(kept);
    expect(readdirSync(lakePaths(lake).snapshots).sort()).toEqual([...kept].sort());
    expect(readdirSync(lakePaths(lake).cursors).sort()).toEqual(kept.map((id) => `${id}.json`).sort());
    expect(readCursors(lake, 's1')).toBeUndefined();
    expect(
      listSnapshots(lake)
        .filter((s) => s.current)
        .map((s) => s.snapshotId),
    ).toEqual(['s9']);
    writeFileSync(join(lakePaths(lake).cursors, 's9.json'), '{"after": ');
    expect(caught(() => readCursors(lake, 's9'))).toMatchObject({ reason: 'cursors_unreadable', path: join(lakePaths(lake).cursors, 's9.json') });
  });

  test('the current snapshot is never retired, even when it is not among the newest', () => {
    const lake = newLakeDir();
    const lock = acquireExportLock(lake, 'export');
    publishFake(lake, lock, 'late', 5, 1);
    // A snapshot made by a machine whose clock is behind: older by generatedAt, yet current.
    expect(publishFake(lake, lock, 'skewed', 2, 1).retired).toEqual([]);
    lock.release();
    expect(readManifest(lake).snapshotId).toBe('skewed');
    expect(listSnapshots(lake).map((s) => s.snapshotId)).toEqual(['late', 'skewed']);
  });

  test('a snapshot id that already exists: refused, the root manifest untouched, the staged files left where they were', () => {
    const lake = lakeWith(2);
    const before = rootManifestText(lake);
    const lock = acquireExportLock(lake, 'export');
    const staging = prepareStaging(lake, lock, newRunId());
    const error = caught(() => publishSnapshot(lake, lock, { stagingDir: staging, manifest: manifestOf('s1', 9) }));
    lock.release();
    expect(error.reason).toBe('snapshot_exists');
    expect(rootManifestText(lake)).toBe(before);
    expect(existsSync(staging)).toBe(true);
    expect(readManifest(snapshotDir(lake, 's1'))).toEqual(manifestOf('s1', 1));
  });

  test('a failure after the move but before the root rename: root untouched, the half-published snapshot taken back', () => {
    const lake = lakeWith(1);
    const before = rootManifestText(lake);
    rmSync(lakePaths(lake).cursors, { recursive: true });
    writeFileSync(lakePaths(lake).cursors, 'a file where the cursors folder belongs');
    const lock = acquireExportLock(lake, 'export');
    const error = caught(() => publishFake(lake, lock, 's2', 2));
    lock.release();
    expect(error).toMatchObject({ reason: 'lake_not_writable', path: lakePaths(lake).cursors });
    expect(rootManifestText(lake)).toBe(before);
    expect(existsSync(snapshotDir(lake, 's2'))).toBe(false);
    expect(listSnapshots(lake).map((s) => s.snapshotId)).toEqual(['s1']);
  });

  test('only a version-2 manifest whose tables lie in its own snapshot folder is published', () => {
    const lake = lakeWith(1);
    const before = rootManifestText(lake);
    const lock = acquireExportLock(lake, 'export');
    const staging = prepareStaging(lake, lock, newRunId());
    expect(() => publishSnapshot(lake, lock, { stagingDir: staging, manifest: { ...manifestOf('s2', 2), schemaVersion: 1 } })).toThrow(/schema version 2/);
    const wrongPath = manifestOf('s2', 2);
    wrongPath.tables.users!.path = 'users';
    expect(() => publishSnapshot(lake, lock, { stagingDir: staging, manifest: wrongPath })).toThrow(/snapshots\/s2\/users/);
    expect(() => publishSnapshot(lake, lock, { stagingDir: staging, manifest: manifestOf('../s2', 2) })).toThrow(LakeError);
    lock.release();
    expect(() => publishSnapshot(lake, lock, { stagingDir: staging, manifest: manifestOf('s2', 2) })).toThrow(/lock .* must be held/);
    expect(rootManifestText(lake)).toBe(before);
  });
});

describe('prepareStaging', () => {
  test('removes what dead runs left in staging/ and gives a fresh folder', () => {
    const lake = lakeWith(1);
    const leftover = join(lakePaths(lake).staging, 'dead-run');
    mkdirSync(join(leftover, 'users'), { recursive: true });
    writeFileSync(join(leftover, 'users', 'part-0.parquet'), 'half');
    const lock = acquireExportLock(lake, 'export');
    const runId = newRunId();
    expect(prepareStaging(lake, lock, runId)).toBe(join(lakePaths(lake).staging, runId));
    lock.release();
    expect(readdirSync(lakePaths(lake).staging)).toEqual([runId]);
  });

  test('a lake path under a regular file, or a file where staging/ belongs: lake_not_writable naming the path', () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'not a folder');
    const under = caught(() => acquireExportLock(join(file, 'lake'), 'export'));
    expect(under).toMatchObject({ reason: 'lake_not_writable', path: join(file, 'lake') });

    const lake = newLakeDir();
    const lock = acquireExportLock(lake, 'export');
    writeFileSync(lakePaths(lake).staging, 'in the way');
    const error = caught(() => prepareStaging(lake, lock, newRunId()));
    lock.release();
    expect(error).toMatchObject({ reason: 'lake_not_writable', path: lakePaths(lake).staging });
    expect(error.message).toMatch(/^The lake cannot be written at .*staging \(a file is in the way\)/);
  });

  test('needs the lock', () => {
    const lake = lakeWith(1);
    const lock = acquireExportLock(lake, 'export');
    lock.release();
    expect(() => prepareStaging(lake, lock, newRunId())).toThrow(/must be held/);
  });
});

describe('rollbackLake', () => {
  test('without --to: the newest snapshot older than the current, then the one before; the history records each', () => {
    const lake = lakeWith(3);
    expect(rollbackLake(lake)).toEqual({ from: 's3', to: 's2' });
    expect(rootManifestText(lake)).toBe(readFileSync(join(snapshotDir(lake, 's2'), 'manifest.json'), 'utf8'));
    // The next export resumes from the current snapshot's cursors: now s2's.
    expect(readCursors(lake, readManifest(lake).snapshotId)).toEqual({ after: 's2' });
    expect(rollbackLake(lake)).toEqual({ from: 's2', to: 's1' });
    const error = caught(() => rollbackLake(lake));
    expect(error.reason).toBe('no_previous_snapshot');
    expect(error.message).toContain('s1');
    const history = readHistory(lake);
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ kind: 'rollback', outcome: 'rolled_back', snapshotId: 's2', previousSnapshotId: 's3' });
    expect(history[0]!.tables).toEqual(historyTablesOf(manifestOf('s2', 2)));
    expect(existsSync(lakePaths(lake).lock)).toBe(false);
  });

  test('--to a named snapshot, forwards or backwards; the current one is refused', () => {
    const lake = lakeWith(3);
    expect(rollbackLake(lake, 's1')).toEqual({ from: 's3', to: 's1' });
    expect(rollbackLake(lake, 's3')).toEqual({ from: 's1', to: 's3' });
    expect(caught(() => rollbackLake(lake, 's3'))).toMatchObject({ reason: 'snapshot_current' });
  });

  test('an unknown id lists the available ones; an id that is a path is refused before anything is read', () => {
    const lake = lakeWith(2);
    const before = rootManifestText(lake);
    const unknown = caught(() => rollbackLake(lake, 'nope'));
    expect(unknown.reason).toBe('snapshot_not_found');
    expect(unknown.message).toContain('available: s2, s1');
    for (const bad of ['../x', '../../etc', 's1/..', '']) expect(caught(() => rollbackLake(lake, bad))).toMatchObject({ reason: 'invalid_id' });
    expect(rootManifestText(lake)).toBe(before);
    expect(readHistory(lake)).toEqual([]);
  });

  test('waits for no one: a running export refuses the rollback', () => {
    const lake = lakeWith(2);
    const lock = acquireExportLock(lake, 'export');
    expect(caught(() => rollbackLake(lake))).toMatchObject({ reason: 'export_running' });
    lock.release();
    expect(rollbackLake(lake).to).toBe('s1');
  });
});

/** Runs the CLI in-process and collects what it writes. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const saved = { ...process.env };
  Object.assign(process.env, { LANG: 'en_US.UTF-8', SNAQ_LANG: '', LC_ALL: '' }, env);
  try {
    const code = await main(['node', 'snaq', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.env = saved;
    out.mockRestore();
    err.mockRestore();
  }
}

describe('snaq lake status and rollback', () => {
  const HOUR = 3_600_000;

  test('status: the current snapshot, the recent runs newest first, attainment per table ("—" before any publish)', async () => {
    const lake = lakeWith(1);
    const now = Date.now();
    appendHistory(lake, { at: new Date(now - 30 * HOUR).toISOString(), kind: 'export', runId: 'r0', outcome: 'failed', error: 'The source went away.' });
    const before = await cli(['lake', 'status', '--lake', lake]);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`Lake ${lake} · current snapshot s1`);
    expect(before.stdout).toMatch(/│ users\s+│\s+26 h │ 2026-11-02 09:00 JST │\s+— │/);

    // users' snapshot is 10 h old at this publish; every other table's is 40 days old.
    const tables = historyTablesOf(manifestOf('s1', 1));
    for (const t of LAKE_TABLES) tables[t]!.snapshotAt = new Date(now - (t === 'users' ? 10 * HOUR : 40 * DAY)).toISOString();
    appendHistory(lake, {
      at: new Date(now - 10 * HOUR).toISOString(),
      kind: 'export',
      runId: 'r1',
      outcome: 'published',
      snapshotId: 's1',
      tables,
      quality: { passed: true, report: 'quality/r1.json' },
    });
    appendHistory(lake, {
      at: new Date(now - 2 * HOUR).toISOString(),
      kind: 'export',
      runId: 'r2',
      outcome: 'refused',
      snapshotId: 's2',
      quality: { passed: false, report: 'quality/r2.json' },
    });
    const { code, stdout } = await cli(['lake', 'status', '--lake', lake]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const refused = lines.findIndex((line) => line.includes('refused by the gate'));
    const published = lines.findIndex((line) => line.includes('quality/r1.json'));
    expect(refused).toBeGreaterThan(0);
    expect(published).toBeGreaterThan(refused); // newest first
    expect(lines[refused]).toContain('failed · quality/r2.json');
    expect(lines[published]).toContain('passed · quality/r1.json');
    expect(stdout).toContain('The source went away.');
    // The window starts at the first publish's hour (a young lake): users met every hour since, the rest none.
    expect(stdout).toMatch(/│ users\s+│\s+26 h │ .* JST │\s+100\.0% \((1[01])\/\1 h\) │/);
    expect(stdout).toMatch(/│ boxes\s+│\s+26 h │ 2026-11-02 09:00 JST │\s+0\.0% \(0\/1[01] h\) │/);
    expect(stdout).toMatch(/│ products\s+│\s+170 h │ .* JST │\s+0\.0% \(0\/1[01] h\) │/);

    const json = await cli(['lake', 'status', '--lake', lake, '--format', 'json']);
    const status = checkedTable(json.stdout);
    expect(status.meta).toMatchObject({ lake, syntheticHistory: false, current: { snapshotId: 's1', generatedAt: manifestOf('s1', 1).generatedAt } });
    expect(rolesOf(status)).toEqual([
      ['table', 'dimension'],
      ['sloHours', 'value'],
      ['servedSnapshotAt', 'dimension'],
      ['attainment30d', 'value'],
      ['hoursMet', 'value'],
      ['hours', 'value'],
    ]);
    expect(status.columns.find((column) => column.name === 'attainment30d')!.unit).toBe('ratio');
    const tablesJson = recordsOf(status);
    expect(tablesJson.map((t) => t.table)).toEqual([...LAKE_TABLES]);
    expect(tablesJson.find((t) => t.table === 'users')).toMatchObject({ sloHours: 26, attainment30d: 1 });
    // The recent runs are a table of their own under meta, newest first.
    const recent = checkedTable(JSON.stringify(status.meta.recent));
    expect(recordsOf(recent).map((entry) => [entry.runId, entry.outcome, entry.qualityPassed, entry.error])).toEqual([
      ['r2', 'refused', false, null],
      ['r1', 'published', true, null],
      ['r0', 'failed', null, 'The source went away.'],
    ]);

    const ja = await cli(['lake', 'status', '--lake', lake], { LANG: 'ja_JP.UTF-8' });
    expect(ja.stdout).toContain('現在のスナップショット s1');
    expect(ja.stdout).toContain('品質ゲートで拒否');
    expect(ja.stdout).toContain('SLO 達成率（30 日）');
  });

  test('status agrees with lakeStatus at a fixed instant', () => {
    const lake = lakeWith(1);
    const served = manifestOf('s1', 1);
    appendHistory(lake, { at: served.generatedAt, kind: 'export', runId: 'r1', outcome: 'published', snapshotId: 's1', tables: historyTablesOf(served) });
    // Published at 2026-11-02 00:01, snapshot of 00:00; status 3 days later: 72 hours since the publish's
    // hour, of which users met the first 26 and products (170 h) all.
    const status = lakeStatus(lake, new Date(T0 + 4 * DAY));
    expect(status.tables.find((t) => t.table === 'users')).toEqual({
      table: 'users',
      sloHours: 26,
      servedSnapshotAt: served.tables.users!.snapshotAt,
      attainment30d: 26 / 72,
      hoursMet: 26,
      hours: 72,
    });
    expect(status.tables.find((t) => t.table === 'products')).toMatchObject({ sloHours: 170, attainment30d: 1, hours: 72 });
    expect(status.recent.map((entry) => entry.runId)).toEqual(['r1']);
  });

  test('a path that is no lake: one line, exit 1', async () => {
    const { code, stderr } = await cli(['lake', 'status', '--lake', join(root, 'no-such-lake')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^snaq: No lake at .*no-such-lake/);
    expect(stderr.split('\n')).toHaveLength(2);
  });

  test('rollback prints one line in the reader language; errors are one line too', async () => {
    const lake = lakeWith(3);
    const en = await cli(['lake', 'rollback', '--lake', lake]);
    expect(en).toEqual({
      code: 0,
      stderr: '',
      stdout: `Rolled ${lake} back from snapshot s3 to s2; a running service answers from s2 from its next query, without a restart.\n`,
    });
    const ja = await cli(['lake', 'rollback', '--lake', lake, '--to', 's3'], { LANG: 'ja_JP.UTF-8' });
    expect(ja.stdout).toBe(`${lake} をスナップショット s2 から s3 に戻しました。動いているサービスは再起動なしで次のクエリから s3 を返します。\n`);
    const bad = await cli(['lake', 'rollback', '--lake', lake, '--to', '../x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^snaq: "\.\.\/x" is not a valid snapshot id/);
    const unknown = await cli(['lake', 'rollback', '--lake', lake, '--to', 'zz'], { LANG: 'ja_JP.UTF-8' });
    expect(unknown.stderr).toBe('snaq: スナップショット zz はありません。選べるのは s3, s2, s1 です。\n');
  });
});

describe('the running engine follows the lake', () => {
  let lake: string;
  let engine: DuckDbEngine;
  let snapshotA: LakeManifest;
  let boxesA: number;
  const options = { timeoutMs: 60_000, maxRows: 1_000 };
  const countBoxes = async () => {
    const result = await engine.execute({ sql: 'SELECT count(*) AS n FROM boxes', params: [] }, options);
    return { n: Number(result.rows[0]![0]), snapshotId: result.snapshotId };
  };

  /** Snapshot B: A's files, with every other box dropped (DuckDB rewrites boxes' Parquet). */
  async function publishHalfTheBoxes(id: string, lock: ExportLock): Promise<LakeManifest> {
    const staging = prepareStaging(lake, lock, newRunId());
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    let rows = 0;
    try {
      for (const t of LAKE_TABLES) {
        const from = join(lake, snapshotA.tables[t]!.path);
        if (t !== 'boxes') {
          cpSync(from, join(staging, t), { recursive: true });
          continue;
        }
        mkdirSync(join(staging, t));
        const written = await db.runAndReadAll(
          `COPY (SELECT * FROM read_parquet('${join(from, '*.parquet')}') WHERE box_id % 2 = 0) TO '${join(staging, t, 'data.parquet')}' (FORMAT parquet)`,
        );
        rows = Number(written.getRows()[0]![0]);
      }
    } finally {
      db.closeSync();
      instance.closeSync();
    }
    const { generator: _, ...rest } = snapshotA;
    const manifest: LakeManifest = {
      ...rest,
      snapshotId: id,
      generatedAt: new Date(Date.parse(snapshotA.generatedAt) + 60_000).toISOString(),
      tables: Object.fromEntries(
        LAKE_TABLES.map((t) => [t, { ...snapshotA.tables[t], path: snapshotTablePath(id, t), ...(t === 'boxes' ? { rows } : {}) }]),
      ) as LakeManifest['tables'],
    };
    publishSnapshot(lake, lock, { stagingDir: staging, manifest, cursors: { boxes: id } });
    return manifest;
  }

  beforeAll(async () => {
    lake = newLakeDir();
    snapshotA = (await generateLake({ outDir: lake, scale: 0.02, asOf: new Date('2026-11-01T00:00:00Z') })).manifest;
    engine = await DuckDbEngine.open({ lakeDir: lake, connections: 2 });
    boxesA = (await countBoxes()).n;
    expect(boxesA).toBeGreaterThan(100);
  }, 60_000);
  afterAll(() => engine?.close());

  test('a publish is answered from the next query; a query running across it finishes on the old snapshot; a rollback brings it back', async () => {
    expect(await countBoxes()).toEqual({ n: boxesA, snapshotId: snapshotA.snapshotId });
    // A query that takes a while, bound to snapshot A before the publish.
    const finished: string[] = [];
    const long = engine
      .execute({ sql: 'SELECT (SELECT count(*) FROM boxes) AS n, sum(hash(r.range) % 7) AS work FROM range(50000000) r', params: [] }, options)
      .then((result) => {
        finished.push('long');
        return result;
      });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const lock = acquireExportLock(lake, 'export');
    const b = await publishHalfTheBoxes('snapshot-B', lock);
    lock.release();

    const after = await countBoxes();
    finished.push('quick');
    expect(after).toEqual({ n: b.tables.boxes!.rows, snapshotId: 'snapshot-B' });
    expect(after.n).toBeLessThan(boxesA);
    expect((await engine.snapshot()).snapshotId).toBe('snapshot-B');

    const longResult = await long;
    expect(finished).toEqual(['quick', 'long']); // it really ran across the swap
    expect(Number(longResult.rows[0]![0])).toBe(boxesA);
    expect(longResult.snapshotId).toBeNull(); // it cannot vouch for which snapshot it read: not cached

    expect(rollbackLake(lake)).toEqual({ from: 'snapshot-B', to: snapshotA.snapshotId });
    expect(await countBoxes()).toEqual({ n: boxesA, snapshotId: snapshotA.snapshotId });
    expect((await engine.snapshot()).snapshotId).toBe(snapshotA.snapshotId);
    expect(rollbackLake(lake, 'snapshot-B').to).toBe('snapshot-B');
    expect((await countBoxes()).n).toBe(b.tables.boxes!.rows);
  }, 60_000);

  test('concurrent queries wait for one swap and all see the new snapshot', async () => {
    const lock = acquireExportLock(lake, 'export');
    const c = await publishHalfTheBoxes('snapshot-C', lock);
    lock.release();
    const answers = await Promise.all(Array.from({ length: 6 }, () => countBoxes()));
    expect(answers).toEqual(Array(6).fill({ n: c.tables.boxes!.rows, snapshotId: 'snapshot-C' }));
  }, 60_000);

  test('the service caches a result only when the engine vouches it came from the snapshot its key names', async () => {
    class Relabelled extends CountingEngine {
      answeredFrom: string | null | undefined;
      override async execute(...args: Parameters<CountingEngine['execute']>) {
        const result = await super.execute(...args);
        return this.answeredFrom === undefined ? result : { ...result, snapshotId: this.answeredFrom };
      }
    }
    const counting = new Relabelled(engine);
    const service = new MetricsService(loadCatalog(), counting);
    const ask = (to: string) => service.query({ metric: 'box_revenue', from: '2025-01-01', to, grain: 'month' }, 'test');
    await ask('2025-03-01');
    await ask('2025-03-01');
    expect(counting.executions).toBe(1); // the engine said: the snapshot of the key
    for (const answeredFrom of ['another-snapshot', null]) {
      counting.answeredFrom = answeredFrom;
      const to = answeredFrom ? '2025-04-01' : '2025-05-01';
      const before = counting.executions;
      expect((await ask(to)).status).toBe(200);
      expect((await ask(to)).status).toBe(200);
      expect(counting.executions).toBe(before + 2); // answered both times, cached neither
    }
  });

  test('a broken root manifest: queries go on from the last good snapshot, snapshot() and health report it', async () => {
    const good = rootManifestText(lake);
    const served = await countBoxes();
    writeFileSync(lakePaths(lake).manifest, '{"schemaVersion": 2, "snapsh');
    try {
      expect(await countBoxes()).toEqual(served);
      await expect(engine.snapshot()).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE', details: { reason: 'lake_manifest_invalid' } });
      expect((await engine.health()).lakeFault).toMatchObject({ reason: 'lake_manifest_invalid' });
    } finally {
      writeFileSync(lakePaths(lake).manifest, good);
    }
    expect(await countBoxes()).toEqual(served);
  });

  test('a new snapshot whose files cannot be read: the old views keep serving, health names the table', async () => {
    const served = await countBoxes();
    const lock = acquireExportLock(lake, 'export');
    const broken = await publishHalfTheBoxes('snapshot-D', lock);
    lock.release();
    for (const file of readdirSync(join(lake, broken.tables.products!.path))) rmSync(join(lake, broken.tables.products!.path, file));
    // Published before the engine looked: the swap fails, so the views stay on the last good snapshot.
    expect(await countBoxes()).toEqual(served);
    expect((await engine.health()).lakeFault).toMatchObject({ reason: 'lake_unreadable', detail: expect.stringContaining('products') });
  });
});
