/**
 * SNAQ_FORECAST and SNAQ_ANOMALIES: the API's forecast and anomaly flags as cell tables. The
 * numbers are the API's own (nothing is recomputed here), so a sheet and the API always agree.
 */
import { contributorsText } from '../../contract/contributorText';
import type { AnomalyPoint, AnomalyRequest, ForecastRequest, ForecastResult, AnomalyResult, Lang } from '../../contract/types';
import { fetchShared, rectangular, startCall, toSheetValue, type SheetValue } from './customFunctions';
import { footnoteRows, forecastNotes } from './footnotes';
import { say, UserFacingError } from './messages';
import type { Platform } from './platform';
import { ttlUntil } from './sharedResults';
import { parseDimensions, parseFilters, parseGrain, parseHorizon, parseInterval, parseMetricName, parseOptions, parseRange } from './sheetArguments';

export function snaqForecast(
  platform: Platform,
  metricArg: unknown,
  fromArg: unknown,
  toArg: unknown,
  horizonArg: unknown,
  grainArg?: unknown,
  intervalArg?: unknown,
  filtersArg?: unknown,
  optionsArg?: unknown,
): SheetValue[][] {
  const call = startCall(platform);
  const options = parseOptions(optionsArg, call.args);
  // A forecast is always the whole series and its horizon: a row limit would cut the future off.
  if (options.limit !== undefined) throw new UserFacingError(say(call.lang, 'optionUnknown', { option: 'limit' }));
  if (options.lang) {
    call.lang = options.lang;
    call.args.lang = options.lang;
  }
  const request: ForecastRequest = {
    metric: parseMetricName(metricArg, call.args),
    ...parseRange(fromArg, toArg, call.args),
    grain: parseGrain(grainArg, call.args) ?? 'month',
    horizon: parseHorizon(horizonArg, call.args),
  };
  const interval = parseInterval(intervalArg, call.args);
  if (interval !== undefined) request.interval = interval;
  const filters = parseFilters(filtersArg, call.args);
  if (Object.keys(filters).length) request.filters = filters;
  const result = fetchShared<ForecastResult>(call, 'post', '/v1/forecast', request, (r) => ttlUntil(r.meta.freshUntil, platform.now()));
  const table = forecastTable(result, call.lang, platform);
  const notes = options.notes ? footnoteRows(forecastNotes(result, request, call.lang)) : [];
  return rectangular([...(options.header ? table : table.slice(1)), ...notes]);
}

/** The forecast as a table with a header row: what SNAQ_FORECAST returns and a forecast block writes. */
export function forecastTable(result: ForecastResult, lang: Lang, platform: Pick<Platform, 'dateOfDay'>): SheetValue[][] {
  return rectangular([
    result.columns.map((column) => column.title[lang]),
    ...result.rows.map((row) => row.map((cell, i) => toSheetValue(cell, result.columns[i], platform))),
  ]);
}

const ANOMALY_HEADER: Record<Lang, string[]> = {
  ja: ['期間', '実績', '予測値', '下限', '上限', 'スコア', '主な要因'],
  en: ['period', 'actual', 'expected', 'lower', 'upper', 'score', 'top contributors'],
};

function anomalyRow(anomaly: AnomalyPoint, platform: Pick<Platform, 'dateOfDay'>, lang: Lang): SheetValue[] {
  return [
    platform.dateOfDay(anomaly.period),
    anomaly.actual,
    anomaly.expected,
    anomaly.lower,
    anomaly.upper,
    Math.round(anomaly.score * 100) / 100,
    contributorsText(anomaly.contributors, lang),
  ];
}

export function snaqAnomalies(
  platform: Platform,
  metricArg: unknown,
  fromArg: unknown,
  toArg?: unknown,
  grainArg?: unknown,
  dimensionsArg?: unknown,
  filtersArg?: unknown,
): SheetValue[][] {
  const call = startCall(platform);
  const request: AnomalyRequest = {
    metric: parseMetricName(metricArg, call.args),
    ...parseRange(fromArg, toArg, call.args),
    grain: parseGrain(grainArg, call.args) ?? 'week',
  };
  const dimensions = parseDimensions(dimensionsArg, call.args);
  if (dimensions.length) request.dimensions = dimensions;
  const filters = parseFilters(filtersArg, call.args);
  if (Object.keys(filters).length) request.filters = filters;
  const result = fetchShared<AnomalyResult>(call, 'post', '/v1/anomalies', request, (r) => ttlUntil(r.meta.freshUntil, platform.now()));
  const rows = result.anomalies.map((anomaly) => anomalyRow(anomaly, platform, call.lang));
  return rectangular([ANOMALY_HEADER[call.lang], ...(rows.length ? rows : [[say(call.lang, 'noAnomalies')]])]);
}
