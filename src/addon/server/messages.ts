/**
 * Everything the add-on says to a person, in Japanese and English. A sentence says what to fix.
 * Errors from the API are phrased by contract/errorMessages.ts; these are the add-on's own.
 */
import type { Lang } from '../../contract/types';

type Params = Record<string, string | number>;
type Sentence = (p: Params) => string;

const MESSAGES = {
  metricRequired: {
    ja: () => '1つ目の引数に指標名を入れてください（例: "revenue"）。',
    en: () => 'Put a metric name in the first argument, e.g. "revenue".',
  },
  dateRequired: {
    ja: (p) => `${p.arg} に日付を入れてください。`,
    en: (p) => `Put a date in ${p.arg}.`,
  },
  dateInvalid: {
    ja: (p) => `${p.arg} の "${p.value}" は日付として読めません。日付、"2024-01-31"、"2024-01"、または this_month などのキーワードを入れてください。`,
    en: (p) => `${p.arg} "${p.value}" is not a date. Use a date, "2024-01-31", "2024-01" or a keyword such as this_month.`,
  },
  keywordWithEnd: {
    ja: (p) => `期間キーワード "${p.keyword}" を使うときは終了日を空にしてください。`,
    en: (p) => `Leave the end date empty when the start is the keyword "${p.keyword}".`,
  },
  rangeInverted: {
    ja: (p) => `開始日 ${p.from} が終了日 ${p.to} より後です。入れ替えてください。`,
    en: (p) => `The start ${p.from} is after the end ${p.to}: swap them.`,
  },
  rangeTooLong: {
    ja: (p) => `期間は最長 ${p.years} 年までです。`,
    en: (p) => `The range may span at most ${p.years} years.`,
  },
  grainInvalid: {
    ja: (p) => `粒度 "${p.value}" は使えません。day, week, month, quarter, year のどれかにしてください。`,
    en: (p) => `Grain "${p.value}" is not one of day, week, month, quarter, year.`,
  },
  filterMalformed: {
    ja: (p) => `絞り込み "${p.part}" が読めません。"plan=biweekly;gender=female" の形で書いてください。`,
    en: (p) => `Can't read the filter "${p.part}". Write it as "plan=biweekly;gender=female".`,
  },
  optionUnknown: {
    ja: (p) => `オプション "${p.option}" はありません。noheader、nonotes、limit=数、lang=ja または lang=en、前年比、前期比 が使えます。`,
    en: (p) => `There is no option "${p.option}". Use noheader, nonotes, limit=N, lang=ja or lang=en, compare=previous_year or compare=previous_period.`,
  },
  noteComparison: {
    ja: (p) => `${p.compare === 'previous_year' ? '前年同期' : '前期'}（${p.range}）と比較しています。`,
    en: (p) => `Compared with ${p.compare === 'previous_year' ? 'the same period last year' : 'the previous period'} (${p.range}).`,
  },
  noteComparisonPartial: {
    ja: (p) => `途中までの ${p.period} は、比べる期間も同じところまでで比べています。`,
    en: (p) => `The partial ${p.period} is compared with the same part of its earlier period.`,
  },
  limitInvalid: {
    ja: (p) => `limit は 1 から ${p.max} までの整数にしてください。`,
    en: (p) => `limit must be a whole number from 1 to ${p.max}.`,
  },
  tooManyDimensions: {
    ja: (p) => `切り口は ${p.max} つまでです。`,
    en: (p) => `Use at most ${p.max} dimensions.`,
  },
  horizonInvalid: {
    ja: (p) => `予測する期間数（horizon）は 1 から ${p.max} までの整数にしてください。`,
    en: (p) => `The horizon (periods to forecast) must be a whole number from 1 to ${p.max}.`,
  },
  intervalInvalid: {
    ja: (p) => `予測区間 "${p.value}" は使えません。0.5〜0.99（または 50%〜99%）にしてください。`,
    en: (p) => `The interval "${p.value}" must be between 0.5 and 0.99 (or 50% to 99%).`,
  },
  notePartialPeriod: {
    ja: (p) => `${p.period} は途中までの値です（データは ${p.asOf} まで）。それより後の期間は空欄です。`,
    en: (p) => `${p.period} is partial: data up to ${p.asOf}. Later periods are empty.`,
  },
  noteSyntheticHistory: {
    ja: () => '達成率と品質の結果はサンプルの合成履歴によるものです（実際のエクスポートではありません）。',
    en: () => 'Attainment and quality results come from a synthetic sample history, not real exports.',
  },
  noteDataEnds: {
    ja: (p) => `データは ${p.asOf} までです。それより後の期間は空欄です。`,
    en: (p) => `Data runs to ${p.asOf}. Later periods are empty.`,
  },
  noteForecastFrom: {
    ja: (p) => `データは ${p.asOf} までのため、予測は最後の完全な期間 ${p.period} の次から始まります。`,
    en: (p) => `Data runs to ${p.asOf}, so the forecast starts after the last complete period, ${p.period}.`,
  },
  noteNothingToForecast: {
    ja: () => 'この条件には実績がないため、予測できません。',
    en: () => 'There are no actual values for these conditions, so nothing can be forecast.',
  },
  weekOf: { ja: (p) => `${p.day} の週`, en: (p) => `the week of ${p.day}` },
  noAnomalies: {
    ja: () => 'この期間に異常な値はありません。',
    en: () => 'No unusual periods in this range.',
  },
  forecastChartTitle: {
    ja: (p) => `${p.metric}：実績と予測（${p.interval}% 予測区間）`,
    en: (p) => `${p.metric}: actual and forecast (${p.interval}% interval)`,
  },
  argumentTooLarge: {
    ja: (p) => `${p.arg} の範囲が大きすぎます。${p.max} セル以内にしてください。`,
    en: (p) => `The ${p.arg} range is too large: use at most ${p.max} cells.`,
  },
  notConfigured: {
    ja: () => '接続先が設定されていません。管理者がメニュー「SNAQ › 設定」で設定してください。',
    en: () => 'The connection is not set up. An admin can set it in the menu SNAQ › Settings.',
  },
  restrictedWithoutIdentity: {
    ja: (p) => `指標 "${p.metric}" は閲覧できる人が限られているため、セルの関数では表示できません。ブロックかサイドバーを使ってください。`,
    en: (p) => `Metric "${p.metric}" is restricted: use a block or the sidebar.`,
  },
  unreachable: {
    ja: (p) => `指標サービス（${p.host}）に接続できません。しばらくしてから再計算してください。`,
    en: (p) => `Cannot reach the metrics service (${p.host}). Recalculate in a while.`,
  },
  urlFetchQuota: {
    ja: () => '今日の外部接続の回数（Google の 1 日の上限）を使い切りました。明日もう一度お試しください。',
    en: () => 'The add-on has used up today’s external calls (Google’s daily limit). Try again tomorrow.',
  },
  unexpectedResponse: {
    ja: (p) => `指標サービスから想定外の応答がありました（HTTP ${p.status}）。しばらくしてから再計算してください。`,
    en: (p) => `The metrics service answered unexpectedly (HTTP ${p.status}). Recalculate in a while.`,
  },
  stillRunning: {
    ja: () => '集計中です。1分ほどしてから再計算してください。',
    en: () => 'Still running: recalculate in a minute.',
  },
  busy: {
    ja: () => '指標サービスが混み合っています。1分ほどしてから再計算してください。',
    en: () => 'The metrics service is busy: recalculate in a minute.',
  },
  menuOpenSidebar: { ja: () => '指標サイドバーを開く', en: () => 'Open sidebar' },
  menuRefresh: { ja: () => 'SNAQ の数式を更新', en: () => 'Refresh SNAQ formulas' },
  menuSettings: { ja: () => '設定', en: () => 'Settings' },
  menuAbout: { ja: () => 'SNAQ について', en: () => 'About' },
  menuDashboard: { ja: () => 'KPI ダッシュボードを挿入', en: () => 'Insert KPI dashboard' },
  dashboardTitle: { ja: () => 'KPI ダッシュボード', en: () => 'KPI dashboard' },
  dashboardLine: {
    ja: (p) => `データ時点 ${p.asOf} · 最終更新 ${p.at}`,
    en: (p) => `Data as of ${p.asOf} · refreshed ${p.at}`,
  },
  refreshed: {
    ja: (p) => `${p.count} 個の SNAQ 数式を更新しました。`,
    en: (p) => `Refreshed ${p.count} SNAQ formulas.`,
  },
  about: {
    ja: () => 'SNAQ 指標: snaq.me の公式な指標をシートで使うアドオンです。例: =SNAQ_METRIC("revenue", "2024-01", "2024-12", "month")',
    en: () => 'SNAQ metrics: governed snaq.me numbers in Sheets. Try =SNAQ_METRIC("revenue", "2024-01", "2024-12", "month").',
  },
  settingsTitle: { ja: () => 'SNAQ の接続設定', en: () => 'SNAQ connection settings' },
  endpointInvalid: {
    ja: () => '接続先は https:// で始まる URL にしてください（ローカル開発では http://127.0.0.1 も可）。',
    en: () => 'The endpoint must be an https:// URL (http://127.0.0.1 is allowed for local development).',
  },
  settingsAdminOnly: {
    ja: (p) => `設定を変更できるのは管理者（${p.admins}）だけです。`,
    en: (p) => `Only the admins (${p.admins}) can change the settings.`,
  },
  settingsNoAdmins: {
    ja: () => 'ビルド時に管理者（SNAQ_ADMINS）が指定されていないため、設定は誰も変更できません。',
    en: () => 'No admins were named at build time (SNAQ_ADMINS), so nobody can change the settings.',
  },
  settingsBusy: {
    ja: () => 'ほかの管理者が設定を保存しています。少ししてからもう一度保存してください。',
    en: () => 'Another admin is saving the settings: save again in a moment.',
  },
  keyRequired: {
    ja: () => 'アクセスキー ID とシークレットを入れてください。',
    en: () => 'Enter the access key ID and the secret.',
  },
  connectionOk: {
    ja: (p) => `接続できました。指標 ${p.count} 件、データ時点 ${p.asOf}。`,
    en: (p) => `Connected: ${p.count} metrics, data as of ${p.asOf}.`,
  },
  blockNeedsSpace: {
    ja: (p) => `このブロックには ${p.rows} 行 × ${p.columns} 列が必要ですが、${p.blocked} 個のセルが使われています（${p.range}）。空けてから更新してください。`,
    en: (p) => `This block needs ${p.rows} rows × ${p.columns} columns, but ${p.blocked} cells hold other content (${p.range}). Clear them, then refresh.`,
  },
  blockStaleNote: {
    ja: (p) => `SNAQ: ${p.at} の更新に失敗しました（${p.reason}）。表示中の値は ${p.last} 時点のものです。`,
    en: (p) => `SNAQ: the refresh at ${p.at} failed (${p.reason}). The values shown are from ${p.last}.`,
  },
  blockNotFound: {
    ja: () => 'このブロックは見つかりません。行や列ごと削除された可能性があります。',
    en: () => 'This block cannot be found: its row or column may have been deleted.',
  },
  blockAnchorLost: {
    ja: () => 'ブロックの先頭の行か列が削除され、位置がわかりません。挿入し直してください。',
    en: () => 'The block’s first row or column was deleted, so it cannot be placed. Insert it again.',
  },
  blockChangedMeanwhile: {
    ja: () => '更新中に別の人がこのブロックを編集・更新したため、書き込みませんでした。もう一度更新してください。',
    en: () => 'Someone changed this block while it was refreshing, so nothing was written. Refresh it again.',
  },
  blockStateDamaged: {
    ja: () => 'このブロックの更新履歴が壊れていて読めません。更新すると新しい履歴になります。',
    en: () => 'This block’s refresh history is damaged. Refreshing it starts a new history.',
  },
  blockStateReplaced: {
    ja: () => '壊れていて読めなかった更新履歴を、この更新で置き換えました。',
    en: () => 'This refresh replaced a saved history that was damaged and could not be read.',
  },
  documentBusy: {
    ja: () => '別の更新がこのドキュメントに書き込み中です。少し待ってからもう一度お試しください。',
    en: () => 'Another refresh is writing to this document. Try again in a moment.',
  },
  scheduleDamaged: {
    ja: () => '保存されたスケジュールが壊れていて読めないため、定期更新は止まっています。選び直して保存してください。',
    en: () => 'The saved schedule is damaged, so scheduled refreshes are paused. Choose the schedule again and save it.',
  },
  scheduleInvalid: {
    ja: () => 'スケジュールは毎日または毎週、0〜23 時で指定してください。',
    en: () => 'A schedule runs daily or weekly, at an hour from 0 to 23.',
  },
} satisfies Record<string, Record<Lang, Sentence>>;

export type MessageId = keyof typeof MESSAGES;

export function say(lang: Lang, id: MessageId, params: Params = {}): string {
  return MESSAGES[id][lang](params);
}

/** 'ja_JP', 'ja' → ja; anything else → en. */
export function langOfLocale(locale: string | null | undefined): Lang {
  return /^ja/i.test(locale ?? '') ? 'ja' : 'en';
}

/** An error whose message is already a sentence for the person at the cell. */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}
