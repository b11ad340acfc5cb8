/**
 * History lines read without zod: what the Lambda needs for `GET /v1/freshness` (its bundle stays
 * small; lakeHistory.ts's zod schema stays the writer's and the CLI's). It keeps the lines whose
 * fields attainment and quality results read are well formed, and the rest of each line as it is.
 * test/unit/lake.historyLines.test.ts checks it keeps exactly the lines the zod schema keeps.
 */
import type { HistoryEntry } from './lakeHistory';

const KINDS = new Set(['export', 'rollback', 'generate']);
const OUTCOMES = new Set(['published', 'refused', 'failed', 'rolled_back']);
const COUNT_FIELDS = ['rows', 'rowsRead', 'keysRead', 'rowsChanged'] as const;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInstant = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isId = (value: unknown) => typeof value === 'string' && value.length > 0;

function isTable(value: unknown): boolean {
  if (!isObject(value) || !isInstant(value.snapshotAt) || !isCount(value.rows)) return false;
  if (value.strategy !== undefined && !['full', 'append', 'merge'].includes(value.strategy as string)) return false;
  return COUNT_FIELDS.every((field) => value[field] === undefined || isCount(value[field]));
}

function isQuality(value: unknown): boolean {
  if (!isObject(value) || typeof value.passed !== 'boolean' || !isId(value.report)) return false;
  return value.failed === undefined || (Array.isArray(value.failed) && value.failed.every((f) => isObject(f) && isId(f.table) && isId(f.check)));
}

function isEntry(line: unknown): line is HistoryEntry {
  if (!isObject(line) || !isInstant(line.at) || !KINDS.has(line.kind as string) || !isId(line.runId) || !OUTCOMES.has(line.outcome as string)) return false;
  if (line.snapshotId !== undefined && !isId(line.snapshotId)) return false;
  if (line.previousSnapshotId !== undefined && line.previousSnapshotId !== null && !isId(line.previousSnapshotId)) return false;
  if (line.tables !== undefined && !(isObject(line.tables) && Object.values(line.tables).every(isTable))) return false;
  if (line.quality !== undefined && !isQuality(line.quality)) return false;
  if (line.error !== undefined && !(typeof line.error === 'string' && !/[\r\n]/.test(line.error))) return false;
  if (line.elapsedMs !== undefined && !isCount(line.elapsedMs)) return false;
  return line.synthetic === undefined || line.synthetic === true;
}

/** The well-formed lines of a history's text, oldest first; torn or malformed lines are skipped. */
export function parseHistoryLines(text: string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isEntry(parsed)) entries.push(parsed);
    } catch {
      // torn or not JSON: skipped
    }
  }
  return entries;
}
