/**
 * Words, not codes, in the built add-on (emulator) against the real server: cells and blocks show
 * dimension values as the labels the API sends with them, in the sheet's language, under headers
 * that carry the yen; a filter typed as a label in a cell gives what the code gives.
 */
import type { AppsScriptEnv } from '../../src/emulator';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv, cellValue, jstDate, tokyoWorkbook } from '../support/addonEnv';
import type { QueryResult } from '../../src/contract/types';

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({ endpoint: api.server.url, workbook: tokyoWorkbook(40, 8) });
});
afterAll(async () => {
  await gas.close();
  await api.close();
  lake.remove();
});

const cell = (fn: string, args: unknown[]) => cellValue(gas, fn, args);

async function apiAnswer(body: object): Promise<QueryResult> {
  const outcome = await api.service.query(body, 'test');
  if (outcome.status !== 200) throw new Error('expected a synchronous answer');
  return outcome.body;
}

const CATEGORY_JA: Record<string, string> = {
  chocolate: 'チョコレート',
  baked: '焼き菓子',
  savory: 'しょっぱい系',
  dried_fruit: 'ドライフルーツ',
  nuts: 'ナッツ',
  japanese: '和菓子',
  gummy: 'グミ',
};
const RANGE = { from: '2024-01-01', to: '2024-04-01' };

test('SNAQ_METRIC by category shows ドライフルーツ where the API answers dried_fruit', async () => {
  const expected = await apiAnswer({ metric: 'product_units', ...RANGE, dimensions: ['category'] });
  expect(expected.rows.map((row) => row[0])).toContain('dried_fruit');
  const value = (await cell('SNAQ_METRIC', ['product_units', '2024-01-01', '2024-03-31', '', 'category'])) as unknown[][];
  // A count's header is its title (…個数 says what is counted).
  expect(value[0]).toEqual(['カテゴリ', '商品出荷個数']);
  expect(value.slice(1)).toEqual(expected.rows.map(([category, units]) => [CATEGORY_JA[category as string], units]));
  expect(value.map((row) => row[0])).toContain('ドライフルーツ');
});

test('in English: age bands as 30s, and the yen in the header', async () => {
  const expected = await apiAnswer({ metric: 'shop_revenue', ...RANGE, dimensions: ['age_band'] });
  expect(expected.rows.map((row) => row[0])).toContain('30-39');
  const value = (await cell('SNAQ_METRIC', ['shop_revenue', '2024-01-01', '2024-03-31', '', 'age_band', '', 'lang=en, nonotes'])) as unknown[][];
  expect(value[0]).toEqual(['Age band (at the snapshot)', 'Shop revenue (JPY)']);
  const english = (band: string) => (band === '0-9' ? 'Under 10' : band === '100+' ? '100 and over' : `${band.split('-')[0]}s`);
  expect(value.slice(1)).toEqual(expected.rows.map(([band, yen]) => [english(band as string), yen]));
});

test('a filter typed as a label, in either language, gives what the code gives', async () => {
  const byCode = await cell('SNAQ_METRIC', ['product_units', '2024-01-01', '2024-03-31', 'month', '', 'category=dried_fruit', 'noheader']);
  const byJapanese = await cell('SNAQ_METRIC', ['product_units', '2024-01-01', '2024-03-31', 'month', '', 'category=ドライフルーツ', 'noheader']);
  const byEnglish = await cell('SNAQ_METRIC', ['product_units', '2024-01-01', '2024-03-31', 'month', '', [['category', 'Dried fruit']], 'noheader']);
  const expected = await apiAnswer({ metric: 'product_units', ...RANGE, grain: 'month', filters: { category: 'dried_fruit' } });
  expect(byCode).toEqual(expected.rows.map(([period, units]) => [jstDate(period as string), units]));
  expect(byJapanese).toEqual(byCode);
  expect(byEnglish).toEqual(byCode);
  expect(await cell('SNAQ_VALUE', ['boxes_shipped', '2024-01', '2024-03', 'plan=隔週'])).toBe(
    (await apiAnswer({ metric: 'boxes_shipped', ...RANGE, filters: { plan: 'biweekly' } })).rows[0]![0],
  );
});

test('a wrong label is one sentence listing the accepted values with their words', async () => {
  const result = await gas.run('SNAQ_METRIC', ['product_units', '2024-01-01', '2024-03-31', '', '', 'category=ドライフルート'], { mode: 'customFunction' });
  expect(result.error).toContain('絞り込み "category" に使える値は チョコレート（chocolate）');
  expect(result.error).toContain('ドライフルーツ（dried_fruit）');
});

test('a block by plan shows the labels as text, under a header with the yen', async () => {
  gas.workbook.select('Sheet1', 'B2');
  const query = { metric: 'box_revenue', from: '2024-01-01', to: '2024-03-31', grain: 'month', dimensions: ['plan'] };
  const block = await gas.run('snaqInsertBlock', [query], { mode: 'rpc' });
  expect(block.error).toBeUndefined();
  const expected = await apiAnswer({ ...query, to: '2024-04-01' });
  const values = gas.workbook.values('Sheet1').slice(1, 2 + expected.rows.length);
  expect(values[0]!.slice(1, 4)).toEqual(['期間', 'プラン', '定期便売上（円）']);
  const PLAN_JA: Record<string, string> = { biweekly: '隔週', every4weeks: '4週ごと' };
  expect(values.slice(1).map((row) => row.slice(1, 4))).toEqual(
    expected.rows.map(([period, plan, yen]) => [jstDate(period as string), PLAN_JA[plan as string], yen]),
  );
  // The label column stays text; the value keeps its yen format.
  const formats = gas.workbook.numberFormats('Sheet1');
  expect(formats[2]![2]).toBe('@');
  expect(formats[2]![3]).toBe('[$¥]#,##0');
});
