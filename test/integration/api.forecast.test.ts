/** POST /v1/forecast over the real service and lake: history, then future periods with intervals. */
import { MetricsService } from '../../src/api/service';
import { loadCatalog } from '../../src/catalog/catalog';
import { ApiError } from '../../src/contract/errors';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi } from '../support/localApi';
import type { ColumnRole, ForecastResult } from '../../src/contract/types';

let lake: TestLake;
let engine: DuckDbEngine;
let service: MetricsService;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.1 });
  engine = await DuckDbEngine.open({ lakeDir: lake.dir, connections: 1 });
  service = new MetricsService(loadCatalog(), engine);
});
afterAll(async () => {
  await engine.close();
  lake.remove();
});

test('monthly revenue: 36 months of history, then 6 forecast months with widening intervals', async () => {
  const result = await service.forecast({ metric: 'revenue', from: '2022-01-01', to: '2025-01-01', grain: 'month', horizon: 6 });
  expect(result.columns.map((column) => column.name)).toEqual(['period', 'actual', 'forecast', 'lower', 'upper']);
  expect(result.rows).toHaveLength(42);
  const history = await service.query({ metric: 'revenue', from: '2022-01-01', to: '2025-01-01', grain: 'month' }, 'test');
  expect(result.rows.slice(0, 36).map((row) => row.slice(0, 2))).toEqual((history.body as { rows: unknown[][] }).rows);
  const future = result.rows.slice(36);
  expect(future.map((row) => row[0])).toEqual(['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01']);
  for (const [, actual, point, lower, upper] of future) {
    expect(actual).toBeNull();
    expect(lower as number).toBeLessThanOrEqual(point as number);
    expect(upper as number).toBeGreaterThanOrEqual(point as number);
  }
  const width = (row: unknown[]) => (row[4] as number) - (row[3] as number);
  expect(width(future[5]!)).toBeGreaterThanOrEqual(width(future[0]!));
  expect(result.model.name).toMatch(/^(naive|seasonal-naive|ses|holt|holt-damped|holt-winters-(additive|multiplicative)(-damped)?)$/);
  expect(result.backtest.folds).toBeGreaterThan(0);
  // Given a season length, seasonal models compete in the backtest (none is forced).
  const seasonal = await service.forecast({ metric: 'revenue', from: '2022-01-01', to: '2025-01-01', grain: 'month', horizon: 6, seasonality: 12 });
  expect(seasonal.notes.join(' ')).toMatch(/rolling-origin backtest/);
  expect(seasonal.backtest.mase).not.toBeNull();
  expect(seasonal.meta.cached).toBe(true); // the same series, from the result cache
  expect(result.meta).toMatchObject({ metric: 'revenue', engine: 'duckdb' });
});

test.each<[string, object]>([
  ['no horizon', { metric: 'revenue', from: '2022-01-01', to: '2025-01-01', grain: 'month' }],
  ['a horizon of 105', { metric: 'revenue', from: '2022-01-01', to: '2025-01-01', grain: 'month', horizon: 105 }],
  ['an interval of 1.2', { metric: 'revenue', from: '2022-01-01', to: '2025-01-01', grain: 'month', horizon: 3, interval: 1.2 }],
  ['no grain', { metric: 'revenue', from: '2022-01-01', to: '2025-01-01', horizon: 3 }],
  ['dimensions', { metric: 'revenue', from: '2022-01-01', to: '2025-01-01', grain: 'month', horizon: 3, dimensions: ['gender'] }],
])('%s is INVALID_ARGUMENT', async (_name, body) => {
  await expect(service.forecast(body)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  await expect(service.forecast(body)).rejects.toBeInstanceOf(ApiError);
});

test('over the signed API, POST /v1/forecast names each column by its role: actual, forecast, lower, upper, in the metric’s unit', async () => {
  const api = await startLocalApi(lake.dir);
  try {
    const response = await api.client.fetch(`${api.server.url}/v1/forecast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metric: 'churn_rate', from: '2023-01-01', to: '2025-01-01', grain: 'month', horizon: 3 }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ForecastResult;
    expect(body.columns.map((column) => [column.name, column.type, column.role, column.unit])).toEqual([
      ['period', 'date', 'period', undefined],
      ['actual', 'number', 'actual', 'ratio'],
      ['forecast', 'number', 'forecast', 'ratio'],
      ['lower', 'number', 'lower', 'ratio'],
      ['upper', 'number', 'upper', 'ratio'],
    ]);
    // Each role holds what it says: actuals only in history rows, the forecast and its bounds only ahead.
    const at = (role: ColumnRole) => body.columns.findIndex((column) => column.role === role);
    const history = body.rows.slice(0, 24);
    const future = body.rows.slice(24);
    expect(history.every((row) => typeof row[at('actual')] === 'number' && row[at('forecast')] === null)).toBe(true);
    expect(future).toHaveLength(3);
    for (const row of future) {
      expect(row[at('actual')]).toBeNull();
      expect(row[at('lower')] as number).toBeLessThanOrEqual(row[at('forecast')] as number);
      expect(row[at('forecast')] as number).toBeLessThanOrEqual(row[at('upper')] as number);
    }
  } finally {
    await api.close();
  }
});
