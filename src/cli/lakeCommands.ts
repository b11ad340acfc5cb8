/** `snaq lake status` and `snaq lake rollback`: the lake's store as a person sees it. */
import { jstMinute } from '../contract/dates';
import type { Lang } from '../contract/types';
import type { HistoryEntry } from '../lake/lakeHistory';
import { lakeStatus, STATUS_WINDOW_DAYS, type LakeStatus } from '../lake/lakeStatus';
import { rollbackLake } from '../lake/lakeStore';
import { chooseLakeDir } from '../lake/manifest';
import { langFromEnv, newTable } from './format';
import { lakeErrorSentence, rolledBackSentence } from './messages';

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

export async function runLakeStatus(flags: { lake?: string; format: 'table' | 'json' }): Promise<void> {
  const lakeDir = chooseLakeDir(flags.lake).dir;
  const status = lakeStatus(lakeDir);
  const lang = langFromEnv();
  if (flags.format === 'json') {
    const { currentProblem, ...rest } = status;
    process.stdout.write(`${JSON.stringify({ lake: lakeDir, ...rest, ...(currentProblem ? { currentProblem: currentProblem.message } : {}) }, null, 2)}\n`);
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
  return [
    current,
    ja ? '最近の実行（新しい順）:' : 'Recent runs (newest first):',
    status.recent.length ? recent.toString() : noHistory,
    ja ? 'テーブルごとの鮮度 SLO 達成率:' : 'Freshness SLO attainment per table:',
    tables.toString(),
  ].join('\n');
}

export async function runLakeRollback(flags: { lake?: string; to?: string }): Promise<void> {
  const lakeDir = chooseLakeDir(flags.lake).dir;
  const { from, to } = rollbackLake(lakeDir, flags.to);
  process.stdout.write(`${rolledBackSentence(lakeDir, from, to, langFromEnv())}\n`);
}
