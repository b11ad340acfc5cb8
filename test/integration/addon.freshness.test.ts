/**
 * SNAQ_FRESHNESS in the emulator against the real server on a lake with the sample's synthetic
 * history: one row per lake table, equal to `GET /v1/freshness` (snapshot as a Date, SLO, age, met,
 * the gate's last result in words, 30-day attainment as a fraction), in the spreadsheet's language,
 * with a footnote saying the history is synthetic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppsScriptEnv } from '../../src/emulator';
import type { FreshnessReport } from '../../src/contract/types';
import { generateLake } from '../../src/lake/generate';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv, cellValue } from '../support/addonEnv';

const AS_OF = new Date('2026-11-01T00:00:00Z');
let root: string;
let api: LocalApi;
let ja: AppsScriptEnv;
let en: AppsScriptEnv;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'snaq-addon-freshness-'));
  const lakeDir = path.join(root, 'lake');
  await generateLake({ outDir: lakeDir, scale: 0.02, seed: 11, asOf: AS_OF, syntheticHistory: true });
  api = await startLocalApi(lakeDir, { service: { now: () => AS_OF.getTime() + 5 * 3_600_000 } });
  [ja, en] = await Promise.all([addonEnv({ endpoint: api.server.url }), addonEnv({ endpoint: api.server.url, locale: 'en_US' })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([ja.close(), en.close()]);
  await api.close();
  rmSync(root, { recursive: true, force: true });
});

test('SNAQ_FRESHNESS() equals GET /v1/freshness, one row per table, with the synthetic history said in a footnote', async () => {
  const report = await api.service.freshness();
  const value = (await cellValue(ja, 'SNAQ_FRESHNESS', [])) as unknown[][];
  expect(value[0]).toEqual([
    'テーブル',
    'スナップショット時刻',
    'SLO（時間）',
    '経過（時間）',
    'SLO 達成',
    '最後の品質チェック',
    '30日間の SLO 達成率（0〜1 の割合）',
  ]);
  const rows = value.slice(1, 1 + report.tables.length);
  expect(rows).toEqual(
    report.tables.map((table) => [table.table, new Date(table.snapshotAt!), table.sloHours, table.ageHours, table.met, '合格', table.attainment30d]),
  );
  expect(rows.every((row) => row[1] instanceof Date && typeof row[6] === 'number')).toBe(true);
  const users = rows.find((row) => row[0] === 'users')!;
  expect(users[6]).toBeGreaterThan(0.85);
  expect(users[6]).toBeLessThan(1);
  expect(value.slice(1 + report.tables.length)).toEqual([
    ['※ 達成率と品質の結果はサンプルの合成履歴によるものです（実際のエクスポートではありません）。', '', '', '', '', '', ''],
  ]);
});

test('in English the header, the quality words and the footnote are English; the numbers are the same', async () => {
  const report: FreshnessReport = await api.service.freshness();
  const value = (await cellValue(en, 'SNAQ_FRESHNESS', [])) as unknown[][];
  expect(value[0]).toEqual(['table', 'snapshot at', 'SLO (hours)', 'age (hours)', 'SLO met', 'last quality check', '30-day SLO attainment (fraction, 0–1)']);
  expect(value.slice(1, 11).map((row) => [row[0], row[5], row[6]])).toEqual(report.tables.map((table) => [table.table, 'passed', table.attainment30d]));
  expect(String(value.at(-1)![0])).toContain('synthetic sample history');
});
