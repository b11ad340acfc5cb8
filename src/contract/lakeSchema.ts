/**
 * The lake's table contract: names, column names and DuckDB types.
 *
 * The metric catalog compiles SQL against these exact columns (on DuckDB over the sample
 * lake and on Athena over the real Aurora export). The columns are derived from the source
 * schema and its privacy treatments (privacyPolicy.ts), so no column reaches the lake without
 * a reviewed treatment. The generator projects and casts every output table through this, and
 * the tests compare the written Parquet schemas with it.
 */
import { lakeColumnOf, SOURCE_SCHEMA } from './privacyPolicy';

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
  /** A unique key. The generator writes rows sorted by it (stable, range-prunable files); the export writes them in source key order, new rows in a part of their own. */
  readonly orderBy: readonly string[];
}

/** The lake: what the privacy policy's treatments make of the source, in source order. */
export const LAKE_SCHEMA: Readonly<Record<TableName, LakeTableSpec>> = Object.fromEntries(
  LAKE_TABLES.map((table): [TableName, LakeTableSpec] => {
    const source = SOURCE_SCHEMA[table];
    const columns: Record<string, LakeColumnType> = {};
    for (const [name, column] of Object.entries(source.columns)) {
      const lake = lakeColumnOf(name, column);
      if (lake) columns[lake.name] = lake.type;
    }
    return [table, { columns, orderBy: source.primaryKey }];
  }),
) as Record<TableName, LakeTableSpec>;
