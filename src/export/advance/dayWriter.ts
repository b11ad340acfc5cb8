/**
 * The writes of one business day, on the day's transaction: whole rows of the contract's columns,
 * updates that always set `updated_at`, deletes by key; each counted per table. Every value travels
 * as a parameter the driver escapes; only our own table and column names become SQL text.
 */
import type { Connection, ResultSetHeader } from 'mysql2/promise';
import { LAKE_TABLES, type TableName } from '../../contract/lakeSchema';
import { SOURCE_SCHEMA } from '../../contract/privacyPolicy';

export type SqlValue = string | number | null;
export type SourceRecord = Record<string, SqlValue>;

export interface TableChanges {
  inserted: number;
  updated: number;
  deleted: number;
}

export type ChangeCounts = Record<TableName, TableChanges>;

/** Rows per INSERT: far below max_allowed_packet. */
const INSERT_BATCH_ROWS = 1000;

export function noChanges(): ChangeCounts {
  return Object.fromEntries(LAKE_TABLES.map((table) => [table, { inserted: 0, updated: 0, deleted: 0 }])) as ChangeCounts;
}

const q = (name: string) => `\`${name}\``;

/** `a = ? AND b IN (?)`, with the parameters in order; undefined when a list is empty (nothing can match). */
function whereClause(where: Readonly<Record<string, SqlValue | readonly SqlValue[]>>): { sql: string; params: unknown[] } | undefined {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of Object.entries(where)) {
    if (Array.isArray(value)) {
      if (value.length === 0) return undefined;
      parts.push(`${q(column)} IN (?)`);
    } else {
      parts.push(value === null ? `${q(column)} IS NULL` : `${q(column)} = ?`);
      if (value === null) continue;
    }
    params.push(value);
  }
  if (parts.length === 0) throw new Error('An update or delete of the sample source needs a WHERE clause.');
  return { sql: parts.join(' AND '), params };
}

export class DayWriter {
  readonly changes: ChangeCounts = noChanges();

  constructor(private readonly conn: Connection) {}

  async select<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [rows] = await this.conn.query(sql, params);
    return rows as T[];
  }

  /** Inserts whole rows: every column of the contract, named, so a missing one is our bug, not the DDL's default. */
  async insert(table: TableName, rows: readonly SourceRecord[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(SOURCE_SCHEMA[table].columns);
    const values = rows.map((row) => {
      const extra = Object.keys(row).filter((column) => !columns.includes(column));
      if (extra.length > 0) throw new Error(`${table} has no column ${extra.join(', ')}`);
      return columns.map((column) => {
        const value = row[column];
        if (value === undefined) throw new Error(`A new ${table} row lacks ${column}`);
        return value;
      });
    });
    const sql = `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES ?`;
    for (let i = 0; i < values.length; i += INSERT_BATCH_ROWS) await this.conn.query(sql, [values.slice(i, i + INSERT_BATCH_ROWS)]);
    this.changes[table].inserted += rows.length;
  }

  /**
   * Updates matching rows. `updated_at` must be among the values: the DDL's ON UPDATE
   * CURRENT_TIMESTAMP would otherwise stamp the wall clock, not the business clock.
   */
  async update(table: TableName, set: Readonly<SourceRecord>, where: Readonly<Record<string, SqlValue | readonly SqlValue[]>>): Promise<number> {
    if ('updated_at' in SOURCE_SCHEMA[table].columns && typeof set.updated_at !== 'string') {
      throw new Error(`An update of ${table} must set updated_at from the business clock.`);
    }
    const condition = whereClause(where);
    if (!condition) return 0;
    const assignments = Object.keys(set).map((column) => `${q(column)} = ?`);
    const [result] = await this.conn.query<ResultSetHeader>(`UPDATE ${q(table)} SET ${assignments.join(', ')} WHERE ${condition.sql}`, [
      ...Object.values(set),
      ...condition.params,
    ]);
    this.changes[table].updated += result.affectedRows;
    return result.affectedRows;
  }

  /** Updates many rows by key, one statement per distinct set of values (a batch the warehouse confirms at one moment is one statement). */
  async updateEach(table: TableName, keyColumn: string, changes: ReadonlyArray<{ key: SqlValue; set: Readonly<SourceRecord> }>): Promise<void> {
    const groups = new Map<string, { set: Readonly<SourceRecord>; keys: SqlValue[] }>();
    for (const { key, set } of changes) {
      const id = JSON.stringify(Object.entries(set));
      const group = groups.get(id) ?? { set, keys: [] };
      group.keys.push(key);
      groups.set(id, group);
    }
    for (const { set, keys } of groups.values()) await this.update(table, set, { [keyColumn]: keys });
  }

  async delete(table: TableName, where: Readonly<Record<string, SqlValue | readonly SqlValue[]>>): Promise<number> {
    const condition = whereClause(where);
    if (!condition) return 0;
    const [result] = await this.conn.query<ResultSetHeader>(`DELETE FROM ${q(table)} WHERE ${condition.sql}`, condition.params);
    this.changes[table].deleted += result.affectedRows;
    return result.affectedRows;
  }
}
