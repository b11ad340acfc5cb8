/**
 * The reader's SQL text, built from identifiers the contract declares (checked and quoted here) and
 * `?` placeholders; no value ever becomes SQL text. Pure, so each statement shape is tested alone.
 */
import { keyDigestTerm } from './keyDigest';

export type ServerFlavour = 'mariadb' | 'mysql';

/**
 * One value of a source row, and so of a key or cursor bound to a `?`: exact text for BIGINT, DECIMAL,
 * DATE and DATETIME; numbers for smaller integer types; bytes; null.
 */
export type SourceValue = string | number | null | Buffer;

/** `SELECT VERSION()` says "…-MariaDB…" on MariaDB; anything else (MySQL, Aurora MySQL) is MySQL. */
export function flavourOf(version: string): ServerFlavour {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Backtick-quotes a table or column name; anything but a plain name is refused, not escaped. */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/**
 * Rows strictly after `columns` = `values` in (c1, c2, …) order, spelled as nested OR/AND rather than
 * a row comparison `(c1, c2) > (?, ?)`: both servers turn this form into index ranges, while older
 * MariaDB does not use an index for the row form.
 */
export function keysetAfter<V>(columns: readonly string[], values: readonly V[]): { sql: string; params: V[] } {
  if (columns.length === 0 || columns.length !== values.length) throw new Error('keysetAfter needs one value per column');
  const quoted = columns.map(quoteIdentifier);
  const disjuncts: string[] = [];
  const params: V[] = [];
  quoted.forEach((column, i) => {
    const equal = quoted.slice(0, i).map((earlier) => `${earlier} = ?`);
    disjuncts.push([...equal, `${column} > ?`].join(' AND '));
    params.push(...values.slice(0, i), values[i]!);
  });
  return { sql: disjuncts.length === 1 ? disjuncts[0]! : disjuncts.map((d) => `(${d})`).join(' OR '), params };
}

export interface ChunkQuery {
  table: string;
  columns: readonly string[];
  /** The order and the keyset: the primary key, or (cursor column, primary key). */
  orderBy: readonly string[];
  /** The last row's `orderBy` values of the previous chunk; none for the first chunk. */
  after?: readonly unknown[];
  /** Instead of `after`: rows whose first `orderBy` column is at least this (a cursor's first chunk). */
  from?: unknown;
  /** Only rows whose `column` lies in [from, below) (either bound may be absent): one bucket of keys. */
  range?: KeyRange;
  limit: number;
}

/** `SELECT cols FROM t [WHERE after] ORDER BY keys LIMIT n`: one bounded, index-ordered chunk. */
export function chunkSelect(query: ChunkQuery): { sql: string; params: unknown[] } {
  if (!Number.isInteger(query.limit) || query.limit < 1) throw new Error(`A chunk needs a positive whole row limit, not ${query.limit}`);
  const position =
    query.after !== undefined
      ? keysetAfter(query.orderBy, query.after)
      : query.from !== undefined
        ? { sql: `${quoteIdentifier(query.orderBy[0]!)} >= ?`, params: [query.from] }
        : undefined;
  const conditions = [...(position ? [position] : []), ...(query.range ? [rangeCondition(query.range)] : [])];
  const where =
    conditions.length === 0
      ? undefined
      : { sql: conditions.map((c) => (conditions.length > 1 ? `(${c.sql})` : c.sql)).join(' AND '), params: conditions.flatMap((c) => c.params) };
  const sql = [
    `SELECT ${query.columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(query.table)}`,
    ...(where ? [`WHERE ${where.sql}`] : []),
    `ORDER BY ${query.orderBy.map(quoteIdentifier).join(', ')}`,
    `LIMIT ${query.limit}`,
  ].join(' ');
  return { sql, params: where?.params ?? [] };
}

/** A bucket of keys: `column` in [from, below); an absent bound is open. */
export interface KeyRange {
  column: string;
  from?: unknown;
  below?: unknown;
}

function rangeCondition(range: KeyRange): { sql: string; params: unknown[] } {
  const column = quoteIdentifier(range.column);
  const parts: string[] = [];
  const params: unknown[] = [];
  if (range.from !== undefined) {
    parts.push(`${column} >= ?`);
    params.push(range.from);
  }
  if (range.below !== undefined) {
    parts.push(`${column} < ?`);
    params.push(range.below);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1 = 1', params };
}

/**
 * The key set of one bucket in one row: its count, and the sum and XOR of a per-key integer
 * (keyDigest.ts), computed by the server over the primary key's range; the lake computes the same
 * over its snapshot, and only a bucket whose digests differ needs its keys read.
 */
export function rangeDigestSelect(query: { table: string; key: readonly string[]; range: KeyRange }): { sql: string; params: unknown[] } {
  const term = keyDigestTerm(query.key, quoteIdentifier);
  const condition = rangeCondition(query.range);
  return {
    sql: `SELECT COUNT(*), SUM(${term}), BIT_XOR(${term}) FROM ${quoteIdentifier(query.table)} WHERE ${condition.sql}`,
    params: condition.params,
  };
}

/**
 * `SELECT cols FROM t WHERE (k1 = ? AND k2 = ?) OR (…)`: the rows of the given keys. OR-ed equalities
 * rather than a row-constructor IN list, for the same reason as keysetAfter.
 */
export function keyLookupSelect(query: { table: string; columns: readonly string[]; key: readonly string[]; keys: ReadonlyArray<readonly unknown[]> }): {
  sql: string;
  params: unknown[];
} {
  if (query.keys.length === 0) throw new Error('keyLookupSelect needs at least one key');
  const quoted = query.key.map(quoteIdentifier);
  const one = quoted.length === 1 ? `${quoted[0]} = ?` : `(${quoted.map((c) => `${c} = ?`).join(' AND ')})`;
  const params: unknown[] = [];
  for (const key of query.keys) {
    if (key.length !== quoted.length) throw new Error('keyLookupSelect needs one value per key column');
    params.push(...key);
  }
  const where = quoted.length === 1 ? `${quoted[0]} IN (${query.keys.map(() => '?').join(', ')})` : query.keys.map(() => one).join(' OR ');
  return { sql: `SELECT ${query.columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(query.table)} WHERE ${where}`, params };
}

/**
 * The statement with the server's own per-statement time cap, so a slow read is stopped by the
 * server rather than left holding back purge: MariaDB `SET STATEMENT max_statement_time=<s> FOR`,
 * MySQL 5.7.8+ the optimizer hint `MAX_EXECUTION_TIME(ms)` (SELECT only).
 */
export function withTimeCap(select: string, flavour: ServerFlavour, capSeconds: number): string {
  if (!(capSeconds > 0) || !Number.isFinite(capSeconds)) throw new Error(`A time cap must be a positive number of seconds, not ${capSeconds}`);
  if (!/^SELECT /.test(select)) throw new Error('Only a SELECT takes a time cap');
  return flavour === 'mariadb'
    ? `SET STATEMENT max_statement_time=${capSeconds} FOR ${select}`
    : `SELECT /*+ MAX_EXECUTION_TIME(${Math.max(1, Math.round(capSeconds * 1000))}) */ ${select.slice('SELECT '.length)}`;
}

/** How a key or cursor value goes back to the server: integer columns as typed integers, the rest as given. */
export type KeyBinding = 'signed integer' | 'unsigned integer' | 'as given';

/** The protocol's integer column types (TINY, SHORT, LONG, LONGLONG, INT24) and its UNSIGNED flag. */
const INTEGER_COLUMN_TYPES = new Set([1, 2, 3, 8, 9]);
const UNSIGNED_FLAG = 32;

/**
 * A BIGINT key comes back as a string (exactness), but MySQL compares an integer column with a
 * string as doubles, where 2^53 + 1 equals 2^53: a chunk boundary there would skip or repeat rows.
 * So integer keys are bound as integers of the column's signedness.
 */
export function keyBindingOf(field: { columnType?: number; flags: number | string[] }): KeyBinding {
  if (field.columnType === undefined || !INTEGER_COLUMN_TYPES.has(field.columnType)) return 'as given';
  const unsigned = Array.isArray(field.flags) ? field.flags.includes('UNSIGNED') : (field.flags & UNSIGNED_FLAG) !== 0;
  return unsigned ? 'unsigned integer' : 'signed integer';
}
