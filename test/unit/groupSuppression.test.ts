/** Which groups an answer hides, and why: the record floor, the person floor, and complementary suppression. */
import { suppressGroups, type GroupLayout, type SuppressionRules } from '../../src/api/groupSuppression';
import type { Cell } from '../../src/contract/types';

/** Rows of (prefecture, value, records, people[, removed…]): one dimension, no grain. */
const byPrefecture: GroupLayout = { axes: [0], sides: [{ valueIndex: 1, sizeIndex: 2 }], keepsEveryPeriod: false };
const floor = (removedColumns = 0): SuppressionRules => ({ minGroupSize: 1, additive: true, personFloor: { minPeople: 5, removedColumns } });

test('without the floor, only groups under the record floor are hidden, and the answer says so', () => {
  const rows: Cell[][] = [
    ['a', 100, 20],
    ['b', 50, 9],
    ['c', 30, 0],
  ];
  const out = suppressGroups(rows, byPrefecture, { minGroupSize: 10, additive: false });
  expect(out.rows).toEqual([
    ['a', 100],
    ['c', 30],
  ]);
  expect(out.suppressed).toEqual({ groups: 1, minGroupSize: 10, reason: 'min_group_size' });
});

test('nothing hidden: the hidden columns go and no suppressed is said', () => {
  const out = suppressGroups(
    [
      ['a', 1, 9, 9],
      ['b', 2, 7, 6],
    ],
    byPrefecture,
    floor(),
  );
  expect(out).toEqual({
    rows: [
      ['a', 1],
      ['b', 2],
    ],
  });
});

test('a group of fewer than 5 people is hidden however many records it has, and one more beside it', () => {
  const rows: Cell[][] = [
    ['a', 900, 60, 30],
    ['b', 400, 40, 4], // 40 boxes of 4 people
    ['c', 300, 20, 8],
    ['d', 200, 12, 6],
  ];
  const out = suppressGroups(rows, byPrefecture, floor());
  // d has the fewest people of the visible ones: it is hidden with b, so a total minus the rest gives b + d.
  expect(out.rows).toEqual([
    ['a', 900],
    ['c', 300],
  ]);
  expect(out.suppressed).toEqual({ groups: 2, minGroupSize: 1, reason: 'person_floor', minPeople: 5, complementary: 1 });
});

test('complementary ties are broken by records, then |value|, then the coordinates', () => {
  const rows: Cell[][] = [
    ['x', 10, 1, 1],
    ['c', 300, 9, 6],
    ['b', 200, 9, 6],
    ['a', 200, 9, 6],
  ];
  expect(suppressGroups(rows, byPrefecture, floor()).rows.map((row) => row[0])).toEqual(['c', 'b']);
});

test('two hidden groups need no complement; an empty group is never the complement', () => {
  const two = suppressGroups(
    [
      ['a', 1, 3, 3],
      ['b', 1, 2, 2],
      ['c', 9, 50, 40],
    ],
    byPrefecture,
    floor(),
  );
  expect(two.suppressed).toMatchObject({ groups: 2 });
  expect(two.suppressed?.complementary).toBeUndefined();
  // A series' empty period (0 records) would reveal nothing if hidden.
  const series: GroupLayout = { axes: [0], sides: [{ valueIndex: 1, sizeIndex: 2 }], keepsEveryPeriod: true };
  const out = suppressGroups(
    [
      ['2024-01-01', 5, 2, 2],
      ['2024-02-01', 0, 0, 0],
    ],
    series,
    floor(),
  );
  expect(out.rows).toEqual([
    ['2024-01-01', null],
    ['2024-02-01', 0],
  ]);
});

test('a filter that took 1–4 people out of a group hides it; none or 5 and more do not', () => {
  const rows: Cell[][] = [
    ['a', 500, 40, 30, null],
    ['b', 400, 30, 20, 3],
    ['c', 300, 30, 20, 5],
    ['d', 200, 30, 20, 0],
  ];
  const out = suppressGroups(rows, byPrefecture, floor(1));
  // d removed rows whose people are unknown (0 counted): hidden too, conservatively; then a, b, c, d line holds two hidden.
  expect(out.rows.map((row) => row[0])).toEqual(['a', 'c']);
  expect(out.suppressed).toEqual({ groups: 2, minGroupSize: 1, reason: 'person_floor', minPeople: 5 });
});

test('ratios and averages do not add up: no complementary suppression', () => {
  const out = suppressGroups(
    [
      ['a', 0.1, 50, 40],
      ['b', 0.2, 50, 3],
      ['c', 0.3, 50, 40],
    ],
    byPrefecture,
    { ...floor(), additive: false },
  );
  expect(out.rows.map((row) => row[0])).toEqual(['a', 'c']);
  expect(out.suppressed).toEqual({ groups: 1, minGroupSize: 1, reason: 'person_floor', minPeople: 5 });
});

test('along every axis: a period total and a dimension total each lose more than one group, until no line hides exactly one', () => {
  // (period, plan, value, records, people) for two months × two plans.
  const layout: GroupLayout = { axes: [0, 1], sides: [{ valueIndex: 2, sizeIndex: 3 }], keepsEveryPeriod: false };
  const rows: Cell[][] = [
    ['2024-01-01', 'biweekly', 100, 30, 20],
    ['2024-01-01', 'every4weeks', 10, 3, 3],
    ['2024-02-01', 'biweekly', 120, 30, 25],
    ['2024-02-01', 'every4weeks', 60, 12, 9],
  ];
  const out = suppressGroups(rows, layout, floor());
  // Jan every4weeks is under the floor. January's line then hides Jan biweekly; the every4weeks line
  // hides Feb every4weeks; then February's and biweekly's lines each hold one hidden, so Feb biweekly goes too.
  expect(out.rows).toEqual([]);
  expect(out.suppressed).toEqual({ groups: 4, minGroupSize: 1, reason: 'person_floor', minPeople: 5, complementary: 3 });
});

test('a series keeps every period: hidden ones are emptied, and the range total cannot give one of them', () => {
  const series: GroupLayout = { axes: [0], sides: [{ valueIndex: 1, sizeIndex: 2 }], keepsEveryPeriod: true };
  const out = suppressGroups(
    [
      ['2024-01-01', 12, 12, 12],
      ['2024-02-01', 3, 3, 3],
      ['2024-03-01', 7, 7, 7],
    ],
    series,
    floor(),
  );
  expect(out.rows).toEqual([
    ['2024-01-01', 12],
    ['2024-02-01', null],
    ['2024-03-01', null],
  ]);
});
