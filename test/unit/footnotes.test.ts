/** The footnote convention of SNAQ_* tables (src/addon/server/footnotes.ts): pure, so tested without a sheet. */
import { dataEdgeNotes, footnoteRows, forecastNotes, periodLabel, suppressionNotes } from '../../src/addon/server/footnotes';
import { jstMinute } from '../../src/contract/dates';
import type { ForecastResult } from '../../src/contract/types';

const EDGE = '2026-11-01T00:00:00.000Z';

test('notes become rows of one ※ cell each (rectangular pads them to the table)', () => {
  expect(footnoteRows([])).toEqual([]);
  expect(footnoteRows(['a', 'b'])).toEqual([['※ a'], ['※ b']]);
});

test('instants read in JST, periods as their grain names them', () => {
  expect(jstMinute(EDGE)).toBe('2026-11-01 09:00 JST');
  expect(jstMinute('2026-10-31T15:00:00Z')).toBe('2026-11-01 00:00 JST');
  expect(periodLabel('2026-11-01', 'month', 'ja')).toBe('2026-11');
  expect(periodLabel('2026-10-01', 'quarter', 'en')).toBe('2026 Q4');
  expect(periodLabel('2026-01-01', 'year', 'en')).toBe('2026');
  expect(periodLabel('2026-10-26', 'week', 'ja')).toBe('2026-10-26 の週');
  expect(periodLabel('2026-10-26', 'week', 'en')).toBe('the week of 2026-10-26');
  expect(periodLabel('2026-10-26', 'day', 'en')).toBe('2026-10-26');
});

test('a range that runs past the data names its partial period, or says later periods are empty', () => {
  expect(dataEdgeNotes({ dataEnd: EDGE, partialPeriod: '2026-11-01' }, { to: '2027-01-01', grain: 'month' }, 'en')).toEqual([
    '2026-11 is partial: data up to 2026-11-01 09:00 JST. Later periods are empty.',
  ]);
  expect(dataEdgeNotes({ dataEnd: EDGE }, { to: '2027-01-01', grain: 'month' }, 'ja')).toEqual([
    'データは 2026-11-01 09:00 JST までです。それより後の期間は空欄です。',
  ]);
  // Ends at 2026-11-01 00:00 JST, before the edge at 09:00: nothing to say.
  expect(dataEdgeNotes({ dataEnd: EDGE, partialPeriod: '2026-10-01' }, { to: '2026-11-01', grain: 'month' }, 'en')).toEqual([]);
  expect(dataEdgeNotes({}, { to: '2027-01-01' }, 'en')).toEqual([]);
});

test('a forecast says where it starts when the range runs past the data, or that there is nothing to forecast', () => {
  const forecast = (rows: ForecastResult['rows']): ForecastResult => ({ rows, meta: { generatedAt: EDGE, dataEnd: EDGE } }) as unknown as ForecastResult;
  const past = forecast([
    ['2026-10-01', 5, null, null, null],
    ['2026-11-01', null, 6, 4, 8],
  ]);
  expect(forecastNotes(past, { to: '2026-12-01', grain: 'month' }, 'en')).toEqual([
    'Data runs to 2026-11-01 09:00 JST, so the forecast starts after the last complete period, 2026-10.',
  ]);
  expect(forecastNotes(past, { to: '2026-11-01', grain: 'month' }, 'en')).toEqual([]);
  expect(forecastNotes(forecast([['2026-10-01', null, null, null, null]]), { to: '2026-11-01', grain: 'month' }, 'ja')).toEqual([
    'この条件には実績がないため、予測できません。',
  ]);
});

test('an answer that hid groups says so in one note; one that hid none, or says 0, says nothing', () => {
  expect(suppressionNotes({ suppressed: { groups: 2, minGroupSize: 10, reason: 'min_group_size' } }, 'en')).toEqual([
    '2 groups hidden (fewer than 10 records).',
  ]);
  expect(suppressionNotes({ suppressed: { groups: 1, minGroupSize: 1, reason: 'person_floor', minPeople: 5 } }, 'ja')).toEqual([
    '1 グループを非表示にしました（5 人未満）。',
  ]);
  expect(suppressionNotes({}, 'en')).toEqual([]);
  expect(suppressionNotes({ suppressed: { groups: 0, minGroupSize: 10, reason: 'min_group_size' } }, 'en')).toEqual([]);
});
