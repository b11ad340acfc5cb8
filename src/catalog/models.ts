/**
 * Logical tables (models): a fact table, the joins its dimensions may need, and the dimensions.
 * A join is added to a query only when a selected dimension, filter or measure reads it.
 */
import type { LocalizedText } from '../contract/types';
import {
  AGE_BAND_LABELS,
  ASSIGNED_BY_LABELS,
  CANCEL_REASON_LABELS,
  CATEGORY_LABELS,
  CHANNEL_LABELS,
  GENDER_LABELS,
  PLAN_LABELS,
  TEXTURE_LABELS,
} from './dimensionLabels';
import { PREFECTURE_LABELS } from './prefectures';
import type { DimensionDef, JoinDef, ModelDef, PersonalDataDef } from './vocabulary';

/** A closed set: its codes are its labels' keys, in order, so a code can never lack its words. */
const closedSet = (valueLabels: Readonly<Record<string, LocalizedText>>) => ({ values: Object.keys(valueLabels), valueLabels });

/** Who the customer is. The age band is the one at the snapshot (contract/privacyPolicy.ts). */
function customerDimensions(alias: string): Record<string, DimensionDef> {
  return {
    prefecture: { title: { ja: '都道府県', en: 'Prefecture' }, expr: `${alias}.prefecture`, type: 'string', valueLabels: PREFECTURE_LABELS },
    gender: {
      title: { ja: '性別', en: 'Gender' },
      expr: `${alias}.gender`,

      type: 'string',
      ...closedSet(GENDER_LABELS),
    },
    acquisition_channel: {
      title: { ja: '流入経路', en: 'Acquisition channel' },
      expr: `${alias}.acquisition_channel`,

      type: 'string',
      ...closedSet(CHANNEL_LABELS),
    },
    age_band: {
      title: { ja: '年代（スナップショット時点）', en: 'Age band (at the snapshot)' },
      expr: `${alias}.age_band`,
      type: 'string',
      ...closedSet(AGE_BAND_LABELS),
    },
  };
}

/**
 * What identifies a customer: declared so that naming it answers FORBIDDEN, with no column
 * behind it, because the lake holds none (names, contacts, birth dates) or only pseudonyms (user id).
 */
const CUSTOMER_PERSONAL_DATA: Record<string, PersonalDataDef> = {
  email: { title: { ja: 'メールアドレス', en: 'Email' } },
  user_name: { title: { ja: '氏名', en: 'Name' } },
  name_kana: { title: { ja: '氏名（カナ）', en: 'Name (kana)' } },
  phone: { title: { ja: '電話番号', en: 'Phone' } },
  address: { title: { ja: '住所', en: 'Address' } },
  birth_date: { title: { ja: '生年月日', en: 'Birth date' } },
  user_id: { title: { ja: 'ユーザーID', en: 'User ID' } },
};

function productDimensions(alias: string): Record<string, DimensionDef> {
  return {
    product: { title: { ja: '商品', en: 'Product' }, expr: `${alias}.name`, type: 'string' },
    category: {
      title: { ja: 'カテゴリ', en: 'Category' },
      expr: `${alias}.category`,

      type: 'string',
      ...closedSet(CATEGORY_LABELS),
    },
    maker: { title: { ja: 'メーカー', en: 'Maker' }, expr: `${alias}.maker`, type: 'string' },
    maker_prefecture: {
      title: { ja: 'メーカー所在地', en: 'Maker prefecture' },
      expr: `${alias}.maker_prefecture`,

      type: 'string',
      valueLabels: PREFECTURE_LABELS,
    },
  };
}

const planDimension = (alias: string): DimensionDef => ({
  title: { ja: 'プラン', en: 'Plan' },
  expr: `${alias}.plan`,

  type: 'string',
  ...closedSet(PLAN_LABELS),
});

const usersJoin = (from: string): JoinDef => ({ alias: 'u', table: 'users', on: `u.user_id = ${from}.user_id`, after: [from] });
const productsJoin = (from: string): JoinDef => ({
  alias: 'p',
  table: 'products',
  on: `p.product_id = ${from}.product_id`,
  after: [from],
});

/** Subscription boxes: one row per scheduled box. */
export const boxesModel: ModelDef = {
  name: 'boxes',
  table: 'boxes',
  alias: 'b',
  person: 'b.user_id',
  joins: [{ alias: 's', table: 'subscriptions', on: 's.subscription_id = b.subscription_id' }, usersJoin('b')],
  dimensions: { plan: planDimension('s'), ...customerDimensions('u') },
  personalData: CUSTOMER_PERSONAL_DATA,
};

/** Subscriptions: one row per subscription, from start to cancellation. */
export const subscriptionsModel: ModelDef = {
  name: 'subscriptions',
  table: 'subscriptions',
  alias: 's',
  person: 's.user_id',
  joins: [usersJoin('s')],
  dimensions: {
    plan: planDimension('s'),
    cancel_reason: {
      title: { ja: '解約理由', en: 'Cancel reason' },
      expr: 's.cancel_reason',

      type: 'string',
      ...closedSet(CANCEL_REASON_LABELS),
    },
    ...customerDimensions('u'),
  },
  personalData: CUSTOMER_PERSONAL_DATA,
};

/** Snacks packed into boxes: one row per product per box. */
export const boxItemsModel: ModelDef = {
  name: 'box_items',
  table: 'box_items',
  alias: 'bi',
  // A box item is part of a box, which names its customer.
  person: 'b.user_id',
  joins: [{ alias: 'b', table: 'boxes', on: 'b.box_id = bi.box_id' }, productsJoin('bi')],
  dimensions: {
    ...productDimensions('p'),
    assigned_by: {
      title: { ja: '選定方法', en: 'Assigned by' },
      expr: 'bi.assigned_by',

      type: 'string',
      ...closedSet(ASSIGNED_BY_LABELS),
    },
  },
};

/** Online shop orders: one row per order. */
export const shopOrdersModel: ModelDef = {
  name: 'shop_orders',
  table: 'shop_orders',
  alias: 'o',
  person: 'o.user_id',
  joins: [usersJoin('o')],
  dimensions: customerDimensions('u'),
  personalData: CUSTOMER_PERSONAL_DATA,
};

/** Online shop order lines: one row per product per order. */
export const shopOrderItemsModel: ModelDef = {
  name: 'shop_order_items',
  table: 'shop_order_items',
  alias: 'oi',
  // An order line is part of an order, which names its customer.
  person: 'o.user_id',
  joins: [{ alias: 'o', table: 'shop_orders', on: 'o.order_id = oi.order_id' }, productsJoin('oi')],
  dimensions: productDimensions('p'),
};

/** Ratings customers give snacks they received. */
export const ratingsModel: ModelDef = {
  name: 'ratings',
  table: 'ratings',
  alias: 'r',
  person: 'r.user_id',
  joins: [productsJoin('r'), usersJoin('r')],
  dimensions: { ...productDimensions('p'), ...customerDimensions('u') },
  personalData: CUSTOMER_PERSONAL_DATA,
};

/** Snacks customers asked to receive. */
export const snackRequestsModel: ModelDef = {
  name: 'snack_requests',
  table: 'snack_requests',
  alias: 'q',
  person: 'q.user_id',
  joins: [productsJoin('q'), usersJoin('q')],
  dimensions: { ...productDimensions('p'), ...customerDimensions('u') },
  personalData: CUSTOMER_PERSONAL_DATA,
};

/** Answers to the snack-diagnosis quiz. */
export const diagnosesModel: ModelDef = {
  name: 'diagnoses',
  table: 'diagnoses',
  alias: 'dg',
  person: 'dg.user_id',
  joins: [usersJoin('dg')],
  dimensions: {
    texture_pref: {
      title: { ja: '好みの食感', en: 'Texture preference' },
      expr: 'dg.texture_pref',

      type: 'string',
      ...closedSet(TEXTURE_LABELS),
    },
    ...customerDimensions('u'),
  },
  personalData: CUSTOMER_PERSONAL_DATA,
};
