/**
 * The local server's audit files: `<SNAQ_LOG_DIR>/audit-YYYY-MM-DD.jsonl` per UTC day of the line's
 * time, continued in `audit-YYYY-MM-DD.1.jsonl`, `.2`, … past `maxFileBytes`, and files older than
 * `retentionDays` deleted (checked at start and when the day changes).
 *
 * Writing never holds a request: `write` queues the line and returns; one loop appends the queue in
 * order. A failed append (a full disk, a folder removed) drops that batch, tells the operator once
 * until an append succeeds again, and the next lines try again; the request that logged never sees it. The
 * queue is bounded, so a disk that stalls cannot eat the server's memory.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { AuditLine } from '../contract/audit';
import { parseAuditLines, utcDay } from './auditQuery';

export const DEFAULT_LOG_DIR = path.join('.snaq', 'logs');
export const DEFAULT_LOG_RETENTION_DAYS = 90;
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;
const DAY_MS = 86_400_000;

const FILE_NAME = /^audit-(\d{4}-\d{2}-\d{2})(?:\.(\d{1,6}))?\.jsonl$/;

export interface AuditFile {
  name: string;
  day: string;
  part: number;
}

export function auditFileName(day: string, part: number): string {
  return part === 0 ? `audit-${day}.jsonl` : `audit-${day}.${part}.jsonl`;
}

/** An audit file's day and part, or undefined for any other name. */
export function parseAuditFileName(name: string): AuditFile | undefined {
  const match = FILE_NAME.exec(name);
  return match ? { name, day: match[1]!, part: match[2] ? Number(match[2]) : 0 } : undefined;
}

/** Oldest first: by day, then part, so lines come back in the order they were written. */
export function sortAuditFiles(files: AuditFile[]): AuditFile[] {
  return [...files].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.part - b.part));
}

/** The log folder's audit files, oldest first; none when the folder does not exist. */
export async function listAuditFiles(dir: string): Promise<AuditFile[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return sortAuditFiles(names.map(parseAuditFileName).filter((file): file is AuditFile => file !== undefined));
}

export interface AuditLogConfig {
  dir: string;
  retentionDays: number;
}

/** `SNAQ_LOG_DIR` (default `.snaq/logs`) and `SNAQ_LOG_RETENTION_DAYS` (default 90, a whole number ≥ 1). */
export function auditLogConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuditLogConfig {
  const raw = env.SNAQ_LOG_RETENTION_DAYS?.trim();
  const retentionDays = raw ? Number(raw) : DEFAULT_LOG_RETENTION_DAYS;
  if (!Number.isSafeInteger(retentionDays) || retentionDays < 1) {
    throw new Error(`SNAQ_LOG_RETENTION_DAYS must be a whole number of days (1 or more), not "${raw}".`);
  }
  return { dir: env.SNAQ_LOG_DIR?.trim() || DEFAULT_LOG_DIR, retentionDays };
}

export interface AuditFileWriterOptions extends AuditLogConfig {
  maxFileBytes?: number;
  maxPendingBytes?: number;
  now?: () => number;
  /** The operator's log: a failure, once until writing works again. */
  warn?: (message: string) => void;
}

export class AuditFileWriter {
  private readonly queue: { day: string; text: string }[] = [];
  private pendingBytes = 0;
  private draining?: Promise<void>;
  /** The file being appended to and its size, per day. */
  private current?: { day: string; part: number; bytes: number };
  private retentionCheckedFor?: string;
  private lastFailure?: string;
  private readonly maxFileBytes: number;
  private readonly maxPendingBytes: number;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  /** Lines that could not be written (a failure or a full queue). */
  dropped = 0;

  constructor(private readonly options: AuditFileWriterOptions) {
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.now = options.now ?? Date.now;
    this.warn = options.warn ?? ((message) => process.stderr.write(`[snaq] ${message}\n`));
  }

  /** Queues one line; returns at once. */
  write(line: AuditLine): void {
    const text = `${JSON.stringify(line)}\n`;
    const bytes = Buffer.byteLength(text);
    if (this.pendingBytes + bytes > this.maxPendingBytes) {
      this.dropped += 1;
      this.failed('queue_full', `audit files: the write queue is full (${this.maxPendingBytes} bytes); lines are dropped until the disk catches up.`);
      return;
    }
    this.queue.push({ day: line.time.slice(0, 10), text });
    this.pendingBytes += bytes;
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // A line queued during the last append's settling starts the next round.
      if (this.queue.length) void this.flush();
    });
  }

  /** Resolves once every line queued so far is written or dropped. */
  async flush(): Promise<void> {
    while (this.draining || this.queue.length) {
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
      await this.draining;
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      // One append per run of lines of the same day: few system calls under load, order kept.
      const day = this.queue[0]!.day;
      let count = 0;
      while (count < this.queue.length && this.queue[count]!.day === day) count += 1;
      const batch = this.queue.splice(0, count);
      const text = batch.map((entry) => entry.text).join('');
      const bytes = Buffer.byteLength(text);
      this.pendingBytes -= bytes;
      try {
        await this.removeExpired();
        const file = await this.fileFor(day, bytes);
        await fsp.appendFile(path.join(this.options.dir, auditFileName(file.day, file.part)), text);
        file.bytes += bytes;
        this.lastFailure = undefined;
      } catch (error) {
        this.dropped += batch.length;
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        this.failed('append', `audit files: could not append to ${this.options.dir} (${code}); ${batch.length} line(s) dropped. Requests are unaffected.`);
        // Start from what is on disk next time: the size we knew may be wrong now.
        this.current = undefined;
      }
    }
  }

  private failed(kind: string, message: string): void {
    if (this.lastFailure === kind) return;
    this.lastFailure = kind;
    this.warn(message);
  }

  /** The part to append `bytes` to: the day's last one unless the cap would be passed (a non-empty file never exceeds it). */
  private async fileFor(day: string, bytes: number): Promise<{ day: string; part: number; bytes: number }> {
    if (this.current?.day !== day) {
      await fsp.mkdir(this.options.dir, { recursive: true });
      const parts = (await listAuditFiles(this.options.dir)).filter((file) => file.day === day);
      const last = parts[parts.length - 1];
      const size = last ? (await fsp.stat(path.join(this.options.dir, last.name))).size : 0;
      this.current = { day, part: last?.part ?? 0, bytes: size };
    }
    if (this.current.bytes > 0 && this.current.bytes + bytes > this.maxFileBytes) this.current = { day, part: this.current.part + 1, bytes: 0 };
    return this.current;
  }

  /** Deletes files of days older than the retention, once per UTC day of the clock. */
  private async removeExpired(): Promise<void> {
    const today = new Date(this.now()).toISOString().slice(0, 10);
    if (this.retentionCheckedFor === today) return;
    this.retentionCheckedFor = today;
    const oldestKept = new Date(Date.parse(today) - (this.options.retentionDays - 1) * DAY_MS).toISOString().slice(0, 10);
    for (const file of await listAuditFiles(this.options.dir)) {
      if (file.day < oldestKept) await fsp.rm(path.join(this.options.dir, file.name), { force: true });
    }
  }
}

/** Every audit line of the files that can hold lines at or after `sinceMs` (by their day), oldest file first. */
export async function readAuditTrail(dir: string, sinceMs: number): Promise<{ lines: AuditLine[]; skipped: number; files: number }> {
  const fromDay = utcDay(sinceMs);
  const files = (await listAuditFiles(dir)).filter((file) => file.day >= fromDay);
  const lines: AuditLine[] = [];
  let skipped = 0;
  for (const file of files) {
    const parsed = parseAuditLines(await fsp.readFile(path.join(dir, file.name), 'utf8'));
    lines.push(...parsed.lines);
    skipped += parsed.skipped;
  }
  return { lines, skipped, files: files.length };
}
