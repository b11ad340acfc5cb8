/** Merchandising metrics. Owner: merchandising. */
import type { MetricDef } from '../vocabulary';
import { FIRST_DEFINITION, PERSON_FLOOR_ADDED } from './changelog';
import { ratingsModel, snackRequestsModel } from '../models';
import { boxUnits, eventsAt, shopUnits } from './measures';

const PRODUCT_DIMENSIONS = ['product', 'category', 'maker', 'maker_prefecture'] as const;

export const productMetrics: MetricDef[] = [
  {
    name: 'product_units',
    title: { ja: '商品出荷個数', en: 'Product units' },
    description: {
      ja: '定期便とショップで出荷したお菓子の個数。',
      en: 'Snack units sent out, in boxes and through the shop.',
    },
    definition: {
      ja: '出荷済み・配達済みの定期便に入った数量（出荷日 JST）と、完了したショップ注文の数量（注文日 JST）の合計。',
      en: 'Quantity packed in shipped or delivered boxes (JST ship date) plus quantity in completed shop orders (JST order date).',
    },
    owner: 'merchandising',
    unit: 'count',
    tags: ['product'],
    grains: ['day', 'week', 'month', 'quarter', 'year'],
    dimensions: PRODUCT_DIMENSIONS,
    minGroupSize: 1,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    compute: { type: 'sum', parts: [boxUnits, shopUnits] },
  },
  {
    name: 'avg_rating',
    title: { ja: '平均評価', en: 'Average rating' },
    description: { ja: 'お客様がつけた評価（1〜5）の平均。', en: 'The mean of customer ratings (1 to 5).' },
    definition: {
      ja: '評価日時（JST）が期間内の評価の平均値。評価が10件未満のグループは個人が特定されないよう非表示にします。',
      en: 'The mean of ratings given (JST) in the period. Groups with fewer than 10 ratings are hidden so no one can be singled out.',
    },
    owner: 'merchandising',
    unit: 'score',
    tags: ['product', 'satisfaction'],
    grains: ['week', 'month', 'quarter', 'year'],
    dimensions: PRODUCT_DIMENSIONS,
    minGroupSize: 10,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    // Ratings are 1 to 5: a mean of them is never below 0 (an average is not derived as such).
    nonNegative: true,
    compute: {
      type: 'measure',
      measure: {
        kind: 'flow',
        model: ratingsModel,
        aggregate: { fn: 'average', expr: 'r.rating' },
        time: { expr: 'r.rated_at', type: 'timestamp' },
      },
    },
  },
  {
    name: 'snack_requests',
    title: { ja: 'お菓子リクエスト数', en: 'Snack requests' },
    description: { ja: 'お客様から届いた「次に入れてほしい」リクエストの数。', en: 'Requests from customers to receive a snack.' },
    definition: {
      ja: 'リクエスト日時（JST）が期間内のリクエストを数えます。',
      en: 'Requests made (JST) in the period.',
    },
    owner: 'merchandising',
    unit: 'count',
    tags: ['product', 'demand'],
    grains: ['day', 'week', 'month', 'quarter', 'year'],
    dimensions: [...PRODUCT_DIMENSIONS, 'prefecture'],
    minGroupSize: 1,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    compute: { type: 'measure', measure: eventsAt(snackRequestsModel, 'q.requested_at') },
  },
];
