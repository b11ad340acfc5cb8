/**
 * The online shop: orders by people registered before the day (about one per person every 2.5 years,
 * with the season), 1–4 lines at list price, 3% canceled at once; gifts (30%) ship to a made-up
 * recipient, the rest to the buyer. A few recent orders are canceled afterwards.
 */
import { GIFT_MESSAGES } from '../../lake/sourceRows.sql';
import { DAY_SECONDS, momentIn, sqlDateTime } from './businessDay';
import type { DayContext } from './dayContext';
import type { SourceRecord } from './dayWriter';
import { fakeAddress, fakeName, fakePhone } from './fakePeople';
import { expectedShopOrders } from './volumes';

const LINE_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 45],
  [2, 30],
  [3, 15],
  [4, 10],
];
const QUANTITY_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 70],
  [2, 20],
  [3, 10],
];
/** A completed order may still be canceled within this many days. */
const CANCELABLE_DAYS = 3;

interface Buyer {
  user_id: number;
  name: string;
  phone: string;
  postal_code: string;
  prefecture: string;
  address_line: string;
}

export async function shopOrders(ctx: DayContext): Promise<void> {
  const { day, catalogue } = ctx;
  const dice = day.dice;
  const count = dice.count(expectedShopOrders(day.jstDate, ctx.registeredUsers), 'orders');
  if (count === 0 || ctx.registeredUsers === 0) return;
  // Buyers registered before today, drawn uniformly; erased people leave gaps, so draw more than needed.
  const drawn = Array.from({ length: 2 * count + 2 }, (_, i) => 1 + Math.floor(dice.u('order:buyer', i) * ctx.registeredUsers));
  const found = new Map(
    (await ctx.w.select<Buyer>('SELECT user_id, name, phone, postal_code, prefecture, address_line FROM users WHERE user_id IN (?)', [drawn])).map((b) => [
      Number(b.user_id),
      b,
    ]),
  );
  const buyers = drawn.filter((id) => found.has(id)).slice(0, count);
  const orders: SourceRecord[] = [];
  const items: SourceRecord[] = [];
  for (const buyerId of buyers) {
    const buyer = found.get(buyerId)!;
    const orderId = ctx.nextId.order++;
    const lines = new Map<number, { quantity: number; unitPriceJpy: number }>();
    for (let line = 0; line < dice.weighted(LINE_WEIGHTS, 'order:lines', orderId); line++) {
      const product = catalogue.pick(dice.u('order:pick', `${orderId}:${line}`));
      const quantity = dice.weighted(QUANTITY_WEIGHTS, 'order:qty', `${orderId}:${line}`);
      lines.set(product.productId, { quantity: (lines.get(product.productId)?.quantity ?? 0) + quantity, unitPriceJpy: product.listPriceJpy });
    }
    for (const [productId, { quantity, unitPriceJpy }] of lines)
      items.push({ order_id: orderId, product_id: productId, quantity, unit_price_jpy: unitPriceJpy });
    const orderedAt = sqlDateTime(momentIn(day, 'order', orderId));
    const gift = dice.chance(0.3, 'order:gift', orderId);
    const recipient = `gift:${orderId}`;
    const address = fakeAddress(dice, recipient);
    orders.push({
      order_id: orderId,
      user_id: buyerId,
      ordered_at: orderedAt,
      status: dice.chance(0.03, 'order:canceled', orderId) ? 'canceled' : 'completed',
      // total_jpy is the sum of the lines, as in the generator.
      total_jpy: [...lines.values()].reduce((sum, l) => sum + l.quantity * l.unitPriceJpy, 0),
      shipping_name: gift ? fakeName(dice, recipient, 'other').name : buyer.name,
      shipping_phone: gift ? fakePhone(dice, recipient) : buyer.phone,
      shipping_postal_code: gift ? address.postalCode : buyer.postal_code,
      shipping_address: gift ? address.addressLine : `${buyer.prefecture}${buyer.address_line}`,
      gift_message: gift && dice.chance(0.6, 'order:message', orderId) ? dice.pick(GIFT_MESSAGES, 'order:message:which', orderId) : null,
      created_at: orderedAt,
      updated_at: orderedAt,
    });
  }
  await ctx.w.insert('shop_orders', orders);
  await ctx.w.insert('shop_order_items', items);
}

/** About 1% of the completed orders of the last few days are canceled each day (the amounts stay, as the tax records need). */
export async function shopCancellations(ctx: DayContext): Promise<void> {
  const { day } = ctx;
  const since = sqlDateTime(Math.floor(day.endMs / 1000) - CANCELABLE_DAYS * DAY_SECONDS);
  // Orders of earlier days only, so the cancellation always comes after the order.
  const recent = await ctx.w.select<{ order_id: number }>(
    "SELECT order_id FROM shop_orders WHERE updated_at > ? AND status = 'completed' AND ordered_at > ? AND ordered_at <= ? ORDER BY order_id",
    [since, since, sqlDateTime(Math.floor(day.startMs / 1000))],
  );
  const canceled = recent.map((r) => Number(r.order_id)).filter((id) => day.dice.chance(0.01, 'order:cancel', id));
  await ctx.w.update('shop_orders', { status: 'canceled', updated_at: sqlDateTime(momentIn(day, 'order:cancel')) }, { order_id: canceled });
}
