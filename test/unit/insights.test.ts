/** The pure shaping of forecast and anomaly answers (src/api/insights.ts). */
import { anomalyPoints, forecastTable, seriesByValue } from '../../src/api/insights';
import { isAdditive } from '../../src/catalog/vocabulary';
import { loadCatalog } from '../../src/catalog/catalog';
import type { Column } from '../../src/contract/types';

const PERIOD: Column = { name: 'period', type: 'date', role: 'period', title: { ja: '期間', en: 'Period' } };
const VALUE: Column = { name: 'revenue', type: 'number', role: 'value', title: { ja: '売上', en: 'Revenue' }, unit: 'JPY' };

test('forecastTable: history rows keep only the actual; future periods continue the grain', () => {
  const table = forecastTable(
    {
      columns: [PERIOD, VALUE],
      rows: [
        ['2025-11-01', 10],
        ['2025-12-01', null],
      ],
    },
    [
      { step: 1, forecast: 12, lower: 11, upper: 13 },
      { step: 2, forecast: 13, lower: 11.5, upper: 14.5 },
    ],
    'month',
    '2026-01-01',
  );
  expect(table.columns.map((c) => [c.name, c.role, c.unit])).toEqual([
    ['period', 'period', undefined],
    ['actual', 'actual', 'JPY'],
    ['forecast', 'forecast', 'JPY'],
    ['lower', 'lower', 'JPY'],
    ['upper', 'upper', 'JPY'],
  ]);
  expect(table.rows).toEqual([
    ['2025-11-01', 10, null, null, null],
    ['2025-12-01', null, null, null, null],
    ['2026-01-01', null, 12, 11, 13],
    ['2026-02-01', null, 13, 11.5, 14.5],
  ]);
});

test('forecastTable: weeks continue from the last history week', () => {
  const table = forecastTable({ columns: [PERIOD, VALUE], rows: [['2025-12-29', 5]] }, [{ step: 1, forecast: 6, lower: 5, upper: 7 }], 'week', '2026-01-05');
  expect(table.rows[1]![0]).toBe('2026-01-05');
});

test('seriesByValue: one aligned series per value, the fill where a value had no row, rows outside the periods ignored', () => {
  const periods = ['2025-01-06', '2025-01-13', '2025-01-20'];
  const rows = [
    ['2025-01-06', 'biweekly', 5],
    ['2025-01-20', 'biweekly', 7],
    ['2025-01-13', 'every4weeks', 3],
    ['2025-01-13', null, 1],
    ['2024-12-30', 'biweekly', 99],
  ];
  const shown = [true, true, true];
  expect(seriesByValue(rows, 'plan', periods, 0)).toEqual([
    { dimension: 'plan', value: 'biweekly', series: [5, 0, 7], shown },
    { dimension: 'plan', value: 'every4weeks', series: [0, 3, 0], shown },
    { dimension: 'plan', value: null, series: [0, 1, 0], shown },
  ]);
  expect(seriesByValue(rows, 'plan', periods, null)[0]!.series).toEqual([5, null, 7]);
});

test('seriesByValue: a hidden row keeps its value for the model and is marked not shown', () => {
  const periods = ['2025-01-06', '2025-01-13'];
  const rows = [
    ['2025-01-06', 'biweekly', 5],
    ['2025-01-13', 'biweekly', 2],
  ];
  expect(seriesByValue(rows, 'plan', periods, 0, [false, true])).toEqual([{ dimension: 'plan', value: 'biweekly', series: [5, 2], shown: [true, false] }]);
});

test('anomalyPoints: direction, shares only for additive metrics', () => {
  const expectations = [
    { dimension: 'plan', value: 'a', series: [10, 10, 30], expected: [null, 10, 10] },
    { dimension: 'plan', value: 'b', series: [10, 10, 12], expected: [null, 10, 10] },
  ];
  const flagged = [{ index: 2, actual: 42, expected: 20, lower: 15, upper: 25, score: 5 }];
  const [additive] = anomalyPoints(flagged, ['p0', 'p1', 'p2'], expectations, true);
  expect(additive).toMatchObject({ period: 'p2', direction: 'up', score: 5 });
  expect(additive!.contributors.map((c) => [c.value, c.delta, c.share])).toEqual([
    ['a', 20, 20 / 22],
    ['b', 2, 2 / 22],
  ]);
  const [ratio] = anomalyPoints(flagged, ['p0', 'p1', 'p2'], expectations, false);
  expect(ratio!.contributors.every((c) => c.share === undefined)).toBe(true);
  const [down] = anomalyPoints([{ ...flagged[0]!, actual: 5 }], ['p0', 'p1', 'p2'], expectations, true);
  expect(down!.direction).toBe('down');
  expect(down!.contributors).toEqual([]); // both values rose: neither explains a drop
});

test('isAdditive: sums and counts are, ratios and averages are not', () => {
  const catalog = loadCatalog();
  const additive = (name: string) => isAdditive(catalog.get(name)!);
  expect(['revenue', 'boxes_shipped', 'new_subscribers', 'active_subscribers'].map(additive)).toEqual([true, true, true, true]);
  expect(['churn_rate', 'arpu', 'avg_rating'].map(additive)).toEqual([false, false, false]);
});
