/**
 * From a source row to a lake row: the privacy policy's treatments applied value by value (keep,
 * pseudonymise person ids, generalise a birth date into an age band; dropped columns are never read).
 * Values leave as text (NULL as null) for a VARCHAR staging table that DuckDB casts to the lake types,
 * so one path serves every type. Pure.
 */
import { LAKE_SCHEMA, type LakeColumnType, type TableName } from '../contract/lakeSchema';
import { ageBand, SOURCE_SCHEMA, type SourceColumn } from '../contract/privacyPolicy';
import { pseudonymise } from '../lake/pseudonym';
import { columnsTheExportReads } from './sourceSchemaCheck';
import type { SourceValue } from './sourceSql';

const JST_OFFSET_MS = 9 * 3_600_000;

export type LakeText = string | null;

/** What the export reads of a table and how each value becomes the lake's. */
export interface TableShape {
  table: TableName;
  /** The primary key's source columns (lake names are the same: pseudonyms keep the names). */
  key: readonly string[];
  /** Source columns read for rows, in order: every column not dropped, then the cursor if any. */
  readColumns: readonly string[];
  /** Lake columns in the contract's order, with their types. */
  lakeColumns: ReadonlyArray<readonly [string, LakeColumnType]>;
  /** Source columns read by the key scan: the key, then what the lake derives at each snapshot (birth_date). */
  keyScanColumns: readonly string[];
  /** Lake columns the key scan yields besides the key (age_band), refreshed on every snapshot. */
  derivedColumns: readonly string[];
}

export function tableShape(table: TableName): TableShape {
  const spec = SOURCE_SCHEMA[table];
  const lakeColumns = Object.entries(LAKE_SCHEMA[table].columns) as Array<[string, LakeColumnType]>;
  const generalised = Object.entries(spec.columns).filter(([, column]) => column.treatment === 'generalise');
  return {
    table,
    key: spec.primaryKey,
    readColumns: columnsTheExportReads(table),
    lakeColumns,
    keyScanColumns: [...spec.primaryKey, ...generalised.map(([name]) => name)],
    derivedColumns: generalised.map(([, column]) => (column as Extract<SourceColumn, { treatment: 'generalise' }>).into),
  };
}

/** The snapshot's JST calendar day, `YYYY-MM-DD`: the day age bands are counted at. */
export function jstDateOf(instant: Date): string {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Pseudonyms already computed in this run: a person appears in many rows, and an HMAC costs more than a lookup. */
const PSEUDONYM_CACHE_LIMIT = 1_000_000;

function cachedPseudonyms(key: Uint8Array): (id: string) => string {
  let cache = new Map<string, string>();
  return (id) => {
    let pseudonym = cache.get(id);
    if (pseudonym === undefined) {
      if (cache.size >= PSEUDONYM_CACHE_LIMIT) cache = new Map();
      pseudonym = pseudonymise(BigInt(id), key).toString();
      cache.set(id, pseudonym);
    }
    return pseudonym;
  };
}

/** Turns one source value into the lake's text for the column's treatment. */
export function treatValue(column: SourceColumn, value: SourceValue, snapshotDateJst: string, pseudonymOf: (id: string) => string): LakeText {
  if (value === null) return null;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  switch (column.treatment) {
    case 'keep':
      // tinyint(1) arrives as 0/1; DuckDB casts 'true'/'false'.
      return column.type === 'BOOLEAN' ? String(Number(text) !== 0) : text;
    case 'pseudonymise':
      return pseudonymOf(text);
    case 'generalise':
      return ageBand(text.slice(0, 10), snapshotDateJst);
    case 'drop':
      throw new Error('A dropped column is never read');
  }
}

export interface RowTreatment {
  /** A source row (readColumns order) as a lake row (lakeColumns order). */
  lakeRow(row: readonly SourceValue[]): LakeText[];
  /** A key-scan row (keyScanColumns order) as [lake key…, derived…]. */
  lakeKeyRow(row: readonly SourceValue[]): LakeText[];
}

export function rowTreatment(shape: TableShape, snapshotDateJst: string, key: Uint8Array): RowTreatment {
  const columns = SOURCE_SCHEMA[shape.table].columns;
  const lakeNames = shape.lakeColumns.map(([name]) => name);
  // For each lake column, where its source value sits in a read row, and its source column's treatment.
  const sourceNameOf = (lakeName: string) =>
    Object.entries(columns).find(([name, column]) => (column.treatment === 'generalise' ? column.into === lakeName : name === lakeName))![0];
  const plan = lakeNames.map((lakeName) => {
    const sourceName = sourceNameOf(lakeName);
    return { at: shape.readColumns.indexOf(sourceName), column: columns[sourceName]! };
  });
  const pseudonymOf = cachedPseudonyms(key);
  const keyPlan = [...shape.key, ...shape.keyScanColumns.slice(shape.key.length)].map((sourceName, at) => ({ at, column: columns[sourceName]! }));
  return {
    lakeRow: (row) => plan.map(({ at, column }) => treatValue(column, row[at] ?? null, snapshotDateJst, pseudonymOf)),
    lakeKeyRow: (row) => keyPlan.map(({ at, column }) => treatValue(column, row[at] ?? null, snapshotDateJst, pseudonymOf)),
  };
}
