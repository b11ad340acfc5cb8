/** `snaq forecast`: a forecast of a CSV series (period,value) or of a metric on the lake. */
import { readFileSync } from 'node:fs';
import { forecast } from '../forecast';
import { forecastColumns } from '../api/insights';
import type { Column, ForecastResult } from '../contract/types';
import { isGrain, type Grain } from '../contract/dates';
import { detectCadence, isCadence, periodsAfter, type CadenceKind } from './cadence';
import { parseFilters } from './filters';
import { jsonTable, langFromEnv, newTable } from './format';
import { openLocalService } from './localStack';
import { noCadenceSentence } from './messages';

export interface ForecastFlags {
  csv?: string;
  metric?: string;
  from?: string;
  to?: string;
  grain?: string;
  horizon: number;
  seasonality?: number;
  interval: number;
  format: 'table' | 'json';
  filter: string[];
  lake?: string;
}

/** Reads `period,value` rows (a header line is skipped when its value is not a number). */
export function readSeriesCsv(text: string): Array<{ period: string; value: number | null }> {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [period = '', raw = ''] = line.split(',');
      return { period: period.trim(), raw: raw.trim() };
    })
    .filter((row, index) => !(index === 0 && row.raw !== '' && Number.isNaN(Number(row.raw))))
    .map(({ period, raw }) => {
      if (raw !== '' && Number.isNaN(Number(raw))) throw new Error(`"${raw}" for ${period} is not a number.`);
      return { period, value: raw === '' ? null : Number(raw) };
    });
}

/** What both sources give: the service's answer, or the CSV's forecast with the cadence its periods continue (null: `+n`). */
type Forecasted = Pick<ForecastResult, 'columns' | 'rows' | 'model' | 'backtest' | 'notes'> &
  Partial<Pick<ForecastResult, 'title' | 'interval' | 'meta'>> & { cadence?: CadenceKind | null };

async function fromCsv(flags: ForecastFlags): Promise<Forecasted> {
  const series = readSeriesCsv(readFileSync(flags.csv!, 'utf8'));
  if (series.length === 0) throw new Error(`${flags.csv} has no rows.`);
  const outcome = forecast(
    series.map((row) => row.value),
    { horizon: flags.horizon, seasonality: flags.seasonality ?? 'auto', interval: flags.interval },
  );
  const periods = series.map((row) => row.period);
  const cadence = detectCadence(periods);
  const future = isCadence(cadence) ? periodsAfter(periods, cadence, outcome.points.length) : outcome.points.map((point) => `+${point.step}`);
  if (!isCadence(cadence)) process.stderr.write(`${noCadenceSentence(cadence, langFromEnv())}\n`);
  const asDates = isCadence(cadence) && !cadence.yearMonth;
  const period: Column = { name: 'period', type: asDates ? 'date' : 'string', role: 'period', title: { ja: '期間', en: 'Period' } };
  return {
    columns: forecastColumns(period, undefined),
    rows: [
      ...series.map((row) => [row.period, row.value, null, null, null]),
      ...outcome.points.map((point, i) => [future[i]!, null, point.forecast, point.lower, point.upper]),
    ],
    interval: flags.interval,
    model: outcome.model,
    backtest: outcome.backtest,
    notes: outcome.notes,
    cadence: isCadence(cadence) ? cadence.kind : null,
  };
}

async function fromMetric(flags: ForecastFlags): Promise<Forecasted> {
  const service = await openLocalService({ lake: flags.lake });
  try {
    const grain: Grain | undefined = isGrain(flags.grain) ? flags.grain : undefined;
    return await service.forecast({
      metric: flags.metric,
      from: flags.from,
      to: flags.to,
      grain,
      horizon: flags.horizon,
      interval: flags.interval,
      ...(flags.seasonality !== undefined ? { seasonality: flags.seasonality } : {}),
      ...(flags.filter.length ? { filters: parseFilters(flags.filter) } : {}),
    });
  } finally {
    await service.engine.close();
  }
}

export async function runForecast(flags: ForecastFlags): Promise<void> {
  if (Boolean(flags.csv) === Boolean(flags.metric)) throw new Error('Give either --csv FILE or --metric NAME (with --from, --to and --grain).');
  const result = flags.csv ? await fromCsv(flags) : await fromMetric(flags);
  if (flags.format === 'json') {
    const { columns, rows, meta, ...about } = result;
    process.stdout.write(`${jsonTable({ columns, rows, meta: { ...meta, ...about } })}\n`);
    return;
  }
  const table = newTable(['period', 'actual', 'forecast', 'lower', 'upper'], ['left', 'right', 'right', 'right', 'right']);
  const show = (value: unknown) =>
    typeof value === 'number' ? (Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2)) : value === null ? '' : String(value);
  for (const row of result.rows) table.push(row.map(show));
  const mase = result.backtest.mase === null ? 'n/a' : result.backtest.mase.toFixed(3);
  process.stdout.write(
    `${table.toString()}\nmodel ${result.model.name} (season ${result.model.seasonLength}) · backtest MASE ${mase}\n${result.notes.map((note) => `note: ${note}`).join('\n')}\n`,
  );
}
