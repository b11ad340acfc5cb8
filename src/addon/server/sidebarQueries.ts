/** What the sidebar asks the metrics API for: the catalog, one metric, filter values, a preview, data health. */
import type { DimensionValues, ForecastResult, FreshnessReport, Lang, MetricDetail, MetricList, QueryResult } from '../../contract/types';
import { callApi, QueryStillRunning, type StillRunning } from './apiClient';
import { forecastRequestOf, requestOf } from './blocks/blockService';
import type { BlockQuery } from './blocks/blockSpec';
import type { Platform } from './platform';
import { readSettings } from './settings';
import type { SpreadsheetLike } from './blocks/sheetTypes';

/** A sidebar call is an execution of its own (6 minutes), but people wait: keep it short. */
const SIDEBAR_BUDGET_MS = 25_000;
const PREVIEW_ROWS = 200;

function get<T>(platform: Platform, lang: Lang, method: 'get' | 'post', path: string, body?: unknown): T {
  const settings = readSettings(platform.scriptProperties, lang);
  return callApi({ platform, settings, lang, deadline: platform.now() + SIDEBAR_BUDGET_MS }, method, path, body) as T;
}

export const listMetricsFor = (platform: Platform, lang: Lang, search?: string): MetricList =>
  get(platform, lang, 'get', `/v1/metrics${search ? `?search=${encodeURIComponent(search)}` : ''}`);

export const metricDetail = (platform: Platform, lang: Lang, name: string): MetricDetail =>
  get(platform, lang, 'get', `/v1/metrics/${encodeURIComponent(name)}`);

/** The data-health view: every lake table's freshness, last quality result and 30 days of SLO attainment. */
export const dataHealth = (platform: Platform, lang: Lang): FreshnessReport => get(platform, lang, 'get', '/v1/freshness');

export const dimensionValues = (platform: Platform, lang: Lang, metric: string, dimension: string): DimensionValues =>
  get(platform, lang, 'get', `/v1/metrics/${encodeURIComponent(metric)}/dimensions/${encodeURIComponent(dimension)}/values`);

/** A preview waits only briefly: a slow query comes back as `running`, and the sidebar polls it. */
const PREVIEW_BUDGET_MS = 12_000;

function orRunning<T>(run: () => T): T | StillRunning {
  try {
    return run();
  } catch (error) {
    if (error instanceof QueryStillRunning && error.queryId) return { running: true, queryId: error.queryId };
    throw error;
  }
}

export function pollQuery(platform: Platform, lang: Lang, queryId: string): QueryResult | StillRunning {
  const settings = readSettings(platform.scriptProperties, lang);
  return orRunning(
    () => callApi({ platform, settings, lang, deadline: platform.now() + PREVIEW_BUDGET_MS }, 'get', `/v1/query/${encodeURIComponent(queryId)}`) as QueryResult,
  );
}

/** A forecast preview is the whole forecast (it needs the whole series anyway); a slow one is polled like a query. */
export function preview(platform: Platform, lang: Lang, spreadsheet: SpreadsheetLike, query: BlockQuery): QueryResult | StillRunning {
  const context = { platform, spreadsheet, lang, by: 'manual' as const, deadline: platform.now() + SIDEBAR_BUDGET_MS };
  const settings = readSettings(platform.scriptProperties, lang);
  const api = { platform, settings, lang, deadline: platform.now() + PREVIEW_BUDGET_MS };
  if (query.forecast) return orRunning(() => callApi(api, 'post', '/v1/forecast', forecastRequestOf(query, context)) as ForecastResult);
  const request = requestOf({ ...query, limit: Math.min(query.limit ?? PREVIEW_ROWS, PREVIEW_ROWS) }, context);
  return orRunning(() => callApi(api, 'post', '/v1/query', request) as QueryResult);
}
