/** What the sidebar asks the metrics API for: the catalog, one metric, filter values, a preview. */
import type { DimensionValues, Lang, MetricDetail, MetricList, QueryResult } from '../../contract/types';
import { callApi } from './apiClient';
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

export function preview(platform: Platform, lang: Lang, spreadsheet: SpreadsheetLike, query: BlockQuery): QueryResult {
  const request = requestOf({ ...query, limit: Math.min(query.limit ?? PREVIEW_ROWS, PREVIEW_ROWS) }, {
    platform,
    spreadsheet,
    lang,
    by: 'manual',
    deadline: platform.now() + SIDEBAR_BUDGET_MS,
  });
  return get(platform, lang, 'post', '/v1/query', request);
}
