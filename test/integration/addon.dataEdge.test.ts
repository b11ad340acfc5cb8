/**
 * What a sheet shows at the data's edge (the lake is snapshotted at 2026-11-01 09:00 JST): later
 * periods are empty cells, not 0; the partial period is named in a footnote row after a SNAQ_*
 * table (a custom function can set no note), and in a cell note on a block.
 */
import type { AppsScriptEnv } from '../../src/emulator';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv, jstDate, tokyoWorkbook, cellValue } from '../support/addonEnv';

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({
    endpoint: api.server.url,
    workbook: tokyoWorkbook(30, 6),
  });
}, 60_000);
afterAll(async () => {
  await gas.close();
  await api.close();
  lake.remove();
});

const cell = (fn: string, args: unknown[]) => cellValue(gas, fn, args);

describe('SNAQ_METRIC past the data', () => {
  test('months after the edge are empty cells, and a footnote names the partial month', async () => {
    const value = (await cell('SNAQ_METRIC', ['revenue', '2026-09', '2027-01', 'month'])) as unknown[][];
    expect(value.map((row) => row[0])).toEqual([
      '期間',
      jstDate('2026-09-01'),
      jstDate('2026-10-01'),
      jstDate('2026-11-01'),
      jstDate('2026-12-01'),
      jstDate('2027-01-01'),
      '※ 2026-11 は途中までの値です（データは 2026-11-01 09:00 JST まで）。それより後の期間は空欄です。',
    ]);
    expect(value.map((row) => typeof row[1])).toEqual(['string', 'number', 'number', 'number', 'string', 'string', 'string']);
    expect(value[4]![1]).toBe('');
    expect(value[6]![1]).toBe('');
  });

  test('nonotes leaves the footnote out; English follows lang=en', async () => {
    const plain = (await cell('SNAQ_METRIC', ['revenue', '2026-09', '2027-01', 'month', '', '', 'nonotes'])) as unknown[][];
    expect(plain).toHaveLength(6);
    const english = (await cell('SNAQ_METRIC', ['active_subscribers', '2026-10-26', '2026-11-29', 'week', '', '', 'lang=en'])) as unknown[][];
    // Active at period end: the week holding the edge has ended after it, so it has no value either.
    expect(english.at(-1)).toEqual(['※ Data runs to 2026-11-01 09:00 JST. Later periods are empty.', '']);
    expect(english.slice(1, -1).every((row) => row[1] === '')).toBe(true);
  });

  test('a range wholly before the edge has no footnote', async () => {
    const value = (await cell('SNAQ_METRIC', ['revenue', '2026-01', '2026-10', 'month'])) as unknown[][];
    expect(value).toHaveLength(11);
    expect(value.slice(1).every((row) => typeof row[1] === 'number')).toBe(true);
  });
});

describe('SNAQ_VALUE and SNAQ_FORECAST past the data', () => {
  test('SNAQ_VALUE of a range wholly after the data is an empty cell, not 0', async () => {
    expect(await cell('SNAQ_VALUE', ['revenue', '2026-12-01', '2026-12-31'])).toBe('');
  });

  test('SNAQ_FORECAST starts after the last complete month and says so in a footnote', async () => {
    const value = (await cell('SNAQ_FORECAST', ['revenue', '2025-01', '2027-01', 3, 'month'])) as unknown[][];
    const firstForecast = value.findIndex((row, i) => i > 0 && typeof row[2] === 'number');
    expect(value[firstForecast]![0]).toEqual(jstDate('2026-11-01'));
    expect(value[firstForecast - 1]![0]).toEqual(jstDate('2026-10-01'));
    expect(value.at(-1)).toEqual(['※ データは 2026-11-01 09:00 JST までのため、予測は最後の完全な期間 2026-10 の次から始まります。', '', '', '', '']);
    for (const row of value.slice(firstForecast, -1)) expect(row[3] as number).toBeGreaterThanOrEqual(0);
  });

  test('a forecast with nothing to forecast from says so instead of failing', async () => {
    const value = (await cell('SNAQ_FORECAST', ['churn_rate', '2024-01', '2025-12', 6, 'month', '', 'prefecture=どこにもない県', 'lang=en'])) as unknown[][];
    expect(value.at(-1)![0]).toBe('※ There are no actual values for these conditions, so nothing can be forecast.');
  });
});

describe('blocks past the data', () => {
  test('the partial month carries a cell note; later months are empty', async () => {
    gas.workbook.select('Sheet1', 'B3');
    const result = await gas.run('snaqInsertBlock', [{ metric: 'revenue', from: '2026-09-01', to: '2026-12-31', grain: 'month' }], { mode: 'rpc' });
    expect(result.error).toBeUndefined();
    const values = gas.workbook.values('Sheet1');
    const notes = gas.workbook.notes('Sheet1');
    // B3 header; B4 2026-09, B5 2026-10, B6 2026-11 (partial), B7 2026-12 (no data).
    expect(values[6]![2]).toBe('');
    expect(notes[5]![1]).toBe('2026-11 は途中までの値です（データは 2026-11-01 09:00 JST まで）。それより後の期間は空欄です。');
    expect(notes[3]![1]).toBe('');
    expect(notes[2]![1]).toBe('');
  });
});
