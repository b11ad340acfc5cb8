/** The sample source's DDL, generated from the contract's source schema, and the source-only columns the seeder fills. */
import { sourceErrorSentence } from '../../src/cli/messages';
import type { TableName } from '../../src/contract/lakeSchema';
import { SOURCE_SCHEMA } from '../../src/contract/privacyPolicy';
import {
  createTableStatement,
  dropSourceSchemaStatements,
  SAMPLE_SOURCE_MARKER,
  sourceIndexes,
  sourceSchemaStatements,
  sourceTablesInDependencyOrder,
} from '../../src/export/sourceDdl';
import { SourceError } from '../../src/export/sourceErrors';
import { sourceRowsQuery, unknownSourceOnlyColumns } from '../../src/lake/sourceRows.sql';

const TABLES = Object.keys(SOURCE_SCHEMA) as TableName[];

describe('sample source DDL', () => {
  it('creates every table after the tables it references, and drops them the other way round', () => {
    const order = sourceTablesInDependencyOrder();
    expect([...order].sort()).toEqual([...TABLES].sort());
    for (const table of TABLES) {
      for (const fk of SOURCE_SCHEMA[table].foreignKeys) expect(order.indexOf(fk.references)).toBeLessThan(order.indexOf(table));
    }
    const drops = dropSourceSchemaStatements();
    expect(drops).toHaveLength(TABLES.length + 1);
    expect(drops[0]).toBe(`DROP TABLE IF EXISTS \`${order[order.length - 1]}\``);
    expect(drops[drops.length - 1]).toBe(`DROP TABLE IF EXISTS \`${SAMPLE_SOURCE_MARKER}\``);
  });

  it('rejects a foreign-key cycle instead of looping', () => {
    const cyclic = {
      ...SOURCE_SCHEMA,
      users: { ...SOURCE_SCHEMA.users, foreignKeys: [{ columns: ['user_id'], references: 'boxes', referencedColumns: ['user_id'] }] },
    } as typeof SOURCE_SCHEMA;
    expect(() => sourceTablesInDependencyOrder(cyclic)).toThrow(/cycle/);
  });

  it.each(TABLES.map((t) => [t]))('%s: every contract column with its type and nullability, the keys, InnoDB utf8mb4', (table) => {
    const sql = createTableStatement(table);
    const spec = SOURCE_SCHEMA[table];
    expect(sql.startsWith(`CREATE TABLE \`${table}\` (`)).toBe(true);
    for (const [name, column] of Object.entries(spec.columns)) {
      expect(sql).toContain(`\`${name}\` ${column.type} ${column.nullable ? 'NULL' : 'NOT NULL'}`);
    }
    // Columns appear in the contract's order.
    const positions = Object.keys(spec.columns).map((name) => sql.indexOf(`\n  \`${name}\` `));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(sql).toContain(`PRIMARY KEY (${spec.primaryKey.map((c) => `\`${c}\``).join(', ')})`);
    for (const fk of spec.foreignKeys) {
      expect(sql).toContain(
        `FOREIGN KEY (${fk.columns.map((c) => `\`${c}\``).join(', ')}) REFERENCES \`${fk.references}\` (${fk.referencedColumns.map((c) => `\`${c}\``).join(', ')})`,
      );
    }
    expect(sql).toMatch(/\) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci$/);
  });

  it('indexes every foreign key not already led by a key, and updated_at on mutable tables', () => {
    expect(sourceIndexes(SOURCE_SCHEMA.subscriptions)).toEqual([['user_id'], ['updated_at']]);
    expect(sourceIndexes(SOURCE_SCHEMA.boxes)).toEqual([['subscription_id'], ['user_id'], ['updated_at']]);
    // box_id leads the primary key; (box_id, product_id) is the primary key.
    expect(sourceIndexes(SOURCE_SCHEMA.box_items)).toEqual([['product_id']]);
    expect(sourceIndexes(SOURCE_SCHEMA.ratings)).toEqual([['user_id'], ['product_id'], ['updated_at']]);
    expect(sourceIndexes(SOURCE_SCHEMA.diagnoses)).toEqual([['updated_at']]);
    for (const table of TABLES) {
      const sql = createTableStatement(table);
      for (const columns of sourceIndexes(SOURCE_SCHEMA[table])) expect(sql).toContain(`KEY \`idx_${table}_${columns.join('_')}\` (`);
    }
  });

  it('declares created_at and updated_at as an application would', () => {
    const sql = createTableStatement('boxes');
    expect(sql).toContain('`created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,');
    expect(sql).toContain('`updated_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,');
  });

  it('creates the marker first, holding seed, scale, as-of and the business clock', () => {
    const [marker, ...tables] = sourceSchemaStatements();
    expect(marker).toContain(`CREATE TABLE \`${SAMPLE_SOURCE_MARKER}\``);
    for (const column of ['seed', 'scale', 'seeded_as_of', 'business_clock', 'completed_at']) expect(marker).toContain(`\`${column}\``);
    expect(tables).toHaveLength(TABLES.length);
  });
});

describe('sample source rows', () => {
  it('fills only columns the contract has, and selects every contract column in order', () => {
    expect(unknownSourceOnlyColumns()).toEqual([]);
    for (const table of TABLES) {
      const sql = sourceRowsQuery(table);
      const names = Object.keys(SOURCE_SCHEMA[table].columns);
      const positions = names.map((name) => (sql.indexOf(` AS ${name},`) >= 0 ? sql.indexOf(` AS ${name},`) : sql.indexOf(` AS ${name} FROM`)));
      expect(positions.every((p) => p > 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it('refuses a foreign database in one line in both languages', () => {
    const error = new SourceError('foreign_database', 'Refusing to seed u@h:3306/db: …', { source: 'u@h:3306/db', detail: '3' });
    const ja = sourceErrorSentence(error, 'ja');
    expect(ja).toContain('u@h:3306/db');
    expect(ja).toContain('3 個');
    expect(ja).not.toContain('\n');
  });
});
