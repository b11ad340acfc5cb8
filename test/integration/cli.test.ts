/** The `snaq` command as a person runs it: real processes, real output, real exit codes. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestLake, tableDir, type TestLake } from '../support/lake';
import { checkedTable, recordsOf, rolesOf } from '../support/cliTable';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'snaq.js');

function snaq(args: string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string; timeoutMs?: number } = {}) {
  const merged: NodeJS.ProcessEnv = { ...process.env, LANG: 'en_US.UTF-8', ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: merged, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every entry under `dir` with its size, mtime and (for files) content: any change shows. */
function fingerprint(dir: string): string[] {
  if (!existsSync(dir)) return ['(absent)'];
  const stat = statSync(dir);
  if (!stat.isDirectory()) return [`file ${stat.size} ${stat.mtimeMs} ${readFileSync(dir, 'base64')}`];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((entry) => {
      const full = path.join(dir, entry);
      const info = statSync(full);
      return info.isDirectory() ? `${entry}/ ${info.mtimeMs}` : `${entry} ${info.size} ${info.mtimeMs} ${readFileSync(full, 'base64').slice(0, 4096)}`;
    });
}

/** A port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let lake: TestLake;
beforeAll(async () => {
  lake = await createTestLake({ scale: 0.1 });
});
afterAll(() => lake.remove());

describe('snaq query (in-process)', () => {
  const base = ['query', 'revenue', '--from', '2024-01-01', '--to', '2025-01-01', '--grain', 'month'];

  test('prints a table with yen amounts and a footer', () => {
    const { code, stdout } = snaq([...base, '--lake', lake.dir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Period\s+│\s+Revenue \(boxes \+ shop\)/);
    expect(stdout).toMatch(/2024-12-01 │\s+¥[\d,]+/);
    expect(stdout).toMatch(/12 rows · data as of 2026-11-01 09:00 JST/);
  });

  test('a range past the data prints empty periods, not ¥0, and names the partial one', () => {
    const { code, stdout } = snaq(['query', 'revenue', '--from', '2026-09-01', '--to', '2027-01-01', '--grain', 'month', '--lake', lake.dir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/2026-12-01 │\s+—/);
    expect(stdout).not.toMatch(/2026-12-01 │\s+¥0/);
    expect(stdout).toMatch(/2026-11-01 is partial \(data up to 2026-11-01 09:00 JST\)/);
    const ja = snaq(['query', 'revenue', '--from', '2026-09-01', '--to', '2027-01-01', '--grain', 'month', '--lake', lake.dir], { LANG: 'ja_JP.UTF-8' });
    expect(ja.stdout).toContain('2026-11-01 は途中までの値（データは 2026-11-01 09:00 JST まで）');
  });

  test('prints Japanese headers when the locale is Japanese', () => {
    const { stdout } = snaq([...base, '--lake', lake.dir], { LANG: 'ja_JP.UTF-8' });
    expect(stdout).toContain('売上（定期便＋ショップ）');
    expect(stdout).toContain('12 行');
  });

  test('errors are Japanese when the locale is Japanese', () => {
    const { code, stderr } = snaq(['query', 'revnue', '--from', '2024-01-01', '--to', '2025-01-01', '--lake', lake.dir], { LANG: 'ja_JP.UTF-8' });
    expect(code).toBe(1);
    expect(stderr).toBe('snaq: UNKNOWN_METRIC: 指標 "revnue" はありません。もしかして "revenue"?\n');
  });

  test('csv and json carry raw typed values', () => {
    const csv = snaq([...base, '--lake', lake.dir, '--format', 'csv'])
      .stdout.trim()
      .split('\n');
    expect(csv[0]).toBe('period,value');
    expect(csv).toHaveLength(13);
    expect(csv[1]).toMatch(/^2024-01-01,\d+$/);
    const json = checkedTable(snaq([...base, '--lake', lake.dir, '--format', 'json']).stdout);
    expect(json.rows).toHaveLength(12);
    expect(typeof json.rows[0]![1]).toBe('number');
    // The API's columns, kept: names, types, roles, titles and the unit.
    expect(json.columns).toEqual([
      { name: 'period', type: 'date', role: 'period', title: { ja: '期間', en: 'Period' } },
      { name: 'value', type: 'number', role: 'value', title: { ja: '売上（定期便＋ショップ）', en: 'Revenue (boxes + shop)' }, unit: 'JPY' },
    ]);
    expect(json.meta).toMatchObject({ metric: 'revenue', engine: 'duckdb' });
  });

  test('--dim and repeated --filter build the request', () => {
    const { code, stdout } = snaq([
      'query',
      'box_revenue',
      '--from',
      '2024-01-01',
      '--to',
      '2024-04-01',
      '--dim',
      'plan',
      '--filter',
      'acquisition_channel=organic',
      '--filter',
      'acquisition_channel=instagram',
      '--format',
      'csv',
      '--lake',
      lake.dir,
    ]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('plan,value');
    expect(
      lines
        .slice(1)
        .map((line) => line.split(',')[0])
        .sort(),
    ).toEqual(['biweekly', 'every4weeks']);
  });

  test('--explain prints the compiled SQL for either dialect without running it', () => {
    const trino = snaq([...base, '--explain', 'trino']);
    expect(trino.code).toBe(0);
    expect(trino.stdout).toContain("UNNEST(sequence(DATE '2024-01-01', DATE '2024-12-01', INTERVAL '1' MONTH))");
  });

  test.each([
    [['query', 'revnue', '--from', '2024-01-01', '--to', '2025-01-01'], /^snaq: UNKNOWN_METRIC: There is no metric "revnue"\. Did you mean "revenue"\?\n$/],
    [['query', 'revenue', '--from', '2024-02-30', '--to', '2025-01-01'], /^snaq: INVALID_ARGUMENT: Field "from" must be a real date as YYYY-MM-DD\.\n$/],
    [['query', 'revenue', '--from', '2024-01-01', '--to', '2025-01-01', '--dim', 'email'], /^snaq: FORBIDDEN: "email" is personal data/],
    [['query', 'revenue', '--from', '2024-01-01', '--to', '2025-01-01', '--filter', 'nonsense'], /^snaq: --filter takes name=value/],
  ])('an error is one line and a non-zero exit: %j', (args, message) => {
    const { code, stdout, stderr } = snaq([...args, '--lake', lake.dir]);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('the lake is never replaced or faked (issue 10, item 0)', () => {
  const query = ['query', 'revenue', '--from', '2024-01-01', '--to', '2025-01-01', '--grain', 'month', '--format', 'csv'];
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'snaq-lake-safety-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  /** A copy of the test lake as an export writes it: the same data, a manifest without `generator`. */
  function exportedLake(): string {
    const dir = path.join(home, 'exported');
    cpSync(lake.dir, dir, { recursive: true });
    const { generator: _, ...manifest } = lake.manifest;
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, snapshotId: 'export-0001' }, null, 2));
    return dir;
  }

  function expectOneLineError(result: ReturnType<typeof snaq>, pattern: RegExp): void {
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull(); // null: the command did not stop on its own
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  }

  test('a lake whose manifest has no generator is served as it is, and nothing in it changes', () => {
    const dir = exportedLake();
    const before = fingerprint(dir);
    const served = snaq([...query, '--lake', dir]);
    expect(served.stderr).toBe('');
    expect(served.code).toBe(0);
    expect(served.stdout).toBe(snaq([...query, '--lake', lake.dir]).stdout);
    expect(fingerprint(dir)).toEqual(before);
    expect(readdirSync(home)).toEqual(['exported']);
  });

  test('a manifest that does not parse stops query and serve with one line naming it; nothing changes', () => {
    const dir = exportedLake();
    const manifest = path.join(dir, 'manifest.json');
    writeFileSync(manifest, '{ "schemaVersion": 1, ');
    const before = fingerprint(dir);
    const problem = new RegExp(`^snaq: .*${manifest.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*not valid JSON`);
    expectOneLineError(snaq([...query, '--lake', dir]), problem);
    expectOneLineError(snaq(query, { SNAQ_LAKE_DIR: dir }), problem);
    expectOneLineError(snaq(['serve', '--lake', dir], { PORT: '0', SNAQ_WORKBENCH: '0' }, { timeoutMs: 30_000 }), problem);
    expect(fingerprint(dir)).toEqual(before);
    expect(readdirSync(home)).toEqual(['exported']);
  }, 120_000);

  test('a SNAQ_LAKE_DIR or --lake that names nothing is an error, and nothing is created', () => {
    const typo = path.join(home, 'lakee');
    const missing = /^snaq: No lake at .*lakee: .*lakee\/manifest\.json is missing/;
    expectOneLineError(snaq(query, { SNAQ_LAKE_DIR: typo }), missing);
    expectOneLineError(snaq([...query, '--lake', typo]), missing);
    expectOneLineError(snaq(['serve'], { SNAQ_LAKE_DIR: typo, PORT: '0', SNAQ_WORKBENCH: '0' }, { timeoutMs: 30_000 }), missing);
    expectOneLineError(snaq(['anomalies', 'revenue', '--from', '2024-01-01', '--to', '2025-01-01', '--grain', 'month', '--lake', typo]), missing);
    expect(readdirSync(home)).toEqual([]);
  }, 120_000);

  test('the lake errors are Japanese when the locale is', () => {
    const typo = path.join(home, 'lakee');
    const { code, stderr } = snaq([...query, '--lake', typo], { LANG: 'ja_JP.UTF-8' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^snaq: .*lakee にレイク（データ）がありません/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a folder that is there but holds other things is never used nor written, even at the default location', () => {
    const defaultLake = path.join(home, '.snaq', 'lake');
    mkdirSync(defaultLake, { recursive: true });
    writeFileSync(path.join(defaultLake, 'notes.txt'), 'mine');
    const before = fingerprint(path.join(home, '.snaq'));
    expectOneLineError(snaq(query, { SNAQ_LAKE_DIR: undefined }, { cwd: home }), /^snaq: .*\.snaq\/lake holds no manifest\.json/);
    expect(fingerprint(path.join(home, '.snaq'))).toEqual(before);
  });

  /** A copy of the test lake as a sample of the contract before pseudonyms: its manifest has no key fingerprint. */
  function oldContractSample(dir: string): string {
    cpSync(lake.dir, dir, { recursive: true });
    const { pseudonymKeyFingerprint: _, ...manifest } = lake.manifest;
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, snapshotId: 'old-sample' }, null, 2));
    return dir;
  }

  test('a sample of an older lake contract at the default location is regenerated in place, and says so', () => {
    const dir = oldContractSample(path.join(home, '.snaq', 'lake'));
    const served = snaq(query, { SNAQ_LAKE_DIR: undefined }, { cwd: home, timeoutMs: 120_000 });
    expect(served.code).toBe(0);
    expect(served.stderr).toMatch(/older lake contract.*regenerating it in place/);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.snapshotId).not.toBe('old-sample');
    expect(manifest.pseudonymKeyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(manifest.generator).toMatchObject({ seed: lake.manifest.generator!.seed, scale: lake.manifest.generator!.scale });
  }, 120_000);

  test('a sample of an older lake contract that was named is never rewritten: one line says how to regenerate it', () => {
    const dir = oldContractSample(path.join(home, 'mine'));
    const before = fingerprint(dir);
    expectOneLineError(snaq([...query, '--lake', dir]), /^snaq: .*mine.* older lake contract.*snaq lake generate/);
    expect(fingerprint(dir)).toEqual(before);
  });

  test('lake generate refuses to replace a lake that is not a sample unless --force, and then keeps it aside', () => {
    const dir = exportedLake();
    const before = fingerprint(dir);
    const generate = ['lake', 'generate', '--scale', '0.02', '--seed', '3', '--out', dir, '--as-of', '2025-06-01T00:00:00Z'];
    expectOneLineError(snaq(generate), /^snaq: Refusing to replace .*exported: its manifest names no generator.*--force/);
    expect(fingerprint(dir)).toEqual(before);
    expect(readdirSync(home)).toEqual(['exported']);

    const forced = snaq([...generate, '--force']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).generator).toEqual({ seed: 3, scale: 0.02, asOf: '2025-06-01T00:00:00.000Z' });
    const kept = readdirSync(home).filter((name) => name !== 'exported');
    expect(kept).toHaveLength(1);
    expect(forced.stdout).toContain(path.join(home, kept[0]!));
    expect(fingerprint(path.join(home, kept[0]!)).map((line) => line.split(' ')[0])).toEqual(before.map((line) => line.split(' ')[0]));
    expect(readFileSync(path.join(home, kept[0]!, 'manifest.json'), 'utf8')).toContain('export-0001');
  }, 120_000);

  test('lake generate never replaces a folder that is not a lake, nor a file, even with --force', () => {
    const folder = path.join(home, 'photos');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'cat.jpg'), 'meow');
    const file = path.join(home, 'lake.txt');
    writeFileSync(file, 'not a folder');
    const before = fingerprint(home);
    for (const force of [[], ['--force']]) {
      expectOneLineError(
        snaq(['lake', 'generate', '--scale', '0.02', '--out', folder, ...force]),
        /^snaq: Refusing to replace .*photos: it is not empty and holds no manifest\.json/,
      );
      expectOneLineError(
        snaq(['lake', 'generate', '--scale', '0.02', '--out', file, ...force]),
        /^snaq: Refusing to replace .*lake\.txt: it is a file, not a folder/,
      );
    }
    expect(fingerprint(home)).toEqual(before);
  });
});

describe('snaq query: errors a person can act on (issue 10, item 10)', () => {
  const base = ['query', 'revenue', '--from', '2024-01-01', '--to', '2025-01-01'];

  test('--filter __proto__=x is an unknown filter like any other, in one line', () => {
    for (const url of [[], ['--explain']]) {
      const { code, stdout, stderr } = snaq([...base, '--filter', '__proto__=x', '--lake', lake.dir, ...url]);
      expect(stderr).toMatch(/^snaq: INVALID_ARGUMENT: /);
      expect(stderr).not.toMatch(/TypeError|is not a function/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stdout).toBe('');
      expect(code).toBe(1);
    }
  });

  test('--url at a closed port names the URL and "connection refused"', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const en = snaq([...base, '--url', url]);
    expect(en.code).toBe(1);
    expect(en.stderr).toBe(`snaq: Cannot reach ${url}/v1/query: connection refused (nothing listens there; is the server running?).\n`);
    const ja = snaq([...base, '--url', url], { LANG: 'ja_JP.UTF-8' });
    expect(ja.code).toBe(1);
    expect(ja.stderr).toBe(`snaq: ${url}/v1/query に接続できません: 接続を拒否されました（サーバーは起動していますか？）。\n`);
  });

  test('--url with another protocol, or a host that does not resolve, names the URL and the cause', () => {
    const ftp = snaq([...base, '--url', 'ftp://127.0.0.1:8787']);
    expect(ftp.code).toBe(1);
    expect(ftp.stderr).toBe('snaq: --url must start with http:// or https://, not "ftp://127.0.0.1:8787".\n');
    const metrics = snaq(['metrics', '--url', 'ftp://127.0.0.1:8787'], { LANG: 'ja_JP.UTF-8' });
    expect(metrics.stderr).toBe('snaq: --url は http:// か https:// で始めてください（"ftp://127.0.0.1:8787" は使えません）。\n');
    const dns = snaq([...base, '--url', 'http://snaq-metrics.invalid']);
    expect(dns.code).toBe(1);
    expect(dns.stderr).toMatch(
      /^snaq: Cannot reach http:\/\/snaq-metrics\.invalid\/v1\/query: the host name "snaq-metrics\.invalid" (does not resolve|could not be looked up).*\n$/,
    );
    expect(dns.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('snaq metrics', () => {
  test('lists the catalog', () => {
    const { code, stdout } = snaq(['metrics', '--format', 'json']);
    expect(code).toBe(0);
    const table = checkedTable(stdout);
    expect(table.rows.length).toBeGreaterThanOrEqual(12);
    expect(rolesOf(table).filter(([, role]) => role === 'value')).toEqual([['version', 'value']]);
    expect(recordsOf(table).find((metric) => metric.name === 'revenue')).toMatchObject({
      title_ja: '売上（定期便＋ショップ）',
      title_en: 'Revenue (boxes + shop)',
      unit: 'JPY',
      grains: 'day,week,month,quarter,year',
      owner: 'finance',
      status: 'active',
      replacedBy: null,
      version: 2,
    });
    expect(table.meta.generatedAt).toMatch(/Z$/);
    expect(snaq(['metrics', '--search', 'churn']).stdout).toContain('churn_rate');
  });
});

describe('snaq forecast', () => {
  test('forecasts a CSV series and finds its yearly season', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'snaq-forecast-'));
    const file = path.join(dir, 'series.csv');
    const lines = ['period,value', ...Array.from({ length: 48 }, (_, i) => `m${i},${(100 + i * 2 + 20 * Math.sin((i * Math.PI) / 6)).toFixed(2)}`)];
    writeFileSync(file, lines.join('\n'));
    try {
      const { code, stdout, stderr } = snaq(['forecast', '--csv', file, '--horizon', '3', '--format', 'json']);
      expect(code).toBe(0);
      const result = checkedTable(stdout);
      expect(result.meta.model.seasonLength).toBe(12);
      expect(result.rows).toHaveLength(51);
      const next = 100 + 48 * 2 + 20 * Math.sin((48 * Math.PI) / 6);
      expect(Math.abs((result.rows[48]![2] as number) - next)).toBeLessThan(5);
      // Periods that are not dates: the future rows are counted, and one line says why.
      expect(result.rows.slice(48).map((row) => row[0])).toEqual(['+1', '+2', '+3']);
      expect(result.columns[0]).toMatchObject({ name: 'period', type: 'string', role: 'period' });
      expect(result.meta.cadence).toBeNull();
      expect(stderr).toBe('The period "m0" is not a date (YYYY-MM-DD or YYYY-MM), so the forecast rows are labelled +1, +2, …\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A CSV of the given periods with a gently rising value, forecast `horizon` ahead as JSON. */
  function forecastCsv(periods: string[], horizon: number, env: NodeJS.ProcessEnv = {}) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'snaq-cadence-'));
    const file = path.join(dir, 'series.csv');
    writeFileSync(file, ['period,value', ...periods.map((period, i) => `${period},${100 + i + (i % 3)}`)].join('\n'));
    try {
      const run = snaq(['forecast', '--csv', file, '--horizon', String(horizon), '--format', 'json'], env);
      expect(run.code).toBe(0);
      const table = checkedTable(run.stdout);
      return { table, future: table.rows.slice(periods.length).map((row) => row[0]), stderr: run.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('a CSV of month ends goes on at month ends, typed as dates, with the roles of a forecast', () => {
    const monthEnds = ['2023-09-30', '2023-10-31', '2023-11-30', '2023-12-31', '2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30'];
    const { table, future, stderr } = forecastCsv(monthEnds, 3);
    expect(future).toEqual(['2024-05-31', '2024-06-30', '2024-07-31']);
    expect(stderr).toBe('');
    expect(table.meta.cadence).toBe('month');
    expect(table.meta.interval).toBe(0.8);
    expect(rolesOf(table)).toEqual([
      ['period', 'period'],
      ['actual', 'actual'],
      ['forecast', 'forecast'],
      ['lower', 'lower'],
      ['upper', 'upper'],
    ]);
    expect(table.columns[0]!.type).toBe('date');
    // History rows have only the actual; future rows only the forecast and its interval.
    const records = recordsOf(table);
    expect(records.slice(0, 8).every((row) => typeof row.actual === 'number' && row.forecast === null)).toBe(true);
    expect(records.slice(8).every((row) => row.actual === null && row.lower <= row.forecast && row.forecast <= row.upper)).toBe(true);
  });

  test('daily and weekly CSVs continue their step; an irregular one keeps +n and says where it breaks, in Japanese too', () => {
    expect(forecastCsv(['2024-02-26', '2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01'], 2).future).toEqual(['2024-03-02', '2024-03-03']);
    const weekly = forecastCsv(['2024-12-16', '2024-12-23', '2024-12-30', '2025-01-06'], 2);
    expect([weekly.future, weekly.table.meta.cadence]).toEqual([['2025-01-13', '2025-01-20'], 'week']);
    const yearMonths = forecastCsv(['2024-10', '2024-11', '2024-12'], 2);
    expect([yearMonths.future, yearMonths.table.columns[0]!.type, yearMonths.stderr]).toEqual([['2025-01', '2025-02'], 'string', '']);
    const gap = ['2024-01-01', '2024-02-01', '2024-04-01', '2024-05-01', '2024-06-01'];
    const irregular = forecastCsv(gap, 2);
    expect(irregular.future).toEqual(['+1', '+2']);
    expect(irregular.stderr).toBe(
      'The periods are not one day, week, month, quarter or year apart (2024-02-01 → 2024-04-01), so the forecast rows are labelled +1, +2, …\n',
    );
    expect(forecastCsv(gap, 1, { LANG: 'ja_JP.UTF-8' }).stderr).toBe(
      '期間の間隔が日・週・月・四半期・年のどれでもないため（2024-02-01 → 2024-04-01）、予測の行は +1, +2, … と表示します。\n',
    );
  });

  test('refuses a horizon out of range in one line', () => {
    const { code, stderr } = snaq([
      'forecast',
      '--metric',
      'revenue',
      '--from',
      '2022-01-01',
      '--to',
      '2025-01-01',
      '--grain',
      'month',
      '--horizon',
      '200',
      '--lake',
      lake.dir,
    ]);
    expect(code).toBe(1);
    expect(stderr).toBe('snaq: INVALID_ARGUMENT: Field "horizon" must be at most 104.\n');
  });

  test('forecasts a filtered metric: the history is the filtered series', () => {
    const args = [
      'forecast',
      '--metric',
      'box_revenue',
      '--from',
      '2024-01-01',
      '--to',
      '2025-01-01',
      '--grain',
      'month',
      '--horizon',
      '2',
      '--format',
      'json',
      '--lake',
      lake.dir,
    ];
    const all = checkedTable(snaq(args).stdout);
    const biweekly = checkedTable(snaq([...args, '--filter', 'plan=biweekly']).stdout);
    expect(biweekly.rows).toHaveLength(14);
    for (let i = 0; i < 12; i++) expect(biweekly.rows[i]![1]).toBeLessThan(all.rows[i]![1] as number);
    // The service's columns with their roles; what the service says besides is under meta.
    expect(rolesOf(all)).toEqual([
      ['period', 'period'],
      ['actual', 'actual'],
      ['forecast', 'forecast'],
      ['lower', 'lower'],
      ['upper', 'upper'],
    ]);
    expect(all.columns.slice(1).every((column) => column.unit === 'JPY')).toBe(true);
    expect(all.rows.slice(12).map((row) => row[0])).toEqual(['2025-01-01', '2025-02-01']);
    expect(all.meta).toMatchObject({ metric: 'box_revenue', interval: 0.8, title: { en: expect.any(String) }, backtest: { folds: expect.any(Number) } });
    expect(all.meta.notes).toEqual(expect.any(Array));
  });
});

describe('snaq anomalies', () => {
  test('reports the unusual periods as JSON, attributed to the dimensions asked for', () => {
    const { code, stdout } = snaq([
      'anomalies',
      'boxes_shipped',
      '--from',
      '2023-01-02',
      '--to',
      '2026-10-26',
      '--grain',
      'week',
      '--dim',
      'plan',
      '--sensitivity',
      'high',
      '--format',
      'json',
      '--lake',
      lake.dir,
    ]);
    expect(code).toBe(0);
    const result = checkedTable(stdout);
    expect(result.meta).toMatchObject({ metric: 'boxes_shipped', grain: 'week', confidence: 0.95 });
    expect(result.meta.periods).toBe(199);
    expect(rolesOf(result)).toEqual([
      ['period', 'period'],
      ['actual', 'actual'],
      ['expected', 'forecast'],
      ['lower', 'lower'],
      ['upper', 'upper'],
      ['score', 'value'],
      ['direction', 'dimension'],
      ['contributors', 'dimension'],
    ]);
    const anomalies = recordsOf(result);
    expect(anomalies.length).toBeGreaterThan(0);
    expect(result.meta.contributors).toHaveLength(anomalies.length);
    anomalies.forEach((anomaly, i) => {
      expect(Math.abs(anomaly.score)).toBeGreaterThan(1.95);
      expect(anomaly.direction).toBe(anomaly.actual >= anomaly.expected ? 'up' : 'down');
      for (const contributor of result.meta.contributors[i]) {
        expect(contributor.dimension).toBe('plan');
        expect(anomaly.contributors).toContain(`plan=${contributor.value}`);
      }
    });
  });

  test('a sensitivity that does not exist is refused by the command line', () => {
    const { code, stderr } = snaq([
      'anomalies',
      'revenue',
      '--from',
      '2024-01-01',
      '--to',
      '2025-01-01',
      '--grain',
      'week',
      '--sensitivity',
      'extreme',
      '--lake',
      lake.dir,
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--sensitivity.*extreme/);
  });
});

describe('snaq lake generate', () => {
  test('writes Parquet folders and a manifest', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'snaq-cli-lake-')), 'lake');
    try {
      const { code, stdout } = snaq(['lake', 'generate', '--scale', '0.02', '--seed', '3', '--out', out, '--as-of', '2025-06-01T00:00:00Z']);
      expect(code).toBe(0);
      expect(stdout).toContain('seed 3, scale 0.02');
      expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
      expect(readdirSync(tableDir(out, 'boxes')).filter((name) => name.endsWith('.parquet')).length).toBeGreaterThan(0);
    } finally {
      rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});

describe('snaq serve (what npm start runs)', () => {
  let child: ChildProcessWithoutNullStreams;
  let stderr = '';
  let stdout = '';
  const home = mkdtempSync(path.join(os.tmpdir(), 'snaq-serve-'));
  // Only the default location (.snaq/lake under the working directory) is ever filled with a sample.
  const lakeDir = path.join(home, '.snaq', 'lake');

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  test('generates the lake on first run, serves signed queries, and stops cleanly on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
    delete env.SNAQ_LAKE_DIR;
    child = spawn(process.execPath, [BIN, 'serve'], { cwd: home, env });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 90_000);
      child.stderr.on('data', () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect(stderr).toContain(`No sample lake at ${lakeDir} yet; generating it`);
    expect(existsSync(path.join(lakeDir, 'manifest.json'))).toBe(true);

    const remote = snaq(['query', 'revenue', '--from', '2024-01-01', '--to', '2025-01-01', '--grain', 'month', '--url', url, '--format', 'csv']);
    expect(remote.code).toBe(0);
    expect(remote.stdout.trim().split('\n')).toHaveLength(13);
    // Over the API the answer's own columns come through as they are.
    const remoteJson = checkedTable(
      snaq(['query', 'revenue', '--from', '2024-01-01', '--to', '2025-01-01', '--grain', 'month', '--url', url, '--format', 'json']).stdout,
    );
    expect(rolesOf(remoteJson)).toEqual([
      ['period', 'period'],
      ['value', 'value'],
    ]);
    expect(remoteJson.rows).toHaveLength(12);
    const remoteMetrics = checkedTable(snaq(['metrics', '--url', url, '--format', 'json']).stdout);
    expect(recordsOf(remoteMetrics).map((metric) => metric.name)).toContain('revenue');
    const wrongKey = snaq(['query', 'revenue', '--from', '2024-01-01', '--to', '2025-01-01', '--url', url], {
      SNAQ_SECRET_ACCESS_KEY: 'wrong',
      SNAQ_ACCESS_KEY_ID: 'AKIDSNAQLOCALDEV0001',
    });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/^snaq: UNAUTHENTICATED: /);

    // spawnSync blocked this process's event loop: let the server's log lines arrive.
    for (let i = 0; i < 50 && !stdout.includes('"status":401'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const logLine = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .find((entry) => entry.route === '/v1/query' && entry.status === 200);
    expect(logLine).toMatchObject({ principal: 'local-developer', metric: 'revenue', cached: false });

    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
    expect(exitCode).toBe(0);
    expect(stderr).toContain('SIGTERM received');
    expect(stderr).toContain('Stopped.');
  }, 120_000);
});
