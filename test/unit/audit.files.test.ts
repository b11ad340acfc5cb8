/** The local audit files: a file per UTC day, parts past the size cap, retention, order under load, a failing disk, and reading back. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AUDIT_LINE_TYPE, type AuditLine } from '../../src/contract/audit';
import { AuditFileWriter, auditLogConfigFromEnv, listAuditFiles, parseAuditFileName, readAuditTrail } from '../../src/api/auditFiles';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snaq-audit-files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const line = (time: string, n = 0): AuditLine => ({
  type: AUDIT_LINE_TYPE,
  time,
  principal: 'local-developer',
  method: 'POST',
  route: '/v1/query',
  kind: 'query',
  metric: 'revenue',
  status: 200,
  rows: n,
  durationMs: 1,
});
const readLines = (name: string): AuditLine[] =>
  fs
    .readFileSync(path.join(dir, name), 'utf8')
    .trim()
    .split('\n')
    .map((text) => JSON.parse(text) as AuditLine);

test('file names: a day and a part, nothing else', () => {
  expect(parseAuditFileName('audit-2026-11-30.jsonl')).toEqual({ name: 'audit-2026-11-30.jsonl', day: '2026-11-30', part: 0 });
  expect(parseAuditFileName('audit-2026-11-30.12.jsonl')).toMatchObject({ day: '2026-11-30', part: 12 });
  for (const other of ['audit-2026-11-30.jsonl.tmp', 'audit-26-11-30.jsonl', 'access-2026-11-30.jsonl', 'audit-2026-11-30..jsonl']) {
    expect(parseAuditFileName(other)).toBeUndefined();
  }
});

test('lines go to the file of their UTC day, in the order written, and write() returns before the disk', async () => {
  const writer = new AuditFileWriter({ dir, retentionDays: 90, now: () => Date.parse('2026-11-30T12:00:00Z') });
  const times = ['2026-11-29T23:59:59.999Z', '2026-11-30T00:00:00.000Z', '2026-11-30T14:59:00.000Z'];
  for (let n = 0; n < 300; n += 1) writer.write(line(times[n % 3]!, n));
  expect(fs.readdirSync(dir)).toEqual([]); // nothing written yet: the request did not wait
  await writer.flush();
  expect((await listAuditFiles(dir)).map((file) => file.name)).toEqual(['audit-2026-11-29.jsonl', 'audit-2026-11-30.jsonl']);
  expect(readLines('audit-2026-11-29.jsonl').map((l) => l.rows)).toEqual(Array.from({ length: 100 }, (_, i) => i * 3));
  const day30 = readLines('audit-2026-11-30.jsonl').map((l) => l.rows!);
  expect(day30).toEqual([...day30].sort((a, b) => a - b));
  expect(day30).toHaveLength(200);
  expect(writer.dropped).toBe(0);
});

test('past the size cap a day continues in numbered parts, none over the cap, and a new writer continues the last part', async () => {
  const one = Buffer.byteLength(`${JSON.stringify(line('2026-11-30T01:00:00.000Z', 100))}\n`);
  const options = { dir, retentionDays: 90, maxFileBytes: one * 4, now: () => Date.parse('2026-11-30T12:00:00Z') };
  const writer = new AuditFileWriter(options);
  for (let n = 100; n < 110; n += 1) {
    writer.write(line('2026-11-30T01:00:00.000Z', n));
    await writer.flush(); // one append per line, so the cap is checked per line
  }
  const names = (await listAuditFiles(dir)).map((file) => file.name);
  expect(names).toEqual(['audit-2026-11-30.jsonl', 'audit-2026-11-30.1.jsonl', 'audit-2026-11-30.2.jsonl']);
  for (const name of names) expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(one * 4);
  const again = new AuditFileWriter(options);
  again.write(line('2026-11-30T02:00:00.000Z', 110));
  await again.flush();
  expect(readLines('audit-2026-11-30.2.jsonl').map((l) => l.rows)).toEqual([108, 109, 110]);
  const trail = await readAuditTrail(dir, Date.parse('2026-11-30T00:00:00Z'));
  expect(trail.lines.map((l) => l.rows)).toEqual(Array.from({ length: 11 }, (_, i) => 100 + i));
  expect(trail.files).toBe(3);
});

test('files older than the retention are deleted; other files are left alone', async () => {
  for (const name of ['audit-2026-08-31.jsonl', 'audit-2026-09-01.jsonl', 'audit-2026-09-01.1.jsonl', 'audit-2026-11-01.jsonl', 'notes.txt']) {
    fs.writeFileSync(path.join(dir, name), '');
  }
  const writer = new AuditFileWriter({ dir, retentionDays: 91, now: () => Date.parse('2026-11-30T12:00:00Z') });
  writer.write(line('2026-11-30T12:00:00.000Z'));
  await writer.flush();
  // 91 days kept: 2026-11-30 back to 2026-09-01.
  expect(fs.readdirSync(dir).sort()).toEqual([
    'audit-2026-09-01.1.jsonl',
    'audit-2026-09-01.jsonl',
    'audit-2026-11-01.jsonl',
    'audit-2026-11-30.jsonl',
    'notes.txt',
  ]);
});

test('a disk that refuses drops the lines, warns once, never throws, and writing resumes when it recovers', async () => {
  const blocked = path.join(dir, 'logs');
  fs.writeFileSync(blocked, 'a file where the folder should be');
  const warnings: string[] = [];
  const writer = new AuditFileWriter({ dir: blocked, retentionDays: 90, warn: (message) => warnings.push(message) });
  for (let n = 0; n < 3; n += 1) {
    expect(() => writer.write(line(new Date().toISOString(), n))).not.toThrow();
    await writer.flush();
  }
  expect(writer.dropped).toBe(3);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/could not append .*\(E[A-Z]+\).*Requests are unaffected/);
  fs.rmSync(blocked);
  writer.write(line(new Date().toISOString(), 9));
  await writer.flush();
  expect(fs.readdirSync(blocked)).toHaveLength(1);
});

test('a full queue drops lines instead of holding memory', () => {
  const writer = new AuditFileWriter({ dir, retentionDays: 90, maxPendingBytes: 1_000, warn: () => undefined });
  for (let n = 0; n < 20; n += 1) writer.write(line('2026-11-30T01:00:00.000Z', n));
  expect(writer.dropped).toBeGreaterThan(10);
  return writer.flush();
});

test('reading skips files before the window and torn lines, oldest file first', async () => {
  fs.writeFileSync(path.join(dir, 'audit-2026-11-27.jsonl'), `${JSON.stringify(line('2026-11-27T10:00:00.000Z', 1))}\n`);
  fs.writeFileSync(path.join(dir, 'audit-2026-11-29.jsonl'), `${JSON.stringify(line('2026-11-29T10:00:00.000Z', 2))}\n{"type":"snaq.au`);
  fs.writeFileSync(path.join(dir, 'audit-2026-11-28.1.jsonl'), `${JSON.stringify(line('2026-11-28T11:00:00.000Z', 4))}\n`);
  fs.writeFileSync(path.join(dir, 'audit-2026-11-28.jsonl'), `${JSON.stringify(line('2026-11-28T10:00:00.000Z', 3))}\n`);
  const trail = await readAuditTrail(dir, Date.parse('2026-11-28T05:00:00Z'));
  expect(trail.lines.map((l) => l.rows)).toEqual([3, 4, 2]);
  expect(trail).toMatchObject({ skipped: 1, files: 3 });
  expect(await readAuditTrail(path.join(dir, 'absent'), 0)).toEqual({ lines: [], skipped: 0, files: 0 });
});

test('SNAQ_LOG_DIR and SNAQ_LOG_RETENTION_DAYS, with their defaults; a bad retention is refused', () => {
  expect(auditLogConfigFromEnv({})).toEqual({ dir: path.join('.snaq', 'logs'), retentionDays: 90 });
  expect(auditLogConfigFromEnv({ SNAQ_LOG_DIR: '/var/log/snaq', SNAQ_LOG_RETENTION_DAYS: '30' })).toEqual({ dir: '/var/log/snaq', retentionDays: 30 });
  for (const bad of ['0', '1.5', 'forever']) expect(() => auditLogConfigFromEnv({ SNAQ_LOG_RETENTION_DAYS: bad })).toThrow(/SNAQ_LOG_RETENTION_DAYS/);
});
