/**
 * Reads every raw row of a generated lake into plain JavaScript objects, for reference
 * computations in tests. DuckDB is used here only as a Parquet reader (`SELECT *`): no filtering,
 * joining, grouping or date arithmetic happens in SQL.
 *
 * Conventions of the returned rows:
 *   - ids and integers are JS numbers (checked to be safe integers), except person ids
 *     (`user_id`): they are 63-bit pseudonyms (contract/privacyPolicy.ts), so bigints;
 *   - TIMESTAMP columns (naive UTC) are epoch *microseconds* (exact, unlike a JS Date), or null;
 *   - DATE columns (JST calendar days) are 'YYYY-MM-DD' strings, or null.
 */
import path from 'node:path';
import { tableDir } from './lakeFolders';
import { DuckDBDateValue, DuckDBInstance, DuckDBTimestampValue } from '@duckdb/node-api';

/** A person's pseudonymous id, exact. */
export type PersonId = bigint;

export interface UserRow {
  user_id: PersonId;
  age_band: string | null;
  gender: string | null;
  prefecture: string | null;
  acquisition_channel: string | null;
  registered_at: number | null;
}

export interface SubscriptionRow {
  subscription_id: number;
  user_id: PersonId;
  plan: string | null;
  status: string | null;
  started_at: number | null;
  canceled_at: number | null;
  cancel_reason: string | null;
}

export interface BoxRow {
  box_id: number;
  subscription_id: number;
  user_id: PersonId;
  scheduled_date: string | null;
  shipped_at: number | null;
  status: string | null;
  price_jpy: number;
  discount_jpy: number;
}

export interface BoxItemRow {
  box_id: number;
  product_id: number;
  quantity: number;
  assigned_by: string | null;
}

export interface ProductRow {
  product_id: number;
  name: string | null;
  category: string | null;
  maker: string | null;
  maker_prefecture: string | null;
  unit_cost_jpy: number | null;
}

export interface RatingRow {
  user_id: PersonId;
  product_id: number;
  box_id: number;
  rating: number | null;
  rated_at: number | null;
}

export interface SnackRequestRow {
  user_id: PersonId;
  product_id: number;
  requested_at: number | null;
}

export interface DiagnosisRow {
  user_id: PersonId;
  answered_at: number | null;
  texture_pref: string | null;
}

export interface ShopOrderRow {
  order_id: number;
  user_id: PersonId;
  ordered_at: number | null;
  status: string | null;
  total_jpy: number;
}

export interface ShopOrderItemRow {
  order_id: number;
  product_id: number;
  quantity: number;
}

export interface LakeRows {
  users: UserRow[];
  subscriptions: SubscriptionRow[];
  boxes: BoxRow[];
  box_items: BoxItemRow[];
  products: ProductRow[];
  ratings: RatingRow[];
  snack_requests: SnackRequestRow[];
  diagnoses: DiagnosisRow[];
  shop_orders: ShopOrderRow[];
  shop_order_items: ShopOrderItemRow[];
}

type Raw = Record<string, unknown>;

function int(row: Raw, column: string): number {
  const value = row[column];
  const number = typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new Error(`Lake column ${column} holds ${String(value)}, not a safe integer.`);
  }
  return number;
}

function personId(row: Raw, column: string): PersonId {
  const value = row[column];
  if (typeof value !== 'bigint' || value < 0n) throw new Error(`Lake column ${column} holds ${String(value)}, not a person id.`);
  return value;
}

function intOrNull(row: Raw, column: string): number | null {
  return row[column] === null || row[column] === undefined ? null : int(row, column);
}

function text(row: Raw, column: string): string | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new Error(`Lake column ${column} holds ${String(value)}, not text.`);
  return value;
}

/** A naive-UTC TIMESTAMP as epoch microseconds. */
function instant(row: Raw, column: string): number | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  if (!(value instanceof DuckDBTimestampValue) || !value.isFinite) {
    throw new Error(`Lake column ${column} holds ${String(value)}, not a finite timestamp.`);
  }
  const micros = Number(value.micros);
  if (!Number.isSafeInteger(micros)) throw new Error(`Lake column ${column} holds ${String(value)}, out of range.`);
  return micros;
}

/** A DATE (already a JST calendar day) as 'YYYY-MM-DD'. */
function day(row: Raw, column: string): string | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  if (!(value instanceof DuckDBDateValue) || !value.isFinite) throw new Error(`Lake column ${column} holds ${String(value)}, not a date.`);
  return new Date(value.days * 86_400_000).toISOString().slice(0, 10);
}

export async function readLakeRows(lakeDir: string): Promise<LakeRows> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const read = async (table: string): Promise<Raw[]> => {
    const files = path.join(tableDir(lakeDir, table), '*.parquet').replace(/'/g, "''");
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${files}')`);
    // Raw DuckDB values: BIGINT as bigint, TIMESTAMP with its exact microseconds, DATE as a day number.
    return reader.getRowObjects() as Raw[];
  };
  try {
    return {
      users: (await read('users')).map((r) => ({
        user_id: personId(r, 'user_id'),
        age_band: text(r, 'age_band'),
        gender: text(r, 'gender'),
        prefecture: text(r, 'prefecture'),
        acquisition_channel: text(r, 'acquisition_channel'),
        registered_at: instant(r, 'registered_at'),
      })),
      subscriptions: (await read('subscriptions')).map((r) => ({
        subscription_id: int(r, 'subscription_id'),
        user_id: personId(r, 'user_id'),
        plan: text(r, 'plan'),
        status: text(r, 'status'),
        started_at: instant(r, 'started_at'),
        canceled_at: instant(r, 'canceled_at'),
        cancel_reason: text(r, 'cancel_reason'),
      })),
      boxes: (await read('boxes')).map((r) => ({
        box_id: int(r, 'box_id'),
        subscription_id: int(r, 'subscription_id'),
        user_id: personId(r, 'user_id'),
        scheduled_date: day(r, 'scheduled_date'),
        shipped_at: instant(r, 'shipped_at'),
        status: text(r, 'status'),
        price_jpy: int(r, 'price_jpy'),
        discount_jpy: int(r, 'discount_jpy'),
      })),
      box_items: (await read('box_items')).map((r) => ({
        box_id: int(r, 'box_id'),
        product_id: int(r, 'product_id'),
        quantity: int(r, 'quantity'),
        assigned_by: text(r, 'assigned_by'),
      })),
      products: (await read('products')).map((r) => ({
        product_id: int(r, 'product_id'),
        name: text(r, 'name'),
        category: text(r, 'category'),
        maker: text(r, 'maker'),
        maker_prefecture: text(r, 'maker_prefecture'),
        unit_cost_jpy: intOrNull(r, 'unit_cost_jpy'),
      })),
      ratings: (await read('ratings')).map((r) => ({
        user_id: personId(r, 'user_id'),
        product_id: int(r, 'product_id'),
        box_id: int(r, 'box_id'),
        rating: intOrNull(r, 'rating'),
        rated_at: instant(r, 'rated_at'),
      })),
      snack_requests: (await read('snack_requests')).map((r) => ({
        user_id: personId(r, 'user_id'),
        product_id: int(r, 'product_id'),
        requested_at: instant(r, 'requested_at'),
      })),
      diagnoses: (await read('diagnoses')).map((r) => ({
        user_id: personId(r, 'user_id'),
        answered_at: instant(r, 'answered_at'),
        texture_pref: text(r, 'texture_pref'),
      })),
      shop_orders: (await read('shop_orders')).map((r) => ({
        order_id: int(r, 'order_id'),
        user_id: personId(r, 'user_id'),
        ordered_at: instant(r, 'ordered_at'),
        status: text(r, 'status'),
        total_jpy: int(r, 'total_jpy'),
      })),
      shop_order_items: (await read('shop_order_items')).map((r) => ({
        order_id: int(r, 'order_id'),
        product_id: int(r, 'product_id'),
        quantity: int(r, 'quantity'),
      })),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
