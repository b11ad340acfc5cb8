/**
 * Questions to the audit trail, pure: the window (`--since`), who, which metric, which metrics
 * nobody used, and the rows `snaq audit` prints. Reading files is `auditFiles.ts`'s; phrasing is
 * the CLI's (an `AuditFlagError` carries a reason and the offending text).
 */
import { isAuditLine, KINDS_THAT_PULL_NUMBERS, type AuditLine } from '../contract/audit';
import { jstMinute } from '../contract/dates';
import type { MetricSummary } from '../contract/types';

export type AuditFlagProblem = 'bad_since' | 'unused_with_filter' | 'bad_format';

export class AuditFlagError extends Error {
  constructor(
    readonly reason: AuditFlagProblem,
    readonly value: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuditFlagError';
  }
}

const HOUR_MS = 3_600_000;
const UNIT_MS: Record<string, number> = { h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };
const JST_OFFSET_MS = 9 * HOUR_MS;

/**
 * `--since`: `7d`, `12h`, `2w` back from now; a day `YYYY-MM-DD` from its start in JST (business
 * days are JST); or an instant with its zone (`…Z`, `…+09:00`). Returns epoch milliseconds.
 */
export function parseSince(text: string, nowMs: number): number {
  const trimmed = text.trim();
  const relative = /^(\d{1,5})([hdw])$/i.exec(trimmed);
  if (relative) return nowMs - Number(relative[1]) * UNIT_MS[relative[2]!.toLowerCase()]!;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (day) {
    const utc = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    if (new Date(utc).toISOString().slice(0, 10) === trimmed) return utc - JST_OFFSET_MS;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(trimmed)) {
    const instant = Date.parse(trimmed);
    if (!Number.isNaN(instant)) return instant;
  }
  throw new AuditFlagError(
    'bad_since',
    text,
    `--since takes 7d, 12h, 2w, a day YYYY-MM-DD (JST) or an instant with its zone (2026-11-30T09:00+09:00), not "${text}".`,
  );
}

/** The UTC day of an instant: files older than it cannot hold lines of the window. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Audit lines of a file's text; lines that are not (torn by a crash, other kinds of line) are counted as skipped. */
export function parseAuditLines(text: string): { lines: AuditLine[]; skipped: number } {
  const lines: AuditLine[] = [];
  let skipped = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      skipped += 1;
      continue;
    }
    if (isAuditLine(value)) lines.push(value);
    else skipped += 1;
  }
  return { lines, skipped };
}

export interface AuditFilterOptions {
  sinceMs: number;
  metric?: string;
  who?: string;
}

/**
 * `--who`: an e-mail (any case), the full IAM principal, or its last part (the `user/…` or
 * `assumed-role/…/session` name at the end of an ARN).
 */
export function matchesWho(line: AuditLine, who: string): boolean {
  const wanted = who.trim();
  if (line.email && line.email.toLowerCase() === wanted.toLowerCase()) return true;
  if (line.principal === wanted) return true;
  const last = line.principal.split(/[/:]/).pop();
  return last !== undefined && last === wanted;
}

/** The lines of the window that match, oldest first. */
export function selectAuditLines(lines: readonly AuditLine[], options: AuditFilterOptions): AuditLine[] {
  return lines
    .filter((line) => Date.parse(line.time) >= options.sinceMs)
    .filter((line) => options.metric === undefined || line.metric === options.metric)
    .filter((line) => options.who === undefined || matchesWho(line, options.who))
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

/** A use: a successful answer carrying the metric's numbers (a query, forecast or anomaly search). Reading its page is not. */
export const isUse = (line: AuditLine): boolean => line.status === 200 && line.metric !== undefined && KINDS_THAT_PULL_NUMBERS.includes(line.kind);

/** The catalog's metrics with no use in the lines given (already cut to the window), in catalog order. */
export function unusedMetrics(catalog: readonly MetricSummary[], lines: readonly AuditLine[]): MetricSummary[] {
  const used = new Set(lines.filter(isUse).map((line) => line.metric));
  return catalog.filter((metric) => !used.has(metric.name));
}

export const AUDIT_COLUMNS = ['when', 'who', 'kind', 'metric', 'range', 'grain', 'dims', 'filters', 'rows', 'cached', 'status'] as const;

const filtersText = (line: AuditLine) => (line.filters ?? []).map((filter) => `${filter.dimension}=${filter.values.map(String).join('|')}`).join('; ');

/** One printed row per line. `when` is JST for people (`table`), the line's ISO instant for programs (`csv`). */
export function auditRow(line: AuditLine, when: 'jst' | 'iso'): string[] {
  return [
    when === 'jst' ? jstMinute(line.time) : line.time,
    line.email ?? line.principal,
    line.kind,
    line.metric ? `${line.metric}${line.metricVersion !== undefined ? ` v${line.metricVersion}` : ''}` : '',
    // A compared answer read the earlier period too: the range says so.
    line.from && line.to ? `[${line.from}, ${line.to})${line.compare ? ` vs ${line.compare}` : ''}` : '',
    line.grain ?? '',
    (line.dimensions ?? []).join(', '),
    filtersText(line),
    line.rows !== undefined ? String(line.rows) : '',
    line.cached === undefined ? '' : line.cached ? 'yes' : 'no',
    line.code ? `${line.status} ${line.code}${line.reason ? ` (${line.reason})` : ''}` : String(line.status),
  ];
}

/** RFC 4180: CRLF between records, a field quoted when it holds a comma, quote, CR or LF, quotes doubled. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
