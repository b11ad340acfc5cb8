/**
 * Data health for `GET /v1/freshness` and a metric's page: per table, freshness now (from the
 * served manifest), the quality gate's last result and 30 days of freshness SLO attainment (from
 * the lake's history, lake/tableHealth.ts). The history part is computed once per snapshot,
 * history version and clock hour (attainment only moves at whole hours); freshness now is not cached.
 */
import type { FreshnessReport, MetricHealth, TableFreshness, TableHealth } from '../contract/types';
import { FRESHNESS_SLO_HOURS, tableFreshness } from '../catalog/freshness';
import { LAKE_TABLES } from '../contract/lakeSchema';
import type { LakeManifest } from '../contract/snapshot';
import type { QueryEngine } from '../engine/types';
import { HEALTH_WINDOW_DAYS, isSyntheticHistory, tableHistoryHealth, type TableHistoryHealth } from '../lake/tableHealth';

const HOUR_MS = 3_600_000;

interface HistoryFigures {
  byTable: Record<string, TableHistoryHealth>;
  entries: number;
  synthetic: boolean;
}

export class DataHealth {
  private held?: { key: string; figures: Promise<HistoryFigures> };

  constructor(
    private readonly engine: QueryEngine,
    private readonly now: () => number,
  ) {}

  /** The history's figures for every lake table; `cached` when they were computed for an earlier request. */
  private async figures(manifest: LakeManifest): Promise<{ figures: HistoryFigures; cached: boolean }> {
    const history = this.engine.history ? await this.engine.history() : { entries: [], version: 'none' };
    const nowMs = this.now();
    const key = JSON.stringify([manifest.snapshotId, history.version, Math.floor(nowMs / HOUR_MS)]);
    if (this.held?.key === key) return { figures: await this.held.figures, cached: true };
    const figures = Promise.resolve().then((): HistoryFigures => ({
      byTable: Object.fromEntries(LAKE_TABLES.map((table) => [table, tableHistoryHealth(history.entries, table, FRESHNESS_SLO_HOURS[table], new Date(nowMs))])),
      entries: history.entries.length,
      synthetic: isSyntheticHistory(history.entries),
    }));
    const held = { key, figures };
    this.held = held;
    // A computation that failed is not kept for the rest of the hour.
    figures.catch(() => {
      if (this.held === held) this.held = undefined;
    });
    return { figures: await figures, cached: false };
  }

  async report(manifest: LakeManifest): Promise<Omit<FreshnessReport, 'meta'> & { cached: boolean }> {
    const { figures, cached } = await this.figures(manifest);
    const tables = tableFreshness(manifest, LAKE_TABLES, this.now()).map((table): TableHealth => ({ ...table, ...figures.byTable[table.table]! }));
    return { tables, history: { entries: figures.entries, synthetic: figures.synthetic, windowDays: HEALTH_WINDOW_DAYS }, cached };
  }

  /** A metric's source tables that are late now, or whose last gate run failed. A history that cannot be read leaves quality unknown. */
  async metricHealth(manifest: LakeManifest, freshness: readonly TableFreshness[]): Promise<MetricHealth> {
    const lateTables = freshness.filter((table) => !table.met).map((table) => table.table);
    let figures: HistoryFigures;
    try {
      ({ figures } = await this.figures(manifest));
    } catch {
      return { lateTables, failedChecks: [], historyUnavailable: true };
    }
    const failedChecks = freshness.flatMap((table) => {
      const last = figures.byTable[table.table]?.lastQuality;
      const failedHere = last && !last.passed && (last.failedChecks === null || last.failedChecks.length > 0);
      return last && failedHere ? [{ table: table.table, checks: last.failedChecks, at: last.at, report: last.report }] : [];
    });
    return { lateTables, failedChecks };
  }
}
