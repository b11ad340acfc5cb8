/**
 * The box lifecycle: `boxes`, `box_items`, `snack_requests` and `ratings`.
 *
 * A subscription gets a box every 14 or 28 days from three days after it starts, until it
 * ends, or, while still active at asOf, until the one upcoming box. Each non-skipped box has
 * 8 slots filled from the month's long-tail product_pick; some slots are the user's requests.
 *
 * Status against asOf: the upcoming box is 'assigned'; a box whose scheduled (JST) date is
 * today or yesterday is 'picked' (the warehouse confirms shipment in a batch, so it has no
 * shipped_at yet); confirmed ones carry shipped_at = the scheduled day's 10:00 JST hand-over
 * and are 'shipped' for three days, then 'delivered'.
 */
import { productPickJoin } from './products.sql';

export const BOX_PRICE_JPY = 1980;
export const FIRST_BOX_DISCOUNT_JPY = 990;
export const COUPON_JPY = 200;
export const SLOTS_PER_BOX = 8;

export function boxStatements(): string[] {
  return [
    `CREATE TABLE boxes_all AS
     WITH subs AS (
       SELECT subscription_id, user_id, cycle_days,
         add_days(jst_date(started_at), 3) AS first_date,
         ends_at < as_of() AS ended, jst_date(ends_at) AS end_date
       FROM subs_all WHERE started_at < as_of()
     ),
     counted AS (
       SELECT *, CASE
           -- ended: every cycle dated before the end day
           WHEN ended THEN (greatest(0, datediff('day', first_date, end_date)) + cycle_days - 1) // cycle_days
           -- active: every cycle up to and including the first one after asOf
           ELSE (datediff('day', first_date, as_of_date()) + cycle_days) // cycle_days + 1
         END AS n_boxes
       FROM subs
     ),
     cycles AS (
       SELECT subscription_id, user_id, cycle_days, first_date, unnest(range(0, n_boxes)) AS k
       FROM counted WHERE n_boxes > 0
     ),
     dated AS (
       SELECT subscription_id, user_id, k, add_days(first_date, k * cycle_days) AS scheduled_date
       FROM cycles
     ),
     drawn AS (
       SELECT *,
         -- ~7% skipped overall, many more in the hot months (chocolate melts, people travel).
         k > 0 AND rnd2(subscription_id, k, 'skip') < CASE WHEN month(scheduled_date) IN (7, 8) THEN 0.16 ELSE 0.055 END AS skipped,
         jst_ts(scheduled_date, 36000 + floor(rnd2(subscription_id, k, 'ship:minute') * 2700)) AS handover_at
       FROM dated
     ),
     statused AS (
       SELECT *, CASE
           WHEN scheduled_date > as_of_date() THEN 'assigned'
           WHEN skipped THEN 'skipped'
           WHEN scheduled_date >= add_days(as_of_date(), -1) THEN 'picked'
           WHEN handover_at >= as_of() - INTERVAL 3 DAY THEN 'shipped'
           ELSE 'delivered' END AS status
       FROM drawn
     )
     -- Ids follow schedule order, so boxes dated before an earlier asOf keep their ids.
     SELECT row_number() OVER (ORDER BY scheduled_date, subscription_id) AS box_id,
       subscription_id, user_id, k, scheduled_date, status,
       CASE WHEN status IN ('shipped', 'delivered') THEN handover_at END AS shipped_at,
       handover_at,
       CASE WHEN k = 0 THEN ${FIRST_BOX_DISCOUNT_JPY}
            WHEN NOT skipped AND rnd2(subscription_id, k, 'coupon') < 0.05 THEN ${COUPON_JPY}
            ELSE 0 END AS discount_jpy
     FROM statused`,
    // Slots are drawn and merged in one pass so the 8x slot rows never materialise.
    // Requests: from the second box on, ~13% of slots are filled by a request the user made
    // 1-12 days before the hand-over (popular products are requested more, as they share the draw).
    `CREATE TABLE box_items_all AS
     WITH slots AS (
       SELECT b.box_id, b.scheduled_date, s.slot,
         b.k > 0 AND rnd2(b.box_id, s.slot, 'request') < 0.13 AS wants_request,
         add_seconds(b.handover_at, -86400 * (1 + 11 * rnd2(b.box_id, s.slot, 'request:lag'))) AS request_at
       FROM boxes_all b CROSS JOIN range(${SLOTS_PER_BOX}) s(slot)
       WHERE b.status <> 'skipped'
     )
     SELECT sl.box_id, pick.product_id, count(*) AS quantity,
       min(sl.request_at) FILTER (WHERE sl.wants_request AND sl.request_at < as_of()) AS requested_at
     FROM slots sl ${productPickJoin('pick', 'sl.scheduled_date', `rnd2(sl.box_id, sl.slot, 'pick')`)}
     GROUP BY sl.box_id, pick.product_id`,
    `CREATE VIEW lake_boxes AS
     SELECT box_id, subscription_id, user_id, scheduled_date, shipped_at, status,
       ${BOX_PRICE_JPY} AS price_jpy, discount_jpy
     FROM boxes_all`,
    `CREATE VIEW lake_box_items AS
     SELECT box_id, product_id, quantity,
       CASE WHEN requested_at IS NULL THEN 'algorithm' ELSE 'request' END AS assigned_by
     FROM box_items_all`,
    `CREATE VIEW lake_snack_requests AS
     SELECT b.user_id, i.product_id, i.requested_at
     FROM box_items_all i JOIN boxes_all b USING (box_id)
     WHERE i.requested_at IS NOT NULL`,
    // ~35% of delivered items are rated 2-22 days after shipping. The score is the product's
    // latent quality plus a small per-user bias and noise, so product means differ clearly.
    `CREATE VIEW lake_ratings AS
     WITH rated AS (
       SELECT b.user_id, i.product_id, i.box_id,
         add_seconds(b.shipped_at, 86400 * (2 + least(20, 3 * expo2(i.box_id, i.product_id, 'rated:lag')))) AS rated_at,
         p.quality + 0.85 * nrm2(i.box_id, i.product_id, 'rating:noise') + 0.6 * (rnd(b.user_id, 'rating:bias') - 0.5) AS score
       FROM box_items_all i
       JOIN boxes_all b USING (box_id)
       JOIN product_base p USING (product_id)
       WHERE b.status = 'delivered' AND rnd2(i.box_id, i.product_id, 'rated') < 0.35
     )
     SELECT user_id, product_id, box_id, least(5, greatest(1, round(score))) AS rating, rated_at
     FROM rated WHERE rated_at < as_of()`,
  ];
}
