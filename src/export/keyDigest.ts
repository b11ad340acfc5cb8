/**
 * A cheap fingerprint of a set of integer primary keys, computed alike by MariaDB/MySQL (on the
 * source) and DuckDB (on the lake's snapshot): COUNT, SUM and BIT_XOR of one integer per key,
 * `k1 * 1000003 + k2` for a two-column key. Equal fingerprints of a bucket mean its key set has not
 * changed (a delete and an insert that cancel in count, sum and XOR at once do not happen by
 * accident), so the export reads keys only of the buckets that changed. Only for tables whose key
 * columns are non-person integers: a person id is a pseudonym in the lake, and cannot be compared.
 */
import { SOURCE_SCHEMA } from '../contract/privacyPolicy';
import type { TableName } from '../contract/lakeSchema';

const SECOND_KEY_FACTOR = 1_000_003;
const INTEGER_TYPES = new Set(['BIGINT', 'INT', 'SMALLINT', 'TINYINT']);

/** The per-key integer, in either dialect (`quote` quotes a column name). */
export function keyDigestTerm(key: readonly string[], quote: (name: string) => string): string {
  if (key.length === 1) return quote(key[0]!);
  if (key.length === 2) return `(${quote(key[0]!)} * ${SECOND_KEY_FACTOR} + ${quote(key[1]!)})`;
  throw new Error('A key digest covers keys of one or two columns');
}

/** Whether a table's key set can be compared bucket by bucket: one or two integer key columns, none a person id. */
export function digestibleKey(table: TableName): boolean {
  const spec = SOURCE_SCHEMA[table];
  return (
    spec.primaryKey.length <= 2 &&
    spec.primaryKey.every((column) => {
      const c = spec.columns[column]!;
      return INTEGER_TYPES.has(c.type) && c.treatment === 'keep';
    })
  );
}

/** A bucket's fingerprint as text (`count:sum:xor`), the same whichever side computed it; an empty bucket is `0:0:0`. */
export function digestText(count: unknown, sum: unknown, xor: unknown): string {
  const n = String(count ?? 0);
  if (n === '0') return '0:0:0';
  return `${n}:${String(sum)}:${BigInt(String(xor)).toString()}`;
}
