/**
 * `snaq lake export`, `status`, `rollback` and `export-job`: the lake's store as a person sees it.
 * `--lake` names a folder or an S3 lake (`s3://bucket/prefix`, reached with the AWS environment, or
 * the local S3 that SNAQ_S3_ENDPOINT names).
 */
import { jstMinute } from '../contract/dates';
import type { Lang } from '../contract/types';
import type { HistoryEntry } from '../lake/lakeHistory';
import { lakeStatus, STATUS_WINDOW_DAYS, type LakeStatus, type TableStatus } from '../lake/lakeStatus';
import { rollbackLake } from '../lake/lakeStore';
import { chooseLakeDir } from '../lake/manifest';
import { s3ClientFromEnv } from '../lake/s3/s3Client';
import { asLakeError, S3Lake } from '../lake/s3/s3Lake';
import { rollbackS3Lake, s3LakeStatus } from '../lake/s3/s3LakeAdmin';
import { isS3Url } from '../lake/s3/s3Url';
import { exportLake } from '../export/exportLake';
import { runExportJob } from '../export/exportJob';
import { exportToS3 } from '../export/s3Export';
import { sourceLocationFrom } from '../export/sourceUrl';
import { jsonTable, langFromEnv, newTable, tableOf, type CliTable, type Field } from './format';
import { exportSummary, lakeErrorSentence, rolledBackSentence } from './messages';

/** The S3 lake `--lake` names, or undefined for a folder. */
function s3LakeOf(flag: string | undefined): S3Lake | undefined {
  return flag !== undefined && isS3Url(flag) ? new S3Lake(s3ClientFromEnv(process.env), flag) : undefined;
}

/** Runs an S3 lake's step, its S3 failures phrased as the lake's (one sentence naming the lake). */
async function onS3<T>(lake: S3Lake, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw asLakeError(error, lake);
  }
}

export async function runLakeExport(flags: { source?: string; lake?: string; full?: boolean; workDir?: string }): Promise<void> {
  const lang = langFromEnv();
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const source = sourceLocationFrom(flags.source);
  const s3 = s3LakeOf(flags.lake);
  const result = s3
    ? await exportToS3({ lake: s3.url, store: s3.store, source, full: flags.full ?? false, say, ...(flags.workDir ? { workDir: flags.workDir } : {}) })
    : await exportLake({ lakeDir: chooseLakeDir(flags.lake).dir, source, full: flags.full ?? false, say });
  process.stdout.write(`${exportSummary(result, lang)}\n`);
}

/** The container's command: JSON lines on stdout, the exit code says how it went (src/export/exportJob.ts). */
export async function runLakeExportJob(flags: { full?: boolean }): Promise<void> {
  process.exitCode = await runExportJob({ env: process.env, full: flags.full ?? false, write: (line) => process.stdout.write(line) });
}

const KIND: Record<HistoryEntry['kind'], Record<Lang, string>> = {
  export: { en: 'export', ja: 'エクスポート' },
  rollback: { en: 'rollback', ja: 'ロールバック' },
  generate: { en: 'sample', ja: 'サンプル生成' },
};

const OUTCOME: Record<HistoryEntry['outcome'], Record<Lang, string>> = {
  published: { en: 'published', ja: '公開' },
  refused: { en: 'refused by the gate', ja: '品質ゲートで拒否' },
  failed: { en: 'failed', ja: '失敗' },
  rolled_back: { en: 'rolled back', ja: 'ロールバック' },
};

/** `lake status --format json`: a row per lake table (its freshness SLO attainment); instants are ISO UTC. */
const TABLE_FIELDS: Field<TableStatus>[] = [
  { name: 'table', type: 'string', role: 'dimension', title: { ja: 'テーブル', en: 'Table' }, cell: (t) => t.table },
  { name: 'sloHours', type: 'number', role: 'value', title: { ja: 'SLO（時間）', en: 'SLO (hours)' }, cell: (t) => t.sloHours },
  {
    name: 'servedSnapshotAt',
    type: 'string',
    role: 'dimension',
    title: { ja: '提供中のスナップショット', en: 'Served snapshot' },
    cell: (t) => t.servedSnapshotAt,
  },
  {
    name: 'attainment30d',
    type: 'number',
    role: 'value',
    unit: 'ratio',
    title: { ja: `SLO 達成率（${STATUS_WINDOW_DAYS} 日）`, en: `SLO attainment (${STATUS_WINDOW_DAYS} d)` },
    cell: (t) => t.attainment30d,
  },
  { name: 'hoursMet', type: 'number', role: 'value', title: { ja: '達成した時間', en: 'Hours met' }, cell: (t) => t.hoursMet },
  { name: 'hours', type: 'number', role: 'value', title: { ja: '時間', en: 'Hours' }, cell: (t) => t.hours },
];

/** The recent runs, newest first, as a table of its own under `meta.recent`. */
const RUN_FIELDS: Field<HistoryEntry>[] = [
  { name: 'at', type: 'string', role: 'dimension', cell: (e) => e.at },
  { name: 'kind', type: 'string', role: 'dimension', cell: (e) => e.kind },
  { name: 'runId', type: 'string', role: 'dimension', cell: (e) => e.runId },
  { name: 'outcome', type: 'string', role: 'dimension', cell: (e) => e.outcome },
  { name: 'snapshotId', type: 'string', role: 'dimension', cell: (e) => e.snapshotId ?? null },
  { name: 'previousSnapshotId', type: 'string', role: 'dimension', cell: (e) => e.previousSnapshotId ?? null },
  { name: 'qualityPassed', type: 'boolean', role: 'dimension', cell: (e) => e.quality?.passed ?? null },
  { name: 'qualityReport', type: 'string', role: 'dimension', cell: (e) => e.quality?.report ?? null },
  {
    name: 'qualityFailed',
    type: 'string',
    role: 'dimension',
    cell: (e) => (e.quality?.failed ? e.quality.failed.map((f) => `${f.table}.${f.check}`).join(',') : null),
  },
  { name: 'error', type: 'string', role: 'dimension', cell: (e) => e.error ?? null },
  { name: 'elapsedMs', type: 'number', role: 'value', cell: (e) => e.elapsedMs ?? null },
  { name: 'synthetic', type: 'boolean', role: 'dimension', cell: (e) => e.synthetic === true },
];

export function lakeStatusTable(lakeDir: string, status: LakeStatus): CliTable {
  const { columns, rows } = tableOf(RUN_FIELDS, status.recent);
  return tableOf(TABLE_FIELDS, status.tables, {
    lake: lakeDir,
    current: status.current,
    ...(status.currentProblem ? { currentProblem: status.currentProblem.message } : {}),
    syntheticHistory: status.syntheticHistory,
    recent: { columns, rows },
  });
}

export async function runLakeStatus(flags: { lake?: string; format: 'table' | 'json' }): Promise<void> {
  const s3 = s3LakeOf(flags.lake);
  const lakeDir = s3 ? s3.where() : chooseLakeDir(flags.lake).dir;
  const status = s3 ? await onS3(s3, () => s3LakeStatus(s3)) : lakeStatus(lakeDir);
  const lang = langFromEnv();
  if (flags.format === 'json') {
    process.stdout.write(`${jsonTable(lakeStatusTable(lakeDir, status))}\n`);
    return;
  }
  process.stdout.write(`${formatLakeStatus(lakeDir, status, lang)}\n`);
}

export function formatLakeStatus(lakeDir: string, status: LakeStatus, lang: Lang): string {
  const ja = lang === 'ja';
  const current = status.current
    ? ja
      ? `レイク ${lakeDir} · 現在のスナップショット ${status.current.snapshotId}（${jstMinute(status.current.generatedAt)} 作成）`
      : `Lake ${lakeDir} · current snapshot ${status.current.snapshotId} (made ${jstMinute(status.current.generatedAt)})`
    : ja
      ? `レイク ${lakeDir} · 現在のスナップショットを読めません: ${status.currentProblem ? lakeErrorSentence(status.currentProblem, lang) : '不明'}`
      : `Lake ${lakeDir} · no current snapshot can be read: ${status.currentProblem?.message ?? 'unknown'}`;

  const recent = newTable(ja ? ['時刻', '種類', '結果', 'スナップショット', '品質', 'エラー'] : ['At', 'Kind', 'Outcome', 'Snapshot', 'Quality', 'Error']);
  for (const entry of status.recent) {
    recent.push([
      jstMinute(entry.at),
      KIND[entry.kind][lang],
      OUTCOME[entry.outcome][lang],
      entry.kind === 'rollback' && entry.previousSnapshotId ? `${entry.previousSnapshotId} → ${entry.snapshotId ?? '?'}` : (entry.snapshotId ?? '—'),
      entry.quality ? `${entry.quality.passed ? (ja ? '合格' : 'passed') : ja ? '不合格' : 'failed'} · ${entry.quality.report}` : '—',
      entry.error ?? '',
    ]);
  }

  const tables = newTable(
    ja
      ? ['テーブル', 'SLO', '提供中のスナップショット', `SLO 達成率（${STATUS_WINDOW_DAYS} 日）`]
      : ['Table', 'SLO', 'Served snapshot', `SLO attainment (${STATUS_WINDOW_DAYS} d)`],
    ['left', 'right', 'left', 'right'],
  );
  for (const table of status.tables) {
    tables.push([
      table.table,
      `${table.sloHours} h`,
      table.servedSnapshotAt ? jstMinute(table.servedSnapshotAt) : '—',
      table.attainment30d === null ? '—' : `${(table.attainment30d * 100).toFixed(1)}% (${table.hoursMet}/${table.hours} h)`,
    ]);
  }
  const noHistory = ja ? '（履歴はまだありません）' : '(no history yet)';
  const synthetic = ja
    ? 'この履歴はサンプルの合成履歴です（実際のエクスポートではありません）。'
    : 'This history is a synthetic sample history (not real exports).';
  return [
    current,
    ...(status.syntheticHistory ? [synthetic] : []),
    ja ? '最近の実行（新しい順）:' : 'Recent runs (newest first):',
    status.recent.length ? recent.toString() : noHistory,
    ja ? 'テーブルごとの鮮度 SLO 達成率:' : 'Freshness SLO attainment per table:',
    tables.toString(),
  ].join('\n');
}

export async function runLakeRollback(flags: { lake?: string; to?: string }): Promise<void> {
  const s3 = s3LakeOf(flags.lake);
  const lakeDir = s3 ? s3.where() : chooseLakeDir(flags.lake).dir;
  const { from, to } = s3 ? await onS3(s3, () => rollbackS3Lake(s3, flags.to)) : rollbackLake(lakeDir, flags.to);
  process.stdout.write(`${rolledBackSentence(lakeDir, from, to, langFromEnv())}\n`);
}
