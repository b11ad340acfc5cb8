/**
 * The privacy policy of the lake, read by reviewers: every column of every SOURCE table (snaq.me's
 * Aurora MySQL, MariaDB locally) with its MySQL type and exactly one treatment on its way into the
 * lake. `LAKE_SCHEMA` (lakeSchema.ts) is derived from this file, so the lake holds exactly what
 * the treatments below produce, and nothing a treatment drops.
 *
 * - `keep`: copied as is.
 * - `drop`: never leaves the source.
 * - `pseudonymise`: a person id replaced by HMAC-SHA256(SNAQ_PSEUDONYM_KEY, id) cut to 63 bits
 *   (src/lake/pseudonym.ts), same column name and type, so joins and distinct counts still work.
 * - `generalise`: replaced by a coarser column (`into`), computed as `how` says.
 *
 * Never in the lake (APPI 仮名加工情報, Rule 31): names, kana, e-mail addresses, phone numbers,
 * postal addresses; special-care data (要配慮個人情報: allergy answers) stays out too, as no
 * reviewed metric needs it. Adding a source column is one line here; until it has a line, the
 * export drops it.
 *
 * The source side (types, nullability, primary and foreign keys) is the one description of the
 * source schema: the sample source's DDL is generated from it.
 */
import type { LakeColumnType, TableName } from './lakeSchema';

/** The MySQL column types the source uses. */
export type MySqlType = 'BIGINT' | 'INT' | 'SMALLINT' | 'TINYINT' | 'BOOLEAN' | 'DATE' | 'DATETIME' | 'TEXT' | `VARCHAR(${number})` | `CHAR(${number})`;

/** What a column says about a person, when it says anything: reviewers and tests check these never reach the lake as they are. */
export type PersonalKind =
  'person_id' | 'name' | 'kana' | 'email' | 'phone' | 'postal_code' | 'address' | 'birth_date' | 'special_care' | 'free_text' | 'secret';

/** Kinds that identify a person directly or are special-care data: always `drop`. */
export const NEVER_IN_LAKE: readonly PersonalKind[] = ['name', 'kana', 'email', 'phone', 'postal_code', 'address', 'special_care', 'free_text', 'secret'];

export type Treatment =
  | { readonly treatment: 'keep' }
  | { readonly treatment: 'drop'; readonly why: string }
  | { readonly treatment: 'pseudonymise'; readonly why: string }
  | { readonly treatment: 'generalise'; readonly into: string; readonly lakeType: LakeColumnType; readonly how: string; readonly why: string };

export type SourceColumn = Treatment & {
  readonly type: MySqlType;
  /** NULL allowed in the source (and so in the lake). */
  readonly nullable: boolean;
  readonly personal?: PersonalKind;
};

export interface ForeignKey {
  readonly columns: readonly string[];
  readonly references: TableName;
  readonly referencedColumns: readonly string[];
}

export interface SourceTable {
  /** In source order; the lake keeps this order for the columns that reach it. */
  readonly columns: Readonly<Record<string, SourceColumn>>;
  /** Also the lake's sort order (a unique key), so its files are stable and range-prunable. */
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly ForeignKey[];
}

interface ColumnOptions {
  nullable?: boolean;
  personal?: PersonalKind;
}

const keep = (type: MySqlType, options: ColumnOptions = {}): SourceColumn => ({
  treatment: 'keep',
  type,
  nullable: options.nullable ?? false,
  ...personalOf(options),
});
const drop = (type: MySqlType, why: string, options: ColumnOptions = {}): SourceColumn => ({
  treatment: 'drop',
  why,
  type,
  nullable: options.nullable ?? false,
  ...personalOf(options),
});
const personalOf = (options: ColumnOptions): { personal?: PersonalKind } => (options.personal ? { personal: options.personal } : {});

const PERSON_ID_WHY = 'a person id: analyses need to count and join people, never to know who they are';
/** Every person id in the lake is this treatment of users.user_id. */
const personId = (options: ColumnOptions = {}): SourceColumn => ({
  treatment: 'pseudonymise',
  why: PERSON_ID_WHY,
  type: 'BIGINT',
  nullable: options.nullable ?? false,
  personal: 'person_id',
});
const CURSOR_WHY = "the export's bookkeeping (cursor, audit), not a business fact";
const createdAt = (): SourceColumn => drop('DATETIME', CURSOR_WHY);
const updatedAt = (): SourceColumn => drop('DATETIME', CURSOR_WHY);
const fk = (columns: readonly string[], references: TableName, referencedColumns: readonly string[] = columns): ForeignKey => ({
  columns,
  references,
  referencedColumns,
});

/** The age band the lake holds instead of a birth date. */
export const AGE_BAND_HOW =
  "10-year band of the age in completed years on the snapshot's JST date, e.g. '30-39' ('100+' from 100). A person's band in the lake is the one at the snapshot, not at an event's time.";

export const SOURCE_SCHEMA: Readonly<Record<TableName, SourceTable>> = {
  users: {
    columns: {
      user_id: personId(),
      email: drop('VARCHAR(255)', 'a direct identifier', { personal: 'email' }),
      name: drop('VARCHAR(100)', 'a direct identifier (氏名, kanji)', { personal: 'name' }),
      name_kana: drop('VARCHAR(100)', 'a direct identifier (フリガナ)', { personal: 'kana' }),
      phone: drop('VARCHAR(20)', 'a direct identifier', { personal: 'phone' }),
      postal_code: drop('CHAR(8)', 'with the address, it locates a person', { personal: 'postal_code' }),
      // The prefecture is the coarse part of the address (47 values), kept as a dimension.
      prefecture: keep('VARCHAR(8)'),
      address_line: drop('VARCHAR(255)', 'a direct identifier (city, street, building)', { personal: 'address' }),
      birth_date: {
        treatment: 'generalise',
        into: 'age_band',
        lakeType: 'VARCHAR',
        how: AGE_BAND_HOW,
        why: 'a birth date nearly identifies a person with the prefecture and gender; a 10-year band does not',
        type: 'DATE',
        nullable: false,
        personal: 'birth_date',
      },
      gender: keep('VARCHAR(16)'),
      registered_at: keep('DATETIME'),
      acquisition_channel: keep('VARCHAR(16)'),
      password_hash: drop('VARCHAR(255)', 'a credential', { personal: 'secret' }),
      last_login_at: drop('DATETIME', 'behaviour tracking no reviewed metric needs', { nullable: true }),
      created_at: createdAt(),
      updated_at: updatedAt(),
    },
    primaryKey: ['user_id'],
    foreignKeys: [],
  },
  subscriptions: {
    columns: {
      subscription_id: keep('BIGINT'),
      // NULL after an erasure: the subscription its boxes' amounts belong to stays, its person does not.
      user_id: personId({ nullable: true }),
      plan: keep('VARCHAR(16)'),
      status: keep('VARCHAR(16)'),
      started_at: keep('DATETIME'),
      canceled_at: keep('DATETIME', { nullable: true }),
      cancel_reason: keep('VARCHAR(32)', { nullable: true }),
      cancel_comment: drop('TEXT', 'free text: people write names, addresses and health in it', { nullable: true, personal: 'free_text' }),
      created_at: createdAt(),
      updated_at: updatedAt(),
    },
    primaryKey: ['subscription_id'],
    foreignKeys: [fk(['user_id'], 'users')],
  },
  boxes: {
    columns: {
      box_id: keep('BIGINT'),
      subscription_id: keep('BIGINT'),
      // NULL after an erasure: the box's amounts stay for the tax records, its person does not.
      user_id: personId({ nullable: true }),
      scheduled_date: keep('DATE'),
      shipped_at: keep('DATETIME', { nullable: true }),
      status: keep('VARCHAR(16)'),
      price_jpy: keep('INT'),
      discount_jpy: keep('INT'),
      tracking_number: drop('VARCHAR(32)', 'the carrier maps it to a delivery address', { nullable: true }),
      created_at: createdAt(),
      updated_at: updatedAt(),
    },
    primaryKey: ['box_id'],
    foreignKeys: [fk(['subscription_id'], 'subscriptions'), fk(['user_id'], 'users')],
  },
  box_items: {
    columns: {
      box_id: keep('BIGINT'),
      product_id: keep('INT'),
      quantity: keep('SMALLINT'),
      assigned_by: keep('VARCHAR(16)'),
      created_at: createdAt(),
    },
    primaryKey: ['box_id', 'product_id'],
    foreignKeys: [fk(['box_id'], 'boxes'), fk(['product_id'], 'products')],
  },
  products: {
    columns: {
      product_id: keep('INT'),
      // A snack's name, not a person's.
      name: keep('VARCHAR(200)'),
      category: keep('VARCHAR(16)'),
      maker: keep('VARCHAR(100)'),
      maker_prefecture: keep('VARCHAR(8)'),
      unit_cost_jpy: keep('INT'),
      list_price_jpy: keep('INT'),
      launched_at: keep('DATE'),
      is_active: keep('BOOLEAN'),
      created_at: createdAt(),
      updated_at: updatedAt(),
    },
    primaryKey: ['product_id'],
    foreignKeys: [],
  },
  ratings: {
    columns: {
      user_id: personId(),
      product_id: keep('INT'),
      box_id: keep('BIGINT'),
      rating: keep('TINYINT'),
      rated_at: keep('DATETIME'),
      comment: drop('TEXT', 'free text: people write names, addresses and health in it', { nullable: true, personal: 'free_text' }),
      updated_at: updatedAt(),
    },
    primaryKey: ['box_id', 'product_id'],
    foreignKeys: [fk(['user_id'], 'users'), fk(['box_id', 'product_id'], 'box_items'), fk(['product_id'], 'products')],
  },
  snack_requests: {
    columns: {
      user_id: personId(),
      product_id: keep('INT'),
      requested_at: keep('DATETIME'),
    },
    primaryKey: ['user_id', 'requested_at', 'product_id'],
    foreignKeys: [fk(['user_id'], 'users'), fk(['product_id'], 'products')],
  },
  diagnoses: {
    columns: {
      user_id: personId(),
      answered_at: keep('DATETIME'),
      sweetness_pref: keep('TINYINT'),
      saltiness_pref: keep('TINYINT'),
      texture_pref: keep('VARCHAR(16)'),
      allergy_nuts: drop('BOOLEAN', '要配慮個人情報 (health): no reviewed metric needs it', { personal: 'special_care' }),
      allergy_wheat: drop('BOOLEAN', '要配慮個人情報 (health): no reviewed metric needs it', { personal: 'special_care' }),
      allergy_milk: drop('BOOLEAN', '要配慮個人情報 (health): no reviewed metric needs it', { personal: 'special_care' }),
      allergy_other: drop('TEXT', '要配慮個人情報 (health), as free text', { nullable: true, personal: 'special_care' }),
      updated_at: updatedAt(),
    },
    primaryKey: ['user_id'],
    foreignKeys: [fk(['user_id'], 'users')],
  },
  shop_orders: {
    columns: {
      order_id: keep('BIGINT'),
      // NULL after an erasure, as for boxes.
      user_id: personId({ nullable: true }),
      ordered_at: keep('DATETIME'),
      status: keep('VARCHAR(16)'),
      total_jpy: keep('INT'),
      // Gifts ship to someone else: these describe a second person.
      shipping_name: drop('VARCHAR(100)', 'a direct identifier of the recipient', { personal: 'name' }),
      shipping_phone: drop('VARCHAR(20)', 'a direct identifier of the recipient', { personal: 'phone' }),
      shipping_postal_code: drop('CHAR(8)', 'with the address, it locates the recipient', { personal: 'postal_code' }),
      shipping_address: drop('VARCHAR(255)', 'a direct identifier of the recipient', { personal: 'address' }),
      gift_message: drop('TEXT', 'free text: people write names in it', { nullable: true, personal: 'free_text' }),
      created_at: createdAt(),
      updated_at: updatedAt(),
    },
    primaryKey: ['order_id'],
    foreignKeys: [fk(['user_id'], 'users')],
  },
  shop_order_items: {
    columns: {
      order_id: keep('BIGINT'),
      product_id: keep('INT'),
      quantity: keep('SMALLINT'),
      unit_price_jpy: keep('INT'),
    },
    primaryKey: ['order_id', 'product_id'],
    foreignKeys: [fk(['order_id'], 'shop_orders'), fk(['product_id'], 'products')],
  },
};

/** The lake column a source column becomes, or undefined when it is dropped. */
export function lakeColumnOf(name: string, column: SourceColumn): { name: string; type: LakeColumnType } | undefined {
  switch (column.treatment) {
    case 'drop':
      return undefined;
    case 'generalise':
      return { name: column.into, type: column.lakeType };
    case 'keep':
    case 'pseudonymise':
      return { name, type: lakeTypeOf(column.type) };
  }
}

/** How a MySQL type reads in the lake (DuckDB/Parquet; Glue maps these on). */
export function lakeTypeOf(type: MySqlType): LakeColumnType {
  if (type === 'BIGINT') return 'BIGINT';
  if (type === 'INT' || type === 'SMALLINT' || type === 'TINYINT') return 'INTEGER';
  if (type === 'BOOLEAN') return 'BOOLEAN';
  if (type === 'DATE') return 'DATE';
  // DATETIME holds UTC in the source; the lake keeps it naive.
  if (type === 'DATETIME') return 'TIMESTAMP';
  return 'VARCHAR';
}

/** The age band of someone born on `birthDate` on the JST day `onDate` (both `YYYY-MM-DD`): see AGE_BAND_HOW. */
export function ageBand(birthDate: string, onDate: string): string {
  const [by, bmd] = [Number(birthDate.slice(0, 4)), birthDate.slice(5)];
  const [oy, omd] = [Number(onDate.slice(0, 4)), onDate.slice(5)];
  const age = oy - by - (omd < bmd ? 1 : 0);
  if (age >= 100) return '100+';
  const low = Math.floor(Math.max(age, 0) / 10) * 10;
  return `${low}-${low + 9}`;
}

/** Every band ageBand can answer, youngest first. */
export const AGE_BANDS: readonly string[] = [...Array.from({ length: 10 }, (_, i) => `${i * 10}-${i * 10 + 9}`), '100+'];
