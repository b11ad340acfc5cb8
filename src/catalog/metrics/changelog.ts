/** Changelog entries shared by metrics. A later version gets its own entry, written in the metric. */
import type { MetricChangelogEntry } from '../../contract/types';

/** Every metric defined when the catalog was first reviewed (2026-11-29) is still at version 1. */
export const FIRST_DEFINITION: MetricChangelogEntry = {
  version: 1,
  date: '2026-11-29',
  change: { ja: '最初の定義。', en: 'First definition.' },
  why: { ja: '指標カタログの最初のレビューで定義しました。', en: 'Defined when the metric catalog was first reviewed.' },
};

/** Version 2 of every metric then defined: the person floor (catalog/personFloor.ts, docs/PRIVACY.md). */
export const PERSON_FLOOR_ADDED: MetricChangelogEntry = {
  version: 2,
  date: '2026-11-30',
  change: {
    ja: '人の属性（都道府県・性別・流入経路・プラン・解約理由・年代・好みの食感）で分けるか絞り込むと、5 人未満のグループを表示しません。差し引きで求められるグループも隠します。',
    en: 'Split or filtered by who people are (prefecture, gender, channel, plan, cancel reason, age band, texture), groups of fewer than 5 people are hidden, and so are groups that could be worked out by subtraction.',
  },
  why: {
    ja: '1 人の顧客のグループは、ID を仮名にしても個人データです。',
    en: 'A group of one customer is personal data, however pseudonymous its ids.',
  },
};
