/** "Test connection" in the settings dialog: one signed call with the saved settings. */
import type { FreshnessReport, Lang, MetricList } from '../../contract/types';
import { callApi } from './apiClient';
import { say } from './messages';
import type { Platform } from './platform';
import { readSettings } from './settings';

export interface ConnectionReport {
  ok: boolean;
  message: string;
}

const TEST_BUDGET_MS = 20_000;

export function testConnection(platform: Platform, lang: Lang): ConnectionReport {
  try {
    const settings = readSettings(platform.scriptProperties, lang);
    const context = { platform, settings, lang, deadline: platform.now() + TEST_BUDGET_MS };
    const list = callApi(context, 'get', '/v1/metrics') as MetricList;
    const freshness = callApi(context, 'get', '/v1/freshness') as FreshnessReport;
    const asOf =
      freshness.tables
        .map((table) => table.snapshotAt ?? '')
        .filter(Boolean)
        .sort()[0] ?? '—';
    return { ok: true, message: say(lang, 'connectionOk', { count: list.metrics.length, asOf }) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
