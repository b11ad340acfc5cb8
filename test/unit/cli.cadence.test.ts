/** The cadence `snaq forecast --csv` reads from a series' periods (src/cli/cadence.ts). */
import { detectCadence, isCadence, periodsAfter } from '../../src/cli/cadence';

function next(periods: string[], count = 3): string[] {
  const found = detectCadence(periods);
  if (!isCadence(found)) throw new Error(`no cadence: ${JSON.stringify(found)}`);
  return periodsAfter(periods, found, count);
}

test('daily: one day apart, across a month end and a leap day', () => {
  expect(detectCadence(['2024-02-27', '2024-02-28', '2024-02-29'])).toMatchObject({ kind: 'day' });
  expect(next(['2024-02-27', '2024-02-28', '2024-02-29'])).toEqual(['2024-03-01', '2024-03-02', '2024-03-03']);
});

test('weekly: seven days apart, whatever the weekday, across a year end', () => {
  const sundays = ['2024-12-15', '2024-12-22', '2024-12-29'];
  expect(detectCadence(sundays)).toMatchObject({ kind: 'week' });
  expect(next(sundays, 2)).toEqual(['2025-01-05', '2025-01-12']);
});

test('monthly: month starts, and the same day of the month', () => {
  expect(next(['2023-11-01', '2023-12-01', '2024-01-01'])).toEqual(['2024-02-01', '2024-03-01', '2024-04-01']);
  expect(next(['2024-01-15', '2024-02-15'], 2)).toEqual(['2024-03-15', '2024-04-15']);
});

test('monthly month ends stay month ends: 01-31 → 02-29 → 03-31 goes on to 04-30, 05-31', () => {
  const ends = ['2024-01-31', '2024-02-29', '2024-03-31'];
  expect(detectCadence(ends)).toMatchObject({ kind: 'month', dayOfMonth: 31 });
  expect(next(ends)).toEqual(['2024-04-30', '2024-05-31', '2024-06-30']);
  // A series ending on the clamped February still continues from its anchor day, not from the 29th.
  expect(next(['2023-12-31', '2024-01-31', '2024-02-29'], 2)).toEqual(['2024-03-31', '2024-04-30']);
  expect(next(['2023-11-30', '2023-12-31', '2024-01-31'], 2)).toEqual(['2024-02-29', '2024-03-31']);
});

test('monthly on the 30th: February clamps, March returns to the 30th', () => {
  expect(next(['2024-01-30', '2024-02-29'], 2)).toEqual(['2024-03-30', '2024-04-30']);
  expect(next(['2023-12-30', '2024-01-30'], 3)).toEqual(['2024-02-29', '2024-03-30', '2024-04-30']);
});

test('quarterly and yearly steps', () => {
  expect(detectCadence(['2024-01-01', '2024-04-01', '2024-07-01'])).toMatchObject({ kind: 'quarter' });
  expect(next(['2024-01-01', '2024-04-01', '2024-07-01'], 2)).toEqual(['2024-10-01', '2025-01-01']);
  expect(next(['2023-12-31', '2024-03-31', '2024-06-30'], 2)).toEqual(['2024-09-30', '2024-12-31']);
  expect(detectCadence(['2022-01-01', '2023-01-01'])).toMatchObject({ kind: 'year' });
  expect(next(['2023-02-28', '2024-02-29'], 2)).toEqual(['2025-02-28', '2026-02-28']);
});

test('irregular periods name the first pair that breaks the step', () => {
  expect(detectCadence(['2024-01-01', '2024-02-01', '2024-04-01', '2024-05-01'])).toEqual({ problem: 'irregular', from: '2024-02-01', to: '2024-04-01' });
  expect(detectCadence(['2024-01-01', '2024-01-02', '2024-01-04'])).toEqual({ problem: 'irregular', from: '2024-01-02', to: '2024-01-04' });
  expect(detectCadence(['2024-01-01', '2024-01-08', '2024-01-14'])).toEqual({ problem: 'irregular', from: '2024-01-08', to: '2024-01-14' });
  expect(detectCadence(['2024-01-01', '2024-01-11', '2024-01-21'])).toMatchObject({ problem: 'irregular' });
  // A month-end series with one 30th among the 31sts is not monthly.
  expect(detectCadence(['2024-01-31', '2024-02-29', '2024-03-30'])).toMatchObject({ problem: 'irregular' });
  // Out of order, or repeated.
  expect(detectCadence(['2024-02-01', '2024-01-01'])).toMatchObject({ problem: 'irregular' });
  expect(detectCadence(['2024-01-01', '2024-01-01'])).toMatchObject({ problem: 'irregular' });
});

test('periods that are not ISO dates, or too few, have no cadence', () => {
  expect(detectCadence(['m0', 'm1'])).toEqual({ problem: 'not_a_date', period: 'm0' });
  expect(detectCadence(['2024-01-01', '2024-02-30'])).toEqual({ problem: 'not_a_date', period: '2024-02-30' });
  expect(detectCadence(['2024-01-01'])).toEqual({ problem: 'too_few' });
});

test('months written YYYY-MM continue as YYYY-MM, monthly, quarterly or yearly', () => {
  expect(detectCadence(['2023-11', '2023-12'])).toMatchObject({ kind: 'month', yearMonth: true });
  expect(next(['2023-11', '2023-12', '2024-01'])).toEqual(['2024-02', '2024-03', '2024-04']);
  expect(next(['2023-10', '2024-01'], 2)).toEqual(['2024-04', '2024-07']);
  expect(detectCadence(['2023-11', '2024-01', '2024-02'])).toEqual({ problem: 'irregular', from: '2023-11', to: '2024-01' });
  expect(detectCadence(['2024-12', '2024-13'])).toEqual({ problem: 'not_a_date', period: '2024-13' });
  // Mixed with full dates: not one shape, so no cadence.
  expect(detectCadence(['2024-01', '2024-02-01'])).toEqual({ problem: 'not_a_date', period: '2024-01' });
});
