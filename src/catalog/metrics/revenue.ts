/** Money metrics. Owner: finance. All amounts are tax-inclusive yen as charged. */
import type { MetricDef } from '../vocabulary';
import { FIRST_DEFINITION, PERSON_FLOOR_ADDED } from './changelog';
import { activeSubscriptions, boxItemCostNegated, boxRevenue, shopRevenue } from './measures';

const ALL_GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;

const revenueText = {
  title: { ja: '売上（定期便＋ショップ）', en: 'Revenue (boxes + shop)' },
  description: {
    ja: '定期便の出荷売上とオンラインショップ売上の合計。',
    en: 'Subscription box revenue plus online shop revenue.',
  },
  definition: {
    ja: '出荷済み・配達済みの定期便の（価格 − 割引）を出荷日（JST）に計上し、完了したショップ注文の合計金額を注文日（JST）に計上して合算します。',
    en: 'Price minus discount of shipped or delivered boxes, booked on the JST ship date, plus the total of completed shop orders, booked on the JST order date.',
  },
} as const;

export const revenueMetrics: MetricDef[] = [
  {
    name: 'revenue',
    ...revenueText,
    owner: 'finance',
    unit: 'JPY',
    tags: ['finance', 'kpi'],
    grains: ALL_GRAINS,
    dimensions: ['prefecture', 'gender', 'age_band', 'acquisition_channel'],
    minGroupSize: 1,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    compute: { type: 'sum', parts: [boxRevenue, shopRevenue] },
  },
  {
    name: 'box_revenue',
    title: { ja: '定期便売上', en: 'Box revenue' },
    description: { ja: '定期便の出荷売上（割引後）。', en: 'Subscription box revenue after discounts.' },
    definition: {
      ja: '出荷済み・配達済みの定期便について（価格 − 割引）を出荷日（JST）に計上します。スキップされた便は含みません。',
      en: 'Price minus discount of every shipped or delivered box, booked on its JST ship date. Skipped boxes earn nothing.',
    },
    owner: 'finance',
    unit: 'JPY',
    tags: ['finance', 'subscription'],
    grains: ALL_GRAINS,
    dimensions: ['plan', 'prefecture', 'gender', 'age_band', 'acquisition_channel'],
    minGroupSize: 1,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    compute: { type: 'measure', measure: boxRevenue },
  },
  {
    name: 'shop_revenue',
    title: { ja: 'ショップ売上', en: 'Shop revenue' },
    description: { ja: 'オンラインショップの売上。', en: 'Online shop revenue.' },
    definition: {
      ja: '完了したショップ注文の合計金額を注文日（JST）に計上します。キャンセルされた注文は含みません。',
      en: 'The total of every completed shop order, booked on its JST order date. Canceled orders are left out.',
    },
    owner: 'finance',
    unit: 'JPY',
    tags: ['finance', 'shop'],
    grains: ALL_GRAINS,
    dimensions: ['prefecture', 'gender', 'age_band', 'acquisition_channel'],
    minGroupSize: 1,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    compute: { type: 'measure', measure: shopRevenue },
  },
  {
    name: 'arpu',
    title: { ja: '会員あたり売上（ARPU）', en: 'Revenue per subscriber (ARPU)' },
    description: {
      ja: '期間の定期便売上を期末の有効会員数で割った値。',
      en: 'Box revenue in the period divided by active subscriptions at period end.',
    },
    definition: {
      ja: '定期便売上（box_revenue）÷ 期末時点の有効な定期便契約数（active_subscribers）。期末の契約数が0の期間は空欄です。',
      en: 'box_revenue divided by active_subscribers at the end of the same period. Empty when there are no active subscriptions.',
    },
    owner: 'finance',
    unit: 'JPY',
    tags: ['finance', 'subscription', 'kpi'],
    grains: ['month', 'quarter', 'year'],
    dimensions: ['plan', 'prefecture', 'gender', 'age_band', 'acquisition_channel'],
    minGroupSize: 10,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    compute: { type: 'ratio', numerator: boxRevenue, denominator: activeSubscriptions('period_end') },
  },
  {
    name: 'gross_margin',
    title: { ja: '粗利', en: 'Gross margin' },
    description: {
      ja: '定期便の出荷売上から、その便に入れた商品の原価を引いた額。仕入れ原価がわかるため、財務と経営陣に限定。',
      en: 'Box revenue minus the cost of the snacks in those boxes. Restricted to finance and management: it reveals supplier costs.',
    },
    definition: {
      ja: '出荷済み・配達済みの定期便の（価格 − 割引）から、その便の各商品の原価（unit_cost_jpy）× 数量の合計を引き、出荷日（JST）に計上します。データ基盤には原価の履歴がないため、すべての期間に現在の原価を使います。マイナスになることがあります。',
      en: 'Price minus discount of shipped or delivered boxes, less Σ unit_cost_jpy × quantity of the snacks packed in them, booked on the JST ship date. The lake keeps no cost history, so today’s unit cost is used for every period. It can be negative.',
    },
    owner: 'finance',
    unit: 'JPY',
    tags: ['finance', 'restricted'],
    grains: ALL_GRAINS,
    // Revenue is per box and cost per packed snack: no dimension is shared by both.
    dimensions: [],
    minGroupSize: 1,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [
      {
        version: 1,
        date: '2026-11-30',
        change: { ja: '最初の定義（財務と経営陣に限定）。', en: 'First definition, restricted to finance and management.' },
        why: {
          ja: '粗利を一つの定義で見るため。原価がわかるので閲覧者を限定します。',
          en: 'One reviewed definition of margin; restricted because it reveals supplier costs.',
        },
      },
      PERSON_FLOOR_ADDED,
    ],
    nonNegative: false,
    access: { groups: ['finance', 'management'] },
    compute: { type: 'sum', parts: [boxRevenue, boxItemCostNegated] },
  },
  {
    name: 'total_sales',
    ...revenueText,
    title: { ja: '総売上（旧）', en: 'Total sales (old)' },
    owner: 'finance',
    unit: 'JPY',
    tags: ['finance'],
    grains: ALL_GRAINS,
    dimensions: ['prefecture'],
    minGroupSize: 1,
    minPeople: 5,
    status: 'deprecated',
    replacedBy: 'revenue',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    compute: { type: 'sum', parts: [boxRevenue, shopRevenue] },
  },
];
