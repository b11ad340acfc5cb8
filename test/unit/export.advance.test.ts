/**
 * The pure parts of `source advance`: keyed draws, the day window and its moments, the generator's
 * daily rates, and the writer's promises (values only as parameters, `updated_at` on every update).
 */
import type { Connection } from 'mysql2/promise';
import { businessDay, jstDateOf, momentIn, sqlDate } from '../../src/export/advance/businessDay';
import { DayWriter } from '../../src/export/advance/dayWriter';
import { Dice } from '../../src/export/advance/dice';
import { cancelChance, erasuresPerDay, expectedShopOrders, expectedSignUps } from '../../src/export/advance/volumes';

const day = (iso: string) => Date.parse(iso) / 1000 / 86_400;

describe('keyed draws', () => {
  it('give the same value for the same seed, day, salt and key, and another for another day', () => {
    const a = new Dice(7, '2026-11-02T00:00:00.000Z');
    expect(a.u('gender', 12)).toBe(new Dice(7, '2026-11-02T00:00:00.000Z').u('gender', 12));
    expect(a.u('gender', 12)).not.toBe(new Dice(7, '2026-11-03T00:00:00.000Z').u('gender', 12));
    expect(a.u('gender', 12)).not.toBe(new Dice(8, '2026-11-02T00:00:00.000Z').u('gender', 12));
    const draws = Array.from({ length: 10_000 }, (_, i) => a.u('x', i));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((s, u) => s + u, 0) / draws.length).toBeCloseTo(0.5, 1);
  });

  it('round an expected count up or down so that its mean is kept', () => {
    const total = Array.from({ length: 2000 }, (_, i) => new Dice(1, `d${i}`).count(0.3, 'n')).reduce((s, n) => s + n, 0);
    expect(total / 2000).toBeCloseTo(0.3, 1);
  });
});

describe('the business day', () => {
  it.each([['2026-11-01T00:00:00.000Z'], ['2026-11-01T13:45:12.345Z']])('puts every moment in (clock, clock + 24 h], on whole seconds, from %s', (clock) => {
    const d = businessDay(42, Date.parse(clock));
    const moments = Array.from({ length: 5000 }, (_, key) => momentIn(d, 'signup', key));
    expect(moments.filter((m) => !Number.isInteger(m) || m * 1000 <= d.startMs || m * 1000 > d.endMs)).toEqual([]);
    // Evenings (JST) are busier than the small hours, as the generator's app-usage profile.
    const jstHour = (m: number) => Math.floor(((m + 9 * 3600) % 86_400) / 3600);
    expect(moments.filter((m) => jstHour(m) === 21).length).toBeGreaterThan(3 * moments.filter((m) => jstHour(m) === 4).length);
  });

  it('takes its date as the generator does: the JST date at the end of the day', () => {
    const d = businessDay(42, Date.parse('2026-11-01T00:00:00Z'));
    expect(sqlDate(d.jstDate)).toBe('2026-11-02');
    expect(sqlDate(jstDateOf(Date.parse('2026-11-01T15:00:00Z') / 1000))).toBe('2026-11-02');
    expect(sqlDate(jstDateOf(Date.parse('2026-11-01T14:59:59Z') / 1000))).toBe('2026-11-01');
  });
});

describe("the generator's daily rates", () => {
  it('has about 6 sign-ups a day at scale 1 in late 2026, twice as many in December, in proportion to scale', () => {
    const november = expectedSignUps(day('2026-11-04T00:00:00Z'), 1);
    expect(november).toBeGreaterThan(4);
    expect(november).toBeLessThan(9);
    expect(expectedSignUps(day('2026-12-02T00:00:00Z'), 1) / expectedSignUps(day('2026-11-04T00:00:00Z'), 1)).toBeGreaterThan(1.6);
    expect(expectedSignUps(day('2026-11-04T00:00:00Z'), 10)).toBeCloseTo(10 * november, 6);
  });

  it('has about one shop order per 900 people a day, and cancellations as the lifetime mix', () => {
    expect(expectedShopOrders(day('2026-11-04T00:00:00Z'), 10_000)).toBeCloseTo(10_000 * 0.0011 * 1.15, 6);
    expect(cancelChance(3)).toBe(0);
    expect(cancelChance(30)).toBeGreaterThan(cancelChance(400));
    expect(cancelChance(400)).toBeGreaterThan(0);
    expect(cancelChance(400)).toBeLessThan(0.01);
    expect(erasuresPerDay(500)).toBe(1);
    expect(erasuresPerDay(100_000)).toBe(10);
  });
});

describe('the day writer', () => {
  function recordingConnection() {
    const statements: Array<{ sql: string; params: unknown }> = [];
    const conn = {
      query: async (sql: string, params: unknown) => {
        statements.push({ sql, params });
        return [{ affectedRows: 1 }, []];
      },
    } as unknown as Connection;
    return { conn, statements };
  }

  it('refuses an update that would leave updated_at to the server clock', async () => {
    const { conn, statements } = recordingConnection();
    const w = new DayWriter(conn);
    await expect(w.update('users', { phone: '090-0000-0000' }, { user_id: 1 })).rejects.toThrow(/must set updated_at/);
    expect(statements).toEqual([]);
    // box_items and shop_order_items have no updated_at to set.
    await w.update('shop_order_items', { quantity: 2 }, { order_id: 1 });
    expect(w.changes.shop_order_items.updated).toBe(1);
  });

  it('sends values only as parameters, and inserts whole rows of the contract', async () => {
    const { conn, statements } = recordingConnection();
    const w = new DayWriter(conn);
    const evil = "x'); DROP TABLE users; --";
    await w.update('users', { phone: evil, updated_at: '2026-11-01 10:00:00' }, { user_id: [1, 2] });
    expect(statements[0]!.sql).toBe('UPDATE `users` SET `phone` = ?, `updated_at` = ? WHERE `user_id` IN (?)');
    expect(statements[0]!.params).toEqual([evil, '2026-11-01 10:00:00', [1, 2]]);
    await expect(w.insert('shop_order_items', [{ order_id: 1, product_id: 2, quantity: 1 }])).rejects.toThrow(/lacks unit_price_jpy/);
    await w.insert('shop_order_items', [{ order_id: 1, product_id: 2, quantity: 1, unit_price_jpy: evil }]);
    expect(statements[1]!.sql).toBe('INSERT INTO `shop_order_items` (`order_id`, `product_id`, `quantity`, `unit_price_jpy`) VALUES ?');
    expect(statements[1]!.params).toEqual([[[1, 2, 1, evil]]]);
    // An empty key list matches nothing and sends nothing.
    expect(await w.delete('ratings', { user_id: [] })).toBe(0);
    expect(statements).toHaveLength(2);
  });
});
