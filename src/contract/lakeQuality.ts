/**
 * What a lake snapshot must satisfy before it is published: the quality gate's rules, as data.
 * src/lake/quality.ts runs them; the columns and their types come from LAKE_SCHEMA, and the closed
 * sets of the enumerated columns the catalog offers as dimensions come from the catalog's `values`
 * (so a list is never written twice). Only the sets no dimension declares are written here.
 */
import type { TableName } from './lakeSchema';
import { SOURCE_SCHEMA } from './privacyPolicy';

/** A column another table's rows point at. */
export interface LakeColumnRef {
  readonly table: TableName;
  readonly column: string;
}

/** `column` of each row must name an existing row of `to`. */
export interface LakeReference {
  readonly column: string;
  readonly to: LakeColumnRef;
  /**
   * NULL is allowed: after an erasure, rows the tax records keep (boxes, orders, the subscription
   * they belong to) keep their amounts with the person set to NULL. A dangling non-null never is.
   */
  readonly nullable?: boolean;
}

/** How far a table's row count may move from the previous snapshot's, as fractions of it. */
export interface RowCountBounds {
  readonly maxShrink: number;
  readonly maxGrowth: number;
}

/** The rules written here; the primary key comes from the source contract (pseudonyms keep the names). */
interface DeclaredRules {
  readonly references: readonly LakeReference[];
  readonly rowCount: RowCountBounds;
  /** Closed sets for enumerated columns that no catalog dimension declares. */
  readonly enumerations?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Masters (people, products, subscriptions) change slowly: a few erasures, a season's sign-ups.
 * Events only grow, except for erasures (ratings, requests, diagnoses of an erased person), and
 * may grow faster (a gift season, or a gap of some days since the previous snapshot).
 */
export const MASTER_BOUNDS: RowCountBounds = { maxShrink: 0.05, maxGrowth: 0.5 };
export const EVENT_BOUNDS: RowCountBounds = { maxShrink: 0.05, maxGrowth: 1.0 };

/** A timestamp later than the snapshot instant by more than this is in the future (clocks of the source's hosts differ a little). */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;

/** How many sample keys a report names per failure. */
export const QUALITY_SAMPLE_KEYS = 5;

const BOX_STATUSES = ['assigned', 'skipped', 'picked', 'shipped', 'delivered'] as const;
const SUBSCRIPTION_STATUSES = ['active', 'canceled'] as const;
const ORDER_STATUSES = ['completed', 'canceled'] as const;

const user = (nullable = false): LakeReference => ({ column: 'user_id', to: { table: 'users', column: 'user_id' }, ...(nullable ? { nullable } : {}) });
const product: LakeReference = { column: 'product_id', to: { table: 'products', column: 'product_id' } };

export interface LakeTableRules extends DeclaredRules {
  /** The primary key: present (no NULL) and unique. Sample keys in a report are these columns only. */
  readonly key: readonly string[];
}

const DECLARED: Readonly<Record<TableName, DeclaredRules>> = {
  users: { references: [], rowCount: MASTER_BOUNDS },
  products: { references: [], rowCount: MASTER_BOUNDS },
  subscriptions: {
    references: [user(true)],
    rowCount: MASTER_BOUNDS,
    enumerations: { status: SUBSCRIPTION_STATUSES },
  },
  boxes: {
    references: [{ column: 'subscription_id', to: { table: 'subscriptions', column: 'subscription_id' } }, user(true)],
    rowCount: EVENT_BOUNDS,
    enumerations: { status: BOX_STATUSES },
  },
  box_items: {
    references: [{ column: 'box_id', to: { table: 'boxes', column: 'box_id' } }, product],
    rowCount: EVENT_BOUNDS,
  },
  ratings: {
    references: [user(), product, { column: 'box_id', to: { table: 'boxes', column: 'box_id' } }],
    rowCount: EVENT_BOUNDS,
  },
  snack_requests: { references: [user(), product], rowCount: EVENT_BOUNDS },
  diagnoses: { references: [user()], rowCount: EVENT_BOUNDS },
  shop_orders: {
    references: [user(true)],
    rowCount: EVENT_BOUNDS,
    enumerations: { status: ORDER_STATUSES },
  },
  shop_order_items: {
    references: [{ column: 'order_id', to: { table: 'shop_orders', column: 'order_id' } }, product],
    rowCount: EVENT_BOUNDS,
  },
};

export const LAKE_QUALITY: Readonly<Record<TableName, LakeTableRules>> = Object.fromEntries(
  (Object.keys(DECLARED) as TableName[]).map((table) => [table, { key: SOURCE_SCHEMA[table].primaryKey, ...DECLARED[table] }]),
) as Record<TableName, LakeTableRules>;

// ── The report: what the gate found, per table and check. Keys only, never other columns. ──

export type QualityCheckName = 'schema' | 'primary_key' | 'references' | 'row_count' | 'enumerations' | 'future_timestamps';

/** What failed. Each has a sentence in English (the finding's `message`) and in Japanese (lake/quality.ts). */
export type QualityProblem =
  | 'unreadable'
  | 'missing_column'
  | 'wrong_type'
  | 'null_key'
  | 'duplicate_key'
  | 'null_reference'
  | 'dangling_reference'
  | 'shrank'
  | 'grew'
  | 'bad_value'
  | 'future_timestamp';

/** What is worth knowing but fails nothing. */
export type QualityNoteKind = 'extra_column' | 'erased_person' | 'no_previous';

/** A row's primary key: BIGINTs past 2^53 (pseudonyms) as decimal strings, timestamps as ISO UTC. */
export type SampleKey = Readonly<Record<string, number | string | null>>;

export interface QualityFinding {
  problem: QualityProblem;
  column?: string;
  /** Rows at fault (for `shrank`/`grew`: the current row count). */
  rows: number;
  /** Up to QUALITY_SAMPLE_KEYS keys of rows at fault, smallest first. */
  sampleKeys: SampleKey[];
  /** One English sentence. */
  message: string;
}

export interface QualityNote {
  kind: QualityNoteKind;
  column?: string;
  rows?: number;
  message: string;
}

export interface QualityCheckResult {
  check: QualityCheckName;
  /** `skipped`: the check needs a column or file the schema check already failed on. */
  outcome: 'passed' | 'failed' | 'skipped';
  skippedBecause?: string;
  findings: QualityFinding[];
  notes: QualityNote[];
}

export interface TableQuality {
  table: TableName;
  /** Rows in the staged table; null when it could not be read. */
  rows: number | null;
  /** Rows the previous snapshot's manifest records, if there is one. */
  previousRows: number | null;
  passed: boolean;
  checks: QualityCheckResult[];
}

export interface QualityReport {
  /** The snapshot instant the timestamps were checked against (ISO UTC). */
  snapshotAt: string;
  previousSnapshotId: string | null;
  passed: boolean;
  tables: TableQuality[];
}
