/**
 * How much business a day holds, from the generator's own rates (lake/tables/*.sql.ts), so one day
 * of `advance` at scale s is about one day of the generator at scale s: sign-ups follow the arrival
 * curve (growth, season, weekday), shop orders the registered base, cancellations the lifetime mix.
 */
import { HORIZON_START, USERS_PER_SCALE, USER_TARGET_DAY } from '../../lake/horizon';
import { REGISTRATION_SEASONALITY, SHOP_SEASONALITY } from '../../lake/reference-data';
import { ORDERS_PER_USER_DAY } from '../../lake/tables/shop.sql';
import { GROWTH_PER_YEAR } from '../../lake/tables/users.sql';
import { dateNumberOf, DAY_SECONDS } from './businessDay';

const HORIZON_START_DAY = dateNumberOf(HORIZON_START);
const TARGET_DAY = dateNumberOf(USER_TARGET_DAY);

const monthOf = (date: number) => new Date(date * DAY_SECONDS * 1000).getUTCMonth();
const isWeekend = (date: number) => [0, 6].includes(new Date(date * DAY_SECONDS * 1000).getUTCDay());

/** users.sql.ts reg_day_weights, without its day noise (mean 1). */
function signUpWeight(date: number): number {
  return Math.exp((GROWTH_PER_YEAR * (date - HORIZON_START_DAY)) / 365.25) * REGISTRATION_SEASONALITY[monthOf(date)]! * (isWeekend(date) ? 1.15 : 1);
}

let weightBeforeTarget: number | undefined;

/** Expected sign-ups on a JST date: USERS_PER_SCALE × scale spread over the days before USER_TARGET_DAY, as reg_days does. */
export function expectedSignUps(date: number, scale: number): number {
  if (weightBeforeTarget === undefined) {
    weightBeforeTarget = 0;
    for (let d = HORIZON_START_DAY; d < TARGET_DAY; d++) weightBeforeTarget += signUpWeight(d);
  }
  return (USERS_PER_SCALE * scale * signUpWeight(date)) / weightBeforeTarget;
}

/** Expected shop orders on a JST date: shop.sql.ts shop_days, without its noise. */
export function expectedShopOrders(date: number, registeredUsers: number): number {
  return registeredUsers * ORDERS_PER_USER_DAY * SHOP_SEASONALITY[monthOf(date)]! * (isWeekend(date) ? 1.2 : 1);
}

/**
 * The share of subscriptions still running `ageDays` after they started (subscriptions.sql.ts
 * LIFETIME_DAYS: 12% trial-only of 15–45 days, 63% regular of mean 420 days, 25% loyal of mean
 * 1,400 days, never under 15 days).
 */
function stillSubscribed(ageDays: number): number {
  if (ageDays < 15) return 1;
  const trial = Math.min(1, Math.max(0, (45 - ageDays) / 30));
  return 0.12 * trial + 0.63 * Math.exp(-ageDays / 420) + 0.25 * Math.exp(-ageDays / 1400);
}

/** The chance a subscription `ageDays` old is canceled within the next day. */
export function cancelChance(ageDays: number): number {
  const now = stillSubscribed(ageDays);
  return now > 0 ? 1 - stillSubscribed(ageDays + 1) / now : 1;
}

/** About one erasure request per 10,000 people a day, and at least one a day when someone has left. */
export function erasuresPerDay(registeredUsers: number): number {
  return Math.max(1, Math.round(registeredUsers / 10_000));
}

/** People who move or change their phone: about 1 in 2,000 a day. */
export const PROFILE_EDITS_PER_USER_DAY = 1 / 2000;
/** People who take the snack diagnosis again: about 1 in 5,000 a day. */
export const DIAGNOSIS_RETAKES_PER_USER_DAY = 1 / 5000;
