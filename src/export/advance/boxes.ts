/**
 * The box lifecycle, day by day, as the generator's rules put it (lake/tables/boxes.sql.ts): a box is
 * booked one cycle ahead with 8 slots of products (some filled by the subscriber's requests), is
 * 'picked' on its scheduled JST day and the next, 'shipped' from its 10:00–10:45 JST hand-over, and
 * 'delivered' three days later; a box booked as skipped holds no items and turns 'skipped' on its day.
 * About a third of delivered items get rated, in one sitting some days after delivery.
 */
import { CANCEL_REASON_WEIGHTS } from '../../lake/reference-data';
import { CANCEL_COMMENTS, RATING_COMMENTS } from '../../lake/sourceRows.sql';
import { BOX_PRICE_JPY, COUPON_JPY, FIRST_BOX_DISCOUNT_JPY, SLOTS_PER_BOX } from '../../lake/tables/boxes.sql';
import { DAY_SECONDS, earlierInDay, jstDateOf, jstMoment, momentIn, secondsOf, sqlDate, sqlDateTime, dateNumberOf } from './businessDay';
import type { DayContext } from './dayContext';
import type { SourceRecord } from './dayWriter';
import { cancelChance } from './volumes';

/** Every box not yet in a final state was booked or moved within the last cycle (28 days) and the week it is booked ahead: a margin over that bounds the read by the `updated_at` index. */
const IN_FLIGHT_LOOKBACK_DAYS = 45;
/** A rating sitting comes up to 22 days after shipping (3 to deliver, up to 19 more). */
const RATING_LOOKBACK_DAYS = 23;
const STATUS_ORDER = ['assigned', 'picked', 'shipped', 'delivered', 'skipped'] as const;
type BoxStatus = (typeof STATUS_ORDER)[number];

export interface ActiveSubscription {
  subscriptionId: number;
  userId: number | null;
  plan: string;
  startedAt: number;
}

export interface BoxBooking {
  subscriptionId: number;
  userId: number | null;
  scheduledDate: number;
  bookedAt: number;
  /** The first box of a subscription: discounted, no requests yet, never skipped. */
  first: boolean;
}

const cycleDays = (plan: string) => (plan === 'biweekly' ? 14 : 28);
const daysBeforeDayEnd = (ctx: DayContext, days: number) => Math.floor(ctx.day.endMs / 1000) - days * DAY_SECONDS;

export async function activeSubscriptions(ctx: DayContext): Promise<ActiveSubscription[]> {
  const rows = await ctx.w.select<{ subscription_id: number; user_id: number | null; plan: string; started_at: string }>(
    "SELECT subscription_id, user_id, plan, started_at FROM subscriptions WHERE status = 'active' ORDER BY subscription_id",
  );
  return rows.map((r) => ({ subscriptionId: Number(r.subscription_id), userId: r.user_id, plan: r.plan, startedAt: secondsOf(r.started_at) }));
}

/** Inserts the boxes, their items and the requests behind request slots, in foreign-key order. */
export async function bookBoxes(ctx: DayContext, bookings: readonly BoxBooking[]): Promise<void> {
  const { lasting, day, catalogue } = ctx;
  const boxes: SourceRecord[] = [];
  const items: SourceRecord[] = [];
  const requests: SourceRecord[] = [];
  // snack_requests' key is (user, second, product): two boxes of one person can never make one request twice.
  const requestKeys = new Set<string>();
  for (const booking of bookings) {
    const boxId = ctx.nextId.box++;
    const summer = [6, 7].includes(new Date(booking.scheduledDate * DAY_SECONDS * 1000).getUTCMonth());
    // ~7% of boxes skipped, many more in the hot months (chocolate melts, people travel).
    const skipped = !booking.first && lasting.chance(summer ? 0.16 : 0.055, 'skip', boxId);
    const coupon = !booking.first && !skipped && lasting.chance(0.05, 'coupon', boxId);
    const at = sqlDateTime(booking.bookedAt);
    boxes.push({
      box_id: boxId,
      subscription_id: booking.subscriptionId,
      user_id: booking.userId,
      scheduled_date: sqlDate(booking.scheduledDate),
      shipped_at: null,
      status: 'assigned',
      price_jpy: BOX_PRICE_JPY,
      discount_jpy: booking.first ? FIRST_BOX_DISCOUNT_JPY : coupon ? COUPON_JPY : 0,
      tracking_number: null,
      created_at: at,
      updated_at: at,
    });
    if (skipped) continue;
    // Slots drawing the same product merge into one item; a request in any of them makes it a requested item.
    const slots = new Map<number, { quantity: number; requested: boolean }>();
    for (let slot = 0; slot < SLOTS_PER_BOX; slot++) {
      const product = catalogue.pick(lasting.u('pick', `${boxId}:${slot}`)).productId;
      const requested = !booking.first && booking.userId !== null && lasting.chance(0.13, 'request', `${boxId}:${slot}`);
      const merged = slots.get(product) ?? { quantity: 0, requested: false };
      slots.set(product, { quantity: merged.quantity + 1, requested: merged.requested || requested });
    }
    for (const [productId, { quantity, requested }] of slots) {
      items.push({ box_id: boxId, product_id: productId, quantity, assigned_by: requested ? 'request' : 'algorithm', created_at: at });
      if (requested) {
        const requestedAt = sqlDateTime(earlierInDay(day, booking.bookedAt, lasting.u('request:at', `${boxId}:${productId}`)));
        const key = `${booking.userId}|${requestedAt}|${productId}`;
        if (!requestKeys.has(key)) requests.push({ user_id: booking.userId, product_id: productId, requested_at: requestedAt });
        requestKeys.add(key);
      }
    }
  }
  await ctx.w.insert('boxes', boxes);
  await ctx.w.insert('snack_requests', requests);
  await ctx.w.insert('box_items', items);
}

/**
 * Cancellations, at the generator's lifetime hazard. The subscription's box not yet due is called off:
 * it becomes 'skipped' and loses its items (a skipped box holds none), keeping its id, so no key
 * ever comes back with other contents. Answers the subscriptions canceled.
 */
export async function cancelSubscriptions(ctx: DayContext, active: readonly ActiveSubscription[]): Promise<Set<number>> {
  const { day } = ctx;
  const canceled = active.filter(
    (s) => s.startedAt * 1000 <= day.startMs && day.dice.chance(cancelChance((day.endMs / 1000 - s.startedAt) / DAY_SECONDS), 'cancel', s.subscriptionId),
  );
  for (const s of canceled) {
    const at = sqlDateTime(momentIn(day, 'cancel', s.subscriptionId));
    const comment = day.dice.chance(0.3, 'cancel:comment', s.subscriptionId) ? day.dice.pick(CANCEL_COMMENTS, 'cancel:comment:which', s.subscriptionId) : null;
    await ctx.w.update(
      'subscriptions',
      {
        status: 'canceled',
        canceled_at: at,
        cancel_reason: day.dice.weighted(CANCEL_REASON_WEIGHTS, 'cancel:reason', s.subscriptionId),
        cancel_comment: comment,
        updated_at: at,
      },
      { subscription_id: s.subscriptionId },
    );
  }
  const ids = canceled.map((s) => s.subscriptionId);
  if (ids.length > 0) {
    const pending = await ctx.w.select<{ box_id: number }>(
      "SELECT box_id FROM boxes WHERE subscription_id IN (?) AND status = 'assigned' AND scheduled_date > ? ORDER BY box_id",
      [ids, sqlDate(day.jstDate)],
    );
    const boxIds = pending.map((b) => Number(b.box_id));
    await ctx.w.delete('box_items', { box_id: boxIds });
    await ctx.w.update('boxes', { status: 'skipped', updated_at: sqlDateTime(momentIn(day, 'cancel:box')) }, { box_id: boxIds });
  }
  return new Set(ids);
}

interface InFlightBox {
  boxId: number;
  subscriptionId: number;
  scheduledDate: number;
  status: BoxStatus;
  shippedAt: number | null;
}

/** The status the generator's rule gives a box at the end of the day (boxes.sql.ts `statused`). */
function statusAtDayEnd(ctx: DayContext, box: InFlightBox, handoverAt: number, hasItems: boolean): BoxStatus {
  const today = ctx.day.jstDate;
  if (box.scheduledDate > today) return 'assigned';
  if (!hasItems) return 'skipped';
  if (box.scheduledDate >= today - 1) return 'picked';
  if (handoverAt >= daysBeforeDayEnd(ctx, 3)) return 'shipped';
  return 'delivered';
}

/**
 * Moves every box not yet final to the status its dates now give it (the warehouse picks and ships
 * in batches, the carrier reports deliveries in one batch), then books the next box of each active
 * subscription whose latest box is due.
 */
export async function moveBoxesAlong(ctx: DayContext, active: readonly ActiveSubscription[]): Promise<void> {
  const { day, lasting } = ctx;
  const rows = await ctx.w.select<{ box_id: number; subscription_id: number; scheduled_date: string; status: BoxStatus; shipped_at: string | null }>(
    "SELECT box_id, subscription_id, scheduled_date, status, shipped_at FROM boxes WHERE updated_at > ? AND status IN ('assigned', 'picked', 'shipped') ORDER BY box_id",
    [sqlDateTime(daysBeforeDayEnd(ctx, IN_FLIGHT_LOOKBACK_DAYS))],
  );
  const inFlight: InFlightBox[] = rows.map((r) => ({
    boxId: Number(r.box_id),
    subscriptionId: Number(r.subscription_id),
    scheduledDate: dateNumberOf(r.scheduled_date),
    status: r.status,
    shippedAt: r.shipped_at === null ? null : secondsOf(r.shipped_at),
  }));
  const due = inFlight.filter((b) => b.status === 'assigned' && b.scheduledDate <= day.jstDate).map((b) => b.boxId);
  const withItems = new Set(
    due.length === 0
      ? []
      : (await ctx.w.select<{ box_id: number }>('SELECT DISTINCT box_id FROM box_items WHERE box_id IN (?)', [due])).map((r) => Number(r.box_id)),
  );
  const batch = {
    picked: momentIn(day, 'warehouse:pick'),
    shipped: momentIn(day, 'warehouse:ship'),
    delivered: momentIn(day, 'carrier'),
    skipped: momentIn(day, 'skip'),
  };
  const changes = inFlight.flatMap((box) => {
    const handoverAt = box.shippedAt ?? jstMoment(box.scheduledDate, 36_000 + lasting.int(0, 2699, 'handover', box.boxId));
    const target = statusAtDayEnd(ctx, box, handoverAt, box.status !== 'assigned' || withItems.has(box.boxId));
    if (target === 'assigned' || STATUS_ORDER.indexOf(target) <= STATUS_ORDER.indexOf(box.status)) return [];
    const set: SourceRecord = { status: target, updated_at: sqlDateTime(batch[target]) };
    if ((target === 'shipped' || target === 'delivered') && box.shippedAt === null) {
      set.shipped_at = sqlDateTime(handoverAt);
      set.tracking_number = String(lasting.int(0, 999_999_999_999, 'tracking', box.boxId)).padStart(12, '0');
    }
    return [{ key: box.boxId, set }];
  });
  await ctx.w.updateEach('boxes', 'box_id', changes);
  await bookBoxes(ctx, await nextBookings(ctx, active, inFlight));
}

/** The next box of each active subscription whose latest box is due today or earlier. */
async function nextBookings(ctx: DayContext, active: readonly ActiveSubscription[], inFlight: readonly InFlightBox[]): Promise<BoxBooking[]> {
  const latest = new Map<number, number>();
  for (const box of inFlight) latest.set(box.subscriptionId, Math.max(latest.get(box.subscriptionId) ?? -Infinity, box.scheduledDate));
  // Normally every active subscription has its upcoming box in flight; ask for the others by key.
  const missing = active.filter((s) => !latest.has(s.subscriptionId)).map((s) => s.subscriptionId);
  if (missing.length > 0) {
    const rows = await ctx.w.select<{ subscription_id: number; scheduled_date: string }>(
      'SELECT subscription_id, MAX(scheduled_date) AS scheduled_date FROM boxes WHERE subscription_id IN (?) GROUP BY subscription_id',
      [missing],
    );
    for (const r of rows) latest.set(Number(r.subscription_id), dateNumberOf(r.scheduled_date));
  }
  const today = ctx.day.jstDate;
  return active.flatMap((s): BoxBooking[] => {
    const last = latest.get(s.subscriptionId);
    // A subscription without any box gets its first three days after it starts.
    if (last === undefined) return [firstBooking(s, s.startedAt)];
    if (last > today) return [];
    let next = last + cycleDays(s.plan);
    while (next <= today) next += cycleDays(s.plan);
    return [
      { subscriptionId: s.subscriptionId, userId: s.userId, scheduledDate: next, bookedAt: momentIn(ctx.day, 'booking', s.subscriptionId), first: false },
    ];
  });
}

/** A new subscription's first box: three days after the (JST) day it starts, booked as it starts. */
export function firstBooking(s: ActiveSubscription, bookedAt: number): BoxBooking {
  return { subscriptionId: s.subscriptionId, userId: s.userId, scheduledDate: jstDateOf(s.startedAt) + 3, bookedAt, first: true };
}

/**
 * Ratings: half the delivered boxes get a rating sitting 3 to 22 days after shipping, in which about
 * 70% of the box's unrated items are rated (≈35% of items, as the generator). The score is a product's
 * lasting quality plus the person's bias and noise.
 */
export async function rateDeliveredBoxes(ctx: DayContext): Promise<void> {
  const { day, lasting } = ctx;
  const boxes = await ctx.w.select<{ box_id: number; user_id: number; shipped_at: string }>(
    "SELECT box_id, user_id, shipped_at FROM boxes WHERE updated_at > ? AND status = 'delivered' AND shipped_at > ? AND user_id IS NOT NULL ORDER BY box_id",
    [sqlDateTime(daysBeforeDayEnd(ctx, IN_FLIGHT_LOOKBACK_DAYS)), sqlDateTime(daysBeforeDayEnd(ctx, RATING_LOOKBACK_DAYS + 1))],
  );
  const sittings = new Map<number, { userId: number; at: number }>();
  for (const box of boxes) {
    const boxId = Number(box.box_id);
    if (!lasting.chance(0.5, 'rated', boxId)) continue;
    const lagDays = 3 + Math.min(19, 3 * lasting.expo('rated:lag', boxId));
    const at = secondsOf(box.shipped_at) + Math.floor(lagDays * DAY_SECONDS) + lasting.int(1, 3600, 'rated:sec', boxId);
    if (at * 1000 > day.startMs && at * 1000 <= day.endMs) sittings.set(boxId, { userId: Number(box.user_id), at });
  }
  if (sittings.size === 0) return;
  const unrated = await ctx.w.select<{ box_id: number; product_id: number }>(
    `SELECT i.box_id, i.product_id FROM box_items i LEFT JOIN ratings r ON r.box_id = i.box_id AND r.product_id = i.product_id
     WHERE i.box_id IN (?) AND r.box_id IS NULL ORDER BY i.box_id, i.product_id`,
    [[...sittings.keys()]],
  );
  const ratings = unrated.flatMap((item): SourceRecord[] => {
    const [boxId, productId] = [Number(item.box_id), Number(item.product_id)];
    const key = `${boxId}:${productId}`;
    if (!lasting.chance(0.7, 'rated:item', key)) return [];
    const { userId, at } = sittings.get(boxId)!;
    const quality = 2.5 + 2.2 * lasting.u('quality', productId);
    const score = quality + 0.85 * lasting.normal('rating:noise', key) + 0.6 * (lasting.u('rating:bias', userId) - 0.5);
    const ratedAt = sqlDateTime(at);
    return [
      {
        user_id: userId,
        product_id: productId,
        box_id: boxId,
        rating: Math.min(5, Math.max(1, Math.round(score))),
        rated_at: ratedAt,
        comment: lasting.chance(0.15, 'rating:comment', key) ? lasting.pick(RATING_COMMENTS, 'rating:comment:which', key) : null,
        updated_at: ratedAt,
      },
    ];
  });
  await ctx.w.insert('ratings', ratings);
}
