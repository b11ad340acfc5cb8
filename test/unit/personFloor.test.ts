/** The person floor in the catalog: what comes from people, what describes them, and that no metric can forget its floor. */
import { createCatalog, loadCatalog } from '../../src/catalog/catalog';
import { METRIC_DEFINITIONS } from '../../src/catalog/metrics';
import { boxItemsModel, boxesModel, diagnosesModel, ratingsModel, subscriptionsModel } from '../../src/catalog/models';
import { describesPerson, isPersonDerived, PERSON_FLOOR_MINIMUM, personFloorApplies, rowsComeFromPeople } from '../../src/catalog/personFloor';
import { resolveQuery } from '../../src/catalog/resolve';
import type { MetricDef, ModelDef } from '../../src/catalog/vocabulary';
import { LAKE_TABLES } from '../../src/contract/lakeSchema';

const TODAY = '2026-12-01';
const catalog = loadCatalog();
const metric = (name: string): MetricDef => METRIC_DEFINITIONS.find((candidate) => candidate.name === name)!;
const withMetric = (changed: MetricDef): MetricDef[] => [...METRIC_DEFINITIONS.filter((m) => m.name !== changed.name), changed];
/** box_revenue over a copy of its model. */
const boxRevenueOver = (model: ModelDef, change: Partial<MetricDef> = {}): MetricDef => {
  const current = metric('box_revenue');
  const measure = (current.compute as Extract<MetricDef['compute'], { type: 'measure' }>).measure;
  return { ...current, ...change, compute: { type: 'measure', measure: { ...measure, model } } };
};

describe('which rows come from people, read from the privacy policy', () => {
  test.each(LAKE_TABLES.map((table) => [table]))('%s', (table) => {
    // Products are the only table whose rows are not about a customer.
    expect(rowsComeFromPeople(table)).toBe(table !== 'products');
  });
});

describe('which dimensions describe who people are', () => {
  test.each([
    [boxesModel, 'prefecture', true],
    [boxesModel, 'gender', true],
    [boxesModel, 'acquisition_channel', true],
    [boxesModel, 'age_band', true],
    [boxesModel, 'plan', true],
    [subscriptionsModel, 'cancel_reason', true],
    [diagnosesModel, 'texture_pref', true],
    [boxItemsModel, 'category', false],
    [boxItemsModel, 'maker', false],
    [boxItemsModel, 'product', false],
    [boxItemsModel, 'assigned_by', false],
    [ratingsModel, 'maker_prefecture', false],
  ] as const)('%s.%s → %s', (model, dimension, expected) => {
    expect(describesPerson(model, dimension)).toBe(expected);
  });
});

describe('every metric of the catalog', () => {
  test.each(catalog.list().map((m) => [m.name, m] as const))('%s comes from people and has a floor of at least 5 people', (_name, m) => {
    expect(isPersonDerived(m)).toBe(true);
    expect(m.minPeople).toBeGreaterThanOrEqual(PERSON_FLOOR_MINIMUM);
  });
});

describe('the catalog refuses to load a person-derived metric without its floor', () => {
  test.each([
    [
      'no floor',
      withMetric({ ...metric('churned_subscribers'), minPeople: undefined }),
      /"churned_subscribers": its rows come from people: set minPeople .* to 5 or more/,
    ],
    ['a floor below 5', withMetric({ ...metric('revenue'), minPeople: 3 }), /"revenue": its rows come from people: set minPeople/],
    ['a fractional floor', withMetric({ ...metric('revenue'), minPeople: 5.5 }), /"revenue": its rows come from people/],
    [
      'a model whose rows come from people without its person column',
      withMetric(boxRevenueOver({ ...boxesModel, person: undefined })),
      /"box_revenue": model "boxes" counts rows that come from people \(boxes\); declare the person column/,
    ],
    [
      'a person that is not a pseudonymised person id',
      withMetric(boxRevenueOver({ ...boxesModel, person: 'b.box_id' })),
      /"box_revenue": model "boxes" declares person "b\.box_id", which is not one pseudonymised person id/,
    ],
    [
      'a person read through an alias the model does not join',
      withMetric(boxRevenueOver({ ...boxesModel, person: 'zz.user_id' })),
      /"box_revenue": model "boxes" declares person "zz\.user_id"/,
    ],
  ])('%s', (_name, definitions, message) => {
    expect(() => createCatalog(definitions, TODAY)).toThrow(message);
  });

  test('the real catalog loads, and a higher floor is allowed', () => {
    expect(() => createCatalog(withMetric({ ...metric('revenue'), minPeople: 10 }), TODAY)).not.toThrow();
  });
});

describe('when the floor applies to a query', () => {
  const applies = (request: Parameters<typeof resolveQuery>[1]) => personFloorApplies(resolveQuery(catalog, request));
  const range = { from: '2024-01-01', to: '2025-01-01' };
  test('an unsplit, unfiltered total is exempt', () => {
    expect(applies({ metric: 'revenue', ...range, grain: 'month' })).toBe(false);
  });
  test('a split or a filter by who people are brings it', () => {
    expect(applies({ metric: 'revenue', ...range, dimensions: ['prefecture'] })).toBe(true);
    expect(applies({ metric: 'churned_subscribers', ...range, dimensions: ['cancel_reason'] })).toBe(true);
    expect(applies({ metric: 'revenue', ...range, grain: 'month', filters: { gender: 'female' } })).toBe(true);
    expect(applies({ metric: 'snack_requests', ...range, dimensions: ['category'], filters: { prefecture: '東京都' } })).toBe(true);
  });
  test('splits and filters by product only count product rows, not people', () => {
    expect(applies({ metric: 'product_units', ...range, dimensions: ['category', 'maker'] })).toBe(false);
    expect(applies({ metric: 'snack_requests', ...range, dimensions: ['product'], filters: { category: 'nuts' } })).toBe(false);
  });
});
