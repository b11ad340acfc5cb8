/**
 * Data health over the signed local server on a real lake with the sample's synthetic history:
 * `GET /v1/freshness` (freshness now, the gate's last result, 30 days of SLO attainment and its
 * daily points, the synthetic label, caching per snapshot + history version) and the metric page's
 * `health` (late tables, failed checks). A missing history is an empty answer, never a 500.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FreshnessReport, MetricDetail } from '../../src/contract/types';
import { generateLake } from '../../src/lake/generate';
import { appendHistory, readHistory } from '../../src/lake/lakeHistory';
import { lakePaths } from '../../src/lake/lakeLayout';
import { lakeStatus } from '../../src/lake/lakeStatus';
import { LAKE_TABLES } from '../../src/contract/lakeSchema';
import { startLocalApi, type LocalApi } from '../support/localApi';

const H = 3_600_000;
const AS_OF = new Date('2026-11-01T00:00:00Z');
let root: string;
let lakeDir: string;
let api: LocalApi;
let clock = AS_OF.getTime() + 2 * H;

async function get<T>(target: string): Promise<{ status: number; body: T }> {
  const response = await api.client.fetch(`${api.server.url}${target}`);
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'snaq-freshness-'));
  lakeDir = path.join(root, 'lake');
  await generateLake({ outDir: lakeDir, scale: 0.02, seed: 5, asOf: AS_OF, syntheticHistory: true });
  api = await startLocalApi(lakeDir, { service: { now: () => clock } });
}, 60_000);

afterAll(async () => {
  await api.close();
  rmSync(root, { recursive: true, force: true });
});

describe('GET /v1/freshness', () => {
  test('every lake table: its snapshot, SLO and met now; its last gate result; the same 30-day attainment as lake status, and 30 daily points', async () => {
    const { status, body } = await get<FreshnessReport>('/v1/freshness');
    expect(status).toBe(200);
    expect(body.tables.map((table) => table.table)).toEqual([...LAKE_TABLES]);
    expect(body.history).toEqual({ entries: 36, synthetic: true, windowDays: 30 });
    const lakeView = lakeStatus(lakeDir, new Date(clock));
    const lastExport = readHistory(lakeDir)
      .filter((entry) => entry.kind === 'export')
      .at(-1)!;
    for (const table of body.tables) {
      const expected = lakeView.tables.find((row) => row.table === table.table)!;
      expect(table).toMatchObject({ snapshotAt: AS_OF.toISOString(), sloHours: expected.sloHours, ageHours: 2, met: true });
      expect({ table: table.table, attainment: table.attainment30d, hours: table.hours }).toEqual({
        table: table.table,
        attainment: expected.attainment30d,
        hours: expected.hours,
      });
      expect(table.lastQuality).toEqual({ at: lastExport.at, runId: lastExport.runId, passed: true, report: lastExport.quality!.report, failedChecks: [] });
      expect(table.daily).toHaveLength(30);
      expect(table.daily.at(-1)!.day).toBe('2026-11-01');
      expect(table.daily.every((point) => point.attainment === null || (point.attainment >= 0 && point.attainment <= 1))).toBe(true);
    }
    // Nightly tables lapse on the refused night and the late ones; the weekly product master never does.
    const users = body.tables.find((table) => table.table === 'users')!;
    expect(users.attainment30d!).toBeLessThan(1);
    expect(users.attainment30d!).toBeGreaterThan(0.85);
    expect(users.daily.some((point) => point.attainment !== null && point.attainment < 1)).toBe(true);
    expect(body.tables.find((table) => table.table === 'products')!.attainment30d).toBe(1);
    expect(body.meta).toMatchObject({ engine: 'duckdb', cached: false });
  });

  test('the history part is cached per snapshot, history version and hour; a new history line is seen at once', async () => {
    const reads = api.engine.historyReads;
    expect((await get<FreshnessReport>('/v1/freshness')).body.meta.cached).toBe(true);
    expect(api.engine.historyReads).toBe(reads + 1); // the file is checked every time, parsed only when it changed
    appendHistory(lakeDir, {
      at: new Date(clock - H / 2).toISOString(),
      kind: 'export',
      runId: 'r-refused',
      outcome: 'refused',
      tables: Object.fromEntries(LAKE_TABLES.map((t) => [t, { snapshotAt: new Date(clock - H).toISOString(), rows: 1 }])),
      quality: { passed: false, report: 'quality/r-refused.json', failed: [{ table: 'shop_orders', check: 'row_count' }] },
    });
    const { body } = await get<FreshnessReport>('/v1/freshness');
    expect(body.meta.cached).toBe(false);
    const byTable = Object.fromEntries(body.tables.map((table) => [table.table, table]));
    expect(byTable.shop_orders!.lastQuality).toMatchObject({ runId: 'r-refused', passed: false, failedChecks: ['row_count'] });
    expect(byTable.users!.lastQuality).toMatchObject({ runId: 'r-refused', passed: false, failedChecks: [] });
    // A refused run serves nothing: attainment is unchanged.
    expect(byTable.users!.attainment30d).toBe(lakeStatus(lakeDir, new Date(clock)).tables.find((t) => t.table === 'users')!.attainment30d);
  });

  test('a metric page names its late tables and those whose checks failed', async () => {
    const revenue = (await get<MetricDetail>('/v1/metrics/shop_revenue')).body;
    expect(revenue.sources).toContain('shop_orders');
    expect(revenue.health).toEqual({
      lateTables: [],
      failedChecks: [{ table: 'shop_orders', checks: ['row_count'], at: expect.any(String), report: 'quality/r-refused.json' }],
    });
    const boxes = (await get<MetricDetail>('/v1/metrics/boxes_shipped')).body;
    expect(boxes.sources).not.toContain('shop_orders');
    expect(boxes.health).toEqual({ lateTables: [], failedChecks: [] });
    clock = AS_OF.getTime() + 30 * H; // past the 26 h SLO of the nightly tables
    try {
      const late = (await get<MetricDetail>('/v1/metrics/boxes_shipped')).body;
      expect(late.health!.lateTables.sort()).toEqual([...late.sources].filter((t) => t !== 'products').sort());
      const freshness = (await get<FreshnessReport>('/v1/freshness')).body;
      expect(freshness.tables.find((t) => t.table === 'users')).toMatchObject({ met: false, ageHours: 30 });
      expect(freshness.tables.find((t) => t.table === 'products')).toMatchObject({ met: true });
    } finally {
      clock = AS_OF.getTime() + 2 * H;
    }
  });

  test('no history file: 200 with no attainment and no gate result; a history that cannot be read: 503 with its reason, the metric page still answers', async () => {
    const file = lakePaths(lakeDir).history;
    const saved = readHistory(lakeDir);
    unlinkSync(file);
    try {
      const { status, body } = await get<FreshnessReport>('/v1/freshness');
      expect(status).toBe(200);
      expect(body.history).toEqual({ entries: 0, synthetic: false, windowDays: 30 });
      for (const table of body.tables) {
        expect(table).toMatchObject({ attainment30d: null, hours: 0, lastQuality: null, met: true });
        expect(table.daily.every((point) => point.attainment === null)).toBe(true);
      }
      mkdirSync(file); // a folder where the file should be: reading it fails
      const broken = await get<{ error: { code: string; details: { reason: string } } }>('/v1/freshness');
      expect(broken.status).toBe(503);
      expect(broken.body.error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', details: { reason: 'lake_history_unreadable' } });
      const page = await get<MetricDetail>('/v1/metrics/revenue');
      expect(page.status).toBe(200);
      expect(page.body.health).toEqual({ lateTables: [], failedChecks: [], historyUnavailable: true });
      expect(api.internalErrors).toEqual([]);
    } finally {
      rmSync(file, { recursive: true, force: true });
      for (const entry of saved) appendHistory(lakeDir, entry);
    }
  });
});
