/** `snaq audit`: who pulled what from the local server's audit files (SNAQ_LOG_DIR), and which metrics nobody used. */
import path from 'node:path';
import { auditLogConfigFromEnv, readAuditTrail } from '../api/auditFiles';
import { AUDIT_COLUMNS, AuditFlagError, auditRow, parseSince, selectAuditLines, toCsv, unusedMetrics } from '../api/auditQuery';
import { jstMinute } from '../contract/dates';
import type { AuditLine } from '../contract/audit';
import type { Lang, MetricSummary } from '../contract/types';
import { loadCatalog } from '../catalog/catalog';
import { searchMetrics } from '../catalog/describe';
import { jsonTable, langFromEnv, newTable, tableOf, type Field } from './format';

export interface AuditFlags {
  since: string;
  metric?: string;
  who?: string;
  unused?: boolean;
  format: string;
}

const FORMATS = ['table', 'csv', 'json'] as const;

const text = (name: string, cell: (line: AuditLine) => string | undefined): Field<AuditLine> => ({
  name,
  type: 'string',
  role: 'dimension',
  cell: (line) => cell(line) ?? null,
});
const count = (name: string, cell: (line: AuditLine) => number | undefined): Field<AuditLine> => ({
  name,
  type: 'number',
  role: 'value',
  cell: (line) => cell(line) ?? null,
});

/**
 * `audit --format json`: a column per field of the audit line (all but its constant `type`), so a
 * field added to AuditLine fails to compile here until it has one. Lists are text: dimensions
 * comma-separated, filters as `dimension=value|value; …` like the csv.
 */
const AUDIT_LINE_FIELDS = {
  time: text('time', (l) => l.time),
  principal: text('principal', (l) => l.principal),
  email: text('email', (l) => l.email),
  method: text('method', (l) => l.method),
  route: text('route', (l) => l.route),
  kind: text('kind', (l) => l.kind),
  metric: text('metric', (l) => l.metric),
  metricVersion: count('metricVersion', (l) => l.metricVersion),
  from: { ...text('from', (l) => l.from), type: 'date' },
  to: { ...text('to', (l) => l.to), type: 'date' },
  grain: text('grain', (l) => l.grain),
  dimensions: text('dimensions', (l) => l.dimensions?.join(',')),
  filters: text('filters', (l) => l.filters?.map((f) => `${f.dimension}=${f.values.map(String).join('|')}`).join('; ')),
  compare: text('compare', (l) => l.compare),
  horizon: count('horizon', (l) => l.horizon),
  dimension: text('dimension', (l) => l.dimension),
  status: count('status', (l) => l.status),
  code: text('code', (l) => l.code),
  reason: text('reason', (l) => l.reason),
  rows: count('rows', (l) => l.rows),
  bytesScanned: count('bytesScanned', (l) => l.bytesScanned),
  cached: { name: 'cached', type: 'boolean', role: 'dimension', cell: (l) => l.cached ?? null },
  snapshotId: text('snapshotId', (l) => l.snapshotId),
  queryId: text('queryId', (l) => l.queryId),
  durationMs: count('durationMs', (l) => l.durationMs),
} satisfies Record<Exclude<keyof AuditLine, 'type'>, Field<AuditLine>>;

/** `audit --unused --format json`: the metrics nobody used. */
const UNUSED_FIELDS: Field<MetricSummary>[] = [
  { name: 'name', type: 'string', role: 'dimension', cell: (m) => m.name },
  { name: 'title_ja', type: 'string', role: 'dimension', cell: (m) => m.title.ja },
  { name: 'title_en', type: 'string', role: 'dimension', cell: (m) => m.title.en },
  { name: 'owner', type: 'string', role: 'dimension', cell: (m) => m.owner },
  { name: 'status', type: 'string', role: 'dimension', cell: (m) => m.status },
  { name: 'version', type: 'number', role: 'value', cell: (m) => m.version },
];

export async function runAudit(flags: AuditFlags): Promise<void> {
  const lang = langFromEnv();
  const format = flags.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new AuditFlagError('bad_format', flags.format, `--format takes table, csv or json, not "${flags.format}".`);
  if (flags.unused && (flags.metric !== undefined || flags.who !== undefined)) {
    throw new AuditFlagError(
      'unused_with_filter',
      flags.metric !== undefined ? '--metric' : '--who',
      '--unused lists the metrics nobody used, so it takes only --since.',
    );
  }
  const now = Date.now();
  const sinceMs = parseSince(flags.since, now);
  const { dir } = auditLogConfigFromEnv();
  const trail = await readAuditTrail(dir, sinceMs);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (trail.files === 0)
    say(lang === 'ja' ? `${path.resolve(dir)} にこの期間の監査ログはありません。` : `No audit files for this window in ${path.resolve(dir)}.`);
  if (trail.skipped > 0) {
    say(
      lang === 'ja'
        ? `読めない行を ${trail.skipped} 行とばしました（書き込み途中の行など）。`
        : `Skipped ${trail.skipped} unreadable line(s) (for example one torn by a crash).`,
    );
  }
  const lines = selectAuditLines(trail.lines, { sinceMs, metric: flags.metric, who: flags.who });
  const window = lang === 'ja' ? `${jstMinute(new Date(sinceMs).toISOString())} 以降` : `since ${jstMinute(new Date(sinceMs).toISOString())}`;

  if (flags.unused) {
    const unused = unusedMetrics(searchMetrics(loadCatalog()), lines);
    if (format === 'json') return print(jsonTable(tableOf(UNUSED_FIELDS, unused, { since: new Date(sinceMs).toISOString() })));
    const header = ['metric', lang === 'ja' ? '名前' : 'title', 'owner', 'status', 'version'];
    const rows = unused.map((metric) => [metric.name, metric.title[lang], metric.owner, metric.status, String(metric.version)]);
    if (format === 'csv') return print(toCsv([header, ...rows]), '');
    const table = newTable(header);
    table.push(...rows);
    return print(`${table.toString()}\n${unusedFooter(unused.length, window, lang)}`);
  }

  if (format === 'json') return print(jsonTable(tableOf(Object.values(AUDIT_LINE_FIELDS), lines, { since: new Date(sinceMs).toISOString() })));
  if (format === 'csv') return print(toCsv([[...AUDIT_COLUMNS], ...lines.map((line) => auditRow(line, 'iso'))]), '');
  const table = newTable([...AUDIT_COLUMNS]);
  table.push(...lines.map((line) => auditRow(line, 'jst')));
  print(`${table.toString()}\n${lang === 'ja' ? `${lines.length} 件の回答（${window}）` : `${lines.length} answer(s) ${window}`}`);
}

function unusedFooter(count: number, window: string, lang: Lang): string {
  return lang === 'ja'
    ? `${window}、誰も使っていない指標は ${count} 個です（クエリ・予測・異常検知で成功した回答を利用と数えます）。`
    : `${count} metric(s) nobody used ${window} (a use is a successful query, forecast or anomaly answer).`;
}

function print(text: string, end = '\n'): void {
  process.stdout.write(`${text}${end}`);
}
