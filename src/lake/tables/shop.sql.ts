/**
 * The one-off online shop: `shop_orders` and `shop_order_items`.
 *
 * Daily order volume is proportional to the users registered so far, times a month profile
 * with a strong December gift peak. Each order goes to a user who signed up on an earlier
 * day, so ordered_at is always after registered_at.
 */
import { JST_HOUR_WEIGHTS, SHOP_SEASONALITY } from '../reference-data';
import { weightedCase } from '../sql';
import { productPickJoin } from './products.sql';

/** Orders per registered user per day outside season (about one order per user every 2.5 years). */
export const ORDERS_PER_USER_DAY = 0.0011;

export function shopStatements(): string[] {
  const season = `[${SHOP_SEASONALITY.join(', ')}][month(day)]`;
  return [
    `CREATE TABLE shop_days AS
     WITH counts AS (
       SELECT day, day_no, users_before,
         CAST(floor(users_before * ${ORDERS_PER_USER_DAY} * ${season}
           * (CASE WHEN dayofweek(day) IN (0, 6) THEN 1.2 ELSE 1.0 END)
           * (0.75 + 0.5 * rnd(day_no, 'shop:noise'))
           + rnd(day_no, 'shop:round')) AS BIGINT) AS n
       FROM reg_days
     )
     SELECT day, users_before, n, CAST(sum(n) OVER (ORDER BY day) - n AS BIGINT) AS orders_before FROM counts`,
    `CREATE TABLE shop_orders_all AS
     WITH ids AS (
       SELECT day, users_before, orders_before + unnest(range(1, n + 1)) AS order_id FROM shop_days WHERE n > 0
     )
     SELECT order_id, day,
       1 + CAST(floor(rnd(order_id, 'shop:user') * users_before) AS BIGINT) AS user_id,
       jst_ts(day, ${weightedCase(`rnd(order_id, 'shop:hour')`, JST_HOUR_WEIGHTS)} * 3600 + floor(rnd(order_id, 'shop:sec') * 3600)) AS ordered_at,
       CASE WHEN rnd(order_id, 'shop:canceled') < 0.03 THEN 'canceled' ELSE 'completed' END AS status,
       ${weightedCase(`rnd(order_id, 'shop:lines')`, [
         [1, 45],
         [2, 30],
         [3, 15],
         [4, 10],
       ])} AS n_lines
     FROM ids`,
    // Lines that draw the same product merge into one item with the summed quantity.
    `CREATE TABLE shop_items_all AS
     WITH lines AS (
       SELECT o.order_id, o.day, l.line,
         ${weightedCase(`rnd2(o.order_id, l.line, 'shop:qty')`, [
           [1, 70],
           [2, 20],
           [3, 10],
         ])} AS quantity
       FROM shop_orders_all o CROSS JOIN range(4) l(line)
       WHERE l.line < o.n_lines AND o.ordered_at < as_of()
     )
     SELECT ln.order_id, pick.product_id, CAST(sum(ln.quantity) AS INTEGER) AS quantity, p.list_price_jpy AS unit_price_jpy
     FROM lines ln
     ${productPickJoin('pick', 'ln.day', `rnd2(ln.order_id, ln.line, 'shop:pick')`)}
     JOIN product_base p ON p.product_id = pick.product_id
     GROUP BY ln.order_id, pick.product_id, p.list_price_jpy`,
    `CREATE VIEW lake_shop_order_items AS SELECT order_id, product_id, quantity, unit_price_jpy FROM shop_items_all`,
    // total_jpy is derived from the items, so it always equals their sum.
    `CREATE VIEW lake_shop_orders AS
     SELECT o.order_id, o.user_id, o.ordered_at, o.status, t.total_jpy
     FROM shop_orders_all o
     JOIN (SELECT order_id, sum(quantity * unit_price_jpy) AS total_jpy FROM shop_items_all GROUP BY order_id) t USING (order_id)
     WHERE o.ordered_at < as_of()`,
  ];
}
