import { createCatalog, loadCatalog } from '../../src/catalog/catalog';
import { describeMetric, searchMetrics } from '../../src/catalog/describe';
import { METRIC_DEFINITIONS } from '../../src/catalog/metrics';
import type { MetricDef } from '../../src/catalog/vocabulary';
import { isNonNegative, sourceTablesOf } from '../../src/catalog/vocabulary';
import { boxesModel, diagnosesModel, ratingsModel, shopOrdersModel, snackRequestsModel, subscriptionsModel } from '../../src/catalog/models';
import { resolveQuery } from '../../src/catalog/resolve';
import { ApiError } from '../../src/contract/errors';
import { AGE_BANDS } from '../../src/contract/privacyPolicy';
import type { MetricChangelogEntry } from '../../src/contract/types';

/** The day the changelog checks treat as today, so "the future" does not move under the tests. */
const TODAY = '2026-12-01';

const PII_DIMENSIONS = ['email', 'user_name', 'name_kana', 'phone', 'address', 'birth_date', 'user_id'];

/** box_revenue as it was at version 1, so the changelog cases below can raise it to 2. */
const base = (): MetricDef => {
  const current = METRIC_DEFINITIONS.find((metric) => metric.name === 'box_revenue')!;
  return { ...current, version: 1, changelog: current.changelog.slice(0, 1) };
};
const withChange = (change: Partial<MetricDef>): MetricDef[] => [...METRIC_DEFINITIONS.filter((m) => m.name !== 'box_revenue'), { ...base(), ...change }];
/** A well-formed entry for version 2, dated after version 1 and before the tests' "today". */
const secondVersion = (change: Partial<MetricChangelogEntry> = {}): MetricChangelogEntry => ({
  version: 2,
  date: '2026-11-30',
  change: { ja: '割引を除外', en: 'Discounts excluded' },
  why: { ja: '経理の定義に合わせるため', en: 'To match the accounting definition' },
  ...change,
});
/** box_revenue's sum over a changed copy of the boxes model. */
const withBoxesModel = (change: Partial<typeof boxesModel>): MetricDef[] =>
  withChange({
    compute: {
      type: 'measure',
      measure: {
        kind: 'flow',
        model: { ...boxesModel, ...change },
        aggregate: { fn: 'sum', expr: 'b.price_jpy' },
        time: { expr: 'b.shipped_at', type: 'timestamp' },
      },
    },
  });

describe('the governed catalog', () => {
  const catalog = loadCatalog();

  test('holds every metric the business asked for, each complete in both languages', () => {
    const names = catalog.list().map((metric) => metric.name);
    for (const required of [
      'revenue',
      'box_revenue',
      'shop_revenue',
      'active_subscribers',
      'new_subscribers',
      'churned_subscribers',
      'churn_rate',
      'arpu',
      'boxes_shipped',
      'product_units',
      'avg_rating',
      'snack_requests',
    ]) {
      expect(names).toContain(required);
    }
    expect(names.length).toBeGreaterThanOrEqual(12);
    for (const metric of catalog.list()) {
      for (const text of [metric.title, metric.description, metric.definition]) {
        expect(text.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/); // real Japanese, not a copy of the English
        expect(text.en).toMatch(/[A-Za-z]/);
      }
      expect(metric.owner).not.toBe('');
      expect(sourceTablesOf(metric).length).toBeGreaterThan(0);
    }
  });

  test('product_units splits by product, category and maker prefecture; avg_rating hides small groups', () => {
    expect(catalog.get('product_units')!.dimensions).toEqual(expect.arrayContaining(['product', 'category', 'maker_prefecture']));
    expect(catalog.get('avg_rating')!.minGroupSize).toBeGreaterThan(1);
  });

  test('exposes no personal data as a dimension', () => {
    for (const metric of catalog.list()) {
      for (const dimension of describeMetric(metric).dimensions) {
        expect(PII_DIMENSIONS).not.toContain(dimension.name);
      }
    }
  });

  test('declares personal data on every model about customers, with no column behind it (the lake has none)', () => {
    for (const model of [boxesModel, subscriptionsModel, shopOrdersModel, ratingsModel, snackRequestsModel, diagnosesModel]) {
      for (const name of PII_DIMENSIONS) {
        const at = { model: model.name, name };
        const declared = model.personalData?.[name] as { expr?: string } | undefined;
        expect({ ...at, declared: declared !== undefined, expr: declared?.expr, column: model.dimensions[name] }).toEqual({
          ...at,
          declared: true,
          expr: undefined,
          column: undefined,
        });
      }
      expect(model.dimensions.age_band).toMatchObject({ expr: 'u.age_band', values: AGE_BANDS });
    }
  });

  test.each(PII_DIMENSIONS)('a request naming personal data "%s" answers FORBIDDEN, as a dimension and as a filter', (name) => {
    const forbidden = (request: Parameters<typeof resolveQuery>[1]): unknown => {
      try {
        resolveQuery(catalog, request);
      } catch (error) {
        return error instanceof ApiError ? { code: error.code, reason: error.details?.reason } : error;
      }
      return 'answered';
    };
    const base = { metric: 'revenue', from: '2024-01-01', to: '2025-01-01', grain: 'month' as const };
    expect(forbidden({ ...base, dimensions: [name] })).toEqual({ code: 'FORBIDDEN', reason: 'pii_dimension' });
    expect(forbidden({ ...base, filters: { [name]: '1' } })).toEqual({ code: 'FORBIDDEN', reason: 'pii_dimension' });
  });

  test('the age band (at the snapshot) is a dimension of the metrics about customers', () => {
    for (const name of ['revenue', 'active_subscribers', 'churn_rate', 'boxes_shipped']) expect(catalog.get(name)!.dimensions).toContain('age_band');
    expect(
      resolveQuery(catalog, { metric: 'revenue', from: '2024-01-01', to: '2025-01-01', dimensions: ['age_band'], filters: { age_band: '30-39' } }).filters,
    ).toEqual([{ dimension: 'age_band', values: ['30-39'] }]);
  });

  test('suggests the closest name for a typo', () => {
    expect(catalog.suggest('revnue')).toBe('revenue');
    expect(catalog.suggest('churnrate')).toBe('churn_rate');
    expect(catalog.suggest('completely different')).toBeUndefined();
  });

  test('searches names, titles in both languages and tags', () => {
    expect(searchMetrics(catalog, '解約').map((m) => m.name)).toEqual(expect.arrayContaining(['churn_rate', 'churned_subscribers']));
    expect(searchMetrics(catalog, 'SHOP').map((m) => m.name)).toContain('shop_revenue');
    expect(searchMetrics(catalog).length).toBe(catalog.list().length);
  });

  test('a deprecated metric names its active replacement', () => {
    const deprecated = catalog.list().filter((metric) => metric.status === 'deprecated');
    expect(deprecated.length).toBeGreaterThan(0);
    for (const metric of deprecated) expect(catalog.get(metric.replacedBy!)!.status).toBe('active');
  });
});

describe('catalog validation fails fast, naming the metric and the problem', () => {
  test.each<[string, MetricDef[], RegExp]>([
    ['a duplicate name', [...METRIC_DEFINITIONS, base()], /"box_revenue": the name is used twice/],
    ['a name that is not snake_case', withChange({ name: 'BoxRevenue' }), /"BoxRevenue": the name must be snake_case/],
    ['an unknown grain', withChange({ grains: ['month', 'fortnight' as never] }), /"box_revenue": grain "fortnight" is unknown/],
    ['no grain at all', withChange({ grains: [] }), /"box_revenue": it allows no grain/],
    ['an unknown dimension', withChange({ dimensions: ['plan', 'colour'] }), /"box_revenue": dimension "colour" is unknown to model "boxes"/],
    ['a PII dimension', withChange({ dimensions: ['plan', 'email'] }), /"box_revenue": dimension "email" is personal data/],
    [
      'a PII dimension with a column behind it',
      withBoxesModel({
        dimensions: { ...boxesModel.dimensions, email: { title: { ja: 'メール', en: 'Email' }, type: 'string', pii: true, expr: 'u.age_band' } as never },
      }),
      /"box_revenue": dimension "email" of model "boxes" is personal data with a column; declare it in personalData, with no column/,
    ],
    [
      'declared personal data given a column',
      withBoxesModel({
        personalData: { ...boxesModel.personalData, phone: { title: { ja: '電話', en: 'Phone' }, expr: 'u.prefecture' } as never },
      }),
      /"box_revenue": personal data "phone" of model "boxes" has a column; personal data has none, remove its expr/,
    ],
    ['a missing Japanese title', withChange({ title: { ja: ' ', en: 'Box revenue' } }), /"box_revenue": title has no Japanese text/],
    ['a missing English definition', withChange({ definition: { ja: '定義', en: '' } }), /"box_revenue": definition has no English text/],
    ['an unknown unit', withChange({ unit: 'USD' as never }), /"box_revenue": unit "USD"/],
    ['a zero version', withChange({ version: 0 }), /"box_revenue": version must be a positive integer/],
    ['a raised version without its changelog entry', withChange({ version: 2 }), /"box_revenue": version 2 has no changelog entry/],
    ['no changelog at all', withChange({ changelog: undefined as never }), /"box_revenue": it has no changelog/],
    [
      'a changelog entry ahead of the version',
      withChange({ changelog: [...base().changelog, secondVersion()] }),
      /"box_revenue": the changelog has an entry for version 2, but the metric is at version 1/,
    ],
    [
      'changelog entries out of order',
      withChange({ version: 2, changelog: [secondVersion(), ...base().changelog] }),
      /"box_revenue": changelog entry 1 is for version 2/,
    ],
    [
      'a version listed twice',
      withChange({ version: 2, changelog: [...base().changelog, { ...secondVersion(), version: 1 }] }),
      /"box_revenue": changelog entry 2 is for version 1/,
    ],
    [
      'a change dated in the future',
      withChange({ version: 2, changelog: [...base().changelog, secondVersion({ date: '2999-01-01' })] }),
      /"box_revenue": .*version 2 is dated 2999-01-01, in the future/,
    ],
    [
      'a change dated on no real day',
      withChange({ version: 2, changelog: [...base().changelog, secondVersion({ date: '2026-02-30' })] }),
      /"box_revenue": .*version 2 has date "2026-02-30"; write a real day as YYYY-MM-DD/,
    ],
    [
      'a change dated in another format',
      withChange({ version: 2, changelog: [...base().changelog, secondVersion({ date: '2026/12/01' })] }),
      /"box_revenue": .*version 2 has date "2026\/12\/01"/,
    ],
    [
      'a change dated before the previous one',
      withChange({ version: 2, changelog: [...base().changelog, secondVersion({ date: '2026-01-01' })] }),
      /"box_revenue": .*version 2 is dated before version 1/,
    ],
    [
      'a change that does not say why',
      withChange({ version: 2, changelog: [...base().changelog, secondVersion({ why: { ja: '理由', en: ' ' } })] }),
      /"box_revenue": .*version 2 has no English "why"/,
    ],
    ['a fractional minimum group size', withChange({ minGroupSize: 2.5 }), /"box_revenue": minGroupSize/],
    ['a deprecated metric without replacement', withChange({ status: 'deprecated' }), /"box_revenue": a deprecated metric must name an active replacement/],
    ['an active metric with a replacement', withChange({ replacedBy: 'revenue' }), /"box_revenue": only a deprecated metric has a replacement/],
    ['a nonNegative that is not a boolean', withChange({ nonNegative: 'yes' as never }), /"box_revenue": nonNegative must be true or false/],
    [
      'nonNegative declared on a count',
      withChange({
        compute: {
          type: 'measure',
          measure: {
            kind: 'flow',
            model: boxesModel,
            aggregate: { fn: 'count', nonNegative: true } as never,
            time: { expr: 'b.shipped_at', type: 'timestamp' },
          },
        },
      }),
      /"box_revenue": only a sum declares nonNegative/,
    ],
    [
      'a measure reading an alias its model does not join',
      withChange({
        compute: {
          type: 'measure',
          measure: {
            kind: 'flow',
            model: boxesModel,
            aggregate: { fn: 'sum', expr: 'x.price_jpy' },
            time: { expr: 'b.shipped_at', type: 'timestamp' },
            where: ['zz.flag = 1'],
          },
        },
      }),
      /"box_revenue": .*"zz"|"box_revenue": .*"x"/,
    ],
    [
      'a column the lake table does not have',
      withChange({
        compute: {
          type: 'measure',
          measure: { kind: 'flow', model: boxesModel, aggregate: { fn: 'sum', expr: 'b.price_yen' }, time: { expr: 'b.shipped_at', type: 'timestamp' } },
        },
      }),
      /"box_revenue": the aggregate reads b\.price_yen, but table boxes has no column "price_yen"/,
    ],
  ])('%s', (_name, definitions, message) => {
    expect(() => createCatalog(definitions, TODAY)).toThrow(message);
  });

  test('a raised version with a well-formed entry loads, and every metric of the real catalog explains each of its versions', () => {
    expect(() => createCatalog(withChange({ version: 2, changelog: [...base().changelog, secondVersion()] }), TODAY)).not.toThrow();
    for (const metric of loadCatalog().list())
      expect(metric.changelog.map((entry) => entry.version)).toEqual(Array.from({ length: metric.version }, (_, i) => i + 1));
  });

  test('a change dated today (JST) is not in the future', () => {
    expect(() => createCatalog(withChange({ version: 2, changelog: [...base().changelog, secondVersion({ date: TODAY })] }), TODAY)).not.toThrow();
  });
});

describe('whether a metric can be negative is the metric’s, not its unit’s', () => {
  const catalog = loadCatalog();
  test.each(['revenue', 'box_revenue', 'arpu', 'active_subscribers', 'churn_rate', 'skip_rate', 'product_units', 'avg_rating'])(
    '%s never goes below 0',
    (name) => {
      expect(isNonNegative(catalog.get(name)!)).toBe(true);
    },
  );

  test('a yen sum whose amounts may be negative (a margin) is not clamped, a count always is', () => {
    const margin = withChange({
      compute: {
        type: 'measure',
        measure: {
          kind: 'flow',
          model: boxesModel,
          aggregate: { fn: 'sum', expr: 'b.price_jpy - b.discount_jpy - 1500' },
          time: { expr: 'b.shipped_at', type: 'timestamp' },
        },
      },
    }).at(-1)!;
    expect(margin.unit).toBe('JPY');
    expect(isNonNegative(margin)).toBe(false);
    expect(isNonNegative({ ...margin, nonNegative: true })).toBe(true);
    const counted = withChange({
      compute: { type: 'measure', measure: { kind: 'flow', model: boxesModel, aggregate: { fn: 'count' }, time: { expr: 'b.shipped_at', type: 'timestamp' } } },
    }).at(-1)!;
    expect(isNonNegative(counted)).toBe(true);
  });
});
