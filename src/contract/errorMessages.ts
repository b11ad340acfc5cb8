/**
 * One short sentence per error, in the reader's language. The API's own `message` is English; a
 * client (the CLI today, the add-on next) turns `code` + `details` into Japanese from this table,
 * so the wording lives in one place for every front end.
 */
import type { ErrorCode, ErrorDetails } from './errors';
import type { Lang, LocalizedText } from './types';

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

type Phrase = (details: ErrorDetails) => string;

// Sentence endings many errors share, spelled once (they are bundled into the add-on, which is size-bound).
const ASK_DATA_TEAM = 'データチームに連絡してください。';
const TRY_LATER = 'しばらくしてからもう一度お試しください。';

const list = (value: unknown): string => (Array.isArray(value) ? value.join(', ') : '');
const quoted = (value: unknown): string => `"${String(value ?? '')}"`;
/** Allowed codes with their Japanese labels when the error carries them: 隔週（biweekly）. */
const labelled = (details: ErrorDetails): string =>
  list(
    (details.allowed as string[]).map((code) => {
      const ja = (details.labels as Record<string, LocalizedText> | undefined)?.[code]?.ja;
      return ja ? `${ja}（${code}）` : code;
    }),
  );
const fieldOf = (details: ErrorDetails): string => quoted(String(details.field ?? '').replace(/^filters\./, ''));

/** Japanese sentences by `details.reason`. */
const JA_BY_REASON: Record<string, Phrase> = {
  unknown_metric: (d) =>
    d.suggestion
      ? `指標 ${quoted(d.metric)} はありません。もしかして ${quoted(d.suggestion)}?`
      : `指標 ${quoted(d.metric)} はありません。指標の一覧で名前を確認してください。`,
  missing_field: (d) => `${fieldOf(d)} を指定してください。`,
  invalid_field: (d) => `${fieldOf(d)} の値が正しくありません。`,
  unknown_field: (d) => `${fieldOf(d)} という項目はありません。`,
  invalid_body: () => 'リクエストの形式が正しくありません。',
  invalid_json: () => 'リクエストの形式が正しくありません（JSON ではありません）。',
  unsupported_content_type: () => 'リクエストは JSON で送ってください。',
  body_too_large: () => 'リクエストが大きすぎます（1 MB まで）。',
  invalid_path: () => 'URL の形式が正しくありません。',
  invalid_http: () => 'リクエストの形式が正しくありません。',
  unknown_route: () => 'その URL はありません。接続先を確認してください。',
  method_not_allowed: () => 'その URL はこの方法では使えません。',
  invalid_date: (d) => `${fieldOf(d)} は実在する日付を YYYY-MM-DD 形式で指定してください。`,
  range_order: () => '開始日は終了日より前にしてください。',
  range_too_long: (d) => `期間は最長 ${String(d.max ?? 10)} 年までです。`,
  duplicate_dimension: () => '同じ切り口が2回指定されています。',
  grain_not_allowed: (d) => `この指標で使える粒度は ${list(d.allowed)} です。`,
  unknown_dimension: (d) => `切り口 ${quoted(d.dimension)} はこの指標にありません。使えるのは ${list(d.allowed)} です。`,
  pii_dimension: (d) => `${quoted(d.dimension)} は個人情報のため使えません。`,
  restricted_metric: (d) => `指標 ${quoted(d.metric)} は閲覧できる人が限られています。必要な場合はデータチームに相談してください。`,
  id_token: () => 'Google アカウントの本人確認に失敗しました。シートを開き直してからもう一度お試しください。',
  id_token_unsigned: () => '本人確認のトークンが署名されていません。アドオンを最新にしてください。',
  identity_keys_unavailable: () => `Google アカウントの本人確認ができませんでした。${TRY_LATER}`,
  invalid_filter_value: (d) =>
    Array.isArray(d.allowed) ? `絞り込み ${fieldOf(d)} に使える値は ${labelled(d)} です。` : `絞り込み ${fieldOf(d)} の値が正しくありません。`,
  unknown_query: () => 'この問い合わせは見つかりません。もう一度実行してください。',
  too_large_to_poll: () => '絞り込みの値が多すぎて、時間のかかる集計の結果を待てません。絞り込みの値を減らしてください。',
  rate_limited: (d) => `リクエストが多すぎます。${String(d.retryAfterSeconds ?? 1)} 秒後にもう一度お試しください。`,
  too_much_work: (d) => `実行中の集計が多すぎます。${String(d.retryAfterSeconds ?? 1)} 秒後にもう一度お試しください。`,
  result_evicted: () => 'サーバーのメモリを空けるため、この結果は破棄されました。もう一度実行してください。',
  body_timeout: () => 'リクエストが時間内に届きませんでした。もう一度送ってください。',
  signature: () => '認証に失敗しました。アクセスキー・リージョンの設定と、端末の時計を確認してください。',
  timeout: () => '集計に時間がかかりすぎたため中断しました。期間や切り口を減らしてください。',
  too_many_rows: (d) => `結果が大きすぎます（${String(d.maxRows ?? '')} 行超）。粒度を粗くするか、切り口を減らしてください。`,
  lake_missing: () => `データを読み込めません。${TRY_LATER}`,
  lake_unreadable: () => `データを読み込めません。${TRY_LATER}`,
  lake_corrupt: () => `データのファイルが壊れているため読み込めません。${ASK_DATA_TEAM}`,
  lake_manifest_invalid: () => `データの目録（manifest）を読み込めません。${ASK_DATA_TEAM}`,
  lake_history_unreadable: () => `データの更新履歴を読み込めません。${ASK_DATA_TEAM}`,
  athena_refused: () => `データ基盤が要求を受け付けませんでした。${ASK_DATA_TEAM}`,
  athena_failed: () => `データ基盤で集計に失敗しました。${TRY_LATER}`,
  athena_cancelled: () => `データ基盤で集計が取り消されました。${TRY_LATER}`,
  engine_rejected_statement: () => `指標サービスの不具合で集計できませんでした。${ASK_DATA_TEAM}`,
  lake_schema_mismatch: () => `データ基盤に必要な表または列が見つかりません。${ASK_DATA_TEAM}`,
  engine_permission: () => `指標サービスにデータを読む権限がありません。${ASK_DATA_TEAM}`,
  service_not_ready: () => `指標サービスを起動できませんでした。しばらくしてからもう一度お試しください。続く場合は${ASK_DATA_TEAM}`,
  closed: () => `指標サービスが再起動中です。${TRY_LATER}`,
  engine_rejected: () => `この条件では集計できませんでした。条件を変えるか、${ASK_DATA_TEAM}`,
  integer_overflow: () => `値が大きすぎて正確に表示できません。${ASK_DATA_TEAM}`,
  malformed_result: () => `データ基盤から想定外の結果が返りました。${TRY_LATER}`,
  scan_limit: () => '読み込むデータ量が上限を超えました。期間を短くするか、切り口や絞り込みを見直してください。',
  unexpected_params: () => `予期しないエラーが起きました。続く場合は${ASK_DATA_TEAM}`,
};

/** Japanese sentences by code, when the reason is absent or new. */
const JA_BY_CODE: Record<ErrorCode, string> = {
  UNKNOWN_METRIC: 'その指標はありません。指標の一覧で名前を確認してください。',
  INVALID_ARGUMENT: '指定に誤りがあります。引数を確認してください。',
  UNAUTHENTICATED: '認証に失敗しました。接続設定を確認してください。',
  FORBIDDEN: 'この操作は許可されていません。',
  REQUEST_TIMEOUT: 'リクエストが時間内に届きませんでした。もう一度送ってください。',
  RATE_LIMITED: 'リクエストが多すぎます。少し待ってからもう一度お試しください。',
  QUERY_TIMEOUT: '集計に時間がかかりすぎたため中断しました。期間や切り口を減らしてください。',
  ENGINE_UNAVAILABLE: `データ基盤に接続できません。${TRY_LATER}`,
  RESULT_TOO_LARGE: '結果が大きすぎます。粒度を粗くするか、切り口を減らしてください。',
  INTERNAL: `予期しないエラーが起きました。続く場合は${ASK_DATA_TEAM}`,
};

/** The reasons this table phrases, so a test can check that every reason the service uses is covered. */
export const PHRASED_REASONS: readonly string[] = Object.keys(JA_BY_REASON);

export function localizeError(error: WireError, lang: Lang): string {
  if (lang === 'en') return error.message;
  const reason = error.details?.reason;
  const phrase = reason === undefined ? undefined : JA_BY_REASON[reason];
  return phrase ? phrase(error.details!) : JA_BY_CODE[error.code];
}
