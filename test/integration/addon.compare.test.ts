/**
 * Period comparisons in the add-on, in the emulator against the real server and a real lake
 * (snapshotted at 2026-11-01 09:00 JST): SNAQ_METRIC with 前年比 / compare=… equals the API's
 * answer cell for cell, with a footnote saying what it compares with; SNAQ_VALUE with a comparison
 * is the API's change ratio; a block keeps its comparison and formats its columns.
 */
import type { AppsScriptEnv } from '../../src/emulator';
import type { Cell, Lang, QueryRequest, QueryResult } from '../../src/contract/types';
import { cellText } from '../../src/contract/columnText';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv, cellValue, jstDate, tokyoWorkbook } from '../support/addonEnv';

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({ endpoint: api.server.url, workbook: tokyoWorkbook(40, 12) });
}, 60_000);
afterAll(async () => {
  await gas.close();
  await api.close();
  lake.remove();
});

const cell = (fn: string, args: unknown[]) => cellValue(gas, fn, args);

async function apiAnswer(body: QueryRequest): Promise<QueryResult> {
  const outcome = await api.service.query(body, 'test');
  if (outcome.status !== 200) throw new Error('expected a synchronous answer');
  return outcome.body as QueryResult;
}

/** The API's rows as a sheet holds them: periods as JST Dates, nulls as empty cells. */
/** The answer as a sheet shows it: periods as Dates, dimension values as their words. */
const asSheet = (result: QueryResult, lang: Lang = 'ja'): unknown[][] =>
  result.rows.map((row) =>
    row.map((value: Cell, i) =>
      value === null ? '' : result.columns[i]!.type === 'date' ? jstDate(value as string) : cellText(value, result.columns[i], lang),
    ),
  );

const note = (text: string, width: number): string[] => [`※ ${text}`, ...Array<string>(width - 1).fill('')];

describe('SNAQ_METRIC with a comparison', () => {
  test('前年比 equals the API’s previous_year answer cell for cell, with a footnote naming the earlier months', async () => {
    const expected = await apiAnswer({ metric: 'revenue', from: '2025-01-01', to: '2025-07-01', grain: 'month', compare: 'previous_year' });
    expect(expected.rows).toHaveLength(6);
    expect(expected.rows.every((row) => row.slice(1).every((value) => typeof value === 'number'))).toBe(true);
    const value = (await cell('SNAQ_METRIC', ['revenue', '2025-01', '2025-06', 'month', '', '', '前年比'])) as unknown[][];
    expect(value[0]).toEqual(['期間', '売上（定期便＋ショップ）（円）', '前年同期（円）', '増減（円）', '増減率']);
    expect(value.slice(1, -1)).toEqual(asSheet(expected));
    expect(value[1]![0]).toBeInstanceOf(Date);
    expect(value.at(-1)).toEqual(note('前年同期（2024-01〜2024-06）と比較しています。', 5));
    // The spelled-out option asks the same question.
    expect(await cell('SNAQ_METRIC', ['revenue', '2025-01', '2025-06', 'month', '', '', 'compare=previous_year'])).toEqual(value);
  });

  test('compare=previous_period split by plan, in English', async () => {
    const request: QueryRequest = {
      metric: 'box_revenue',
      from: '2025-01-01',
      to: '2025-04-01',
      grain: 'month',
      dimensions: ['plan'],
      compare: 'previous_period',
    };
    const expected = await apiAnswer(request);
    expect(expected.rows.length).toBeGreaterThan(3);
    const value = (await cell('SNAQ_METRIC', ['box_revenue', '2025-01', '2025-03', 'month', 'plan', '', 'compare=previous_period, lang=en'])) as unknown[][];
    expect(value[0]).toEqual(['Period', 'Plan', 'Box revenue (JPY)', 'Previous period (JPY)', 'Change (JPY)', 'Change (%)']);
    expect(value.slice(1, -1)).toEqual(asSheet(expected, 'en'));
    expect(value.at(-1)).toEqual(note('Compared with the previous period (2024-12〜2025-02).', 6));
  });

  test('a ratio metric: the change column says it is a difference in points', async () => {
    const expected = await apiAnswer({ metric: 'churn_rate', from: '2025-01-01', to: '2025-04-01', grain: 'month', compare: 'previous_period' });
    const value = (await cell('SNAQ_METRIC', ['churn_rate', '2025-01', '2025-03', 'month', '', '', '前期比, nonotes'])) as unknown[][];
    expect(value[0]![3]).toBe('増減（ポイント差）');
    expect(value.slice(1)).toEqual(asSheet(expected));
  });

  test('past the data: the partial month is compared like for like, and the footnotes say so', async () => {
    const expected = await apiAnswer({ metric: 'revenue', from: '2026-09-01', to: '2027-01-01', grain: 'month', compare: 'previous_year' });
    expect(expected.meta.partialPeriod).toBe('2026-11-01');
    const value = (await cell('SNAQ_METRIC', ['revenue', '2026-09', '2026-12', 'month', '', '', '前年比'])) as unknown[][];
    expect(value.slice(1, 5)).toEqual(asSheet(expected));
    // November holds its first 9 hours (no orders yet) and is compared with the same 9 hours of
    // November 2025, not the whole month: 0 against 0, so no ratio. December has no data yet, so
    // nothing is compared with it (not a fall of 100%).
    expect(value[3]!.slice(1)).toEqual([0, 0, 0, '']);
    expect(value[4]!.slice(1)).toEqual(['', '', '', '']);
    expect(value.slice(5).map((row) => row[0])).toEqual([
      '※ 2026-11 は途中までの値です（データは 2026-11-01 09:00 JST まで）。それより後の期間は空欄です。',
      '※ 前年同期（2025-09〜2025-12）と比較しています。',
      '※ 途中までの 2026-11 は、比べる期間も同じところまでで比べています。',
    ]);
  });
});

describe('SNAQ_VALUE with options', () => {
  test('a comparison returns the API’s change ratio for the whole range; without one, the value', async () => {
    const year = await apiAnswer({ metric: 'revenue', from: '2025-01-01', to: '2025-07-01', compare: 'previous_year' });
    const period = await apiAnswer({ metric: 'new_subscribers', from: '2025-04-01', to: '2025-07-01', compare: 'previous_period' });
    const changeRatio = (result: QueryResult) => result.rows[0]![result.columns.findIndex((column) => column.role === 'changeRatio')];
    expect(typeof changeRatio(year)).toBe('number');
    expect(await cell('SNAQ_VALUE', ['revenue', '2025-01', '2025-06', '', '前年比'])).toBe(changeRatio(year));
    expect(await cell('SNAQ_VALUE', ['new_subscribers', '2025-04', '2025-06', '', 'compare=previous_period'])).toBe(changeRatio(period));
    expect(await cell('SNAQ_VALUE', ['revenue', '2025-01', '2025-06'])).toBe(year.rows[0]![0]);
  });

  test('a range wholly after the data has no change ratio: an empty cell, not −100%', async () => {
    expect(await cell('SNAQ_VALUE', ['revenue', '2026-12-01', '2026-12-31', '', '前年比'])).toBe('');
  });
});

describe('a block with a comparison', () => {
  async function rpc<T>(fn: string, ...args: unknown[]): Promise<T> {
    const result = await gas.run(fn, args, { mode: 'rpc' });
    if (result.error) throw new Error(`${fn}: ${result.error}`);
    return result.value as T;
  }
  const region = (top: number, left: number, rows: number, columns: number): unknown[][] => {
    const values = gas.workbook.values('Sheet1');
    return Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => values[top - 1 + r]?.[left - 1 + c] ?? ''));
  };

  test('its values equal the API, its columns are formatted with signs, its header says what it compares with; a refresh keeps it', async () => {
    const query = { metric: 'revenue', from: '2025-01-01', to: '2025-06-30', grain: 'month', compare: 'previous_year' };
    const expected = await apiAnswer({ metric: 'revenue', from: '2025-01-01', to: '2025-07-01', grain: 'month', compare: 'previous_year' });
    gas.workbook.select('Sheet1', 'B2');
    const block = await rpc<{ id: string; range: string }>('snaqInsertBlock', query);
    expect(block.range).toBe('B2:F8');
    expect(region(2, 2, 7, 5)).toEqual([['期間', '売上（定期便＋ショップ）（円）', '前年同期（円）', '増減（円）', '増減率'], ...asSheet(expected)]);
    const formats = gas.workbook.numberFormats('Sheet1');
    expect(formats[2]!.slice(1, 6)).toEqual(['yyyy-mm-dd', '[$¥]#,##0', '[$¥]#,##0', '+[$¥]#,##0;-[$¥]#,##0;[$¥]#,##0', '+0.0%;-0.0%;0.0%']);
    expect(gas.workbook.notes('Sheet1')[1]![1]).toBe('前年同期（2024-01〜2024-06）と比較しています。');
    const [listed] = await rpc<Array<{ query: { compare?: string } }>>('snaqListBlocks');
    expect(listed!.query.compare).toBe('previous_year');
    const refreshed = await rpc<{ ok: boolean }>('snaqRefreshBlock', block.id);
    expect(refreshed.ok).toBe(true);
    expect(region(2, 2, 7, 5)).toEqual([['期間', '売上（定期便＋ショップ）（円）', '前年同期（円）', '増減（円）', '増減率'], ...asSheet(expected)]);
  });

  test('a ratio metric’s change is formatted in points, under a header that says so', async () => {
    gas.workbook.select('Sheet1', 'B12');
    await rpc('snaqInsertBlock', { metric: 'churn_rate', from: '2025-01-01', to: '2025-03-31', grain: 'month', compare: 'previous_period' });
    expect(gas.workbook.values('Sheet1')[11]!.slice(1, 6)).toEqual(['期間', '解約率', '前期', '増減（ポイント差）', '増減率']);
    expect(gas.workbook.numberFormats('Sheet1')[12]!.slice(2, 6)).toEqual(['0.0%', '0.0%', '+0.0%"pt";-0.0%"pt";0.0%"pt"', '+0.0%;-0.0%;0.0%']);
  });
});
