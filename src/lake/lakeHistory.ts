/**
 * The lake's append-only history, `<lake>/history/runs.jsonl`: one JSON object per line for every
 * export run (published, refused by the gate, failed), every rollback and every sample generated.
 * Freshness SLO attainment is computed from it (sloAttainment.ts). Lines hold ids, counts and
 * one-line errors, never personal data.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { LakeManifest } from '../contract/snapshot';
import { lakePaths } from './lakeLayout';

const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO timestamp');
const count = z.number().int().nonnegative();

const historyTable = z.object({
  snapshotAt: isoInstant,
  rows: count,
  strategy: z.enum(['full', 'append', 'merge']).optional(),
  rowsRead: count.optional(),
  keysRead: count.optional(),
  rowsChanged: count.optional(),
});

export const historyEntrySchema = z.object({
  /** Wall-clock time of the event (for a publish or rollback: when readers started to see it). */
  at: isoInstant,
  kind: z.enum(['export', 'rollback', 'generate']),
  runId: z.string().min(1),
  outcome: z.enum(['published', 'refused', 'failed', 'rolled_back']),
  snapshotId: z.string().min(1).optional(),
  previousSnapshotId: z.string().min(1).nullable().optional(),
  /** What is served after the event (published, rolled back) or what was staged (refused). */
  tables: z.record(z.string(), historyTable).optional(),
  quality: z
    .object({
      passed: z.boolean(),
      report: z.string().min(1),
      /** Which checks failed on which table (lines written before issue 13 lack it: the report says). */
      failed: z.array(z.object({ table: z.string().min(1), check: z.string().min(1) })).optional(),
    })
    .optional(),
  /** One line, never personal data. */
  error: z
    .string()
    .refine((s) => !/[\r\n]/.test(s), 'expected one line')
    .optional(),
  elapsedMs: count.optional(),
  /** Made up by the sample generator so the data-health view has something to show; never written by an export. */
  synthetic: z.literal(true).optional(),
});

export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type HistoryTable = z.infer<typeof historyTable>;

/** A manifest's tables as a history line records them: everything but the folder. */
export function historyTablesOf(manifest: Pick<LakeManifest, 'tables'>): Record<string, HistoryTable> {
  return Object.fromEntries(Object.entries(manifest.tables).map(([table, { path: _path, ...rest }]) => [table, rest]));
}

/**
 * Appends one line and syncs it to disk. A torn last line (a run killed mid-write) is first closed
 * with a newline, so it stays one bad line instead of spoiling the new one too.
 */
export function appendHistory(lakeDir: string, entry: HistoryEntry): void {
  const line = `${JSON.stringify(historyEntrySchema.parse(entry))}\n`;
  const file = lakePaths(lakeDir).history;
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'a+');
  try {
    const size = fstatSync(fd).size;
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last.toString('latin1') !== '\n') prefix = '\n';
    }
    writeSync(fd, prefix + line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Every valid line, oldest first. A line that does not parse (torn by a crash, edited by hand) is
 * skipped rather than failing: the history informs, it never blocks a run or `lake status`.
 */
export function readHistory(lakeDir: string): HistoryEntry[] {
  const file = lakePaths(lakeDir).history;
  return existsSync(file) ? parseHistory(readFileSync(file, 'utf8')) : [];
}

/** The valid lines of a history's text, wherever it was read from (a folder, or S3). */
export function parseHistory(text: string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = historyEntrySchema.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
    } catch {
      // torn or not JSON: skipped
    }
  }
  return entries;
}

/** A failure as a history line's `error`: one line, bounded. Callers pass messages that name no person. */
export function oneLineError(error: unknown, maxLength = 500): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
