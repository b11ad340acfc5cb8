/** Changelog entries shared by metrics. A later version gets its own entry, written in the metric. */
import type { MetricChangelogEntry } from '../../contract/types';

/** Every metric defined when the catalog was first reviewed (2026-11-29) is still at version 1. */
export const FIRST_DEFINITION: MetricChangelogEntry = {
  version: 1,
  date: '2026-11-29',
  change: { ja: '最初の定義。', en: 'First definition.' },
  why: { ja: '指標カタログの最初のレビューで定義しました。', en: 'Defined when the metric catalog was first reviewed.' },
};
