/**
 * SNAQ_FORECAST, SNAQ_ANOMALIES and forecast blocks: the built bundle in the Apps Script emulator
 * against the real server and a real lake (with a spike injected into one prefecture's shop
 * orders). The cells hold exactly the API's numbers; a forecast block draws a line chart beside
 * itself that follows it when rows move, survives a failed refresh, and goes when the forecast does.
 */
import type { AppsScriptEnv } from '../../src/emulator';
import { createTestLake, injectShopSpike, SHOP_SPIKE, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv, CODE_PATH, connectionProperties, jstDate, tokyoWorkbook } from '../support/addonEnv';
import { createAppsScriptEnv } from '../../src/emulator';
import type { AnomalyResult, Cell, ForecastResult } from '../../src/contract/types';

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

const SPIKE_WEEK = SHOP_SPIKE.week;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.2 });
  await injectShopSpike(lake.dir);
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({
    endpoint: api.server.url,
    workbook: tokyoWorkbook(60, 12),
  });
});
afterAll(async () => {
  await gas?.close();
  await api?.close();
  lake?.remove();
});

async function cell(fn: string, args: unknown[]): Promise<{ value?: unknown; error?: string }> {
  const result = await gas.run(fn, args, { mode: 'customFunction' });
  return result.error ? { error: result.error } : { value: result.value };
}

async function rpc<T>(fn: string, ...args: unknown[]): Promise<T> {
  const result = await gas.run(fn, args, { mode: 'rpc' });
  if (result.error) throw new Error(`${fn}: ${result.error}`);
  return result.value as T;
}

const sheetValue = (value: Cell, isPeriod: boolean) => (value === null ? '' : isPeriod ? jstDate(value as string) : value);

describe('SNAQ_FORECAST', () => {
  test('history and forecast rows equal the API forecast, with a Japanese header', async () => {
    const expected = await api.service.forecast({ metric: 'revenue', from: '2023-01-01', to: '2026-01-01', grain: 'month', horizon: 6, interval: 0.9 });
    const { value, error } = await cell('SNAQ_FORECAST', ['revenue', '2023-01', '2025-12', 6, 'month', '90%']);
    expect(error).toBeUndefined();
    const table = value as unknown[][];
    expect(table[0]).toEqual(['期間', '実績', '予測', '下限', '上限']);
    expect(table.slice(1)).toEqual(expected.rows.map((row) => row.map((v, i) => sheetValue(v, i === 0))));
    expect(table).toHaveLength(1 + 36 + 6);
    expect(table[37]![1]).toBe(''); // a future period has no actual
    expect(table[37]![2]).toEqual(expect.any(Number));
  });

  test('a forecast the server answers 202 is polled to the same table inside the cell’s 30 s', async () => {
    const slow = await startLocalApi(lake.dir, { service: { syncBudgetMs: 0 } });
    const slowGas = await addonEnv({ endpoint: slow.server.url });
    try {
      const args = ['revenue', '2023-01', '2025-12', 6, 'month', 0.9];
      const polled = await slowGas.run('SNAQ_FORECAST', args, { mode: 'customFunction' });
      expect(polled.error).toBeUndefined();
      expect(polled.value).toEqual((await cell('SNAQ_FORECAST', args)).value);
      const routes = slow.log.map((line) => line.route);
      expect(routes[0]).toBe('/v1/forecast');
      expect(routes.length).toBeGreaterThan(1);
      expect(new Set(routes.slice(1))).toEqual(new Set(['/v1/query/{id}']));
      expect(slow.log[0]!.status).toBe(202);
    } finally {
      await slowGas.close();
      await slow.close();
    }
  });

  test('grain defaults to month and interval to 80 %', async () => {
    const expected = await api.service.forecast({ metric: 'boxes_shipped', from: '2024-01-01', to: '2025-01-01', grain: 'month', horizon: 3 });
    const table = (await cell('SNAQ_FORECAST', ['boxes_shipped', '2024-01-01', '2024-12-31', 3])).value as unknown[][];
    expect(table.slice(-3).map((row) => row[2])).toEqual(expected.rows.slice(-3).map((row) => row[2]));
    expect(expected.interval).toBe(0.8);
  });

  test.each<[string, unknown[], string]>([
    ['a horizon of 0', ['revenue', '2023-01', '2025-12', 0], '予測する期間数（horizon）は 1 から 104 までの整数にしてください。'],
    ['a horizon of 2.5', ['revenue', '2023-01', '2025-12', 2.5], '予測する期間数（horizon）は 1 から 104 までの整数にしてください。'],
    [
      'an interval of 150%',
      ['revenue', '2023-01', '2025-12', 3, 'month', '150%'],
      '予測区間 "150%" は使えません。0.5〜0.99（または 50%〜99%）にしてください。',
    ],
    [
      'a grain that does not exist',
      ['revenue', '2023-01', '2025-12', 3, 'fortnight'],
      '粒度 "fortnight" は使えません。day, week, month, quarter, year のどれかにしてください。',
    ],
  ])('%s is one sentence saying what to fix', async (_name, args, sentence) => {
    expect((await cell('SNAQ_FORECAST', args)).error).toBe(sentence);
  });
});

describe('SNAQ_ANOMALIES', () => {
  test('one row per unusual week, equal to the API, the spike attributed to its prefecture', async () => {
    const expected: AnomalyResult = await api.service.anomalies({
      metric: 'shop_revenue',
      from: '2024-01-01',
      to: '2026-10-26',
      grain: 'week',
      dimensions: ['prefecture'],
    });
    const { value, error } = await cell('SNAQ_ANOMALIES', ['shop_revenue', '2024-01-01', '2026-10-25', 'week', 'prefecture']);
    expect(error).toBeUndefined();
    const table = value as unknown[][];
    expect(table[0]).toEqual(['期間', '実績', '予測値', '下限', '上限', 'スコア', '主な要因']);
    expect(table).toHaveLength(1 + expected.anomalies.length);
    expected.anomalies.forEach((anomaly, i) => {
      const row = table[i + 1]!;
      expect(row.slice(0, 6)).toEqual([
        jstDate(anomaly.period),
        anomaly.actual,
        anomaly.expected,
        anomaly.lower,
        anomaly.upper,
        Math.round(anomaly.score * 100) / 100,
      ]);
    });
    const spike = table.slice(1).find((row) => (row[0] as Date).getTime() === jstDate(SPIKE_WEEK).getTime());
    expect(spike).toBeDefined();
    expect(String(spike![6])).toMatch(/^prefecture=宮城県 \+[\d,]+ \(\d+%\)/);
  });

  test('a quiet range says so in a row rather than returning nothing', async () => {
    const expected = await api.service.anomalies({ metric: 'active_subscribers', from: '2025-01-01', to: '2025-04-01', grain: 'month' });
    expect(expected.anomalies).toHaveLength(0);
    const table = (await cell('SNAQ_ANOMALIES', ['active_subscribers', '2025-01', '2025-03', 'month'])).value as unknown[][];
    expect(table[1]![0]).toBe('この期間に異常な値はありません。');
  });
});

describe('a forecast block', () => {
  const QUERY = { metric: 'revenue', from: '2023-01', to: '2025-12-31', grain: 'month', forecast: { horizon: 6, interval: 0.8 } };
  let id: string;
  let chartId: number;

  function region(top: number, left: number, rows: number, columns: number): unknown[][] {
    const values = gas.workbook.values('Sheet1');
    return Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => values[top - 1 + r]?.[left - 1 + c] ?? ''));
  }

  async function expectedTable(): Promise<unknown[][]> {
    const result: ForecastResult = await api.service.forecast({
      metric: 'revenue',
      from: '2023-01-01',
      to: '2026-01-01',
      grain: 'month',
      horizon: 6,
      interval: 0.8,
    });
    return [['期間', '実績', '予測', '下限', '上限'], ...result.rows.map((row) => row.map((v, i) => sheetValue(v, i === 0)))];
  }

  test('inserting it writes the forecast table and draws a line chart over it, beside it', async () => {
    gas.workbook.select('Sheet1', 'B3');
    const block = await rpc<{ id: string; range: string }>('snaqInsertBlock', QUERY);
    id = block.id;
    expect(block.range).toBe('B3:F45');
    expect(region(3, 2, 43, 5)).toEqual(await expectedTable());
    const charts = gas.workbook.charts('Sheet1');
    expect(charts).toHaveLength(1);
    const chart = charts[0]!;
    chartId = chart.chartId;
    expect(chart.type).toBe('LINE');
    expect(chart.ranges).toEqual(['B3:F45']);
    expect(chart.numHeaders).toBe(1);
    expect(chart.anchor).toMatchObject({ row: 3, column: 8 });
    expect(chart.options.title).toBe('売上（定期便＋ショップ）：実績と予測（80% 予測区間）');
  });

  test('rows inserted above move it; a refresh redraws the same chart over where the block now is', async () => {
    gas.workbook.insertRows('Sheet1', 1, 2);
    expect(gas.workbook.charts('Sheet1')[0]!.anchor).toMatchObject({ row: 5, column: 8 });
    const outcome = await rpc<{ ok: boolean }>('snaqRefreshBlock', id);
    expect(outcome.ok).toBe(true);
    expect(region(5, 2, 43, 5)).toEqual(await expectedTable());
    const charts = gas.workbook.charts('Sheet1');
    expect(charts).toHaveLength(1);
    expect(charts[0]).toMatchObject({ chartId, ranges: ['B5:F47'], anchor: { row: 5, column: 8 } });
  });

  test('a failed refresh keeps the values and the chart as they were', async () => {
    const before = { values: region(1, 1, 60, 12), charts: gas.workbook.charts('Sheet1') };
    const endpoint = gas.properties.script.get('SNAQ_ENDPOINT')!;
    gas.properties.script.set('SNAQ_ENDPOINT', 'http://127.0.0.1:9');
    try {
      const failed = await rpc<{ ok: boolean }>('snaqRefreshBlock', id);
      expect(failed.ok).toBe(false);
    } finally {
      gas.properties.script.set('SNAQ_ENDPOINT', endpoint);
    }
    expect(region(1, 1, 60, 12)).toEqual(before.values);
    expect(gas.workbook.charts('Sheet1')).toEqual(before.charts);
  });

  test('a chart someone deleted is drawn again at the next refresh', async () => {
    gas.workbook.model.chartRemove('Sheet1', chartId); // what deleting it in Sheets does
    expect(gas.workbook.charts('Sheet1')).toEqual([]);
    expect((await rpc<{ ok: boolean }>('snaqRefreshBlock', id)).ok).toBe(true);
    const charts = gas.workbook.charts('Sheet1');
    expect(charts).toHaveLength(1);
    expect(charts[0]).toMatchObject({ type: 'LINE', ranges: ['B5:F47'], anchor: { row: 5, column: 8 } });
    chartId = charts[0]!.chartId;
  });

  test('a longer horizon grows the block and its chart; dropping the forecast removes the chart', async () => {
    const longer = await rpc<{ ok: boolean }>('snaqEditBlock', id, { ...QUERY, forecast: { horizon: 12, interval: 0.8 } });
    expect(longer.ok).toBe(true);
    expect(gas.workbook.charts('Sheet1')).toMatchObject([{ chartId, ranges: ['B5:F53'] }]);
    const plain = await rpc<{ ok: boolean }>('snaqEditBlock', id, { metric: 'revenue', from: '2023-01', to: '2025-12-31', grain: 'month' });
    expect(plain.ok).toBe(true);
    expect(gas.workbook.charts('Sheet1')).toEqual([]);
  });

  test('for an English-speaking user the block and its chart are labelled in English', async () => {
    const english = await createAppsScriptEnv({
      codePath: CODE_PATH,
      scriptProperties: connectionProperties(api.server.url),
      user: { locale: 'en' },
      workbook: tokyoWorkbook(50, 8),
    });
    try {
      const result = await english.run('snaqInsertBlock', [QUERY], { mode: 'rpc' });
      expect(result.error).toBeUndefined();
      expect(english.workbook.values('Sheet1')[0]!.slice(0, 5)).toEqual(['Period', 'Actual', 'Forecast', 'Lower', 'Upper']);
      expect(english.workbook.charts('Sheet1')[0]!.options.title).toBe('Revenue (boxes + shop): actual and forecast (80% interval)');
    } finally {
      await english.close();
    }
  });

  test('insert as formula writes SNAQ_FORECAST', async () => {
    gas.workbook.select('Sheet1', 'K1');
    const formula = await rpc<string>('snaqInsertFormula', QUERY);
    expect(formula).toBe('=SNAQ_FORECAST("revenue", "2023-01", "2025-12-31", 6, "month", 0.8)');
  });
});
