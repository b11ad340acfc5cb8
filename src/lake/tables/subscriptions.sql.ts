/**
 * `subscriptions`: who subscribes, on which plan, and how long they stay.
 *
 * Each subscription's full life (start, potential cancel moment, reason) is drawn once over
 * the horizon; the lake shows it as of asOf. A cancel moment at or after asOf is not known
 * yet, so such a subscription is 'active' with NULL canceled_at and cancel_reason.
 */
import { CANCEL_REASON_WEIGHTS, PLAN_WEIGHTS } from '../reference-data';
import { weightedCase } from '../sql';

/** Lifetime in days: a few trial-only sign-ups, a regular majority, and a loyal core (median ≈ 10 months overall). */
const LIFETIME_DAYS = `greatest(15, CASE
    WHEN rnd2(user_id, seq, 'life:kind') < 0.12 THEN 15 + 30 * rnd2(user_id, seq, 'life:trial')
    WHEN rnd2(user_id, seq, 'life:kind') < 0.75 THEN 420 * expo2(user_id, seq, 'life:regular')
    ELSE 1400 * expo2(user_id, seq, 'life:loyal') END)`;

/** Reasons after which some people come back later. */
const RETURNING_REASONS = `('pause', 'too_many_snacks', 'price', 'moving')`;

function withTerms(source: string): string {
  return `SELECT user_id, seq, started_at,
      ${weightedCase(`rnd2(user_id, seq, 'plan')`, PLAN_WEIGHTS)} AS plan,
      add_seconds(started_at, ${LIFETIME_DAYS} * 86400) AS ends_at,
      ${weightedCase(`rnd2(user_id, seq, 'cancel_reason')`, CANCEL_REASON_WEIGHTS)} AS reason
    FROM (${source})`;
}

export function subscriptionStatements(): string[] {
  return [
    // About 75% subscribe: most in the sign-up session, some after days or weeks. Gift recipients less often.
    `CREATE TABLE subs_first AS ${withTerms(`
      SELECT user_id, 1 AS seq,
        add_seconds(registered_at, CASE
          WHEN rnd(user_id, 'sub:delay') < 0.7 THEN 120 + 1800 * rnd(user_id, 'sub:delay:s')
          WHEN rnd(user_id, 'sub:delay') < 0.9 THEN 86400 * (1 + 13 * rnd(user_id, 'sub:delay:s'))
          ELSE 86400 * (14 + 76 * rnd(user_id, 'sub:delay:s')) END) AS started_at
      FROM users_all
      WHERE rnd(user_id, 'subscribe') < CASE WHEN acquisition_channel = 'gift' THEN 0.6 ELSE 0.77 END`)}`,
    // A few come back one to twelve months after leaving, as a second subscription row.
    `CREATE TABLE subs_second AS ${withTerms(`
      SELECT user_id, 2 AS seq, add_seconds(ends_at, 86400 * (30 + 335 * rnd(user_id, 'resub:gap'))) AS started_at
      FROM subs_first
      WHERE reason IN ${RETURNING_REASONS} AND rnd(user_id, 'resub') < 0.18`)}`,
    // Ids follow start order over the whole horizon, so they do not depend on asOf.
    `CREATE TABLE subs_all AS
     SELECT row_number() OVER (ORDER BY started_at, user_id, seq) AS subscription_id, *,
       CASE plan WHEN 'biweekly' THEN 14 ELSE 28 END AS cycle_days
     FROM (SELECT * FROM subs_first UNION ALL SELECT * FROM subs_second)`,
    `CREATE VIEW lake_subscriptions AS
     SELECT subscription_id, user_id, plan,
       CASE WHEN ends_at < as_of() THEN 'canceled' ELSE 'active' END AS status,
       started_at,
       CASE WHEN ends_at < as_of() THEN ends_at END AS canceled_at,
       CASE WHEN ends_at < as_of() THEN reason END AS cancel_reason
     FROM subs_all
     WHERE started_at < as_of()`,
  ];
}
