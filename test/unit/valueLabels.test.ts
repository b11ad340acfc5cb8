/**
 * Words, not codes: every value of a closed set has labels in both languages (the catalog refuses
 * one without), filters take a code or either label and resolve to the code, and answers carry the
 * labels of the values they hold. Clients turn them into headers and cells with contract/columnText.ts.
 */
import { CatalogError, createCatalog, loadCatalog } from '../../src/catalog/catalog';
import { definitionHash } from '../../src/catalog/definitionLock';
import { describeMetric } from '../../src/catalog/describe';
import { METRIC_DEFINITIONS } from '../../src/catalog/metrics';
import * as models from '../../src/catalog/models';
import { PREFECTURE_LABELS } from '../../src/catalog/prefectures';
import { resolveQuery } from '../../src/catalog/resolve';
import { codeFor, withValueLabel, withValueLabels } from '../../src/catalog/valueLabels';
import type { DimensionDef, MetricDef, ModelDef } from '../../src/catalog/vocabulary';
import { cellText, columnHeader } from '../../src/contract/columnText';
import { contributorsText } from '../../src/contract/contributorText';
import { localizeError } from '../../src/contract/errorMessages';
import { ApiError } from '../../src/contract/errors';
import { AGE_BANDS } from '../../src/contract/privacyPolicy';
import type { Column, QueryRequest } from '../../src/contract/types';
import { PREFECTURE_POPULATION } from '../../src/lake/reference-data';

const TODAY = '2026-12-01';
const catalog = loadCatalog();
const MODELS = Object.values(models as Record<string, unknown>).filter((value): value is ModelDef => typeof (value as ModelDef)?.table === 'string');

/** box_revenue over a copy of the boxes model whose plan dimension is `plan`. */
function withPlan(plan: DimensionDef): MetricDef[] {
  const boxRevenue = METRIC_DEFINITIONS.find((metric) => metric.name === 'box_revenue')!;
  const compute = boxRevenue.compute as Extract<MetricDef['compute'], { type: 'measure' }>;
  const model = { ...models.boxesModel, dimensions: { ...models.boxesModel.dimensions, plan } };
  return [
    ...METRIC_DEFINITIONS.filter((metric) => metric !== boxRevenue),
    { ...boxRevenue, compute: { type: 'measure', measure: { ...compute.measure, model } } },
  ];
}
const plan = models.boxesModel.dimensions.plan!;

describe('the catalog holds words for every closed set', () => {
  test('every value of every enumerated dimension has a Japanese and an English label', () => {
    const enumerated = MODELS.flatMap((model) => Object.entries(model.dimensions).filter(([, dimension]) => dimension.values));
    expect(enumerated.map(([name]) => name)).toEqual(
      expect.arrayContaining(['plan', 'gender', 'acquisition_channel', 'age_band', 'category', 'cancel_reason', 'texture_pref', 'assigned_by']),
    );
    for (const [name, dimension] of enumerated) {
      for (const value of dimension.values!) {
        expect([name, value, dimension.valueLabels?.[value]?.ja.trim()]).toEqual([name, value, expect.stringMatching(/./)]);
        expect([name, value, dimension.valueLabels?.[value]?.en.trim()]).toEqual([name, value, expect.stringMatching(/./)]);
      }
    }
  });

  test('the examples staff asked for', () => {
    const product = models.boxItemsModel.dimensions;
    expect(product.category!.valueLabels!.dried_fruit).toEqual({ ja: 'ドライフルーツ', en: 'Dried fruit' });
    expect(plan.valueLabels!.biweekly).toEqual({ ja: '隔週', en: 'Every 2 weeks' });
    expect(models.boxesModel.dimensions.age_band!.valueLabels!['30-39']).toEqual({ ja: '30代', en: '30s' });
    expect(models.boxesModel.dimensions.age_band!.values).toEqual(AGE_BANDS);
    // Names are names: products and makers have no labels.
    expect(product.product!.valueLabels).toBeUndefined();
    expect(product.maker!.valueLabels).toBeUndefined();
  });

  test.each<[string, DimensionDef, RegExp]>([
    [
      'a value without labels',
      { ...plan, valueLabels: { biweekly: plan.valueLabels!.biweekly! } },
      /dimension "plan" of model "boxes" has no labels for value "every4weeks"/,
    ],
    [
      'a value without an English label',
      { ...plan, valueLabels: { ...plan.valueLabels, every4weeks: { ja: '4週ごと', en: ' ' } } },
      /has no English label for value "every4weeks"/,
    ],
    [
      'a label for a value outside the set',
      { ...plan, valueLabels: { ...plan.valueLabels, weekly: { ja: '毎週', en: 'Weekly' } } },
      /labels "weekly", which is not one of its values/,
    ],
    [
      'one label for two values (in another case)',
      { ...plan, valueLabels: { ...plan.valueLabels, every4weeks: { ja: '4週ごと', en: 'every 2 WEEKS' } } },
      /"every 2 weeks" names more than one value \(biweekly, every4weeks\)/,
    ],
  ])('refuses %s, naming the metric and the value', (_name, broken, message) => {
    expect(() => createCatalog(withPlan(broken), TODAY)).toThrow(CatalogError);
    expect(() => createCatalog(withPlan(broken), TODAY)).toThrow(message);
  });

  test('labels are words, not the definition: rewording one leaves the definition hash alone, a new code changes it', () => {
    const [reworded] = withPlan({ ...plan, valueLabels: { ...plan.valueLabels, biweekly: { ja: '2週間ごと', en: 'Fortnightly' } } }).slice(-1);
    const current = METRIC_DEFINITIONS.find((metric) => metric.name === 'box_revenue')!;
    expect(definitionHash(reworded!)).toBe(definitionHash(current));
    const [recoded] = withPlan({ ...plan, values: ['biweekly', 'monthly'] }).slice(-1);
    expect(definitionHash(recoded!)).not.toBe(definitionHash(current));
  });

  test('the 47 prefectures, each its Japanese name to its English one, exactly the lake’s prefectures', () => {
    expect(Object.keys(PREFECTURE_LABELS)).toHaveLength(47);
    expect(Object.keys(PREFECTURE_LABELS)).toEqual(PREFECTURE_POPULATION.map(([name]) => name));
    for (const [code, label] of Object.entries(PREFECTURE_LABELS)) {
      expect(label.ja).toBe(code);
      expect(label.en).toMatch(/^[A-Z][a-z]+$/);
    }
    expect(new Set(Object.values(PREFECTURE_LABELS).map((label) => label.en)).size).toBe(47);
    expect(PREFECTURE_LABELS['東京都']!.en).toBe('Tokyo');
    expect(PREFECTURE_LABELS['北海道']!.en).toBe('Hokkaido');
    expect(models.boxItemsModel.dimensions.maker_prefecture!.valueLabels).toBe(PREFECTURE_LABELS);
  });

  test('the catalog summary carries the labels of closed sets only (an open set’s come with its values)', () => {
    const summary = describeMetric(catalog.get('box_revenue')!);
    expect(summary.dimensions.find((dimension) => dimension.name === 'plan')!.valueLabels).toEqual(plan.valueLabels);
    expect(summary.dimensions.find((dimension) => dimension.name === 'prefecture')!.valueLabels).toBeUndefined();
  });
});

describe('filters take a code or either label', () => {
  const YEAR = { from: '2024-01-01', to: '2025-01-01' };
  const filtersOf = (metric: string, filters: QueryRequest['filters']) => resolveQuery(catalog, { metric, ...YEAR, filters }).filters;

  test.each<[string, string, string, unknown]>([
    ['box_revenue', 'plan', '隔週', 'biweekly'],
    ['box_revenue', 'plan', 'biweekly', 'biweekly'],
    ['box_revenue', 'plan', 'every 4 weeks', 'every4weeks'],
    ['box_revenue', 'plan', ' EVERY 2 WEEKS ', 'biweekly'],
    ['box_revenue', 'plan', '４週ごと', 'every4weeks'], // a full-width digit, as a Japanese keyboard types it
    ['box_revenue', 'plan', 'BiWeekly', 'biweekly'],
    ['product_units', 'category', 'ドライフルーツ', 'dried_fruit'],
    ['product_units', 'category', 'dried fruit', 'dried_fruit'],
    ['box_revenue', 'age_band', '30代', '30-39'],
    ['box_revenue', 'age_band', '30s', '30-39'],
    ['box_revenue', 'age_band', 'Under 10', '0-9'],
    ['box_revenue', 'gender', '女性', 'female'],
    ['box_revenue', 'prefecture', 'Tokyo', '東京都'],
    ['box_revenue', 'prefecture', 'hokkaido', '北海道'],
    ['box_revenue', 'prefecture', '東京都', '東京都'],
  ])('%s %s=%s filters by %s', (metric, dimension, typed, code) => {
    expect(filtersOf(metric, { [dimension]: typed })).toEqual([{ dimension, values: [code] }]);
  });

  test('a code and its labels are one value: the resolved filter (cache key, audit) is the code once', () => {
    expect(filtersOf('box_revenue', { plan: ['biweekly', '隔週', 'Every 2 weeks'] })).toEqual([{ dimension: 'plan', values: ['biweekly'] }]);
  });

  test('an open set keeps text it has no words for: an unknown prefecture filters by itself (and matches nothing)', () => {
    expect(filtersOf('box_revenue', { prefecture: 'Atlantis' })).toEqual([{ dimension: 'prefecture', values: ['Atlantis'] }]);
    expect(filtersOf('product_units', { product: 'ドライフルーツ' })).toEqual([{ dimension: 'product', values: ['ドライフルーツ'] }]);
  });

  test('a wrong label is refused with the accepted codes and their labels, in both languages', () => {
    let error: ApiError | undefined;
    try {
      filtersOf('box_revenue', { plan: '毎週' });
    } catch (caught) {
      error = caught as ApiError;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect(error!.code).toBe('INVALID_ARGUMENT');
    expect(error!.message).toBe('Filter "plan" takes one of: biweekly (隔週, Every 2 weeks), every4weeks (4週ごと, Every 4 weeks).');
    expect(error!.details).toMatchObject({
      reason: 'invalid_filter_value',
      field: 'filters.plan',
      allowed: ['biweekly', 'every4weeks'],
      labels: plan.valueLabels,
    });
    expect(localizeError({ code: error!.code, message: error!.message, details: error!.details }, 'ja')).toBe(
      '絞り込み "plan" に使える値は 隔週（biweekly）, 4週ごと（every4weeks） です。',
    );
  });

  test('codeFor names nothing for text that is no spelling of a value', () => {
    expect(codeFor(plan, 'weekly')).toBeUndefined();
    expect(codeFor(plan, '')).toBeUndefined();
  });
});

describe('answers carry the labels of the values they hold', () => {
  const columns: Column[] = [
    { name: 'period', type: 'date', role: 'period', title: { ja: '期間', en: 'Period' } },
    { name: 'category', type: 'string', role: 'dimension', title: { ja: 'カテゴリ', en: 'Category' } },
    { name: 'product', type: 'string', role: 'dimension', title: { ja: '商品', en: 'Product' } },
    { name: 'value', type: 'number', role: 'value', title: { ja: '商品出荷個数', en: 'Product units' }, unit: 'count' },
  ];
  const dimensions = models.boxItemsModel.dimensions;

  test('only the values present, only on columns that have words; rows untouched', () => {
    const rows = [
      ['2024-01-01', 'dried_fruit', 'いちじく', 3],
      ['2024-01-01', 'nuts', 'アーモンド', 2],
      ['2024-02-01', 'dried_fruit', 'いちじく', null],
      ['2024-02-01', null, 'なにか', 1],
    ];
    const labelled = withValueLabels(columns, rows, (name) => dimensions[name]);
    expect(labelled[1]!.valueLabels).toEqual({ dried_fruit: { ja: 'ドライフルーツ', en: 'Dried fruit' }, nuts: { ja: 'ナッツ', en: 'Nuts' } });
    expect(labelled[2]).toBe(columns[2]);
    expect(labelled[0]).toBe(columns[0]);
    expect(labelled[3]).toBe(columns[3]);
  });

  test('no rows, no labels', () => {
    expect(withValueLabels(columns, [], (name) => dimensions[name])[1]!.valueLabels).toBeUndefined();
  });
});

describe('columnText: how clients show them', () => {
  const category: Column = {
    name: 'category',
    type: 'string',
    role: 'dimension',
    title: { ja: 'カテゴリ', en: 'Category' },
    valueLabels: { nuts: { ja: 'ナッツ', en: 'Nuts' } },
  };

  test('a dimension cell shows its label in the reader’s language, or its value when the answer has no words for it', () => {
    expect(cellText('nuts', category, 'ja')).toBe('ナッツ');
    expect(cellText('nuts', category, 'en')).toBe('Nuts');
    expect(cellText('gummy', category, 'ja')).toBe('gummy');
    expect(cellText(12, category, 'ja')).toBe(12);
    expect(cellText(null, category, 'ja')).toBeNull();
    expect(cellText('nuts', undefined, 'ja')).toBe('nuts');
    // An inherited name is no label.
    expect(cellText('constructor', category, 'en')).toBe('constructor');
  });

  test('headers carry the yen; counts, ratios and scores are named by their titles', () => {
    const value = (unit: Column['unit']): Column => ({ name: 'value', type: 'number', role: 'value', title: { ja: '売上', en: 'Revenue' }, unit });
    expect(columnHeader(value('JPY'), 'ja')).toBe('売上（円）');
    expect(columnHeader(value('JPY'), 'en')).toBe('Revenue (JPY)');
    expect(columnHeader(value('count'), 'ja')).toBe('売上');
    expect(columnHeader(value('ratio'), 'en')).toBe('Revenue');
    expect(columnHeader(category, 'ja')).toBe('カテゴリ');
  });

  test('an anomaly’s contributors read in words: the API labels each value, the line shows the label', () => {
    const gender = models.boxesModel.dimensions.gender!;
    const female = withValueLabel({ dimension: 'gender', value: 'female', actual: 9, expected: 4, delta: 5, share: 0.54 }, gender);
    expect(female.valueLabel).toEqual({ ja: '女性', en: 'Female' });
    const product = withValueLabel({ dimension: 'product', value: 'いちじく', actual: 3, expected: 1, delta: 2 }, models.boxItemsModel.dimensions.product);
    expect(product).not.toHaveProperty('valueLabel');
    expect(contributorsText([female, product], 'ja')).toBe('gender=女性 +5 (54%); product=いちじく +2');
    expect(contributorsText([female, product], 'en')).toBe('gender=Female +5 (54%); product=いちじく +2');
  });
});
