/** Freshness SLO attainment (src/lake/sloAttainment.ts): the share of whole hours a table's served snapshot was within its SLO. */
import path from 'node:path';
import { dailySloAttainment, sloAttainment, type AttainmentEvent } from '../../src/lake/sloAttainment';
import { importsOf, typecheckWithEcmaScriptOnly } from '../support/pureModules';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (hours: number) => new Date(T0 + hours * H).toISOString();

/** A serving event at `hours` after T0 whose users snapshot was taken at `snapshotHours`. */
function published(hours: number, snapshotHours: number, outcome = 'published'): AttainmentEvent {
  return { at: at(hours), outcome, tables: { users: { snapshotAt: at(snapshotHours) } } };
}
const window = (fromHours: number, toHours: number) => ({ from: new Date(T0 + fromHours * H), to: new Date(T0 + toHours * H) });

describe('sloAttainment', () => {
  test('one snapshot and no other: met while it is young enough, unmet after', () => {
    // Hours ending at +1 … +26 are within 26 h of the snapshot; +27 … +48 are not.
    expect(sloAttainment([published(0, 0)], 'users', 26, window(0, 48))).toEqual({ attainment: 26 / 48, hoursMet: 26, hours: 48 });
  });

  test('a daily export keeps every hour met', () => {
    const daily = [0, 24, 48, 72].map((h) => published(h, h - 1));
    expect(sloAttainment(daily, 'users', 26, window(0, 96))).toEqual({ attainment: 1, hoursMet: 96, hours: 96 });
  });

  test('a gap: two days without a publish leaves the hours after the SLO unmet until the next one', () => {
    const events = [published(0, 0), published(50, 50)];
    // Hours ending +1…+26 met, +27…+49 unmet (23), the hour ending +50 sees the new snapshot, +51…+60 met.
    expect(sloAttainment(events, 'users', 26, window(0, 60))).toEqual({ attainment: 37 / 60, hoursMet: 37, hours: 60 });
  });

  test('refused and failed runs change nothing that is served', () => {
    const events = [published(0, 0), { ...published(10, 10), outcome: 'refused' }, { ...published(20, 20), outcome: 'failed' }];
    expect(sloAttainment(events, 'users', 26, window(0, 48))).toEqual(sloAttainment([published(0, 0)], 'users', 26, window(0, 48)));
  });

  test('a rollback serves the older snapshot again: the hours after it are judged by its age', () => {
    const events = [published(0, 0), published(24, 24), published(30, 0, 'rolled_back')];
    // Hours ending +1 … +29 are met (the first snapshot, then the second); from the hour ending +30 the
    // rolled-back-to snapshot is served again, 30 h old and older: unmet.
    expect(sloAttainment(events, 'users', 26, window(0, 40))).toEqual({ attainment: 29 / 40, hoursMet: 29, hours: 40 });
  });

  test('a young lake: hours before its first publish are not counted, the hour it appeared in is', () => {
    const first: AttainmentEvent = { at: new Date(T0 + 7.25 * H).toISOString(), outcome: 'published', tables: { users: { snapshotAt: at(7) } } };
    // The window asks for 30 days back; the lake exists from 07:15, so hours 07:00-08:00 … 09:00-10:00 count.
    expect(sloAttainment([first], 'users', 26, window(-720, 10))).toEqual({ attainment: 1, hoursMet: 3, hours: 3 });
  });

  test('an empty window, a reversed one, or no serving event at all: null, not 0', () => {
    expect(sloAttainment([published(0, 0)], 'users', 26, window(5, 5))).toEqual({ attainment: null, hoursMet: 0, hours: 0 });
    expect(sloAttainment([published(0, 0)], 'users', 26, window(9, 5))).toEqual({ attainment: null, hoursMet: 0, hours: 0 });
    expect(sloAttainment([], 'users', 26, window(0, 48))).toEqual({ attainment: null, hoursMet: 0, hours: 0 });
    expect(sloAttainment([{ ...published(0, 0), outcome: 'failed' }], 'users', 26, window(0, 48))).toEqual({ attainment: null, hoursMet: 0, hours: 0 });
    // A window that ends before the first publish's hour.
    expect(sloAttainment([published(10, 10)], 'users', 26, window(0, 10))).toEqual({ attainment: null, hoursMet: 0, hours: 0 });
  });

  test('an event exactly at an hour boundary serves the hour that ends there', () => {
    const stale = published(0, -48);
    const fresh = published(8, 8);
    // Hours ending +1 … +7 serve the stale snapshot; the hour ending +8 already serves the fresh one.
    expect(sloAttainment([stale, fresh], 'users', 26, window(0, 10))).toEqual({ attainment: 3 / 10, hoursMet: 3, hours: 10 });
    // And a first event at a boundary starts the window there: the hour before it does not count.
    expect(sloAttainment([fresh], 'users', 26, window(0, 10))).toEqual({ attainment: 1, hoursMet: 2, hours: 2 });
  });

  test('an age of exactly the SLO is met; one hour more is not', () => {
    expect(sloAttainment([published(0, -25)], 'users', 26, window(0, 2))).toEqual({ attainment: 0.5, hoursMet: 1, hours: 2 });
  });

  test('only whole clock hours inside the window count', () => {
    const result = sloAttainment([published(0, 0)], 'users', 26, { from: new Date(T0 + 0.5 * H), to: new Date(T0 + 3.5 * H) });
    expect(result).toEqual({ attainment: 1, hoursMet: 2, hours: 2 }); // 01:00-02:00 and 02:00-03:00
  });

  test('events given out of order are read in time order; a table the event does not serve is unmet', () => {
    const events = [published(24, 24), published(0, 0)];
    expect(sloAttainment(events, 'users', 26, window(0, 48))).toEqual({ attainment: 1, hoursMet: 48, hours: 48 });
    expect(sloAttainment(events, 'products', 170, window(0, 48))).toEqual({ attainment: 0, hoursMet: 0, hours: 48 });
  });

  test('each table is judged against its own SLO', () => {
    const events: AttainmentEvent[] = [{ at: at(0), outcome: 'published', tables: { users: { snapshotAt: at(0) }, products: { snapshotAt: at(0) } } }];
    expect(sloAttainment(events, 'users', 26, window(0, 100)).hoursMet).toBe(26);
    expect(sloAttainment(events, 'products', 170, window(0, 100)).hoursMet).toBe(100);
  });
});

describe('dailySloAttainment (the chart of the data-health view)', () => {
  // Nightly publishes at 03:00 JST (18:00 UTC, T0 − 6 h − 24k) of a snapshot taken an hour before,
  // for ten nights, except the fifth-last (k = 4), which never came.
  const nightly = [0, 1, 2, 3, 5, 6, 7, 8, 9].map((k) => published(-6 - 24 * k, -7 - 24 * k));
  const to = new Date(T0 + 3 * H); // 12:00 JST on 2026-11-01
  const points = dailySloAttainment(nightly, 'users', 26, to);

  test('30 JST days, oldest first, ending with the day of `to`', () => {
    expect(points).toHaveLength(30);
    expect(points.at(-1)!.day).toBe('2026-11-01');
    expect(points[0]!.day).toBe('2026-10-03');
    expect(new Set(points.map((point) => point.day)).size).toBe(30);
  });

  test('days before the first publish are null; the first day counts from its hour; today only up to `to`', () => {
    // The first publish is at T0 − 222 h (2026-10-23 03:00 JST): that JST day began at T0 − 225 h.
    const before = points.filter((point) => point.day < '2026-10-23');
    expect(before.every((point) => point.attainment === null && point.hours === 0)).toBe(true);
    expect(points.find((point) => point.day === '2026-10-23')).toEqual({ day: '2026-10-23', attainment: 1, hoursMet: 21, hours: 21 });
    // 2026-11-01 JST began at T0 − 9 h: hours ending −8 … +3.
    expect(points.at(-1)).toEqual({ day: '2026-11-01', attainment: 1, hoursMet: 12, hours: 12 });
  });

  test('the missed night shows as unmet hours on the two JST days it spans', () => {
    // Served: the snapshot of T0 − 127 h until the publish at T0 − 78 h: hours ending −100 … −79 are
    // past 26 h. Those ending −100 … −81 are in the JST day from −105 (10-28), −80 and −79 in the next (10-29).
    expect(points.find((point) => point.day === '2026-10-28')).toEqual({ day: '2026-10-28', attainment: 4 / 24, hoursMet: 4, hours: 24 });
    expect(points.find((point) => point.day === '2026-10-29')).toEqual({ day: '2026-10-29', attainment: 22 / 24, hoursMet: 22, hours: 24 });
    expect(points.filter((point) => point.attainment !== null && point.attainment < 1).map((point) => point.day)).toEqual(['2026-10-28', '2026-10-29']);
  });

  test('the days add up to the same hours as the window they cover', () => {
    const whole = sloAttainment(nightly, 'users', 26, window(-225, 3));
    expect(points.reduce((sum, point) => sum + point.hours, 0)).toBe(whole.hours);
    expect(points.reduce((sum, point) => sum + point.hoursMet, 0)).toBe(whole.hoursMet);
  });

  test('`to` at JST midnight ends with the day just finished, whole', () => {
    const midnight = new Date(T0 - 9 * H);
    const last = dailySloAttainment(nightly, 'users', 26, midnight, 2);
    expect(last.map((point) => point.day)).toEqual(['2026-10-30', '2026-10-31']);
    expect(last[1]!.hours).toBe(24);
  });
});

test('it stays pure for Orders 4 and 5: no imports, and it type-checks with the ECMAScript library alone', () => {
  const file = path.resolve(__dirname, '../../src/lake/sloAttainment.ts');
  expect(importsOf([file])).toEqual([]);
  expect(typecheckWithEcmaScriptOnly([file])).toBe('');
});
