/**
 * The CLI's own error sentences, in the reader's language (`langFromEnv`). API errors are phrased
 * by contract/errorMessages.ts; these cover what happens before a request: the lake and the network.
 */
import { dirname } from 'node:path';
import type { SourceError, SourceProblem } from '../export/sourceErrors';
import type { ExportError, ExportResult } from '../export/exportLake';
import { qualitySummary } from '../lake/quality';
import { MIN_PSEUDONYM_KEY_BYTES, PSEUDONYM_KEY_ENV, type PseudonymKeyError } from '../lake/pseudonym';
import type { LakeError, LakeProblem } from '../lake/manifest';
import type { Lang } from '../contract/types';
import type { AuditFlagError, AuditFlagProblem } from '../api/auditQuery';
import type { NoCadence } from './cadence';

/** An error the CLI prints as one sentence in the reader's language; `message` is the English one. */
export class CliError extends Error {
  constructor(private readonly sentences: Record<Lang, string>) {
    super(sentences.en);
    this.name = 'CliError';
  }

  sentence(lang: Lang): string {
    return this.sentences[lang];
  }
}

/** Japanese for each lake problem; the English is the LakeError's own message (src/lake/manifest.ts). */
const JA_LAKE: Record<LakeProblem, (error: LakeError) => string> = {
  manifest_missing: (e) =>
    `${dirname(e.path)} にレイク（データ）がありません: ${e.path} が見つかりません。SNAQ_LAKE_DIR か --lake を確認するか、"npx snaq lake generate" でサンプルを作ってください。`,
  manifest_not_json: (e) => `レイクのマニフェスト ${e.path} が JSON として読めません（${e.detail}）。直すか、元に戻してください。`,
  manifest_invalid: (e) => `レイクのマニフェスト ${e.path} の ${e.detail} が正しくありません。直すか、元に戻してください。`,
  not_a_lake: (e) => `${e.path} には manifest.json がなく、レイクではありません。SNAQ_LAKE_DIR か --lake を確認してください。`,
  sample_of_old_contract: (e) =>
    `${e.path} は古いレイク契約のサンプルです（個人データが残っています）。"npx snaq lake generate --out ${e.path}" で作り直してください。`,
  not_a_folder: (e) => `${e.path} はフォルダーではなくファイルです。SNAQ_LAKE_DIR か --lake を確認してください。`,
  replace_not_a_lake: (e) => `${e.path} は空でなく manifest.json もないため、置き換えません。別の --out を指定してください。`,
  replace_file: (e) => `${e.path} はフォルダーではなくファイルのため、置き換えません。別の --out を指定してください。`,
  replace_not_a_sample: (e) =>
    `${e.path} はサンプルではないレイクです（マニフェストに generator がありません）。置き換えるには --force を付けてください（元のレイクは名前を変えて横に残します）。`,
  replace_unreadable: (e) =>
    `${e.path} のマニフェストが読めず（${e.detail}）、サンプルか分からないため置き換えません。置き換えるには --force を付けてください（元のレイクは名前を変えて横に残します）。`,
  lake_not_writable: (e) => `${e.path} にレイクを書き込めません（${e.detail}）。--lake か SNAQ_LAKE_DIR を確認してください。`,
  export_running: (e) =>
    `このレイクでは別の${e.facts.what === 'rollback' ? 'ロールバック' : 'エクスポート'}が実行中です（${e.facts.host} の pid ${e.facts.pid}、${e.facts.since} から）。終わるまで待ってください。そのプロセスがもう無いなら ${e.path} を削除してください。`,
  invalid_id: (e) =>
    `"${e.path}" は${e.facts.what === 'run' ? '実行' : 'スナップショット'}の ID として使えません。英数字と "."、"_"、"-" だけで、英数字で始めてください（81 文字まで）。`,
  snapshot_exists: (e) => `スナップショット ${e.facts.id} はすでにあります。新しいスナップショットには新しい ID が必要です。`,
  snapshot_not_found: (e) => `スナップショット ${e.facts.id} はありません。選べるのは ${e.facts.available} です。`,
  snapshot_current: (e) => `スナップショット ${e.facts.id} はすでに現在のものです。ロールバックするものはありません。`,
  cursors_unreadable: (e) => `エクスポートのカーソル ${e.path} が JSON として読めません（${e.detail}）。--full で全件エクスポートしてください。`,
  lake_unreachable: (e) =>
    `S3 のレイク ${e.path} を読み書きできません（${e.detail}）。認証情報（AWS_* か SNAQ_S3_ENDPOINT）、バケットとプレフィックスを確認してください。`,
  lake_on_s3: (e) =>
    `${e.path} は S3 上のレイクです。ここで読めるのは export・status・rollback だけです（DuckDB の S3 拡張はここでは入れられません）。serve や query にはレイクのフォルダーを指定するか、--url で AWS 上の API に問い合わせてください。`,
  lock_lost: (e) => `この実行のロック ${e.path} は、期限切れのため別の実行に引き継がれました。この実行からは何も公開しません。`,
  no_previous_snapshot: (e) => `現在のスナップショット（${e.facts.id}）より古いものが ${e.path} に残っていません。ロールバックできません。`,
};

export function lakeErrorSentence(error: LakeError, lang: Lang): string {
  return lang === 'ja' ? JA_LAKE[error.reason](error) : error.message;
}

/** Japanese for each source problem; the English is the SourceError's own message (src/export/sourceErrors.ts). Never the password. */
const JA_SOURCE: Record<SourceProblem, (error: SourceError) => string> = {
  no_source: () =>
    'ソースのデータベースが指定されていません。--source mysql://ユーザー:パスワード@ホスト:ポート/DB を付けるか、SNAQ_SOURCE_URL を設定してください。',
  malformed_url: (e) => `ソースの URL が正しくありません（${e.facts.detail ?? ''}）。mysql://ユーザー:パスワード@ホスト:ポート/DB の形で書いてください。`,
  unreachable: (e) =>
    `ソースのデータベース ${e.facts.source} に接続できません（${e.facts.detail ?? ''}）。ホスト名とポート、サーバーが動いているかを確認してください。`,
  access_denied: (e) => `ソースのデータベース ${e.facts.source} がユーザー名かパスワードを受け付けませんでした。ユーザーとパスワードを確認してください。`,
  unknown_database: (e) => `${e.facts.source} のデータベースが存在しないか、このユーザーには使えません。データベース名を確認してください。`,
  missing_table: (e) => `ソースのデータベース ${e.facts.source} にテーブル ${e.facts.table} がありません。スキーマが想定どおりか確認してください。`,
  missing_column: (e) => `ソースのテーブル ${e.facts.table} に列 ${e.facts.column} がありません。スキーマが想定どおりか確認してください。`,
  unknown_column_type: (e) =>
    `ソースの列 ${e.facts.table}.${e.facts.column} の型 ${e.facts.detail ?? ''} はレイク契約で読めません。プライバシーポリシー（src/contract/privacyPolicy.ts）かソースを直してください。`,
  wrong_column_type: (e) =>
    `ソースの列 ${e.facts.table}.${e.facts.column} の型 ${e.facts.detail ?? ''} がレイク契約と違います。プライバシーポリシー（src/contract/privacyPolicy.ts）かソースを直してください。`,
  statement_timeout: (e) =>
    `テーブル ${e.facts.table} の読み取り中、ソースのデータベースが ${e.facts.capSeconds} 秒の上限で文を止めました。チャンクを小さくするか、主キーのインデックスを確認してください。`,
  connection_lost: (e) => `${whileReading(e)}ソースのデータベース ${e.facts.source} との接続が切れました。もう一度実行してください。`,
  write_refused: (e) => `${whileReading(e)}ソースのセッションは読み取り専用のため、書き込みを拒否しました。`,
  foreign_database: (e) =>
    `${e.facts.source} にはテーブルが ${e.facts.detail ?? ''} 個あり、snaq_sample_source の目印がないため、サンプルのソースではありません。何も変更していません。空のデータベースを指定してください。`,
  not_a_sample_source: (e) =>
    `${e.facts.source} には snaq_sample_source の目印がないため、サンプルのソースではありません。何も変更していません。先に "npx snaq source seed" でサンプルのソースを作ってください。`,
  incomplete_seed: (e) =>
    `${e.facts.source} のサンプルは作成が完了していません（snaq_sample_source.completed_at が空です）。何も変更していません。"npx snaq source seed" で作り直してください。`,
  source_failed: (e) => `${whileReading(e)}ソースのデータベース ${e.facts.source} でエラーが起きました（${e.facts.detail ?? '不明'}）。`,
};

function whileReading(error: SourceError): string {
  return error.facts.table === undefined ? '' : `テーブル ${error.facts.table} の読み取り中、`;
}

export function sourceErrorSentence(error: SourceError, lang: Lang): string {
  return lang === 'ja' ? JA_SOURCE[error.reason](error) : error.message;
}

/** The line `lake rollback` prints. */
export function rolledBackSentence(lakeDir: string, from: string, to: string, lang: Lang): string {
  return lang === 'ja'
    ? `${lakeDir} をスナップショット ${from} から ${to} に戻しました。動いているサービスは再起動なしで次のクエリから ${to} を返します。`
    : `Rolled ${lakeDir} back from snapshot ${from} to ${to}; a running service answers from ${to} from its next query, without a restart.`;
}

/** What an export says when it took over the lock of a run that died (exportLock.ts `tookOverFrom`). */
export function lockTakenOverSentence(from: { pid: number; host: string; what: string; startedAt: string } | 'unreadable', lang: Lang): string {
  if (from === 'unreadable') {
    return lang === 'ja' ? '読めないロックファイルが残っていたため、引き継ぎました。' : 'An unreadable lock file was left behind; took it over.';
  }
  return lang === 'ja'
    ? `終了したプロセス（${from.host} の pid ${from.pid}、${from.startedAt} から）が残したロックを引き継ぎました。`
    : `Took over the lock left by a process that is gone (pid ${from.pid} on ${from.host}, ${from.what} since ${from.startedAt}).`;
}

/** The line `lake generate --force` prints about the lake it replaced. */
export function keptAsideSentence(path: string, lang: Lang): string {
  return lang === 'ja' ? `元のレイクは ${path} に残しました。` : `The lake that was there is kept at ${path}.`;
}

/** The one line of an export that did not publish for its own reason. */
export function exportErrorSentence(error: ExportError, lang: Lang): string {
  if (error.reason === 'quality_failed' && error.facts.report && error.facts.reportFile)
    return qualitySummary(error.facts.report, error.facts.reportFile, lang);
  if (error.reason === 'export_into_sample' && lang === 'ja') {
    return `${error.facts.path ?? ''} には生成したサンプルのレイクがあります。作り物と本物の数字を混ぜないよう、別のフォルダー（--lake か SNAQ_LAKE_DIR）に書き出してください。`;
  }
  return error.message;
}

export function pseudonymKeyErrorSentence(error: PseudonymKeyError, lang: Lang): string {
  if (lang !== 'ja') return error.message;
  return `${PSEUDONYM_KEY_ENV} が未設定か、正しくありません（base64 で ${MIN_PSEUDONYM_KEY_BYTES} バイト以上が必要です。作り方: openssl rand -base64 48）。`;
}

/** What a published export says: the snapshot, how it was read, and the gate's verdict. */
export function exportSummary(result: ExportResult, lang: Lang): string {
  const tables = Object.values(result.manifest.tables);
  const rows = tables.reduce((sum, t) => sum + t.rows, 0);
  const read = tables.reduce((sum, t) => sum + (t.rowsRead ?? 0), 0);
  const changed = tables.reduce((sum, t) => sum + (t.rowsChanged ?? 0), 0);
  const seconds = (result.elapsedMs / 1000).toFixed(1);
  if (lang === 'ja') {
    return `スナップショット ${result.manifest.snapshotId} を公開しました（${result.full ? '全件' : '差分'}、${tables.length} テーブル ${rows} 行、読んだ行 ${read}、変わった行 ${changed}、品質チェック合格、${seconds} 秒）。`;
  }
  return `Published snapshot ${result.manifest.snapshotId} (${result.full ? 'full' : 'incremental'}: ${rows} rows in ${tables.length} tables, ${read} read, ${changed} changed; quality gate passed) in ${seconds} s.`;
}

/** Japanese for `snaq audit`'s flag problems; the English is the AuditFlagError's own message (src/api/auditQuery.ts). */
const JA_AUDIT_FLAG: Record<AuditFlagProblem, (value: string) => string> = {
  bad_since: (v) =>
    `--since には 7d・12h・2w のような期間、日付 YYYY-MM-DD（JST）、またはタイムゾーン付きの時刻（2026-11-30T09:00+09:00）を指定してください（"${v}" は使えません）。`,
  unused_with_filter: (v) => `--unused は誰も使っていない指標の一覧なので、${v} とは一緒に使えません（--since だけ指定できます）。`,
  bad_format: (v) => `--format には table・csv・json のどれかを指定してください（"${v}" は使えません）。`,
};

export function auditFlagSentence(error: AuditFlagError, lang: Lang): string {
  return lang === 'ja' ? JA_AUDIT_FLAG[error.reason](error.value) : error.message;
}

/** The line `snaq forecast --csv` prints when its periods show no cadence, so the future rows are +1, +2, … */
export function noCadenceSentence(found: NoCadence, lang: Lang): string {
  const ja = lang === 'ja';
  const then = ja ? '予測の行は +1, +2, … と表示します。' : 'so the forecast rows are labelled +1, +2, …';
  switch (found.problem) {
    case 'too_few':
      return ja ? `期間が 1 つだけで間隔が分からないため、${then}` : `One period shows no cadence, ${then}`;
    case 'not_a_date':
      return ja
        ? `期間 "${found.period}" が日付（YYYY-MM-DD か YYYY-MM）ではないため、${then}`
        : `The period "${found.period}" is not a date (YYYY-MM-DD or YYYY-MM), ${then}`;
    case 'irregular':
      return ja
        ? `期間の間隔が日・週・月・四半期・年のどれでもないため（${found.from} → ${found.to}）、${then}`
        : `The periods are not one day, week, month, quarter or year apart (${found.from} → ${found.to}), ${then}`;
  }
}
