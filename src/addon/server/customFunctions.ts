/**
 * SNAQ_METRIC, SNAQ_VALUE, SNAQ_METRICS and SNAQ_FRESHNESS: what a cell formula returns. Values are
 * typed for Sheets (periods and timestamps as Dates, numbers as numbers); headers follow the
 * spreadsheet's language unless `lang=` says otherwise.
 */
import type {
  Cell,
  Column,
  FreshnessReport,
  Lang,
  Meta,
  MetricDetail,
  MetricList,
  QualityGateResult,
  QueryRequest,
  QueryResult,
  TableFreshness,
  TableHealth,
} from '../../contract/types';
import { callApi } from './apiClient';
import { hiddenValueText } from '../../contract/suppressionText';
import { cellText, columnHeader } from '../../contract/columnText';
import { comparisonNotes, dataEdgeNotes, footnoteRows, suppressionNotes } from './footnotes';
import { langOfLocale, say, UserFacingError } from './messages';
import type { Platform } from './platform';
import { readSettings } from './settings';
import { versionedBy } from './metricVersions';
import { cacheKeyOf, sharedResult, ttlUntil, type VersionedBy } from './sharedResults';
import { parseDimensions, parseFilters, parseGrain, parseMetricName, parseOptions, parseRange, type ArgumentContext } from './sheetArguments';

/** A custom function has 30 s; bundle loading and writing the cells need some of it. */
export const CUSTOM_FUNCTION_BUDGET_MS = 26_000;

export type SheetValue = Date | string | number | boolean;

export interface Call {
  platform: Platform;
  lang: Lang;
  deadline: number;
  args: ArgumentContext;
}

export function startCall(platform: Platform): Call {
  const now = platform.now();
  const lang = langOfLocale(platform.locale());
  return { platform, lang, deadline: now + CUSTOM_FUNCTION_BUDGET_MS, args: { lang, today: platform.dayOf(new Date(now)), dayOf: platform.dayOf } };
}

/** The metric a request is about (a query, forecast, anomalies or a metric's page), if any. */
function metricOf(path: string, body: unknown): string | undefined {
  const named = (body as { metric?: unknown } | null | undefined)?.metric;
  if (typeof named === 'string') return named;
  const page = /^\/v1\/metrics\/([^/?]+)$/.exec(path);
  return page ? decodeURIComponent(page[1]!) : undefined;
}

export function fetchShared<T>(call: Call, method: 'get' | 'post', path: string, body: unknown, ttlSeconds: (result: T) => number): T {
  const settings = readSettings(call.platform.scriptProperties, call.lang);
  // Anonymous: what a cell fetches is shared by every user of the add-on, so it is never a person's.
  const api = { platform: call.platform, settings, lang: call.lang, deadline: call.deadline, anonymous: true };
  const request = JSON.stringify([settings.endpoint, method, path, body ?? null]);
  const metric = metricOf(path, body);
  // An answer about a metric is cached per version of its definition: a new version is never answered from an old entry.
  const version =
    metric === undefined
      ? undefined
      : versionedBy<T & { meta?: Meta }>(
          {
            platform: call.platform,
            endpoint: settings.endpoint,
            deadline: call.deadline,
            loadCatalog: () => callApi(api, 'get', '/v1/metrics') as MetricList,
          },
          metric,
          (known) => call.platform.cache.get(cacheKeyOf(call.platform, request, known)) !== null,
        );
  return sharedResult<T>({
    platform: call.platform,
    request,
    deadline: call.deadline,
    load: () => callApi(api, method, path, body) as T,
    ttlSeconds,
    ...(version ? { version: version as VersionedBy<T> } : {}),
    shareable: (result) => (result as { meta?: { restricted?: boolean } } | undefined)?.meta?.restricted !== true,
  });
}

/** Sheets wants every row of a returned array equally wide. */
export function rectangular(rows: SheetValue[][]): SheetValue[][] {
  const width = Math.max(1, ...rows.map((row) => row.length));
  return rows.map((row) => (row.length === width ? row : [...row, ...Array<SheetValue>(width - row.length).fill('')]));
}

export function toSheetValue(cell: Cell, column: Column | undefined, platform: Pick<Platform, 'dateOfDay'>): SheetValue {
  if (cell === null) return '';
  if (column?.type === 'date' && typeof cell === 'string') return platform.dateOfDay(cell);
  return cell;
}

export function snaqMetric(
  platform: Platform,
  metricArg: unknown,
  fromArg: unknown,
  toArg: unknown,
  grainArg?: unknown,
  dimensionsArg?: unknown,
  filtersArg?: unknown,
  optionsArg?: unknown,
): SheetValue[][] | string {
  const call = startCall(platform);
  const options = parseOptions(optionsArg, call.args);
  if (options.lang) {
    call.lang = options.lang;
    call.args.lang = options.lang;
  }
  const request: QueryRequest = {
    metric: parseMetricName(metricArg, call.args),
    ...parseRange(fromArg, toArg, call.args),
  };
  const grain = parseGrain(grainArg, call.args);
  const dimensions = parseDimensions(dimensionsArg, call.args);
  const filters = parseFilters(filtersArg, call.args);
  if (grain) request.grain = grain;
  if (dimensions.length) request.dimensions = dimensions;
  if (Object.keys(filters).length) request.filters = filters;
  if (options.limit !== undefined) request.limit = options.limit;
  if (options.compare) request.compare = options.compare;

  const result = fetchShared<QueryResult>(call, 'post', '/v1/query', request, (r) => ttlUntil(r.meta.freshUntil, platform.now()));
  // Dimension values as words (the answer carries them), headers with their unit.
  const rows = result.rows.map((row) => row.map((cell, i) => toSheetValue(cellText(cell, result.columns[i], call.lang), result.columns[i], platform)));
  const table = options.header ? [result.columns.map((column) => columnHeader(column, call.lang)), ...rows] : rows;
  const notes = options.notes
    ? footnoteRows([
        ...dataEdgeNotes(result.meta, request, call.lang),
        ...comparisonNotes(result.meta, request, call.lang),
        ...suppressionNotes(result.meta, call.lang),
      ])
    : [];
  // Without a header and with every group hidden, the footnote alone says why the cell is empty.
  const shown = [...table, ...notes];
  return shown.length ? rectangular(shown) : '';
}

/**
 * One number for the whole range; with a comparison option (前年比, compare=previous_period…), the
 * change ratio against the earlier range instead. A range wholly after the data gives an empty cell;
 * one that runs past it gives the value so far (a single number has no room for a footnote:
 * SNAQ_METRIC says it).
 */
export function snaqValue(
  platform: Platform,
  metricArg: unknown,
  fromArg: unknown,
  toArg?: unknown,
  filtersArg?: unknown,
  optionsArg?: unknown,
): number | string {
  const call = startCall(platform);
  const options = parseOptions(optionsArg, call.args);
  if (options.lang) call.lang = call.args.lang = options.lang;
  const request: QueryRequest = { metric: parseMetricName(metricArg, call.args), ...parseRange(fromArg, toArg, call.args) };
  const filters = parseFilters(filtersArg, call.args);
  if (Object.keys(filters).length) request.filters = filters;
  if (options.compare) request.compare = options.compare;
  const result = fetchShared<QueryResult>(call, 'post', '/v1/query', request, (r) => ttlUntil(r.meta.freshUntil, platform.now()));
  const index = result.columns.findIndex((column) => column.role === (options.compare ? 'changeRatio' : 'value'));
  const value = result.rows[0]?.[index] ?? null;
  if (value === null && result.meta.suppressed) throw new UserFacingError(hiddenValueText(result.meta.suppressed, call.lang));
  return typeof value === 'number' ? value : '';
}

const CATALOG_HEADER: Record<Lang, string[]> = {
  ja: ['指標', '名前', '単位', '粒度', '切り口', '状態', '説明'],
  en: ['metric', 'title', 'unit', 'grains', 'dimensions', 'status', 'description'],
};

export function snaqMetrics(platform: Platform, searchArg?: unknown): SheetValue[][] {
  const call = startCall(platform);
  const search = searchArg === undefined || searchArg === null ? '' : String(searchArg).trim();
  const path = `/v1/metrics${search ? `?search=${encodeURIComponent(search)}` : ''}`;
  const list = fetchShared<MetricList>(call, 'get', path, undefined, () => 600);
  return rectangular([
    CATALOG_HEADER[call.lang],
    ...list.metrics.map((metric) => [
      metric.name,
      metric.title[call.lang],
      metric.unit,
      metric.grains.join(', '),
      metric.dimensions.map((dimension) => dimension.name).join(', '),
      metric.status === 'deprecated' ? `deprecated → ${metric.replacedBy ?? ''}` : metric.status,
      metric.description[call.lang],
    ]),
  ]);
}

const FRESHNESS_HEADER: Record<Lang, { metric: string[]; tables: string[]; health: string[] }> = {
  ja: {
    metric: ['指標', 'データ時点', 'SLO 達成'],
    tables: ['テーブル', 'スナップショット時刻', 'SLO（時間）', '経過（時間）', 'SLO 達成'],
    // A custom function cannot format a cell as %: the fraction is returned and the header says so.
    health: ['最後の品質チェック', '30日間の SLO 達成率（0〜1 の割合）'],
  },
  en: {
    metric: ['metric', 'data as of', 'SLO met'],
    tables: ['table', 'snapshot at', 'SLO (hours)', 'age (hours)', 'SLO met'],
    health: ['last quality check', '30-day SLO attainment (fraction, 0–1)'],
  },
};

function tableRows(tables: readonly TableFreshness[]): SheetValue[][] {
  return tables.map((table) => [table.table, table.snapshotAt ? new Date(table.snapshotAt) : '', table.sloHours, table.ageHours ?? '', table.met]);
}

/** The gate's last result over a table, in words: passed, failed (with this table's failed checks), or none yet. */
export function qualityText(quality: QualityGateResult | null, lang: Lang): string {
  if (!quality) return '';
  if (quality.passed) return lang === 'ja' ? '合格' : 'passed';
  const checks = quality.failedChecks?.length ? `: ${quality.failedChecks.join(', ')}` : '';
  return `${lang === 'ja' ? '不合格' : 'failed'}${checks}`;
}

function healthRows(tables: readonly TableHealth[], lang: Lang): SheetValue[][] {
  return tableRows(tables).map((row, i) => [...row, qualityText(tables[i]!.lastQuality, lang), tables[i]!.attainment30d ?? '']);
}

export function snaqFreshness(platform: Platform, metricArg?: unknown): SheetValue[][] {
  const call = startCall(platform);
  const header = FRESHNESS_HEADER[call.lang];
  if (metricArg === undefined || metricArg === null || String(metricArg).trim() === '') {
    const report = fetchShared<FreshnessReport>(call, 'get', '/v1/freshness', undefined, () => 300);
    const notes = report.history?.synthetic ? footnoteRows([say(call.lang, 'noteSyntheticHistory')]) : [];
    return rectangular([[...header.tables, ...header.health], ...healthRows(report.tables, call.lang), ...notes]);
  }
  const name = parseMetricName(metricArg, call.args);
  const detail = fetchShared<MetricDetail>(call, 'get', `/v1/metrics/${encodeURIComponent(name)}`, undefined, () => 300);
  return rectangular([
    header.metric,
    [detail.name, detail.freshness.dataAsOf ? new Date(detail.freshness.dataAsOf) : '', detail.freshness.met],
    [],
    header.tables,
    ...tableRows(detail.freshness.tables),
  ]);
}
