/** Subscription metrics. Owner: growth. A "subscriber" is one subscription contract. */
import type { MetricDef } from '../vocabulary';
import { FIRST_DEFINITION } from './changelog';
import { diagnosesModel } from '../models';
import { activeSubscriptions, canceledSubscriptions, eventsAt, newSubscriptions } from './measures';

const CUSTOMER_DIMENSIONS = ['plan', 'prefecture', 'gender', 'age_band', 'acquisition_channel'] as const;

export const subscriberMetrics: MetricDef[] = [
  {
    name: 'active_subscribers',
    title: { ja: '有効会員数（期末）', en: 'Active subscribers (period end)' },
    description: { ja: '期末時点で有効な定期便契約の数。', en: 'Subscriptions active at the end of each period.' },
    definition: {
      ja: '期間の最終時点（期末日の翌日0時 JST、または範囲の終わり）に、開始済みで未解約の定期便契約を数えます。',
      en: 'Subscriptions started and not yet canceled at the moment each period ends (midnight JST after its last day, or the end of the range).',
    },
    owner: 'growth',
    unit: 'count',
    tags: ['subscription', 'kpi'],
    grains: ['day', 'week', 'month', 'quarter', 'year'],
    dimensions: CUSTOMER_DIMENSIONS,
    minGroupSize: 1,
    status: 'active',
    version: 1,
    changelog: [FIRST_DEFINITION],
    compute: { type: 'measure', measure: activeSubscriptions('period_end') },
  },
  {
    name: 'new_subscribers',
    title: { ja: '新規会員数', en: 'New subscribers' },
    description: { ja: '期間中に始まった定期便契約の数。', en: 'Subscriptions that started in the period.' },
    definition: {
      ja: '開始日時（JST）が期間内の定期便契約を数えます。解約後の再開も新規として数えます。',
      en: 'Subscriptions whose start (JST) falls in the period. A restart after canceling counts as new.',
    },
    owner: 'growth',
    unit: 'count',
    tags: ['subscription', 'acquisition'],
    grains: ['day', 'week', 'month', 'quarter', 'year'],
    dimensions: CUSTOMER_DIMENSIONS,
    minGroupSize: 1,
    status: 'active',
    version: 1,
    changelog: [FIRST_DEFINITION],
    compute: { type: 'measure', measure: newSubscriptions },
  },
  {
    name: 'churned_subscribers',
    title: { ja: '解約数', en: 'Churned subscribers' },
    description: { ja: '期間中に解約された定期便契約の数。', en: 'Subscriptions canceled in the period.' },
    definition: {
      ja: '解約日時（JST）が期間内の定期便契約を数えます。',
      en: 'Subscriptions whose cancellation (JST) falls in the period.',
    },
    owner: 'growth',
    unit: 'count',
    tags: ['subscription', 'churn'],
    grains: ['day', 'week', 'month', 'quarter', 'year'],
    dimensions: [...CUSTOMER_DIMENSIONS, 'cancel_reason'],
    minGroupSize: 1,
    status: 'active',
    version: 1,
    changelog: [FIRST_DEFINITION],
    compute: { type: 'measure', measure: canceledSubscriptions },
  },
  {
    name: 'churn_rate',
    title: { ja: '解約率', en: 'Churn rate' },
    description: {
      ja: '期首の有効会員のうち期間中に解約した割合。',
      en: 'Cancellations in the period divided by subscriptions active at its start.',
    },
    definition: {
      ja: '期間中の解約数（churned_subscribers）÷ 期首時点の有効な定期便契約数。期首の契約数が0の期間は空欄です。',
      en: 'churned_subscribers in the period divided by subscriptions active when the period begins. Empty when none were active.',
    },
    owner: 'growth',
    unit: 'ratio',
    tags: ['subscription', 'churn', 'kpi'],
    grains: ['month', 'quarter', 'year'],
    dimensions: CUSTOMER_DIMENSIONS,
    minGroupSize: 10,
    status: 'active',
    version: 1,
    changelog: [FIRST_DEFINITION],
    compute: { type: 'ratio', numerator: canceledSubscriptions, denominator: activeSubscriptions('period_start') },
  },
  {
    name: 'diagnoses_completed',
    title: { ja: 'お菓子診断の回答数', en: 'Snack diagnoses completed' },
    description: { ja: '期間中に回答されたお菓子診断の数。', en: 'Snack-diagnosis quizzes answered in the period.' },
    definition: {
      ja: '回答日時（JST）が期間内のお菓子診断を数えます。',
      en: 'Snack-diagnosis answers given (JST) in the period.',
    },
    owner: 'growth',
    unit: 'count',
    tags: ['acquisition', 'diagnosis'],
    grains: ['day', 'week', 'month', 'quarter', 'year'],
    dimensions: ['texture_pref', 'prefecture', 'gender', 'age_band', 'acquisition_channel'],
    minGroupSize: 1,
    status: 'active',
    version: 1,
    changelog: [FIRST_DEFINITION],
    compute: { type: 'measure', measure: eventsAt(diagnosesModel, 'dg.answered_at') },
  },
];
