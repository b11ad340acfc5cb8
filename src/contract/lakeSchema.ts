/**
 * The lake's table contract: names, column names and DuckDB types.
 *
 * The metric catalog compiles SQL against these exact columns (on DuckDB over the sample
 * lake and on Athena over the real Aurora export), so this file is the one source of truth:
 * the generator projects and casts every output table through it, and the tests compare the
 * written Parquet schemas with it.
 */

export const LAKE_TABLES = [
  'users',
  'subscriptions',
  'boxes',
  'box_items',
  'products',
  'ratings',
  'snack_requests',
  'diagnoses',
  'shop_orders',
  'shop_order_items',
] as const;

export type TableName = (typeof LAKE_TABLES)[number];

export type LakeColumnType = 'BIGINT' | 'INTEGER' | 'VARCHAR' | 'DATE' | 'TIMESTAMP' | 'BOOLEAN';

export interface LakeTableSpec {
  /** Columns in output order. TIMESTAMP columns are naive and hold UTC; DATE columns are JST calendar dates. */
  readonly columns: Readonly<Record<string, LakeColumnType>>;
  /** Rows are written sorted by these columns (a unique key), so files are stable and range-prunable. */
  readonly orderBy: readonly string[];
}

export const LAKE_SCHEMA: Readonly<Record<TableName, LakeTableSpec>> = {
  users: {
    columns: {
      user_id: 'BIGINT',
      email: 'VARCHAR',
      name: 'VARCHAR',
      birth_date: 'DATE',
      gender: 'VARCHAR',
      prefecture: 'VARCHAR',
      registered_at: 'TIMESTAMP',
      acquisition_channel: 'VARCHAR',
    },
    orderBy: ['user_id'],
  },
  subscriptions: {
    columns: {
      subscription_id: 'BIGINT',
      user_id: 'BIGINT',
      plan: 'VARCHAR',
      status: 'VARCHAR',
      started_at: 'TIMESTAMP',
      canceled_at: 'TIMESTAMP',
      cancel_reason: 'VARCHAR',
    },
    orderBy: ['subscription_id'],
  },
  boxes: {
    columns: {
      box_id: 'BIGINT',
      subscription_id: 'BIGINT',
      user_id: 'BIGINT',
      scheduled_date: 'DATE',
      shipped_at: 'TIMESTAMP',
      status: 'VARCHAR',
      price_jpy: 'INTEGER',
      discount_jpy: 'INTEGER',
    },
    orderBy: ['box_id'],
  },
  box_items: {
    columns: { box_id: 'BIGINT', product_id: 'INTEGER', quantity: 'INTEGER', assigned_by: 'VARCHAR' },
    orderBy: ['box_id', 'product_id'],
  },
  products: {
    columns: {
      product_id: 'INTEGER',
      name: 'VARCHAR',
      category: 'VARCHAR',
      maker: 'VARCHAR',
      maker_prefecture: 'VARCHAR',
      unit_cost_jpy: 'INTEGER',
      list_price_jpy: 'INTEGER',
      launched_at: 'DATE',
      is_active: 'BOOLEAN',
    },
    orderBy: ['product_id'],
  },
  ratings: {
    columns: { user_id: 'BIGINT', product_id: 'INTEGER', box_id: 'BIGINT', rating: 'INTEGER', rated_at: 'TIMESTAMP' },
    orderBy: ['box_id', 'product_id'],
  },
  snack_requests: {
    columns: { user_id: 'BIGINT', product_id: 'INTEGER', requested_at: 'TIMESTAMP' },
    orderBy: ['user_id', 'requested_at', 'product_id'],
  },
  diagnoses: {
    columns: {
      user_id: 'BIGINT',
      answered_at: 'TIMESTAMP',
      sweetness_pref: 'INTEGER',
      saltiness_pref: 'INTEGER',
      texture_pref: 'VARCHAR',
      allergy_nuts: 'BOOLEAN',
      allergy_wheat: 'BOOLEAN',
      allergy_milk: 'BOOLEAN',
    },
    orderBy: ['user_id'],
  },
  shop_orders: {
    columns: { order_id: 'BIGINT', user_id: 'BIGINT', ordered_at: 'TIMESTAMP', status: 'VARCHAR', total_jpy: 'INTEGER' },
    orderBy: ['order_id'],
  },
  shop_order_items: {
    columns: { order_id: 'BIGINT', product_id: 'INTEGER', quantity: 'INTEGER', unit_price_jpy: 'INTEGER' },
    orderBy: ['order_id', 'product_id'],
  },
};
