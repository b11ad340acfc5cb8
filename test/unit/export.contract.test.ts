/** The export's pure parts: the source schema check, the row treatments, the statement shapes. */
import { LAKE_SCHEMA, LAKE_TABLES } from '../../src/contract/lakeSchema';
import { SOURCE_SCHEMA } from '../../src/contract/privacyPolicy';
import { EXPORT_STRATEGIES } from '../../src/contract/exportStrategies';
import { jstDateOf, rowTreatment, tableShape } from '../../src/export/lakeRows';
import { columnsTheExportReads, compareSourceSchema, contractTypeOf, type SourceColumnInfo } from '../../src/export/sourceSchemaCheck';
import { SourceError } from '../../src/export/sourceErrors';
import { chunkSelect, keyLookupSelect } from '../../src/export/sourceSql';
import { pseudonymise, samplePseudonymKey } from '../../src/lake/pseudonym';

/** The source as the contract describes it, in information_schema's words. */
function contractColumns(): SourceColumnInfo[] {
  return Object.entries(SOURCE_SCHEMA).flatMap(([table, spec]) =>
    Object.entries(spec.columns).map(([column, c]) => {
      const columnType = c.type === 'BOOLEAN' ? 'tinyint(1)' : c.type === 'BIGINT' ? 'bigint(20)' : c.type.toLowerCase();
      const dataType = columnType.replace(/\(.*$/, '');
      return { table, column, dataType, columnType };
    }),
  );
}

describe('the source schema check', () => {
  it('accepts the contract’s own schema and reports nothing new', () => {
    expect(compareSourceSchema(contractColumns(), 'ro@db:3306/s')).toEqual({ newColumns: [] });
  });

  it('reports a new column of any type, which stays in the source', () => {
    const columns = [...contractColumns(), { table: 'users', column: 'home', dataType: 'point', columnType: 'point' }];
    expect(compareSourceSchema(columns, 's').newColumns).toEqual([{ table: 'users', column: 'home', columnType: 'point' }]);
  });

  it('names a missing table, a missing used column, an unknown type and a wrong type; a dropped column may go', () => {
    const without = (table: string, column?: string) => contractColumns().filter((c) => !(c.table === table && (column === undefined || c.column === column)));
    const failure = (columns: SourceColumnInfo[]) => {
      try {
        compareSourceSchema(columns, 's');
      } catch (error) {
        return error as SourceError;
      }
      throw new Error('expected a failure');
    };
    expect(failure(without('ratings'))).toMatchObject({ reason: 'missing_table', facts: { table: 'ratings' } });
    expect(failure(without('boxes', 'price_jpy'))).toMatchObject({ reason: 'missing_column', facts: { table: 'boxes', column: 'price_jpy' } });
    expect(failure(without('boxes', 'updated_at'))).toMatchObject({ reason: 'missing_column', facts: { column: 'updated_at' } });
    expect(compareSourceSchema(without('users', 'email'), 's').newColumns).toEqual([]);
    const retyped = (type: Pick<SourceColumnInfo, 'dataType' | 'columnType'>) =>
      contractColumns().map((c) => (c.table === 'products' && c.column === 'unit_cost_jpy' ? { ...c, ...type } : c));
    expect(failure(retyped({ dataType: 'decimal', columnType: 'decimal(12,2)' }))).toMatchObject({
      reason: 'unknown_column_type',
      facts: { column: 'unit_cost_jpy' },
    });
    expect(failure(retyped({ dataType: 'varchar', columnType: 'varchar(20)' }))).toMatchObject({ reason: 'wrong_column_type' });
    // A wider integer reads the same in the lake.
    expect(() => compareSourceSchema(retyped({ dataType: 'bigint', columnType: 'bigint(20)' }), 's')).toThrow(/expects INT/);
    expect(() => compareSourceSchema(retyped({ dataType: 'mediumint', columnType: 'mediumint(9)' }), 's')).not.toThrow();
  });

  it('maps server types onto the contract’s', () => {
    expect(contractTypeOf({ dataType: 'tinyint', columnType: 'tinyint(1)' })).toBe('BOOLEAN');
    expect(contractTypeOf({ dataType: 'tinyint', columnType: 'tinyint(4)' })).toBe('TINYINT');
    expect(contractTypeOf({ dataType: 'timestamp', columnType: 'timestamp' })).toBe('DATETIME');
    expect(contractTypeOf({ dataType: 'varchar', columnType: 'varchar(16)' })).toBe('VARCHAR(16)');
    expect(contractTypeOf({ dataType: 'json', columnType: 'json' })).toBeUndefined();
  });

  it('reads no dropped column, and the cursor of every merge table', () => {
    for (const table of LAKE_TABLES) {
      const read = columnsTheExportReads(table);
      for (const column of read) if (column !== 'updated_at') expect(SOURCE_SCHEMA[table].columns[column]!.treatment).not.toBe('drop');
      if (EXPORT_STRATEGIES[table].kind === 'merge') expect(read).toContain('updated_at');
    }
  });
});

describe('row treatments', () => {
  const key = samplePseudonymKey();

  it('turns a users row into the lake’s: pseudonym, age band at the snapshot’s JST day, no direct identifier', () => {
    const shape = tableShape('users');
    expect(shape.readColumns).not.toContain('email');
    expect(shape.keyScanColumns).toEqual(['user_id', 'birth_date']);
    expect(shape.derivedColumns).toEqual(['age_band']);
    const treat = rowTreatment(shape, jstDateOf(new Date('2026-10-31T15:00:00Z')), key);
    const source = Object.fromEntries(shape.readColumns.map((c) => [c, null as string | number | null]));
    Object.assign(source, {
      user_id: '42',
      prefecture: '東京都',
      birth_date: '1996-11-01',
      gender: 'female',
      registered_at: '2024-01-02 03:04:05',
      acquisition_channel: 'ads',
      updated_at: '2026-01-01 00:00:00',
    });
    const lake = treat.lakeRow(shape.readColumns.map((c) => source[c] ?? null));
    expect(Object.fromEntries(Object.keys(LAKE_SCHEMA.users.columns).map((c, i) => [c, lake[i]]))).toEqual({
      user_id: pseudonymise(42n, key).toString(),
      prefecture: '東京都',
      age_band: '30-39',
      gender: 'female',
      registered_at: '2024-01-02 03:04:05',
      acquisition_channel: 'ads',
    });
    expect(treat.lakeKeyRow(['42', '1996-11-02'])).toEqual([pseudonymise(42n, key).toString(), '20-29']);
  });

  it('keeps NULL person ids NULL (erased people) and booleans as true/false', () => {
    const boxes = tableShape('boxes');
    const row = boxes.readColumns.map((c) => (c === 'user_id' ? null : c === 'box_id' ? '7' : 'x'));
    expect(rowTreatment(boxes, '2026-11-01', key).lakeRow(row)[Object.keys(LAKE_SCHEMA.boxes.columns).indexOf('user_id')]).toBeNull();
    const products = tableShape('products');
    const values = products.readColumns.map((c) => (c === 'is_active' ? 0 : '1'));
    expect(rowTreatment(products, '2026-11-01', key).lakeRow(values)[Object.keys(LAKE_SCHEMA.products.columns).indexOf('is_active')]).toBe('false');
  });
});

describe('statement shapes', () => {
  it('looks keys up as OR-ed equalities, or IN for one column, values bound', () => {
    expect(
      keyLookupSelect({
        table: 'ratings',
        columns: ['rating'],
        key: ['box_id', 'product_id'],
        keys: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toEqual({
      sql: 'SELECT `rating` FROM `ratings` WHERE (`box_id` = ? AND `product_id` = ?) OR (`box_id` = ? AND `product_id` = ?)',
      params: [1, 2, 3, 4],
    });
    expect(keyLookupSelect({ table: 'users', columns: ['user_id'], key: ['user_id'], keys: [[1], [2]] }).sql).toBe(
      'SELECT `user_id` FROM `users` WHERE `user_id` IN (?, ?)',
    );
  });

  it('starts a cursor read at its instant, inclusive', () => {
    expect(
      chunkSelect({ table: 'boxes', columns: ['box_id', 'updated_at'], orderBy: ['updated_at', 'box_id'], from: '2026-01-01 00:00:00', limit: 10 }),
    ).toEqual({
      sql: 'SELECT `box_id`, `updated_at` FROM `boxes` WHERE `updated_at` >= ? ORDER BY `updated_at`, `box_id` LIMIT 10',
      params: ['2026-01-01 00:00:00'],
    });
  });
});
