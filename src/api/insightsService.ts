/**
 * Forecasts and anomaly flags, orchestrated over the query path: read a metric's series (cached like
 * any query), run the pure forecaster on it, and shape the answer (insights.ts). For anomalies, the
 * per-dimension series are read only when something was flagged.
 */
import type { AnomalyRequest, AnomalyResult, ForecastRequest, ForecastResult, Meta, QueryRequest } from '../contract/types';
import type { Catalog } from '../catalog/catalog';
import { edgeOfRange } from '../catalog/dataEdge';
import { isAdditive, isNonNegative, type MetricDef } from '../catalog/vocabulary';
import { resolveMetric } from '../catalog/resolve';
import { withValueLabel } from '../catalog/valueLabels';
import { detectAnomalies, forecast } from '../forecast';
import { expectationsOf, type ValueSeries } from '../forecast/contributions';
import { valuesOf, type ComputedResult, type MetricSeries } from './computedResult';
import {
  ANOMALY_METHOD,
  anomalyPoints,
  clampAtZero,
  edgeNote,
  forecastTable,
  NOTHING_OBSERVED,
  SEASON_CANDIDATES,
  SENSITIVITY_CONFIDENCE,
  seriesByValue,
} from './insights';
import type { Grain } from '../contract/dates';
import type { Caller } from '../catalog/accessPolicy';

/** What the orchestration needs from the query path. */
export interface SeriesSource {
  readonly catalog: Catalog;
  now(): number;
  /** Validates and resolves a query without running it (throws on bad input, or a metric the caller may not see). */
  check(query: QueryRequest, caller: Caller): unknown;
  series(query: QueryRequest, caller: Caller): Promise<MetricSeries>;
  seriesMeta(metric: MetricDef, series: ComputedResult, cached: boolean, started: number): Meta;
}

export class InsightsService {
  constructor(private readonly source: SeriesSource) {}

  /** A metric's series and its forecast: history rows carry `actual`, future rows the forecast. */
  async forecast(request: ForecastRequest, caller: Caller): Promise<ForecastResult> {
    const started = this.source.now();
    const { metric: name, from, to, grain, filters } = request;
    const { result: series, cached, metric } = await this.source.series({ metric: name, from, to, grain, ...(filters ? { filters } : {}) }, caller);
    const interval = request.interval ?? 0.8;
    const meta = this.source.seriesMeta(metric, series, cached, started);
    // Only complete periods are modelled: the partial one and those without data are forecast instead.
    const complete = completePeriods(series, request, metric);
    const values = valuesOf(complete);
    if (!values.some((value) => value !== null)) {
      return {
        title: metric.title,
        interval,
        ...forecastTable(series, [], grain, to),
        model: { name: 'none', seasonLength: 0, params: {} },
        backtest: { mase: null, folds: 0 },
        notes: [NOTHING_OBSERVED],
        meta,
      };
    }
    // The forecast reaches as far as asked: the periods of the range without data, then the horizon.
    const pending = series.rows.length - complete.rows.length;
    const outcome = forecast(values, {
      horizon: pending + request.horizon,
      seasonality: request.seasonality ?? 'auto',
      interval,
      seasonCandidates: SEASON_CANDIDATES[grain],
    });
    const points = isNonNegative(metric) ? clampAtZero(outcome.points) : outcome.points;
    const table = forecastTable(complete, points, grain, to);
    return {
      title: metric.title,
      interval,
      ...table,
      model: outcome.model,
      backtest: outcome.backtest,
      notes: pending ? [...outcome.notes, edgeNote(complete, series)] : outcome.notes,
      meta,
    };
  }

  /**
   * Unusual periods of a metric, each with the dimension values that moved most. The total series
   * is flagged first; the per-dimension series are read only when something was flagged.
   */
  async anomalies(request: AnomalyRequest, caller: Caller): Promise<AnomalyResult> {
    const started = this.source.now();
    const { metric: name, from, to, grain, filters } = request;
    const base: QueryRequest = { metric: name, from, to, grain, ...(filters ? { filters } : {}) };
    const metric = resolveMetric(this.source.catalog, name, caller);
    const dimensions = request.dimensions ?? [...metric.dimensions];
    // Resolving each split checks its dimension now, so a bad name fails before any engine work.
    for (const dimension of dimensions) this.source.check({ ...base, dimensions: [dimension] }, caller);
    const { result: series, cached } = await this.source.series(base, caller);
    const confidence = SENSITIVITY_CONFIDENCE[request.sensitivity ?? 'medium'];
    const meta = this.source.seriesMeta(metric, series, cached, started);
    // A partial period is low only because it is partial: only complete periods are examined.
    const complete = completePeriods(series, request, metric);
    const periods = complete.rows.map((row) => String(row[0]));
    const values = valuesOf(complete);
    const answer = { metric: metric.name, grain, confidence, periods: periods.length, method: ANOMALY_METHOD, meta };
    if (!values.some((value) => value !== null)) {
      return { ...answer, anomalies: [], model: { name: 'none', seasonLength: 0 }, notes: [NOTHING_OBSERVED] };
    }
    const detection = detectAnomalies(values, { seasonality: request.seasonality ?? 'auto', confidence, seasonCandidates: SEASON_CANDIDATES[grain] });
    const splits = detection.anomalies.length
      ? await Promise.all(dimensions.map((dimension) => this.valueSeries(base, dimension, periods, metric, caller)))
      : [];
    const expectations = expectationsOf(splits.flat(), { seasonLength: detection.model.seasonLength, confidence });
    const anomalies = anomalyPoints(detection.anomalies, periods, expectations, isAdditive(metric), isNonNegative(metric)).map((point) => ({
      ...point,
      // Contributors keep their codes, with the words beside them (valueLabels.ts).
      contributors: point.contributors.map((contributor) => withValueLabel(contributor, this.source.catalog.modelDimension(metric, contributor.dimension))),
    }));
    return { ...answer, anomalies, model: detection.model, notes: detection.notes };
  }

  /** The metric split by one dimension, as one series per value aligned with `periods`. */
  private async valueSeries(base: QueryRequest, dimension: string, periods: readonly string[], metric: MetricDef, caller: Caller): Promise<ValueSeries[]> {
    const { result } = await this.source.series({ ...base, dimensions: [dimension] }, caller);
    // Each value's history is modelled on every row, hidden ones included (so a group that is small
    // most weeks still has an expectation); a group is named only where the split shows it.
    const all = result.beforeSuppression ?? { rows: result.rows, hidden: [] };
    return seriesByValue(all.rows, dimension, periods, isAdditive(metric) ? 0 : null, all.hidden);
  }
}

/** The series cut to its complete periods: those the data covers whole (catalog/dataEdge.ts). */
function completePeriods(series: ComputedResult, range: { from: string; to: string; grain: Grain }, metric: MetricDef): ComputedResult {
  if (!series.dataEnd) return series;
  const edge = edgeOfRange(range, metric, series.dataEnd);
  return { ...series, rows: series.rows.filter((row) => edge.coverage(String(row[0])) === 'complete') };
}
