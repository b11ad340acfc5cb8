/**
 * The sample source's schema, generated from the one description of the source
 * (contract/privacyPolicy.ts SOURCE_SCHEMA): tables with their primary and foreign keys, and the
 * indexes an OLTP application would have. Pure: text only.
 */
import type { TableName } from '../contract/lakeSchema';
import { SOURCE_SCHEMA, type SourceColumn, type SourceTable } from '../contract/privacyPolicy';

/** The marker table: its presence (one row) is what makes a database "the sample source". */
export const SAMPLE_SOURCE_MARKER = 'snaq_sample_source';

/** Tables in an order where every table comes after the tables it references (create in it, drop in reverse). */
export function sourceTablesInDependencyOrder(schema: Readonly<Record<TableName, SourceTable>> = SOURCE_SCHEMA): TableName[] {
  const ordered: TableName[] = [];
  const visit = (table: TableName, path: readonly TableName[]): void => {
    if (ordered.includes(table)) return;
    if (path.includes(table)) throw new Error(`The source schema has a foreign-key cycle through ${table}`);
    for (const fk of schema[table].foreignKeys) if (fk.references !== table) visit(fk.references, [...path, table]);
    ordered.push(table);
  };
  for (const table of Object.keys(schema) as TableName[]) visit(table, []);
  return ordered;
}

/** Secondary indexes: every foreign key (unless a key already starts with its columns), and `updated_at`, which the export's cursor reads range over. */
export function sourceIndexes(table: SourceTable): string[][] {
  const indexes: string[][] = [];
  const covered = (columns: readonly string[]) =>
    [table.primaryKey, ...indexes].some((key) => columns.length <= key.length && columns.every((c, i) => key[i] === c));
  for (const fk of table.foreignKeys) if (!covered(fk.columns)) indexes.push([...fk.columns]);
  if ('updated_at' in table.columns) indexes.push(['updated_at']);
  return indexes;
}

const q = (name: string) => `\`${name}\``;
const list = (columns: readonly string[]) => columns.map(q).join(', ');

function columnDefinition(name: string, column: SourceColumn): string {
  const base = `${q(name)} ${column.type} ${column.nullable ? 'NULL' : 'NOT NULL'}`;
  // What an application's ORM declares; the seeder and `advance` set both explicitly from the business clock.
  if (name === 'created_at') return `${base} DEFAULT CURRENT_TIMESTAMP`;
  if (name === 'updated_at') return `${base} DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`;
  return base;
}

export function createTableStatement(name: TableName, table: SourceTable = SOURCE_SCHEMA[name]): string {
  const lines = [
    ...Object.entries(table.columns).map(([column, spec]) => columnDefinition(column, spec)),
    `PRIMARY KEY (${list(table.primaryKey)})`,
    ...sourceIndexes(table).map((columns) => `KEY ${q(`idx_${name}_${columns.join('_')}`)} (${list(columns)})`),
    ...table.foreignKeys.map(
      (fk) =>
        `CONSTRAINT ${q(`fk_${name}_${fk.columns.join('_')}`)} FOREIGN KEY (${list(fk.columns)}) REFERENCES ${q(fk.references)} (${list(fk.referencedColumns)})`,
    ),
  ];
  return `CREATE TABLE ${q(name)} (\n  ${lines.join(',\n  ')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;
}

/**
 * One row: how the sample was made, and its business clock (the instant the sample business has
 * reached; `seed` sets it to as-of, `advance` moves it, the export takes its snapshot instant from it).
 * `completed_at` stays NULL until every table is filled, so a seed that died part-way is visible.
 */
export const CREATE_MARKER_STATEMENT = `CREATE TABLE ${q(SAMPLE_SOURCE_MARKER)} (
  \`id\` TINYINT NOT NULL DEFAULT 1,
  \`seed\` BIGINT NOT NULL,
  \`scale\` DOUBLE NOT NULL,
  \`seeded_as_of\` DATETIME(3) NOT NULL,
  \`business_clock\` DATETIME(3) NOT NULL,
  \`completed_at\` DATETIME(3) NULL,
  PRIMARY KEY (\`id\`),
  CONSTRAINT \`marker_one_row\` CHECK (\`id\` = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;

/** The whole schema, in creation order: the marker first, so a seed that dies part-way can be redone. */
export function sourceSchemaStatements(): string[] {
  return [CREATE_MARKER_STATEMENT, ...sourceTablesInDependencyOrder().map((table) => createTableStatement(table))];
}

/** Drops our tables (and the marker), referencing tables first; leaves any other table alone. */
export function dropSourceSchemaStatements(): string[] {
  return [...sourceTablesInDependencyOrder().reverse(), SAMPLE_SOURCE_MARKER].map((table) => `DROP TABLE IF EXISTS ${q(table)}`);
}
