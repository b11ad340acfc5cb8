/**
 * The shaping behind POST /v1/forecast and POST /v1/anomalies: what the service's series become on
 * the wire. Pure, so it is read and tested without an engine.
 */
import { nextPeriodStart, type Grain } from '../contract/dates';
import type { AnomalyPoint, Cell, Column, LocalizedText, Sensitivity, Unit } from '../contract/types';
import type { Anomaly, ForecastPoint } from '../forecast';
import { contributorsAt, type ValueExpectations, type ValueSeries } from '../forecast/contributions';

/** Season lengths worth trying per grain (a week in days, a year in weeks, months or quarters). */
export const SEASON_CANDIDATES: Record<Grain, number[]> = { day: [7], week: [52], month: [12], quarter: [4], year: [] };

/** The central confidence of the one-step interval a point must leave to be called unusual. */
export const SENSITIVITY_CONFIDENCE: Record<Sensitivity, number> = { low: 0.999, medium: 0.99, high: 0.95 };

export const ANOMALY_METHOD =
  'A period is unusual when it falls outside the one-step-ahead interval (robust sigma, 1.4826·MAD of the residuals) of an exponential-smoothing model chosen by AICc; isolated spikes are removed and the model refitted once, and a run of 3+ same-side exceedances counts as one level shift.';

/** The note of a forecast or anomaly answer whose series has no value at all (e.g. a filter that matches nothing). */
export const NOTHING_OBSERVED = 'no observed values in the range: nothing to model';

/** Values per dimension named as contributors to one anomaly. */
const CONTRIBUTORS_PER_DIMENSION = 3;

/** A forecast's columns after its period: each measure column with its own role, in the series' unit. */
export function forecastColumns(period: Column, unit: Unit | undefined): Column[] {
  const number = (role: 'actual' | 'forecast' | 'lower' | 'upper', title: LocalizedText): Column => ({
    name: role,
    type: 'number',
    role,
    title,
    ...(unit ? { unit } : {}),
  });
  return [
    period,
    number('actual', { ja: '実績', en: 'Actual' }),
    number('forecast', { ja: '予測', en: 'Forecast' }),
    number('lower', { ja: '下限', en: 'Lower' }),
    number('upper', { ja: '上限', en: 'Upper' }),
  ];
}

/** History rows (period, actual) followed by one row per forecast step (period, —, forecast, lower, upper). */
export function forecastTable(
  series: { columns: Column[]; rows: Cell[][] },
  points: readonly ForecastPoint[],
  grain: Grain,
  to: string,
): { columns: Column[]; rows: Cell[][] } {
  const unit = series.columns.find((column) => column.role === 'value')?.unit;
  let period = String(series.rows.at(-1)?.[0] ?? to);
  const future = points.map((point): Cell[] => {
    period = nextPeriodStart(period, grain);
    return [period, null, point.forecast, point.lower, point.upper];
  });
  return {
    columns: forecastColumns(series.columns[0]!, unit),
    rows: [...series.rows.map((row) => [row[0] ?? null, row[1] ?? null, null, null, null]), ...future],
  };
}

/** A metric that cannot be negative has no negative forecast or bound either. */
export function clampAtZero(points: readonly ForecastPoint[]): ForecastPoint[] {
  return points.map((point) => ({ ...point, forecast: Math.max(0, point.forecast), lower: Math.max(0, point.lower), upper: Math.max(0, point.upper) }));
}

/** Says where the actuals stop when the range runs past the data, and so where the forecast starts. */
export function edgeNote(complete: { rows: Cell[][] }, series: { rows: Cell[][]; dataEnd: string | null; partialPeriod?: string }): string {
  const last = complete.rows.at(-1)?.[0];
  const partial = series.partialPeriod ? `; ${series.partialPeriod} is partial` : '';
  return `the data ends at ${series.dataEnd}${partial}: the forecast starts after the last complete period, ${String(last)}`;
}

/** Rows of (period, value, amount) as one series per value, aligned with `periods`; `fill` where a value has no row. */
export function seriesByValue(
  rows: readonly Cell[][],
  dimension: string,
  periods: readonly string[],
  fill: 0 | null,
  hidden: readonly boolean[] = [],
): ValueSeries[] {
  const position = new Map(periods.map((period, index) => [period, index]));
  const byValue = new Map<string, ValueSeries>();
  rows.forEach(([period, value, amount], row) => {
    const index = position.get(String(period));
    if (index === undefined) return;
    const key = JSON.stringify(value ?? null);
    let entry = byValue.get(key);
    if (!entry) {
      entry = { dimension, value: value ?? null, series: periods.map(() => fill), shown: periods.map(() => true) };
      byValue.set(key, entry);
    }
    entry.series[index] = typeof amount === 'number' ? amount : null;
    entry.shown![index] = hidden[row] !== true;
  });
  return [...byValue.values()];
}

/** The wire form of each flagged period, with the values that moved most in its direction. */
export function anomalyPoints(
  flagged: readonly Anomaly[],
  periods: readonly string[],
  expectations: readonly ValueExpectations[],
  additive: boolean,
  nonNegative = false,
): AnomalyPoint[] {
  const bound = (value: number) => (nonNegative ? Math.max(0, value) : value);
  return flagged.map((anomaly) => {
    const delta = anomaly.actual - anomaly.expected;
    return {
      period: periods[anomaly.index]!,
      actual: anomaly.actual,
      expected: bound(anomaly.expected),
      lower: bound(anomaly.lower),
      upper: bound(anomaly.upper),
      score: anomaly.score,
      direction: delta >= 0 ? 'up' : 'down',
      contributors: contributorsAt(expectations, anomaly.index, {
        direction: delta >= 0 ? 1 : -1,
        ...(additive ? { totalDelta: delta } : {}),
        perDimension: CONTRIBUTORS_PER_DIMENSION,
      }),
    };
  });
}
