/**
 * The sample business as the SOURCE holds it: every column of SOURCE_SCHEMA, in its order, for the
 * rows of the staging views `lake_<table>` (the same rows, ids and values the direct lake gets),
 * plus what only the source has: fake people (kana, phone, postal code, address; names, e-mail
 * and birth dates come from users_all, as the lake's age band does), free text, credentials and
 * the application's created_at/updated_at. Hash-based like every other attribute (macros.sql.ts),
 * so two seeds of the same inputs are identical.
 */
import type { TableName } from '../contract/lakeSchema';
import { SOURCE_SCHEMA } from '../contract/privacyPolicy';
import { FAMILY_NAMES, FAMILY_NAMES_KANA, GIVEN_NAMES_FEMALE, GIVEN_NAMES_FEMALE_KANA, GIVEN_NAMES_MALE, GIVEN_NAMES_MALE_KANA } from './reference-data';
import { pickUniform } from './sql';

export const TOWNS = ['中央', '本町', '栄町', '緑町', '旭町', '若葉', '桜台', '東町', '西町', '南町', '北町', '松が丘'];
export const BUILDINGS = ['ハイツ', 'コーポ', 'レジデンス', 'メゾン', 'パレス'];
export const CANCEL_COMMENTS = [
  '引っ越しのため一旦停止します。',
  '量が多すぎました。',
  '好みのお菓子が少なかったです。',
  '家計の見直しです。',
  'また再開します！',
];
export const RATING_COMMENTS = ['とても美味しかったです。', '甘すぎました。', '家族に好評でした。', 'リピートしたいです。', '食感が好みでした。'];
export const OTHER_ALLERGIES = ['えび', 'かに', 'そば', '卵', '大豆', 'ごま'];
export const GIFT_MESSAGES = ['いつもありがとう。', 'お誕生日おめでとう！', 'お疲れさまでした。', 'ささやかですが、どうぞ。'];

/** A name in kanji or kana for key `k`: the same draws (salts `<prefix>family`, `<prefix>given`) as users_all's name. */
function personName(k: string, gender: string, prefix: string, kana: boolean): string {
  const [family, female, male] = kana
    ? [FAMILY_NAMES_KANA, GIVEN_NAMES_FEMALE_KANA, GIVEN_NAMES_MALE_KANA]
    : [FAMILY_NAMES, GIVEN_NAMES_FEMALE, GIVEN_NAMES_MALE];
  const given = `rnd(${k}, '${prefix}given')`;
  return `(${pickUniform(`rnd(${k}, '${prefix}family')`, family)} || ' ' ||
    CASE ${gender} WHEN 'female' THEN ${pickUniform(given, female)} WHEN 'male' THEN ${pickUniform(given, male)}
      ELSE ${pickUniform(given, [...female, ...male])} END)`;
}

const digits = (k: string, salt: string, n: number) => `lpad(CAST(CAST(floor(rnd(${k}, '${salt}') * ${10 ** n}) AS BIGINT) AS VARCHAR), ${n}, '0')`;
const phone = (k: string, prefix: string) =>
  `('0' || ${pickUniform(`rnd(${k}, '${prefix}phone:net')`, ['70', '80', '90'])} || '-' || ${digits(k, `${prefix}phone:a`, 4)} || '-' || ${digits(k, `${prefix}phone:b`, 4)})`;
const postalCode = (k: string, prefix: string) => `(${digits(k, `${prefix}postal:a`, 3)} || '-' || ${digits(k, `${prefix}postal:b`, 4)})`;
/** City, street and sometimes a building: the part of the address after the prefecture. */
const addressLine = (k: string, prefix: string) =>
  `(${pickUniform(`rnd(${k}, '${prefix}addr:town')`, TOWNS)} || CAST(1 + floor(rnd(${k}, '${prefix}addr:chome') * 5) AS INTEGER) || '丁目'
    || CAST(1 + floor(rnd(${k}, '${prefix}addr:ban') * 30) AS INTEGER) || '-' || CAST(1 + floor(rnd(${k}, '${prefix}addr:go') * 20) AS INTEGER)
    || CASE WHEN rnd(${k}, '${prefix}addr:bldg') < 0.4
       THEN ' ' || ${pickUniform(`rnd(${k}, '${prefix}addr:bname')`, BUILDINGS)} || CAST(101 + floor(rnd(${k}, '${prefix}addr:room') * 5) AS INTEGER) ELSE '' END)`;
const sometimes = (k: string, salt: string, p: number, values: readonly string[]) =>
  `CASE WHEN rnd(${k}, '${salt}') < ${p} THEN ${pickUniform(`rnd(${k}, '${salt}:which')`, values)} END`;

interface SourceOnly {
  /** Joined after `lake_<table> src`. */
  joins?: string;
  /** Expressions for the source columns the staging view lacks. */
  columns: Readonly<Record<string, string>>;
}

const SOURCE_ONLY: Readonly<Record<TableName, SourceOnly>> = {
  users: {
    columns: {
      name_kana: personName('src.user_id', 'src.gender', '', true),
      phone: phone('src.user_id', ''),
      postal_code: postalCode('src.user_id', ''),
      address_line: addressLine('src.user_id', ''),
      password_hash: `'$2b$10$' || md5('pw:' || CAST(rnd(src.user_id, 'password') AS VARCHAR))`,
      last_login_at: `CASE WHEN rnd(src.user_id, 'login') < 0.8
        THEN add_seconds(src.registered_at, floor(rnd(src.user_id, 'login:at') * datediff('second', src.registered_at, as_of()))) END`,
      created_at: 'src.registered_at',
      updated_at: 'src.registered_at',
    },
  },
  subscriptions: {
    columns: {
      cancel_comment: `CASE WHEN src.canceled_at IS NOT NULL THEN ${sometimes('src.subscription_id', 'cancel:comment', 0.3, CANCEL_COMMENTS)} END`,
      created_at: 'src.started_at',
      updated_at: 'coalesce(src.canceled_at, src.started_at)',
    },
  },
  boxes: {
    joins: 'JOIN lake_subscriptions sub USING (subscription_id)',
    columns: {
      tracking_number: `CASE WHEN src.shipped_at IS NOT NULL THEN ${digits('src.box_id', 'tracking', 12)} END`,
      // Booked a week ahead, never before its subscription, never after the snapshot.
      created_at: `least(greatest(sub.started_at, jst_ts(add_days(src.scheduled_date, -7), 0)), as_of() - INTERVAL 1 SECOND)`,
      updated_at: `greatest(coalesce(src.shipped_at, sub.started_at), least(greatest(sub.started_at, jst_ts(add_days(src.scheduled_date, -7), 0)), as_of() - INTERVAL 1 SECOND))`,
    },
  },
  box_items: {
    joins: 'JOIN lake_boxes b USING (box_id) JOIN lake_subscriptions sub USING (subscription_id)',
    columns: {
      created_at: `least(greatest(sub.started_at, jst_ts(add_days(b.scheduled_date, -7), 0)), as_of() - INTERVAL 1 SECOND)`,
    },
  },
  products: {
    columns: {
      created_at: 'jst_ts(add_days(src.launched_at, -30), 36000)',
      updated_at: 'jst_ts(add_days(src.launched_at, -30), 36000)',
    },
  },
  ratings: {
    columns: {
      comment: sometimes('src.box_id * 1000 + src.product_id', 'rating:comment', 0.15, RATING_COMMENTS),
      updated_at: 'src.rated_at',
    },
  },
  snack_requests: { columns: {} },
  diagnoses: {
    columns: {
      allergy_other: sometimes('src.user_id', 'diag:other', 0.02, OTHER_ALLERGIES),
      updated_at: 'src.answered_at',
    },
  },
  shop_orders: {
    // Most orders ship to the buyer (the user's own details); gifts to a made-up recipient.
    joins: 'LEFT JOIN users_all u ON u.user_id = src.user_id',
    columns: {
      shipping_name: `CASE WHEN rnd(src.order_id, 'gift') < 0.3 THEN ${personName('src.order_id', "'other'", 'gift:', false)} ELSE u.name END`,
      shipping_phone: `CASE WHEN rnd(src.order_id, 'gift') < 0.3 THEN ${phone('src.order_id', 'gift:')} ELSE ${phone('u.user_id', '')} END`,
      shipping_postal_code: `CASE WHEN rnd(src.order_id, 'gift') < 0.3 THEN ${postalCode('src.order_id', 'gift:')} ELSE ${postalCode('u.user_id', '')} END`,
      shipping_address: `CASE WHEN rnd(src.order_id, 'gift') < 0.3 THEN ${addressLine('src.order_id', 'gift:')} ELSE u.prefecture || ${addressLine('u.user_id', '')} END`,
      gift_message: `CASE WHEN rnd(src.order_id, 'gift') < 0.3 THEN ${sometimes('src.order_id', 'gift:message', 0.6, GIFT_MESSAGES)} END`,
      created_at: 'src.ordered_at',
      updated_at: 'src.ordered_at',
    },
  },
  shop_order_items: { columns: {} },
};

/**
 * The SELECT giving `table`'s source rows, every SOURCE_SCHEMA column in order, as text the MySQL
 * driver sends as is (booleans as 0/1; NULL stays NULL), in primary-key order.
 */
export function sourceRowsQuery(table: TableName): string {
  const spec = SOURCE_SCHEMA[table];
  const extra = SOURCE_ONLY[table];
  const columns = Object.entries(spec.columns).map(([name, column]) => {
    const value = extra.columns[name] ?? `src.${name}`;
    return column.type === 'BOOLEAN' ? `CAST(${value} AS INTEGER) AS ${name}` : `CAST(${value} AS VARCHAR) AS ${name}`;
  });
  const orderBy = spec.primaryKey.map((c) => `src.${c}`).join(', ');
  return `SELECT ${columns.join(', ')} FROM lake_${table} src ${extra.joins ?? ''} ORDER BY ${orderBy}`;
}

/** Source-only columns named here that the contract does not have: a typo would silently fill nothing. */
export function unknownSourceOnlyColumns(): string[] {
  return Object.entries(SOURCE_ONLY).flatMap(([table, extra]) =>
    Object.keys(extra.columns)
      .filter((c) => !(c in SOURCE_SCHEMA[table as TableName].columns))
      .map((c) => `${table}.${c}`),
  );
}
