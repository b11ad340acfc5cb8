/**
 * Everything that differs between DuckDB (embedded) and Trino (Athena engine v3) SQL lives here,
 * as two small objects with the same shape. The compiler only ever asks the dialect.
 * Business days are JST (UTC+9, no daylight saving), while lake timestamps are naive UTC.
 */
import type { Grain } from '../contract/dates';
import type { FilterScalar } from '../contract/types';
import type { Shift } from '../contract/comparison';
import { trinoLiteral } from './sqlLiteral';

export type DialectName = 'duckdb' | 'trino';

/** Collects bound values for one statement; returns the SQL that stands for a value. */
export interface Binder {
  bind(value: FilterScalar): string;
  readonly params: FilterScalar[];
}

export interface Dialect {
  readonly name: DialectName;
  dateLiteral(iso: string): string;
  /** The UTC instant at which the JST day `iso` begins, as a timestamp literal. */
  jstDayStartLiteral(iso: string): string;
  /** The UTC instant at which the JST day held in a DATE expression begins. */
  jstDayStart(dateExpr: string): string;
  /** The JST calendar day of a naive-UTC timestamp expression. */
  jstDate(timestampExpr: string): string;
  /** The start of the period holding a DATE expression, as a DATE. */
  truncate(grain: Grain, dateExpr: string): string;
  /** A DATE expression one period after a DATE expression. */
  addPeriod(grain: Grain, dateExpr: string): string;
  /** A DATE expression moved by whole days or calendar months (a month end clamps: 2024-02-29 − 12 months = 2023-02-28). */
  shiftDate(dateExpr: string, shift: Shift): string;
  /** A naive-UTC timestamp literal of an ISO instant. */
  instantLiteral(isoInstant: string): string;
  /** A FROM item with one DATE column `p`: every period start from `first` to `last` inclusive. */
  periodSeries(grain: Grain, first: string, last: string): string;
  /** a ÷ b as a double, NULL when b is 0 (int/int would truncate on Trino). */
  divide(numerator: string, denominator: string): string;
  newBinder(): Binder;
  /**
   * A lake table as a FROM item that reads exactly the snapshot `snapshotId`. DuckDB's views already
   * follow the lake's manifest; Athena's tables hold every snapshot as a projected partition.
   */
  relation(table: string, snapshotId: string | undefined): string;
}

// ISO weeks start on Monday in both engines' date_trunc('week', …).
const STEP: Record<Grain, { unit: 'day' | 'month'; count: number }> = {
  day: { unit: 'day', count: 1 },
  week: { unit: 'day', count: 7 },
  month: { unit: 'month', count: 1 },
  quarter: { unit: 'month', count: 3 },
  year: { unit: 'month', count: 12 },
};

function jstMidnightAsUtc(iso: string): string {
  const instant = new Date(Date.parse(`${iso}T00:00:00+09:00`));
  return instant.toISOString().slice(0, 19).replace('T', ' ');
}

function instantLiteral(isoInstant: string): string {
  return `TIMESTAMP '${new Date(Date.parse(isoInstant)).toISOString().slice(0, 23).replace('T', ' ')}'`;
}

export const duckdb: Dialect = {
  name: 'duckdb',
  dateLiteral: (iso) => `DATE '${iso}'`,
  jstDayStartLiteral: (iso) => `TIMESTAMP '${jstMidnightAsUtc(iso)}'`,
  jstDayStart: (dateExpr) => `(CAST(${dateExpr} AS TIMESTAMP) - INTERVAL 9 HOUR)`,
  // DuckDB's date + interval is a TIMESTAMP, so every result is cast back to DATE.
  jstDate: (ts) => `CAST(${ts} + INTERVAL 9 HOUR AS DATE)`,
  truncate: (grain, dateExpr) => (grain === 'day' ? dateExpr : `CAST(date_trunc('${grain}', ${dateExpr}) AS DATE)`),
  addPeriod: (grain, dateExpr) => {
    const step = STEP[grain];
    return `CAST(${dateExpr} + INTERVAL ${step.count} ${step.unit.toUpperCase()} AS DATE)`;
  },
  periodSeries: (grain, first, last) => {
    const step = STEP[grain];
    return `(SELECT CAST(generate_series AS DATE) AS p FROM generate_series(DATE '${first}', DATE '${last}', INTERVAL ${step.count} ${step.unit.toUpperCase()}))`;
  },
  shiftDate: (dateExpr, shift) => `CAST(${dateExpr} ${shift.count < 0 ? '-' : '+'} INTERVAL ${Math.abs(shift.count)} ${shift.unit.toUpperCase()} AS DATE)`,
  instantLiteral,
  divide: (a, b) => `(CAST(${a} AS DOUBLE) / NULLIF(${b}, 0))`,
  newBinder: () => {
    // Positional `$n` parameters; equal values share one slot.
    const params: FilterScalar[] = [];
    return {
      params,
      bind(value) {
        let index = params.findIndex((p) => p === value);
        if (index < 0) index = params.push(value) - 1;
        return `$${index + 1}`;
      },
    };
  },
  relation: (table) => table,
};

export const trino: Dialect = {
  name: 'trino',
  dateLiteral: (iso) => `DATE '${iso}'`,
  jstDayStartLiteral: (iso) => `TIMESTAMP '${jstMidnightAsUtc(iso)}'`,
  jstDayStart: (dateExpr) => `(CAST(${dateExpr} AS TIMESTAMP) - INTERVAL '9' HOUR)`,
  jstDate: (ts) => `CAST(${ts} + INTERVAL '9' HOUR AS DATE)`,
  truncate: (grain, dateExpr) => (grain === 'day' ? dateExpr : `date_trunc('${grain}', ${dateExpr})`),
  addPeriod: (grain, dateExpr) => {
    const step = STEP[grain];
    return `date_add('${step.unit}', ${step.count}, ${dateExpr})`;
  },
  periodSeries: (grain, first, last) => {
    const step = STEP[grain];
    return `UNNEST(sequence(DATE '${first}', DATE '${last}', INTERVAL '${step.count}' ${step.unit.toUpperCase()})) AS series (p)`;
  },
  shiftDate: (dateExpr, shift) => `date_add('${shift.unit}', ${shift.count}, ${dateExpr})`,
  instantLiteral,
  divide: (a, b) => `(CAST(${a} AS DOUBLE) / NULLIF(${b}, 0))`,
  newBinder: () => {
    // Athena binds `?` only in WHERE and wants values as SQL expressions, so filter values are
    // printed as escaped literals by the one function built for it.
    const params: FilterScalar[] = [];
    return { params, bind: (value) => trinoLiteral(value) };
  },
  // Every table of one statement names the same snapshot, so a join never mixes two exports, and the
  // Glue table's injected projection refuses a query that names none (src/infra).
  relation: (table, snapshotId) => {
    if (snapshotId === undefined) throw new Error(`A Trino statement must name the lake snapshot it reads (table ${table}).`);
    return `(SELECT * FROM ${table} WHERE "snapshot" = ${trinoLiteral(snapshotId)})`;
  },
};

export const DIALECTS: Record<DialectName, Dialect> = { duckdb, trino };
