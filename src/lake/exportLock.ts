/**
 * One export (or rollback) at a time on a lake: `<lake>/export.lock`, created with O_EXCL so two
 * processes can never both create it. A lock left by a process that died on this machine is taken
 * over; one held by a live process, or by another machine (whose processes we cannot see), is not.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, fsyncSync, linkSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { lakePaths } from './lakeLayout';
import { LakeError } from './manifest';

export type LockPurpose = 'export' | 'rollback';

/** What the lock file holds: who holds the lake, since when. `token` tells our lock from a successor's. */
export interface LockHolder {
  pid: number;
  host: string;
  what: LockPurpose;
  startedAt: string;
  token: string;
}

export interface ExportLock {
  readonly lakeDir: string;
  readonly file: string;
  readonly holder: LockHolder;
  /** Set when a dead run's lock was taken over: its holder, or 'unreadable' when the file made no sense. */
  readonly tookOverFrom?: LockHolder | 'unreadable';
  /** True until released. */
  readonly held: boolean;
  /** Removes the lock file, only if it is still ours (never a successor's). */
  release(): void;
}

const holderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  what: z.enum(['export', 'rollback']),
  startedAt: z.string(),
  token: z.string().min(1),
});

/** How many times a takeover is retried when another process races for the same dead lock. */
const TAKEOVER_ATTEMPTS = 3;

/**
 * Creates the lake folder when missing. A regular file on the way (the lake path or a parent), a
 * read-only disk or a folder we may not write become one LakeError naming the path.
 */
export function ensureLakeFolder(lakeDir: string): void {
  const { root } = lakePaths(lakeDir);
  try {
    mkdirSync(root, { recursive: true });
    if (!statSync(root).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    throw notWritable(root, error);
  }
}

export function notWritable(path: string, error: unknown): LakeError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way' : code;
  return new LakeError('lake_not_writable', path, `The lake cannot be written at ${path} (${why}). Check --lake or SNAQ_LAKE_DIR.`, why);
}

export function acquireExportLock(lakeDir: string, what: LockPurpose): ExportLock {
  ensureLakeFolder(lakeDir);
  const file = lakePaths(lakeDir).lock;
  const holder: LockHolder = { pid: process.pid, host: hostname(), what, startedAt: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    if (createLockFile(file, holder)) return heldLock(lakeDir, file, holder);
    const text = readLockText(file);
    if (text === undefined) continue; // released in between: try to create it again
    const existing = parseHolder(text);
    if (existing && holderIsAlive(existing)) throw lockHeldError(file, existing);
    // Dead or garbage: move exactly that file aside, so a successor's fresh lock is never removed.
    if (!removeIfUnchanged(file, text)) continue;
    if (createLockFile(file, holder)) return heldLock(lakeDir, file, holder, existing ?? 'unreadable');
  }
  const last = parseHolder(readLockText(file) ?? '');
  throw lockHeldError(file, last ?? { pid: 0, host: '?', what: 'export', startedAt: '?', token: '' });
}

function heldLock(lakeDir: string, file: string, holder: LockHolder, tookOverFrom?: LockHolder | 'unreadable'): ExportLock {
  let held = true;
  return {
    lakeDir: lakePaths(lakeDir).root,
    file,
    holder,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    get held() {
      return held;
    },
    release() {
      if (!held) return;
      held = false;
      const text = readLockText(file);
      if (text !== undefined && parseHolder(text)?.token === holder.token) unlinkSync(file);
    },
  };
}

/** O_EXCL create: true when the file is now ours, false when one was already there. */
function createLockFile(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw notWritable(file, error);
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLockText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw notWritable(file, error);
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A holder on another machine is assumed alive: its process table is not ours to read. */
export function holderIsAlive(holder: Pick<LockHolder, 'pid' | 'host'>): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Renames the lock aside and removes it if it still holds `expected`; a lock created by another
 * process in between is put back (link() fails rather than replace a third one). False when
 * the file was not the one we judged dead.
 */
function removeIfUnchanged(file: string, expected: string): boolean {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw notWritable(file, error);
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== expected) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process created a lock meanwhile: it holds the lake; the one we moved was not dead, and
      // its holder will find its file gone at release, which is harmless.
    }
    unlinkSync(aside);
    return false;
  }
  unlinkSync(aside);
  return true;
}

function lockHeldError(file: string, holder: LockHolder): LakeError {
  const facts = { pid: String(holder.pid), host: holder.host, what: holder.what, since: holder.startedAt };
  return new LakeError(
    'export_running',
    file,
    `Another ${holder.what} is running on this lake (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); wait for it to finish. If it is gone, remove ${file}.`,
    '',
    facts,
  );
}

/** Whether `lock` is held and guards `lakeDir`: the store's writes require it. */
export function assertLockFor(lakeDir: string, lock: ExportLock): void {
  if (!lock.held || lock.lakeDir !== lakePaths(lakeDir).root) {
    throw new Error(`The export lock of ${lakePaths(lakeDir).root} must be held for this (acquireExportLock).`);
  }
}
