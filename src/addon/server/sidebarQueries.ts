/** What the sidebar asks the metrics API for: the catalog, one metric, filter values, a preview. */
import type { DimensionValues, Lang, MetricDetail, MetricList, QueryResult } from '../../contract/types';
import { callApi, QueryStillRunning, type StillRunning } from './apiClient';
import { requestOf } from './blocks/blockService';
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

export const dimensionValues = (platform: Platform, lang: Lang, metric: string, dimension: string): DimensionValues =>
  get(platform, lang, 'get', `/v1/metrics/${encodeURIComponent(metric)}/dimensions/${encodeURIComponent(dimension)}/values`);

/** A preview waits only briefly: a slow query comes back as `running`, and the sidebar polls it. */
const PREVIEW_BUDGET_MS = 12_000;

function orRunning(run: () => QueryResult): QueryResult | StillRunning {
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

export function preview(platform: Platform, lang: Lang, spreadsheet: SpreadsheetLike, query: BlockQuery): QueryResult | StillRunning {
  const request = requestOf({ ...query, limit: Math.min(query.limit ?? PREVIEW_ROWS, PREVIEW_ROWS) }, {
    platform,
    spreadsheet,
    lang,
    by: 'manual',
    deadline: platform.now() + SIDEBAR_BUDGET_MS,
  });
  const settings = readSettings(platform.scriptProperties, lang);
  return orRunning(() => callApi({ platform, settings, lang, deadline: platform.now() + PREVIEW_BUDGET_MS }, 'post', '/v1/query', request) as QueryResult);
}
