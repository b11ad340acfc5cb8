/** `snaq anomalies`: the unusual periods of a metric on the lake, with their top contributors. */
import { contributorsText } from '../contract/contributorText';
import type { AnomalyResult, Sensitivity } from '../contract/types';
import { parseFilters } from './filters';
import { langFromEnv, newTable } from './format';
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
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const table = newTable(['period', 'actual', 'expected', 'score', 'top contributors'], ['left', 'right', 'right', 'right', 'left']);
  for (const anomaly of result.anomalies) {
    table.push([anomaly.period, show(anomaly.actual), show(anomaly.expected), anomaly.score.toFixed(2), contributorsText(anomaly.contributors, langFromEnv())]);
  }
  const found = `${result.anomalies.length} unusual of ${result.periods} periods at ${result.confidence * 100}% · model ${result.model.name} (season ${result.model.seasonLength})`;
  process.stdout.write(`${result.anomalies.length ? `${table.toString()}\n` : ''}${found}\n${result.notes.map((note) => `note: ${note}`).join('\n')}\n`);
}
