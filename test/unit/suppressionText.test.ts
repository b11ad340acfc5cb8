/** The one phrasing of hidden groups (src/contract/suppressionText.ts) that the CLI, cells, blocks and the sidebar share. */
import { hiddenValueText, personFloorText, suppressionText } from '../../src/contract/suppressionText';
import { formatResult } from '../../src/cli/format';
import type { QueryResult, Suppressed } from '../../src/contract/types';

const personFloor = (groups: number, complementary?: number, minGroupSize = 1): Suppressed => ({
  groups,
  minGroupSize,
  reason: 'person_floor',
  minPeople: 5,
  ...(complementary === undefined ? {} : { complementary }),
});

describe('suppressionText', () => {
  test('the record floor, in both languages, singular and plural', () => {
    const two: Suppressed = { groups: 2, minGroupSize: 10, reason: 'min_group_size' };
    expect(suppressionText(two, 'ja')).toBe('2 グループを非表示にしました（10 件未満）。');
    expect(suppressionText(two, 'en')).toBe('2 groups hidden (fewer than 10 records).');
    expect(suppressionText({ ...two, groups: 1 }, 'en')).toBe('1 group hidden (fewer than 10 records).');
  });

  test('an answer cached before `reason` existed reads as the record floor', () => {
    const old = { groups: 3, minGroupSize: 10 } as Suppressed;
    expect(suppressionText(old, 'ja')).toBe('3 グループを非表示にしました（10 件未満）。');
    expect(suppressionText(old, 'en')).toBe('3 groups hidden (fewer than 10 records).');
  });

  test('the person floor without complementary groups (absent or 0)', () => {
    expect(suppressionText(personFloor(2), 'ja')).toBe('2 グループを非表示にしました（5 人未満）。');
    expect(suppressionText(personFloor(2, 0), 'en')).toBe('2 groups hidden (fewer than 5 people).');
    expect(suppressionText(personFloor(1, 0), 'en')).toBe('1 group hidden (fewer than 5 people).');
  });

  test('the person floor with one complementary group', () => {
    expect(suppressionText(personFloor(3, 1), 'ja')).toBe(
      '3 グループを非表示にしました（5 人未満のグループと、差し引きで求められないようにするための 1 グループ）。',
    );
    expect(suppressionText(personFloor(3, 1), 'en')).toBe(
      '3 groups hidden: groups of fewer than 5 people, and 1 more so that none can be worked out by subtraction.',
    );
    // One small group and the one hidden to protect it.
    expect(suppressionText(personFloor(2, 1), 'en')).toBe(
      '2 groups hidden: a group of fewer than 5 people, and 1 more so that it cannot be worked out by subtraction.',
    );
  });

  test('the person floor with several complementary groups', () => {
    expect(suppressionText(personFloor(7, 4), 'ja')).toBe(
      '7 グループを非表示にしました（5 人未満のグループと、差し引きで求められないようにするための 4 グループ）。',
    );
    expect(suppressionText(personFloor(7, 4), 'en')).toBe(
      '7 groups hidden: groups of fewer than 5 people, and 4 more so that none can be worked out by subtraction.',
    );
  });

  test('a record floor above the person floor is named too; one at or below it adds nothing', () => {
    expect(suppressionText(personFloor(2, 0, 10), 'ja')).toBe('2 グループを非表示にしました（5 人未満または 10 件未満）。');
    expect(suppressionText(personFloor(2, 0, 10), 'en')).toBe('2 groups hidden (fewer than 5 people or 10 records).');
    expect(suppressionText(personFloor(2, 0, 5), 'en')).toBe('2 groups hidden (fewer than 5 people).');
  });

  test('a complementary count beyond the groups is read as all of them, never a negative count', () => {
    expect(suppressionText(personFloor(2, 9), 'en')).toBe(
      '2 groups hidden: groups of fewer than 5 people, and 2 more so that none can be worked out by subtraction.',
    );
  });
});

describe('hiddenValueText (one value, SNAQ_VALUE)', () => {
  test('says why and what to do, for each floor', () => {
    expect(hiddenValueText(personFloor(1), 'ja')).toBe(
      'この条件に当てはまるのは 5 人未満のため、個人が特定されないよう値を表示していません。期間を広げるか、絞り込みを外してください。',
    );
    expect(hiddenValueText(personFloor(1), 'en')).toBe(
      'Fewer than 5 people match these conditions, so the value is hidden to protect individuals: widen the range or drop a filter.',
    );
    expect(hiddenValueText({ groups: 1, minGroupSize: 10, reason: 'min_group_size' }, 'en')).toBe(
      'Fewer than 10 records match these conditions, so the value is hidden to protect individuals: widen the range or drop a filter.',
    );
    expect(hiddenValueText({ groups: 1, minGroupSize: 10 } as Suppressed, 'ja')).toMatch(/^この条件に当てはまるのは 10 件未満のため/);
  });

  test('a value hidden only to protect another group says so, not that it is small', () => {
    expect(hiddenValueText(personFloor(1, 1), 'en')).toBe(
      'This value is hidden so that a smaller group cannot be worked out by subtraction: widen the range or drop a filter.',
    );
    expect(hiddenValueText(personFloor(1, 1), 'ja')).toMatch(/^差し引きで小さなグループの値が求められないよう/);
  });
});

test("a metric's person floor", () => {
  expect(personFloorText(5, 'ja')).toBe('人の属性で分けると、5 人未満のグループは表示しません。');
  expect(personFloorText(5, 'en')).toBe('Split or filtered by who people are, groups of fewer than 5 people are hidden.');
});

test("the CLI's table footer says the same sentence", () => {
  const result: QueryResult = {
    columns: [
      { name: 'prefecture', type: 'string', role: 'dimension', title: { ja: '都道府県', en: 'prefecture' } },
      { name: 'orders', type: 'number', role: 'value', title: { ja: '注文数', en: 'orders' }, unit: 'count' },
    ],
    rows: [['東京都', 120]],
    meta: { generatedAt: '2026-11-30T00:00:00Z', suppressed: personFloor(3, 1) },
  };
  expect(formatResult(result, 'table', 'en')).toContain(
    ' · 3 groups hidden: groups of fewer than 5 people, and 1 more so that none can be worked out by subtraction.',
  );
  expect(formatResult(result, 'table', 'ja')).toContain(
    '3 グループを非表示にしました（5 人未満のグループと、差し引きで求められないようにするための 1 グループ）。',
  );
  expect(formatResult({ ...result, meta: { generatedAt: result.meta.generatedAt } }, 'table', 'en')).not.toContain('hidden');
});
