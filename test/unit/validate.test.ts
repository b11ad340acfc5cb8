import { ApiError } from '../../src/contract/errors';
import { parseQueryRequest } from '../../src/contract/validate';
import { addMonths, nextPeriodStart, periodStarts, parseIsoDate, truncateToGrain } from '../../src/contract/dates';

const valid = { metric: 'revenue', from: '2024-01-01', to: '2025-01-01' };

function reasonOf(body: unknown): string | undefined {
  try {
    parseQueryRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('INVALID_ARGUMENT');
    expect((error as ApiError).message).toMatch(/\.$|\?$/); // one sentence
    return (error as ApiError).details?.reason as string;
  }
  return undefined;
}

describe('parseQueryRequest', () => {
  test('accepts a complete request and normalises absent dimensions to []', () => {
    expect(parseQueryRequest({ ...valid, grain: 'month', filters: { plan: ['biweekly'] }, limit: 10 })).toEqual({
      ...valid,
      grain: 'month',
      dimensions: [],
      filters: { plan: ['biweekly'] },
      limit: 10,
    });
  });

  test.each<[string, unknown, string]>([
    ['an array body', [], 'invalid_body'],
    ['null', null, 'invalid_body'],
    ['a missing metric', { from: '2024-01-01', to: '2024-02-01' }, 'missing_field'],
    ['an unknown field', { ...valid, dimension: ['plan'] }, 'unknown_field'],
    ['2024-02-30', { ...valid, from: '2024-02-30' }, 'invalid_date'],
    ['a US date', { ...valid, from: '01/02/2024' }, 'invalid_date'],
    ['a timestamp', { ...valid, to: '2024-01-01T00:00' }, 'invalid_field'],
    ['from = to', { ...valid, to: valid.from }, 'range_order'],
    ['from after to', { ...valid, from: '2025-02-01' }, 'range_order'],
    ['eleven years', { ...valid, from: '2014-01-01', to: '2025-01-02' }, 'range_too_long'],
    ['an unknown grain', { ...valid, grain: 'fortnight' }, 'invalid_field'],
    ['a duplicate dimension', { ...valid, dimensions: ['plan', 'plan'] }, 'duplicate_dimension'],
    ['four dimensions', { ...valid, dimensions: ['a', 'b', 'c', 'd'] }, 'invalid_field'],
    ['a NUL in a filter', { ...valid, filters: { plan: 'a\u0000b' } }, 'invalid_field'],
    ['a 10 KB filter value', { ...valid, filters: { plan: 'x'.repeat(10_240) } }, 'invalid_field'],
    ['an empty value list', { ...valid, filters: { plan: [] } }, 'invalid_field'],
    ['a nested filter value', { ...valid, filters: { plan: { $ne: 1 } } }, 'invalid_field'],
    ['a negative limit', { ...valid, limit: -1 }, 'invalid_field'],
    ['a huge limit', { ...valid, limit: 1e9 }, 'invalid_field'],
    ['a fractional limit', { ...valid, limit: 2.5 }, 'invalid_field'],
  ])('rejects %s', (_name, body, reason) => {
    expect(reasonOf(body)).toBe(reason);
  });

  test('exactly ten years is allowed', () => {
    expect(reasonOf({ ...valid, from: '2015-01-01', to: '2025-01-01' })).toBeUndefined();
  });

  test('the ten-year limit is exact: to ≤ from + 10 calendar years, a leap day included', () => {
    expect(reasonOf({ ...valid, from: '2015-01-01', to: '2025-01-02' })).toBe('range_too_long');
    // Ten calendar years after 2016-02-29 end on 2026-02-28: one day more is too long.
    expect(reasonOf({ ...valid, from: '2016-02-29', to: '2026-02-28' })).toBeUndefined();
    expect(reasonOf({ ...valid, from: '2016-02-29', to: '2026-03-01' })).toBe('range_too_long');
    expect(reasonOf({ ...valid, from: '2014-08-31', to: '2024-08-31' })).toBeUndefined();
    expect(reasonOf({ ...valid, from: '2014-08-31', to: '2024-09-01' })).toBe('range_too_long');
  });

  test('filter names that are Object.prototype members stay filters (so the catalog can refuse them)', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const body = JSON.parse(`{"metric":"revenue","from":"2024-01-01","to":"2024-02-01","filters":{"${name}":"x"}}`);
      const request = parseQueryRequest(body);
      expect(Object.keys(request.filters ?? {})).toEqual([name]);
      expect(Object.getOwnPropertyDescriptor(request.filters, name)?.value).toBe('x');
    }
  });
});

describe('dates', () => {
  test('parseIsoDate knows the calendar', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(parseIsoDate('2023-02-29')).toBeNull();
    expect(parseIsoDate('2024-13-01')).toBeNull();
    expect(parseIsoDate('2024-1-01')).toBeNull();
  });

  test('weeks start on Monday (ISO) and quarters on Jan/Apr/Jul/Oct', () => {
    expect(truncateToGrain('2024-01-07', 'week')).toBe('2024-01-01'); // Sunday → Monday before
    expect(truncateToGrain('2024-01-08', 'week')).toBe('2024-01-08');
    expect(truncateToGrain('2024-08-31', 'quarter')).toBe('2024-07-01');
  });

  test('addMonths clamps to the end of a shorter month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-03-31', 1)).toBe('2024-04-30');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonths('2024-12-31', 2)).toBe('2025-02-28');
    expect(addMonths('2024-01-15', -13)).toBe('2022-12-15');
    expect(addMonths('2024-01-31', 0)).toBe('2024-01-31');
    // Period starts are firsts of months and never clamp.
    expect(nextPeriodStart('2024-01-01', 'month')).toBe('2024-02-01');
  });

  test('periodStarts covers a half-open range', () => {
    expect(periodStarts('2024-01-15', '2024-03-01', 'month')).toEqual(['2024-01-01', '2024-02-01']);
    expect(periodStarts('2024-01-15', '2024-03-02', 'month')).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
  });
});
