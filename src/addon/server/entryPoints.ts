/**
 * The one registry of the add-on's entry points. Apps Script finds only top-level `function`
 * declarations, and esbuild drops comments, so the build generates a global stub (with its JSDoc)
 * for every entry here, entry.ts must implement every one (a missing one is a compile error), and
 * the sidebar's RPC client is typed from the `rpc` ones.
 */
export interface ParamDoc {
  name: string;
  type: string;
  description: string;
  optional?: boolean;
}

export interface EntryPointDoc {
  /** customFunction: a cell formula; event: a simple trigger; trigger: an installable one; menu: a menu item; rpc: google.script.run. */
  kind: 'customFunction' | 'event' | 'trigger' | 'menu' | 'rpc';
  summary: string;
  params: readonly ParamDoc[];
  returns?: { type: string; description: string };
}

import { BUNDLE_GLOBAL } from './bundleGlobal';
import type { DimensionValues, FreshnessReport, MetricDetail, MetricList, QueryResult } from '../../contract/types';
import type { BlockSummary, RefreshOutcome } from './blocks/blockService';
import type { BlockQuery } from './blocks/blockSpec';
import type { StillRunning } from './apiClient';
import type { ConnectionReport } from './connection';
import type { Schedule, ScheduleView } from './schedule';
import type { PublicSettings, SettingsInput } from './settings';

const range = (description: string): string => `${description} Text or a range.`;

export const ENTRY_POINTS = {
  SNAQ_METRIC: {
    kind: 'customFunction',
    summary: 'Governed metric as a table, with a header row. 指標を表で返します（見出し行つき）。',
    params: [
      { name: 'metric', type: 'string', description: 'Metric name, e.g. "revenue". 指標名。' },
      {
        name: 'from',
        type: 'Date|string',
        description: 'First day (a date, "2024-01-01", "2024-01") or a period keyword such as "last_month". 開始日または期間キーワード。',
      },
      { name: 'to', type: 'Date|string', description: 'Last day, inclusive. Leave empty with a keyword. 終了日（その日を含む）。', optional: true },
      { name: 'grain', type: 'string', description: 'day, week, month, quarter or year. Empty: one total. 粒度。', optional: true },
      { name: 'dimensions', type: 'string|Array<Array<string>>', description: range('Split by, e.g. "plan,prefecture". 切り口。'), optional: true },
      { name: 'filters', type: 'string|Array<Array<string>>', description: range('Keep only, e.g. "plan=biweekly;gender=female". 絞り込み。'), optional: true },
      {
        name: 'options',
        type: 'string|Array<Array<string>>',
        description: range(
          'e.g. "noheader", "nonotes", "limit=50", "lang=en", "compare=previous_year" (前年比), "compare=previous_period" (前期比). オプション。',
        ),
        optional: true,
      },
    ],
    returns: { type: 'Array<Array<Date|string|number>>', description: 'The metric table. 指標の表。' },
  },
  SNAQ_VALUE: {
    kind: 'customFunction',
    summary: 'One governed number for a whole range. 期間全体の値を1つ返します。',
    params: [
      { name: 'metric', type: 'string', description: 'Metric name, e.g. "active_subscribers". 指標名。' },
      { name: 'from', type: 'Date|string', description: 'First day or a period keyword. 開始日または期間キーワード。' },
      { name: 'to', type: 'Date|string', description: 'Last day, inclusive. 終了日（その日を含む）。', optional: true },
      { name: 'filters', type: 'string|Array<Array<string>>', description: range('Keep only, e.g. "plan=biweekly". 絞り込み。'), optional: true },
      {
        name: 'options',
        type: 'string|Array<Array<string>>',
        description: range('"前年比" or "前期比": the change ratio instead. オプション。'),
        optional: true,
      },
    ],
    returns: { type: 'number', description: 'The value, or with a comparison the change ratio. 値（比較では増減率）。' },
  },
  SNAQ_FORECAST: {
    kind: 'customFunction',
    summary: 'History and forecast with a prediction interval. 実績と予測（予測区間つき）を返します。',
    params: [
      { name: 'metric', type: 'string', description: 'Metric name, e.g. "revenue". 指標名。' },
      { name: 'from', type: 'Date|string', description: 'First day of the history, or a period keyword. 実績の開始日または期間キーワード。' },
      { name: 'to', type: 'Date|string', description: 'Last day of the history, inclusive. 実績の終了日（その日を含む）。' },
      { name: 'horizon', type: 'number', description: 'Periods to forecast, 1–104. 予測する期間数。' },
      { name: 'grain', type: 'string', description: 'week, month (default), quarter or day. 粒度。', optional: true },
      { name: 'interval', type: 'number|string', description: 'Interval coverage, 0.5–0.99 (default 0.8). 予測区間の幅。', optional: true },
      { name: 'filters', type: 'string|Array<Array<string>>', description: range('Keep only, e.g. "plan=biweekly". 絞り込み。'), optional: true },
      { name: 'options', type: 'string|Array<Array<string>>', description: range('e.g. "nonotes", "noheader", "lang=en". オプション。'), optional: true },
    ],
    returns: { type: 'Array<Array<Date|string|number>>', description: 'period, actual, forecast, lower, upper. 期間・実績・予測・下限・上限。' },
  },
  SNAQ_ANOMALIES: {
    kind: 'customFunction',
    summary: 'Unusual periods with the dimension values that moved most. 異常な期間と主な要因を返します。',
    params: [
      { name: 'metric', type: 'string', description: 'Metric name, e.g. "boxes_shipped". 指標名。' },
      { name: 'from', type: 'Date|string', description: 'First day, or a period keyword. 開始日または期間キーワード。' },
      { name: 'to', type: 'Date|string', description: 'Last day, inclusive. 終了日（その日を含む）。', optional: true },
      { name: 'grain', type: 'string', description: 'week (default), day, month or quarter. 粒度。', optional: true },
      {
        name: 'dimensions',
        type: 'string|Array<Array<string>>',
        description: range('Attribute to, e.g. "plan,prefecture" (default: all). 要因を探す切り口。'),
        optional: true,
      },
      { name: 'filters', type: 'string|Array<Array<string>>', description: range('Keep only, e.g. "plan=biweekly". 絞り込み。'), optional: true },
    ],
    returns: { type: 'Array<Array<Date|string|number>>', description: 'One unusual period per row. 1行に1つの異常。' },
  },
  SNAQ_METRICS: {
    kind: 'customFunction',
    summary: 'The catalog of governed metrics. 指標の一覧を返します。',
    params: [{ name: 'search', type: 'string', description: 'Only metrics matching this text. 検索語。', optional: true }],
    returns: { type: 'Array<Array<string>>', description: 'One metric per row. 1行に1指標。' },
  },
  SNAQ_FRESHNESS: {
    kind: 'customFunction',
    summary:
      'When the data was taken, whether it is as fresh as promised, the last quality check and 30-day SLO attainment. データの鮮度・品質チェック・30日間の達成率を返します。',
    params: [{ name: 'metric', type: 'string', description: 'Only the tables this metric reads. 指標名。', optional: true }],
    returns: { type: 'Array<Array<Date|string|number|boolean>>', description: 'One source table per row. 1行に1テーブル。' },
  },
  onOpen: { kind: 'event', summary: 'Builds the add-on menu.', params: [{ name: 'e', type: 'Object', description: 'The open event.' }] },
  onInstall: {
    kind: 'event',
    summary: 'Builds the menu right after installation.',
    params: [{ name: 'e', type: 'Object', description: 'The install event.' }],
  },
  snaqOpenSidebar: { kind: 'menu', summary: 'Opens the SNAQ sidebar.', params: [] },
  snaqRefreshFormulas: { kind: 'menu', summary: 'Recalculates every SNAQ formula in the document.', params: [] },
  snaqInsertDashboard: { kind: 'menu', summary: 'Inserts the KPI dashboard.', params: [] },
  snaqOpenSettings: { kind: 'menu', summary: 'Opens the connection settings.', params: [] },
  snaqAbout: { kind: 'menu', summary: 'Shows what the add-on is.', params: [] },
  snaqScheduledRefresh: {
    kind: 'trigger',
    summary: 'The hourly trigger: refreshes blocks and SNAQ formulas when the schedule is due.',
    params: [{ name: 'e', type: 'Object', description: 'The time-driven event.' }],
  },
  snaqListMetrics: { kind: 'rpc', summary: 'The catalog, optionally searched.', params: [{ name: 'search', type: 'string', description: 'Search text.' }] },
  snaqMetricDetail: {
    kind: 'rpc',
    summary: 'One metric with its definition and freshness.',
    params: [{ name: 'name', type: 'string', description: 'Metric name.' }],
  },
  snaqDataHealth: {
    kind: 'rpc',
    summary: 'Per lake table: the last snapshot, the quality gate’s last result and 30 days of freshness SLO attainment.',
    params: [],
  },
  snaqDimensionValues: {
    kind: 'rpc',
    summary: 'The values a filter on a dimension can take.',
    params: [
      { name: 'metric', type: 'string', description: 'Metric name.' },
      { name: 'dimension', type: 'string', description: 'Dimension name.' },
    ],
  },
  snaqPreview: { kind: 'rpc', summary: 'The first rows of a query.', params: [{ name: 'query', type: 'Object', description: 'The block query.' }] },
  snaqPollQuery: {
    kind: 'rpc',
    summary: 'A slow preview, asked again.',
    params: [{ name: 'queryId', type: 'string', description: 'From a running preview.' }],
  },
  snaqInsertBlock: {
    kind: 'rpc',
    summary: 'Inserts a block at the current cell.',
    params: [{ name: 'query', type: 'Object', description: 'The block query.' }],
  },
  snaqInsertFormula: {
    kind: 'rpc',
    summary: 'Writes a SNAQ_METRIC formula in the current cell.',
    params: [{ name: 'query', type: 'Object', description: 'The block query.' }],
  },
  snaqListBlocks: { kind: 'rpc', summary: 'Every block in the document with its status.', params: [] },
  snaqRefreshBlock: { kind: 'rpc', summary: 'Refreshes one block.', params: [{ name: 'id', type: 'string', description: 'Block id.' }] },
  snaqEditBlock: {
    kind: 'rpc',
    summary: 'Gives a block a new query and refreshes it.',
    params: [
      { name: 'id', type: 'string', description: 'Block id.' },
      { name: 'query', type: 'Object', description: 'The new query.' },
    ],
  },
  snaqGoToBlock: { kind: 'rpc', summary: 'Selects a block.', params: [{ name: 'id', type: 'string', description: 'Block id.' }] },
  snaqGetSchedule: { kind: 'rpc', summary: 'The document’s refresh schedule.', params: [] },
  snaqSetSchedule: {
    kind: 'rpc',
    summary: 'Sets or removes the refresh schedule.',
    params: [{ name: 'schedule', type: 'Object', description: 'The schedule, or null.' }],
  },
  snaqGetSettings: { kind: 'rpc', summary: 'Settings without the secret.', params: [] },
  snaqSaveSettings: { kind: 'rpc', summary: 'Saves the settings.', params: [{ name: 'input', type: 'Object', description: 'The form.' }] },
  snaqTestConnection: { kind: 'rpc', summary: 'Calls the endpoint with the saved settings.', params: [] },
} as const satisfies Record<string, EntryPointDoc>;

export type EntryPointName = keyof typeof ENTRY_POINTS;

/** The server functions the sidebar and dialogs call through google.script.run, with their types. */
export interface RpcApi {
  snaqListMetrics(search?: string): MetricList;
  snaqMetricDetail(name: string): MetricDetail;
  snaqDimensionValues(metric: string, dimension: string): DimensionValues;
  snaqDataHealth(): FreshnessReport;
  snaqPreview(query: BlockQuery): QueryResult | StillRunning;
  snaqPollQuery(queryId: string): QueryResult | StillRunning;
  snaqInsertBlock(query: BlockQuery): BlockSummary;
  snaqInsertFormula(query: BlockQuery): string;
  snaqListBlocks(): BlockSummary[];
  snaqRefreshBlock(id: string): RefreshOutcome;
  snaqEditBlock(id: string, query: BlockQuery): RefreshOutcome;
  snaqGoToBlock(id: string): string;
  snaqGetSchedule(): ScheduleView;
  snaqSetSchedule(schedule: Schedule | null): ScheduleView;
  snaqGetSettings(): PublicSettings;
  snaqSaveSettings(input: SettingsInput): PublicSettings;
  snaqTestConnection(): ConnectionReport;
}

type RpcEntryName = { [K in EntryPointName]: (typeof ENTRY_POINTS)[K]['kind'] extends 'rpc' ? K : never }[EntryPointName];
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
/** Fails to compile unless RpcApi lists exactly the registry's rpc entries. */
export const RPC_API_MATCHES_REGISTRY: SameKeys<RpcEntryName, keyof RpcApi> = true;

/** One top-level function per entry point, with JSDoc where Sheets reads it (custom functions). */
export function globalStubs(): string {
  return Object.entries(ENTRY_POINTS)
    .map(([name, doc]: [string, EntryPointDoc]) => {
      const params = doc.params.map((param) => param.name);
      const jsdoc = [
        '/**',
        ` * ${doc.summary}`,
        ...doc.params.map((param) => ` * @param {${param.type}} ${param.optional ? `[${param.name}]` : param.name} ${param.description}`),
        ...(doc.returns ? [` * @return {${doc.returns.type}} ${doc.returns.description}`] : []),
        ...(doc.kind === 'customFunction' ? [' * @customfunction'] : []),
        ' */',
      ].join('\n');
      return `${jsdoc}\nfunction ${name}(${params.join(', ')}) {\n  return ${BUNDLE_GLOBAL}.${name}(${params.join(', ')});\n}`;
    })
    .join('\n\n');
}
