/**
 * Forecasts and anomaly flags, orchestrated over the query path: read a metric's series (cached like
 * any query), run the pure forecaster on it, and shape the answer (insights.ts). For anomalies, the
 * per-dimension series are read only when something was flagged.
 */
import type { AnomalyRequest, AnomalyResult, ForecastRequest, ForecastResult, Meta, QueryRequest } from '../contract/types';
import type { Catalog } from '../catalog/catalog';
import type { MetricDef } from '../catalog/model';
import { resolveMetric } from '../catalog/resolve';
import { detectAnomalies, forecast } from '../forecast';
import { expectationsOf, type ValueSeries } from '../forecast/contributions';
import { valuesOf, type ComputedResult, type MetricSeries } from './computedResult';
import { ANOMALY_METHOD, anomalyPoints, forecastTable, isAdditive, SEASON_CANDIDATES, SENSITIVITY_CONFIDENCE, seriesByValue } from './insights';

/** What the orchestration needs from the query path. */
export interface SeriesSource {
  readonly catalog: Catalog;
  now(): number;
  /** Validates and compiles a query without running it (throws on bad input). */
  prepare(query: QueryRequest): unknown;
  series(query: QueryRequest): Promise<MetricSeries>;
  seriesMeta(metric: MetricDef, series: ComputedResult, cached: boolean, started: number): Meta;
}

export class InsightsService {
  constructor(private readonly source: SeriesSource) {}

  /** A metric's series and its forecast: history rows carry `actual`, future rows the forecast. */
  async forecast(request: ForecastRequest): Promise<ForecastResult> {
    const started = this.source.now();
    const { metric: name, from, to, grain, filters } = request;
    const { result: series, cached, metric } = await this.source.series({ metric: name, from, to, grain, ...(filters ? { filters } : {}) });
    const values = valuesOf(series);
    const interval = request.interval ?? 0.8;
    const outcome = forecast(values, {
      horizon: request.horizon,
      seasonality: request.seasonality ?? 'auto',
      interval,
      seasonCandidates: SEASON_CANDIDATES[grain],
    });
    return {
      title: metric.title,
      interval,
      ...forecastTable(series, outcome.points, grain, to),
      model: outcome.model,
      backtest: outcome.backtest,
      notes: outcome.notes,
      meta: this.source.seriesMeta(metric, series, cached, started),
    };
  }

  /**
   * Unusual periods of a metric, each with the dimension values that moved most. The total series
   * is flagged first; the per-dimension series are read only when something was flagged.
   */
  async anomalies(request: AnomalyRequest): Promise<AnomalyResult> {
    const started = this.source.now();
    const { metric: name, from, to, grain, filters } = request;
    const base: QueryRequest = { metric: name, from, to, grain, ...(filters ? { filters } : {}) };
    const metric = resolveMetric(this.source.catalog, name);
    const dimensions = request.dimensions ?? [...metric.dimensions];
    // Compiling each split checks its dimension now, so a bad name fails before any engine work.
    for (const dimension of dimensions) this.source.prepare({ ...base, dimensions: [dimension] });
    const { result: series, cached } = await this.source.series(base);
    const periods = series.rows.map((row) => String(row[0]));
    const confidence = SENSITIVITY_CONFIDENCE[request.sensitivity ?? 'medium'];
    const detection = detectAnomalies(valuesOf(series), { seasonality: request.seasonality ?? 'auto', confidence, seasonCandidates: SEASON_CANDIDATES[grain] });
    const splits = detection.anomalies.length ? await Promise.all(dimensions.map((dimension) => this.valueSeries(base, dimension, periods, metric))) : [];
    const expectations = expectationsOf(splits.flat(), { seasonLength: detection.model.seasonLength, confidence });
    const anomalies = anomalyPoints(detection.anomalies, periods, expectations, isAdditive(metric));
    return {
      metric: metric.name,
      grain,
      confidence,
      anomalies,
      periods: periods.length,
      model: detection.model,
      method: ANOMALY_METHOD,
      notes: detection.notes,
      meta: this.source.seriesMeta(metric, series, cached, started),
    };
  }

  /** The metric split by one dimension, as one series per value aligned with `periods`. */
  private async valueSeries(base: QueryRequest, dimension: string, periods: readonly string[], metric: MetricDef): Promise<ValueSeries[]> {
    const { result } = await this.source.series({ ...base, dimensions: [dimension] });
    // Without suppression a missing row of a sum or count is a real zero; otherwise it is unknown.
    return seriesByValue(result.rows, dimension, periods, isAdditive(metric) && result.suppressedGroups === 0 ? 0 : null);
  }
}
