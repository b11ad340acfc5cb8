/**
 * The sidebar's data-health view (データの状態): per lake table, the latest snapshot in JST, the
 * quality gate's last result, the 30-day freshness SLO attainment and a bar per day; and the note
 * on a metric's page naming its late tables and failed checks. Built from text only (dom.ts).
 */
import { jstMinute } from '../../contract/dates';
import type { FreshnessReport, MetricHealth, QualityGateResult, TableHealth } from '../../contract/types';
import { h, shareBars } from './dom';
import type { SidebarText } from './text';

const percent = (share: number | null, text: SidebarText) => (share === null ? text.noAttainment : `${(share * 100).toFixed(1)}%`);

function qualityBadge(quality: QualityGateResult | null, text: SidebarText): HTMLElement {
  if (!quality) return h('span', { class: 'badge' }, text.qualityNone);
  const checks = !quality.passed && quality.failedChecks?.length ? `: ${quality.failedChecks.join(', ')}` : '';
  return h(
    'span',
    { class: `badge ${quality.passed ? 'ok' : 'error'}`, title: quality.report },
    `${quality.passed ? text.qualityPassed : text.qualityFailed}${checks} · ${jstMinute(quality.at)}`,
  );
}

function tableCard(table: TableHealth, text: SidebarText): HTMLElement {
  return h(
    'li',
    { class: 'health-table', 'data-table': table.table },
    h('div', {}, h('strong', {}, table.table), ' ', h('span', { class: `badge ${table.met ? 'ok' : 'warn'}` }, table.met ? text.sloMet : text.sloMissed)),
    h(
      'dl',
      {},
      h('dt', {}, text.lastSnapshot),
      h('dd', { class: 'snapshot' }, table.snapshotAt ? jstMinute(table.snapshotAt) : '—'),
      h('dt', {}, text.qualityCheck),
      h('dd', { class: 'quality' }, qualityBadge(table.lastQuality, text)),
      h('dt', {}, text.attainment30d),
      h('dd', { class: 'attainment' }, `${percent(table.attainment30d, text)} · ${text.sloHours.replace('{hours}', String(table.sloHours))}`),
    ),
    h(
      'div',
      { class: 'chart', 'aria-label': `${table.table}: ${text.dailyAttainment}` },
      shareBars(table.daily.map((point) => ({ label: point.day, share: point.attainment }))),
    ),
  );
}

export function dataHealthView(report: FreshnessReport, text: SidebarText): HTMLElement {
  return h(
    'section',
    { id: 'data-health' },
    h('h2', {}, text.tabHealth, report.history.synthetic ? h('span', { class: 'badge warn', id: 'synthetic-history' }, ` ${text.syntheticHistory}`) : null),
    h('p', { class: 'hint' }, text.healthIntro),
    report.history.synthetic ? h('p', { class: 'hint' }, text.syntheticHistoryHint) : null,
    h('p', { class: 'hint' }, text.dailyAttainment),
    h('ul', { id: 'health-tables' }, ...report.tables.map((table) => tableCard(table, text))),
  );
}

/** On a metric's page: which of its source tables are late now, or failed their last quality check. */
export function metricHealthNote(health: MetricHealth | undefined, text: SidebarText): HTMLElement | null {
  if (!health) return null;
  const lines = [
    health.lateTables.length ? `${text.lateTables}: ${health.lateTables.join(', ')}` : null,
    ...health.failedChecks.map(
      (failed) => `${text.failedChecks}: ${failed.table}${failed.checks?.length ? ` (${failed.checks.join(', ')})` : ''} · ${jstMinute(failed.at)}`,
    ),
    health.historyUnavailable ? text.historyUnavailable : null,
  ].filter((line): line is string => line !== null);
  return lines.length ? h('div', { id: 'metric-health', class: 'reason error' }, ...lines.map((line) => h('div', {}, line))) : null;
}
