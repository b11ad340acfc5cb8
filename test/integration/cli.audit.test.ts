/**
 * `snaq audit` as a person runs it, on the files a real `snaq serve` wrote: the server runs as a
 * process with SNAQ_LOG_DIR, is called with an independent SigV4 client, stopped with SIGTERM (its
 * files flushed), and then questioned.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestLake, type TestLake } from '../support/lake';
import { signingClient } from '../support/localApi';
import { AUDIT_LINE_TYPE, isAuditLine, type AuditLine } from '../../src/contract/audit';
import { checkedTable, recordsOf, type ParsedTable } from '../support/cliTable';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'snaq.js');

let lake: TestLake;
let home: string;
let logDir: string;
let child: ChildProcessWithoutNullStreams | undefined;
const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

function snaq(args: string[], env: NodeJS.ProcessEnv = {}) {
  const merged: NodeJS.ProcessEnv = { ...process.env, LANG: 'en_US.UTF-8', SNAQ_LANG: undefined, SNAQ_LOG_DIR: logDir, ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: home, env: merged, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A strict RFC 4180 split (CRLF records; quoted fields may hold commas, quotes and line breaks). */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  const pattern = /("(?:[^"]|"")*"|[^",\r\n]*)(,|\r\n)/gy;
  let record: string[] = [];
  let match: RegExpExecArray | null;
  let end = 0;
  while (end < text.length && (match = pattern.exec(text))) {
    end = pattern.lastIndex;
    const raw = match[1]!;
    record.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw);
    if (match[2] === '\r\n') {
      records.push(record);
      record = [];
    }
  }
  expect(end).toBe(text.length);
  return records;
}

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.1 });
  home = mkdtempSync(path.join(os.tmpdir(), 'snaq-audit-cli-'));
  logDir = path.join(home, 'audit-logs');
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', SNAQ_WORKBENCH: '0', SNAQ_LOG_DIR: logDir };
  child = spawn(process.execPath, [BIN, 'serve', '--lake', lake.dir], { cwd: home, env });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.resume();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 60_000);
    child!.stderr.on('data', () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  expect(stderr).toContain(`Audit trail: ${logDir}`);

  const client = signingClient();
  const post = (route: string, body: unknown) =>
    client.fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
  const query = { metric: 'revenue', from: '2024-01-01', to: '2024-04-01', grain: 'month', filters: { acquisition_channel: ['gift', 'ads'] } };
  expect(await post('/v1/query', query)).toBe(200);
  expect(await post('/v1/query', query)).toBe(200);
  expect(await post('/v1/query', { ...query, dimensions: ['email'] })).toBe(403);
  expect(await post('/v1/forecast', { metric: 'boxes_shipped', from: '2024-01-01', to: '2026-01-01', grain: 'month', horizon: 2 })).toBe(200);
  expect((await client.fetch(`${url}/v1/metrics/avg_rating`)).status).toBe(200);
  expect((await client.fetch(`${url}/v1/health`)).status).toBe(200);

  const exitCode = await new Promise<number | null>((resolve) => {
    child!.once('exit', (code) => resolve(code));
    child!.kill('SIGTERM');
  });
  expect(exitCode).toBe(0);
}, 90_000);

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
  lake.remove();
});

test('the server wrote one audit line per answer to the day file, and nothing else', () => {
  expect(readdirSync(logDir)).toEqual([`audit-${today}.jsonl`]);
  const lines = readFileSync(path.join(logDir, `audit-${today}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((text) => JSON.parse(text));
  expect(lines.map((line) => [line.kind, line.metric, line.status])).toEqual([
    ['query', 'revenue', 200],
    ['query', 'revenue', 200],
    ['query', 'revenue', 403],
    ['forecast', 'boxes_shipped', 200],
    ['metric', 'avg_rating', 200],
  ]);
  for (const line of lines) expect(isAuditLine(line)).toBe(true);
});

test('who pulled revenue: CSV (RFC 4180) with the resolved filters, the cache and the refusal', () => {
  const { code, stdout, stderr } = snaq(['audit', '--metric', 'revenue', '--format', 'csv']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const [header, ...rows] = csvRecords(stdout);
  expect(header).toEqual(['when', 'who', 'kind', 'metric', 'range', 'grain', 'dims', 'filters', 'rows', 'cached', 'status']);
  expect(rows).toHaveLength(3);
  for (const row of rows) {
    expect(row[0]).toMatch(new RegExp(`^${today}T`));
    expect(row.slice(1, 7)).toEqual(['local-developer', 'query', 'revenue v2', '[2024-01-01, 2024-04-01)', 'month', '']);
  }
  // The refusal resolved no names: its filters are not logged at all.
  expect(rows.map((row) => row[7])).toEqual(['acquisition_channel=ads|gift', 'acquisition_channel=ads|gift', '']);
  expect(rows.map((row) => [row[8], row[9], row[10]])).toEqual([
    ['3', 'no', '200'],
    ['3', 'yes', '200'],
    ['', '', '403 FORBIDDEN (pii_dimension)'],
  ]);
});

/** `audit --format json`'s rows as objects. */
const auditRecords = (stdout: string) => recordsOf(checkedTable(stdout));

/** What `audit --format json` makes of a line: every field but `type`, absent ones null, lists as text. */
function asRecord(line: AuditLine, columns: ParsedTable['columns']): Record<string, unknown> {
  const { type: _type, dimensions, filters, ...rest } = line;
  const text = {
    dimensions: dimensions?.join(','),
    filters: filters?.map((filter) => `${filter.dimension}=${filter.values.map(String).join('|')}`).join('; '),
  };
  const fields: Record<string, unknown> = { ...rest, ...text };
  return Object.fromEntries(columns.map((column) => [column.name, fields[column.name] ?? null]));
}

test('the table is for people: JST times and a count; json is the lines themselves, as a typed table', () => {
  const table = snaq(['audit', '--who', 'local-developer']);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} JST │ local-developer │ forecast │ boxes_shipped v\d+/);
  expect(table.stdout).toContain('403 FORBIDDEN (pii_dimension)');
  expect(table.stdout).toMatch(/5 answer\(s\) since /);
  const json = checkedTable(snaq(['audit', '--format', 'json']).stdout);
  const written = readFileSync(path.join(logDir, `audit-${today}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((text) => JSON.parse(text) as AuditLine)
    .filter((line) => line.type === AUDIT_LINE_TYPE);
  expect(json.rows).toHaveLength(5);
  // A column per field of the line but its constant type; nothing lost on the way.
  // prettier-ignore
  expect(json.columns.map((column) => column.name)).toEqual([
    'time', 'principal', 'email', 'method', 'route', 'kind', 'metric', 'metricVersion', 'from', 'to', 'grain', 'dimensions', 'filters', 'compare',
    'horizon', 'dimension', 'status', 'code', 'reason', 'rows', 'bytesScanned', 'cached', 'snapshotId', 'queryId', 'durationMs',
  ]);
  const keys = new Set(written.flatMap((line) => Object.keys(line)));
  expect([...keys].filter((key) => key !== 'type' && !json.columns.some((column) => column.name === key))).toEqual([]);
  expect(recordsOf(json)).toEqual(written.map((line) => asRecord(line, json.columns)));
  expect(json.columns.find((column) => column.name === 'status')).toEqual({ name: 'status', type: 'number', role: 'value' });
  expect(json.columns.find((column) => column.name === 'from')).toMatchObject({ type: 'date' });
  expect(json.columns.find((column) => column.name === 'cached')).toMatchObject({ type: 'boolean' });
  const nobody = checkedTable(snaq(['audit', '--who', 'someone@snaq.me', '--format', 'json']).stdout);
  expect([nobody.rows, nobody.columns]).toEqual([[], json.columns]);
});

test('--unused: metrics with no successful query, forecast or anomaly answer; reading a page is not a use', () => {
  const { code, stdout } = snaq(['audit', '--unused', '--format', 'json']);
  expect(code).toBe(0);
  const unused = checkedTable(stdout);
  expect(unused.columns.map((column) => [column.name, column.type])).toEqual([
    ['name', 'string'],
    ['title_ja', 'string'],
    ['title_en', 'string'],
    ['owner', 'string'],
    ['status', 'string'],
    ['version', 'number'],
  ]);
  const names = recordsOf(unused).map((metric) => metric.name as string);
  expect(names).not.toContain('revenue');
  expect(names).not.toContain('boxes_shipped');
  expect(names).toContain('avg_rating');
  expect(names.length).toBeGreaterThan(5);
  const ja = snaq(['audit', '--unused'], { SNAQ_LANG: 'ja' });
  expect(ja.stdout).toMatch(new RegExp(`誰も使っていない指標は ${names.length} 個です`));
});

test('several files are read in order, older days only when the window reaches them, torn lines skipped with a note', () => {
  const old = daysAgo(3);
  const oldDay = old.toISOString().slice(0, 10);
  const line: AuditLine = {
    type: AUDIT_LINE_TYPE,
    time: old.toISOString(),
    principal: 'arn:aws:iam::123456789012:user/snaq-addon',
    email: 'hanako@snaq.me',
    method: 'POST',
    route: '/v1/query',
    kind: 'query',
    metric: 'revenue',
    status: 200,
    rows: 1,
    durationMs: 2,
  };
  writeFileSync(path.join(logDir, `audit-${oldDay}.jsonl`), `${JSON.stringify(line)}\n${JSON.stringify(line).slice(0, 30)}`);
  try {
    const week = snaq(['audit', '--metric', 'revenue', '--format', 'json', '--since', '7d']);
    expect(auditRecords(week.stdout).map((l) => l.email ?? l.principal)).toEqual(['hanako@snaq.me', 'local-developer', 'local-developer', 'local-developer']);
    expect(week.stderr).toBe('Skipped 1 unreadable line(s) (for example one torn by a crash).\n');
    const day = snaq(['audit', '--metric', 'revenue', '--format', 'json', '--since', '1d']);
    expect(auditRecords(day.stdout)).toHaveLength(3);
    expect(day.stderr).toBe('');
    const byPerson = snaq(['audit', '--who', 'HANAKO@snaq.me', '--format', 'json', '--since', '7d']);
    expect(auditRecords(byPerson.stdout).map((l) => l.time)).toEqual([line.time]);
  } finally {
    rmSync(path.join(logDir, `audit-${oldDay}.jsonl`));
  }
});

test('a window with no files says so on stderr and prints an empty answer', () => {
  const { code, stdout, stderr } = snaq(['audit', '--since', '2099-01-01']);
  expect(code).toBe(0);
  expect(stderr).toMatch(/^No audit files for this window in /);
  expect(stdout).toMatch(/0 answer\(s\) since 2099-01-01 00:00 JST/);
});

test.each([
  [['--since', 'soon'], /^snaq: --since takes 7d, 12h, 2w/, /^snaq: --since には/],
  [['--unused', '--who', 'local-developer'], /^snaq: --unused lists the metrics nobody used/, /^snaq: --unused は.*--who/],
  [['--format', 'xml'], /^snaq: --format takes table, csv or json, not "xml"\./, /^snaq: --format には/],
])('bad flags %p: one sentence in either language, exit 1, nothing on stdout', (flags, en, ja) => {
  for (const [env, sentence] of [
    [{}, en],
    [{ SNAQ_LANG: 'ja' }, ja],
  ] as const) {
    const { code, stdout, stderr } = snaq(['audit', ...flags], env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(sentence);
  }
});
