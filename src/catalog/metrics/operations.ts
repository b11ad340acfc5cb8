/** Fulfilment metrics. Owner: operations. */
import type { MetricDef } from '../vocabulary';
import { FIRST_DEFINITION, PERSON_FLOOR_ADDED } from './changelog';
import { boxesDue, boxesShipped } from './measures';

export const operationsMetrics: MetricDef[] = [
  {
    name: 'boxes_shipped',
    title: { ja: '出荷箱数', en: 'Boxes shipped' },
    description: { ja: '期間中に出荷された定期便の箱数。', en: 'Subscription boxes shipped in the period.' },
    definition: {
      ja: '出荷済み・配達済みの定期便を出荷日（JST）で数えます。',
      en: 'Shipped or delivered boxes, counted on their JST ship date.',
    },
    owner: 'operations',
    unit: 'count',
    tags: ['operations', 'subscription'],
    grains: ['day', 'week', 'month', 'quarter', 'year'],
    dimensions: ['plan', 'prefecture', 'gender', 'age_band'],
    minGroupSize: 1,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    compute: { type: 'measure', measure: boxesShipped },
  },
  {
    name: 'skip_rate',
    title: { ja: 'スキップ率', en: 'Skip rate' },
    description: { ja: 'お届け予定日が期間内の便のうちスキップされた割合。', en: 'Share of boxes due in the period that were skipped.' },
    definition: {
      ja: 'お届け予定日（JST）が期間内の便のうち、スキップされた便 ÷（スキップ＋出荷済み＋配達済み）。準備中の便は含みません。',
      en: 'Boxes due (JST) in the period that were skipped, divided by those skipped, shipped or delivered. Boxes still being prepared are left out.',
    },
    owner: 'operations',
    unit: 'ratio',
    tags: ['operations', 'subscription'],
    grains: ['week', 'month', 'quarter', 'year'],
    dimensions: ['plan', 'prefecture'],
    minGroupSize: 10,
    minPeople: 5,
    status: 'active',
    version: 2,
    changelog: [FIRST_DEFINITION, PERSON_FLOOR_ADDED],
    compute: {
      type: 'ratio',
      numerator: boxesDue("b.status = 'skipped'"),
      denominator: boxesDue("b.status IN ('skipped', 'shipped', 'delivered')"),
    },
  },
];
