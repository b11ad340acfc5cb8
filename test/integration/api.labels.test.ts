/**
 * Words, not codes, over the signed local server and a real lake: answers keep codes as values and
 * carry the labels of those values in their column metadata; a filter by label answers what the
 * filter by code answers (from the same cache entry), and the audit line records the code.
 */
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import type { AuditLine } from '../../src/contract/audit';
import type { Column, DimensionValues, MetricList, QueryResult } from '../../src/contract/types';

let lake: TestLake;
let api: LocalApi;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.1 });
  api = await startLocalApi(lake.dir);
});
afterAll(async () => {
  await api.close();
  lake.remove();
});

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await api.client.fetch(`${api.server.url}${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const query = (body: object) => call<QueryResult>('POST', '/v1/query', body);
const column = (result: QueryResult, name: string): Column => result.columns.find((each) => each.name === name)!;
const RANGE = { from: '2024-01-01', to: '2024-07-01' };

test('a split by category answers codes, and labels exactly the codes its rows hold', async () => {
  const answer = await query({ metric: 'product_units', ...RANGE, grain: 'month', dimensions: ['category', 'product'] });
  expect(answer.status).toBe(200);
  const codes = new Set(answer.body.rows.map((row) => row[1]));
  expect(codes.has('dried_fruit')).toBe(true);
  expect([...codes].every((code) => /^[a-z_]+$/.test(String(code)))).toBe(true);
  const category = column(answer.body, 'category');
  expect(category.valueLabels!.dried_fruit).toEqual({ ja: 'ドライフルーツ', en: 'Dried fruit' });
  expect(Object.keys(category.valueLabels!).sort()).toEqual([...codes].map(String).sort());
  // Names stay names: products carry no labels, nor do the period and the value.
  expect(column(answer.body, 'product').valueLabels).toBeUndefined();
  expect(column(answer.body, 'period').valueLabels).toBeUndefined();
  expect(column(answer.body, 'value').valueLabels).toBeUndefined();
});

test('prefectures keep their Japanese names as values, with English labels for those present', async () => {
  const answer = await query({ metric: 'new_subscribers', ...RANGE, dimensions: ['prefecture'] });
  expect(answer.status).toBe(200);
  const labels = column(answer.body, 'prefecture').valueLabels!;
  expect(labels['東京都']).toEqual({ ja: '東京都', en: 'Tokyo' });
  expect(Object.keys(labels).sort()).toEqual(answer.body.rows.map((row) => String(row[0])).sort());
});

test('a filter by either label answers what the filter by code answers, from the same cache entry; the audit records the code', async () => {
  const base = { metric: 'box_revenue', ...RANGE, grain: 'month', dimensions: ['age_band'] };
  const byCode = await query({ ...base, filters: { plan: 'every4weeks', age_band: ['30-39', '40-49'] } });
  expect(byCode.status).toBe(200);
  expect(byCode.body.rows.length).toBeGreaterThan(0);
  const before = api.log.length;
  const byJapanese = await query({ ...base, filters: { plan: '4週ごと', age_band: ['30代', '40代'] } });
  const byEnglish = await query({ ...base, filters: { plan: 'EVERY 4 WEEKS', age_band: ['30s', '40s'] } });
  for (const answer of [byJapanese, byEnglish]) {
    expect(answer.status).toBe(200);
    expect(answer.body.rows).toEqual(byCode.body.rows);
    expect(answer.body.columns).toEqual(byCode.body.columns);
    expect(answer.body.meta.cached).toBe(true);
  }
  expect(column(byCode.body, 'age_band').valueLabels).toEqual({ '30-39': { ja: '30代', en: '30s' }, '40-49': { ja: '40代', en: '40s' } });
  const lines = api.log.slice(before) as Array<Partial<AuditLine>>;
  expect(lines.map((line) => line.filters)).toEqual([
    [
      { dimension: 'age_band', values: ['30-39', '40-49'] },
      { dimension: 'plan', values: ['every4weeks'] },
    ],
    [
      { dimension: 'age_band', values: ['30-39', '40-49'] },
      { dimension: 'plan', values: ['every4weeks'] },
    ],
  ]);
  // And it really filters: the unfiltered answer is larger.
  const all = await query(base);
  const total = (result: QueryResult) => result.rows.reduce((sum, row) => sum + Number(row[row.length - 1] ?? 0), 0);
  expect(total(all.body)).toBeGreaterThan(total(byCode.body));
});

test('a prefecture by its English name filters like its Japanese one', async () => {
  const tokyo = await query({ metric: 'new_subscribers', ...RANGE, filters: { prefecture: '東京都' } });
  const english = await query({ metric: 'new_subscribers', ...RANGE, filters: { prefecture: 'tokyo' } });
  expect(english.status).toBe(200);
  expect(english.body.rows).toEqual(tokyo.body.rows);
  expect(Number(tokyo.body.rows[0]![0])).toBeGreaterThan(0);
});

test('a wrong label answers 400 with the accepted codes and their labels, and nothing is audited as a filter', async () => {
  const before = api.log.length;
  const answer = await call<{ error: { code: string; message: string; details: Record<string, unknown> } }>('POST', '/v1/query', {
    metric: 'product_units',
    ...RANGE,
    filters: { category: 'ドライフルート' },
  });
  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe('INVALID_ARGUMENT');
  expect(answer.body.error.message).toContain('dried_fruit (ドライフルーツ, Dried fruit)');
  expect(answer.body.error.details).toMatchObject({ reason: 'invalid_filter_value', field: 'filters.category' });
  expect((answer.body.error.details.labels as Record<string, unknown>).dried_fruit).toEqual({ ja: 'ドライフルーツ', en: 'Dried fruit' });
  const line = api.log.slice(before)[0] as Partial<AuditLine>;
  expect(line.reason).toBe('invalid_filter_value');
  expect(JSON.stringify(line)).not.toContain('ドライフルート');
});

test('the catalog and the values route carry the labels', async () => {
  const list = await call<MetricList>('GET', '/v1/metrics');
  const plan = list.body.metrics.find((metric) => metric.name === 'box_revenue')!.dimensions.find((dimension) => dimension.name === 'plan')!;
  expect(plan.values).toEqual(['biweekly', 'every4weeks']);
  expect(plan.valueLabels).toEqual({ biweekly: { ja: '隔週', en: 'Every 2 weeks' }, every4weeks: { ja: '4週ごと', en: 'Every 4 weeks' } });

  const channels = await call<DimensionValues>('GET', '/v1/metrics/new_subscribers/dimensions/acquisition_channel/values');
  expect(channels.body.values).toEqual(['organic', 'instagram', 'referral', 'ads', 'gift']);
  expect(channels.body.valueLabels!.referral).toEqual({ ja: '友だち紹介', en: 'Referral' });

  const prefectures = await call<DimensionValues>('GET', '/v1/metrics/new_subscribers/dimensions/prefecture/values');
  expect(prefectures.body.values.length).toBeGreaterThan(20);
  expect(Object.keys(prefectures.body.valueLabels!).sort()).toEqual(prefectures.body.values.map(String).sort());
  expect(prefectures.body.valueLabels!['北海道']!.en).toBe('Hokkaido');

  const products = await call<DimensionValues>('GET', '/v1/metrics/product_units/dimensions/product/values');
  expect(products.body.values.length).toBeGreaterThan(0);
  expect(products.body.valueLabels).toBeUndefined();
});
