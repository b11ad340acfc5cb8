/**
 * How the export brings each lake table up to date, declared per table (a reviewer reads it next to
 * the privacy policy). Every strategy also compares primary-key sets with the previous snapshot, so
 * deletes (erasures included) leave the lake at the next export, whatever the strategy.
 *
 * - `full`: every row, every time: small masters.
 * - `append`: immutable events. New rows are the keys the source has and the lake has not.
 * - `merge`: mutable rows, read after an `updated_at` cursor (with an overlap, so a transaction that
 *   commits late is still met), then merged by key.
 */
import type { ExportStrategyKind } from './snapshot';
import type { TableName } from './lakeSchema';

export type ExportStrategy = { readonly kind: 'full' } | { readonly kind: 'append' } | { readonly kind: 'merge'; readonly cursor: 'updated_at' };

export const EXPORT_STRATEGIES: Readonly<Record<TableName, ExportStrategy>> = {
  users: { kind: 'merge', cursor: 'updated_at' },
  subscriptions: { kind: 'merge', cursor: 'updated_at' },
  boxes: { kind: 'merge', cursor: 'updated_at' },
  box_items: { kind: 'append' },
  products: { kind: 'full' },
  ratings: { kind: 'merge', cursor: 'updated_at' },
  snack_requests: { kind: 'append' },
  diagnoses: { kind: 'merge', cursor: 'updated_at' },
  shop_orders: { kind: 'merge', cursor: 'updated_at' },
  shop_order_items: { kind: 'append' },
};

export type { ExportStrategyKind };
