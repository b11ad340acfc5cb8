/**
 * What every step of a business day shares: the day, the writer on its transaction, the products on
 * sale, and the next free key of each table (max + 1, read once at the start of the day).
 */
import type { BusinessDay } from './businessDay';
import type { Dice } from './dice';
import type { DayWriter } from './dayWriter';

/** Zipf exponent of product popularity, as the generator's (products.sql.ts). */
const POPULARITY_EXPONENT = 0.85;

export interface Product {
  readonly productId: number;
  readonly listPriceJpy: number;
}

/** The products on sale (`is_active`), each drawn by a long-tail popularity that stays the same from day to day. */
export class Catalogue {
  private readonly cumulative: number[];

  constructor(
    readonly products: readonly Product[],
    lasting: Dice,
  ) {
    if (products.length === 0) throw new Error('The sample source has no product on sale.');
    const ranked = [...products].sort((a, b) => lasting.u('popularity', a.productId) - lasting.u('popularity', b.productId));
    const rankOf = new Map(ranked.map((product, index) => [product.productId, index + 1]));
    let total = 0;
    this.cumulative = products.map((product) => (total += rankOf.get(product.productId)! ** -POPULARITY_EXPONENT));
  }

  /** The product a uniform draw `u` lands on. */
  pick(u: number): Product {
    const target = u * this.cumulative[this.cumulative.length - 1]!;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return this.products[low]!;
  }
}

export interface NextIds {
  user: number;
  subscription: number;
  box: number;
  order: number;
}

export interface DayContext {
  readonly day: BusinessDay;
  readonly scale: number;
  /**
   * Draws about one entity that must come out the same on every day it is looked at (a box's
   * rating session, a product's quality), keyed by the seed only.
   */
  readonly lasting: Dice;
  readonly w: DayWriter;
  readonly catalogue: Catalogue;
  /** People registered before this day: ids 1..n (erased ones leave gaps). */
  readonly registeredUsers: number;
  readonly nextId: NextIds;
}

/** Reads the day's starting point: the products on sale and the next key of every table with a generated key. */
export async function openDay(w: DayWriter, day: BusinessDay, scale: number, lasting: Dice): Promise<DayContext> {
  const products = await w.select<{ product_id: number; list_price_jpy: number }>(
    'SELECT product_id, list_price_jpy FROM products WHERE is_active = 1 ORDER BY product_id',
  );
  const [max] = await w.select<{ users: number; subscriptions: number; boxes: number; orders: number }>(
    `SELECT (SELECT COALESCE(MAX(user_id), 0) FROM users) AS users, (SELECT COALESCE(MAX(subscription_id), 0) FROM subscriptions) AS subscriptions,
       (SELECT COALESCE(MAX(box_id), 0) FROM boxes) AS boxes, (SELECT COALESCE(MAX(order_id), 0) FROM shop_orders) AS orders`,
  );
  const top = { users: Number(max!.users), subscriptions: Number(max!.subscriptions), boxes: Number(max!.boxes), orders: Number(max!.orders) };
  return {
    day,
    scale,
    lasting,
    w,
    catalogue: new Catalogue(
      products.map((p) => ({ productId: Number(p.product_id), listPriceJpy: Number(p.list_price_jpy) })),
      lasting,
    ),
    registeredUsers: top.users,
    nextId: { user: top.users + 1, subscription: top.subscriptions + 1, box: top.boxes + 1, order: top.orders + 1 },
  };
}
