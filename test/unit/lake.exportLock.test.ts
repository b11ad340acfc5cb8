/** One export (or rollback) at a time: src/lake/exportLock.ts. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { lakeErrorSentence, lockTakenOverSentence } from '../../src/cli/messages';
import { acquireExportLock, type LockHolder } from '../../src/lake/exportLock';
import { lakePaths } from '../../src/lake/lakeLayout';
import { caughtLakeError as caught } from '../support/lakeErrors';

let root: string;
let lake: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'snaq-lock-'));
  lake = join(root, 'lake');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

const lockFile = () => lakePaths(lake).lock;
const writeHolder = (holder: Partial<LockHolder>) =>
  writeFileSync(lockFile(), JSON.stringify({ pid: 1, host: hostname(), what: 'export', startedAt: '2026-11-01T00:00:00.000Z', token: 'theirs', ...holder }));

test('creates the lake folder and the lock, naming who holds it; release removes it', () => {
  const lock = acquireExportLock(lake, 'export');
  expect(existsSync(lockFile())).toBe(true);
  const holder = JSON.parse(readFileSync(lockFile(), 'utf8')) as LockHolder;
  expect(holder).toMatchObject({ pid: process.pid, host: hostname(), what: 'export' });
  expect(Date.parse(holder.startedAt)).not.toBeNaN();
  expect(lock.tookOverFrom).toBeUndefined();
  expect(lock.held).toBe(true);
  lock.release();
  expect(lock.held).toBe(false);
  expect(existsSync(lockFile())).toBe(false);
  lock.release(); // twice is harmless
});

test('a lock held by a live process: export_running naming its pid, host, purpose and start, in English and Japanese', () => {
  const first = acquireExportLock(lake, 'rollback');
  const error = caught(() => acquireExportLock(lake, 'export'));
  expect(error.reason).toBe('export_running');
  expect(error.message).toContain(`Another rollback is running on this lake (pid ${process.pid} on ${hostname()}, since ${first.holder.startedAt})`);
  expect(error.message.split('\n')).toHaveLength(1);
  expect(lakeErrorSentence(error, 'ja')).toContain(`別のロールバックが実行中です（${hostname()} の pid ${process.pid}`);
  first.release();
  acquireExportLock(lake, 'export').release();
});

test('a lock left by a dead process on this machine is taken over, and says from whom', () => {
  acquireExportLock(lake, 'export').release();
  const pid = deadPid();
  writeHolder({ pid });
  const lock = acquireExportLock(lake, 'export');
  expect(lock.tookOverFrom).toMatchObject({ pid, host: hostname(), what: 'export' });
  expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid, token: lock.holder.token });
  expect(lockTakenOverSentence(lock.tookOverFrom!, 'en')).toContain(`pid ${pid}`);
  expect(readFileSync(lockFile(), 'utf8')).not.toContain('theirs');
  lock.release();
});

test('an unreadable lock file is taken over too', () => {
  acquireExportLock(lake, 'export').release();
  writeFileSync(lockFile(), '{"pid": 12');
  const lock = acquireExportLock(lake, 'export');
  expect(lock.tookOverFrom).toBe('unreadable');
  lock.release();
  expect(existsSync(lockFile())).toBe(false);
});

test('a lock of another machine is never taken over: its processes are not ours to see', () => {
  acquireExportLock(lake, 'export').release();
  writeHolder({ pid: deadPid(), host: 'some-other-host' });
  expect(caught(() => acquireExportLock(lake, 'export'))).toMatchObject({ reason: 'export_running' });
});

test('release removes the lock only while it is still ours', () => {
  const lock = acquireExportLock(lake, 'export');
  // Someone judged us dead and took over: their lock must survive our release.
  writeHolder({ pid: process.pid, token: 'successor' });
  lock.release();
  expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ token: 'successor' });
});

test('a lake under a regular file: lake_not_writable naming the path', () => {
  const file = join(root, 'a-file');
  writeFileSync(file, 'not a folder');
  const error = caught(() => acquireExportLock(join(file, 'lake'), 'export'));
  expect(error.reason).toBe('lake_not_writable');
  expect(error.message).toContain(join(file, 'lake'));
  expect(lakeErrorSentence(error, 'ja')).toContain('にレイクを書き込めません');
});
