/** `snaq anomalies`: the unusual periods of a metric on the lake, with their top contributors. */
import { contributorsText } from '../contract/contributorText';
import type { AnomalyPoint, AnomalyResult, Sensitivity } from '../contract/types';
import { parseFilters } from './filters';
import { jsonTable, langFromEnv, newTable, tableOf, type Field } from './format';
import { openLocalService } from './localStack';

export interface AnomalyFlags {
  from: string;
  to: string;
  grain: string;
  dim: string[];
  filter: string[];
  sensitivity?: Sensitivity;
  seasonality?: number;
  format: 'table' | 'json';
  lake?: string;
}

/**
 * One row per unusual period, with the roles of a forecast (the one-step expectation is its
 * `forecast`, the interval its `lower` and `upper`) so one reader draws both. The contributors are
 * text in the row and, whole, in `meta.contributors` (one list per row).
 */
const ANOMALY_FIELDS: Field<AnomalyPoint>[] = [
  { name: 'period', type: 'date', role: 'period', title: { ja: '期間', en: 'Period' }, cell: (a) => a.period },
  { name: 'actual', type: 'number', role: 'actual', title: { ja: '実績', en: 'Actual' }, cell: (a) => a.actual },
  { name: 'expected', type: 'number', role: 'forecast', title: { ja: '予想', en: 'Expected' }, cell: (a) => a.expected },
  { name: 'lower', type: 'number', role: 'lower', title: { ja: '下限', en: 'Lower' }, cell: (a) => a.lower },
  { name: 'upper', type: 'number', role: 'upper', title: { ja: '上限', en: 'Upper' }, cell: (a) => a.upper },
  { name: 'score', type: 'number', role: 'value', title: { ja: 'スコア', en: 'Score' }, cell: (a) => a.score },
  { name: 'direction', type: 'string', role: 'dimension', title: { ja: '向き', en: 'Direction' }, cell: (a) => a.direction },
  {
    name: 'contributors',
    type: 'string',
    role: 'dimension',
    title: { ja: '主な要因', en: 'Top contributors' },
    // JSON keeps codes, as every other JSON and CSV answer does; the table shows the words.
    cell: (a) =>
      contributorsText(
        a.contributors.map((contributor) => ({ ...contributor, valueLabel: undefined })),
        'en',
      ),
  },
];

const show = (value: number): string => (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2));

export async function runAnomalies(metric: string, flags: AnomalyFlags): Promise<void> {
  const service = await openLocalService({ lake: flags.lake });
  let result: AnomalyResult;
  try {
    result = await service.anomalies({
      metric,
      from: flags.from,
      to: flags.to,
      grain: flags.grain,
      ...(flags.dim.length ? { dimensions: flags.dim } : {}),
      ...(flags.filter.length ? { filters: parseFilters(flags.filter) } : {}),
      ...(flags.sensitivity ? { sensitivity: flags.sensitivity } : {}),
      ...(flags.seasonality !== undefined ? { seasonality: flags.seasonality } : {}),
    });
  } finally {
    await service.engine.close();
  }
  if (flags.format === 'json') {
    const { anomalies, meta, ...about } = result;
    process.stdout.write(`${jsonTable(tableOf(ANOMALY_FIELDS, anomalies, { ...meta, ...about, contributors: anomalies.map((a) => a.contributors) }))}\n`);
    return;
  }
  const table = newTable(['period', 'actual', 'expected', 'score', 'top contributors'], ['left', 'right', 'right', 'right', 'left']);
  for (const anomaly of result.anomalies) {
    table.push([anomaly.period, show(anomaly.actual), show(anomaly.expected), anomaly.score.toFixed(2), contributorsText(anomaly.contributors, langFromEnv())]);
  }
  const found = `${result.anomalies.length} unusual of ${result.periods} periods at ${result.confidence * 100}% · model ${result.model.name} (season ${result.model.seasonLength})`;
  process.stdout.write(`${result.anomalies.length ? `${table.toString()}\n` : ''}${found}\n${result.notes.map((note) => `note: ${note}`).join('\n')}\n`);
}
