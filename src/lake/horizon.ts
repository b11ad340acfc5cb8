/**
 * The fixed calendar the synthetic business lives on. Every process (sign-ups, churn, box
 * cycles, shop orders) is defined over this whole horizon independently of asOf; a lake is
 * the horizon cut at asOf. That is why a later asOf never rewrites earlier history.
 */
export const HORIZON_START = '2018-01-01';
export const HORIZON_END = '2028-01-01';
/** Scale 1 means about 10,000 users registered before this day. */
export const USER_TARGET_DAY = '2026-11-01';
export const USERS_PER_SCALE = 10_000;
/** The snack catalogue opens a year before the service: products launch from here. */
export const CATALOG_START = '2017-01-01';
/** Products beyond the initial catalogue launch up to this day (so a 2026+ lake has all of them). */
export const LAST_LAUNCH_DAY = '2026-07-01';
export const PRODUCT_COUNT = 150;
