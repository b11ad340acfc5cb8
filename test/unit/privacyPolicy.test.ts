/** The lake's privacy policy: one treatment per source column, and the lake is exactly what the treatments produce. */
import { LAKE_SCHEMA, LAKE_TABLES } from '../../src/contract/lakeSchema';
import { AGE_BANDS, ageBand, NEVER_IN_LAKE, SOURCE_SCHEMA, type SourceColumn } from '../../src/contract/privacyPolicy';

const TREATMENTS = ['keep', 'drop', 'pseudonymise', 'generalise'];
const everyColumn = (): Array<[table: string, name: string, column: SourceColumn]> =>
  LAKE_TABLES.flatMap((table) => Object.entries(SOURCE_SCHEMA[table].columns).map(([name, column]): [string, string, SourceColumn] => [table, name, column]));

describe('the privacy policy (contract/privacyPolicy.ts)', () => {
  test('covers every source table the business names, and only those', () => {
    expect(Object.keys(SOURCE_SCHEMA).sort()).toEqual(
      ['users', 'subscriptions', 'boxes', 'box_items', 'products', 'ratings', 'snack_requests', 'diagnoses', 'shop_orders', 'shop_order_items'].sort(),
    );
  });

  test('gives every source column exactly one treatment, a MySQL type, and a reason for anything but keep', () => {
    for (const [table, name, column] of everyColumn()) {
      const at = `${table}.${name}`;
      expect({ at, treatment: TREATMENTS.includes(column.treatment) }).toEqual({ at, treatment: true });
      expect({ at, type: /^(BIGINT|INT|SMALLINT|TINYINT|BOOLEAN|DATE|DATETIME|TEXT|VARCHAR\(\d+\)|CHAR\(\d+\))$/.test(column.type) }).toEqual({
        at,
        type: true,
      });
      if (column.treatment !== 'keep') expect({ at, why: column.why.trim().length > 10 }).toEqual({ at, why: true });
    }
  });

  test('the source holds the people the business has: names, kana, e-mail, phone, postal address, birth date, allergies', () => {
    const kinds = new Set(everyColumn().map(([, , column]) => column.personal));
    for (const kind of ['person_id', 'name', 'kana', 'email', 'phone', 'postal_code', 'address', 'birth_date', 'special_care']) expect(kinds).toContain(kind);
    for (const table of ['users', 'subscriptions', 'boxes', 'products', 'shop_orders']) {
      expect(Object.keys(SOURCE_SCHEMA[table as keyof typeof SOURCE_SCHEMA].columns)).toEqual(expect.arrayContaining(['created_at', 'updated_at']));
    }
  });

  test('never keeps a direct identifier or special-care data; person ids are pseudonymised; birth dates generalised', () => {
    for (const [table, name, column] of everyColumn()) {
      const at = `${table}.${name}`;
      if (column.personal && NEVER_IN_LAKE.includes(column.personal)) expect({ at, treatment: column.treatment }).toEqual({ at, treatment: 'drop' });
      if (column.personal === 'person_id') expect({ at, treatment: column.treatment }).toEqual({ at, treatment: 'pseudonymise' });
      if (column.treatment === 'pseudonymise') expect({ at, personal: column.personal }).toEqual({ at, personal: 'person_id' });
      if (column.personal === 'birth_date') expect({ at, treatment: column.treatment }).toEqual({ at, treatment: 'generalise' });
    }
    // Every user_id is a person; the other ids are things, not people, and stay as they are.
    for (const [table, name, column] of everyColumn()) {
      if (name === 'user_id') expect({ at: `${table}.${name}`, treatment: column.treatment }).toEqual({ at: `${table}.${name}`, treatment: 'pseudonymise' });
      if (['box_id', 'order_id', 'product_id', 'subscription_id'].includes(name)) {
        expect({ at: `${table}.${name}`, treatment: column.treatment }).toEqual({ at: `${table}.${name}`, treatment: 'keep' });
      }
    }
  });

  test('the lake schema is exactly what the treatments produce', () => {
    for (const table of LAKE_TABLES) {
      const produced: Array<[string, string]> = [];
      const dropped = new Set<string>();
      for (const [name, column] of Object.entries(SOURCE_SCHEMA[table].columns)) {
        if (column.treatment === 'drop') dropped.add(name);
        else if (column.treatment === 'generalise') produced.push([column.into, column.lakeType]);
        else {
          const type =
            column.type === 'BIGINT'
              ? 'BIGINT'
              : /^(INT|SMALLINT|TINYINT)$/.test(column.type)
                ? 'INTEGER'
                : column.type === 'DATETIME'
                  ? 'TIMESTAMP'
                  : column.type;
          produced.push([name, /^(VARCHAR|CHAR)\(|^TEXT$/.test(type) ? 'VARCHAR' : type]);
        }
      }
      expect({ table, columns: Object.entries(LAKE_SCHEMA[table].columns) }).toEqual({ table, columns: produced });
      for (const column of Object.keys(LAKE_SCHEMA[table].columns))
        expect({ table, column, dropped: dropped.has(column) }).toEqual({ table, column, dropped: false });
      expect(LAKE_SCHEMA[table].orderBy).toEqual(SOURCE_SCHEMA[table].primaryKey);
    }
  });

  test('no lake column is named like personal data (a second net under the treatments)', () => {
    for (const table of LAKE_TABLES) {
      for (const column of Object.keys(LAKE_SCHEMA[table].columns)) {
        expect({ table, column, personal: /email|mail|phone|tel|kana|postal|address|birth|allergy|password/.test(column) }).toEqual({
          table,
          column,
          personal: false,
        });
      }
    }
    expect(Object.keys(LAKE_SCHEMA.users.columns)).not.toEqual(expect.arrayContaining(['name']));
    expect(LAKE_SCHEMA.users.columns.age_band).toBe('VARCHAR');
  });

  test('keys are real columns: primary keys are not dropped, foreign keys point at a primary key', () => {
    for (const table of LAKE_TABLES) {
      const source = SOURCE_SCHEMA[table];
      for (const column of source.primaryKey) {
        expect(source.columns[column]).toBeDefined();
        expect(source.columns[column]!.treatment).not.toBe('drop');
      }
      for (const key of source.foreignKeys) {
        for (const column of key.columns) expect(source.columns[column]).toBeDefined();
        const target = SOURCE_SCHEMA[key.references];
        expect({ table, key: [...key.referencedColumns].sort() }).toEqual({ table, key: [...target.primaryKey].sort() });
      }
    }
  });
});

describe('ageBand: completed years on the snapshot day, in 10-year bands', () => {
  test.each([
    ['1990-06-15', '2026-06-14', '30-39'], // 35, the day before the 36th birthday
    ['1990-06-15', '2020-06-14', '20-29'], // 29
    ['1990-06-15', '2020-06-15', '30-39'], // 30 on the birthday
    ['2000-02-29', '2020-02-28', '10-19'], // 19: a leap-day birthday has not come on 28 Feb
    ['2000-02-29', '2020-02-29', '20-29'],
    ['2000-02-29', '2021-03-01', '20-29'],
    ['2020-01-01', '2026-01-01', '0-9'],
    ['1920-01-01', '2026-01-01', '100+'],
  ])('born %s, on %s: %s', (birth, on, band) => {
    expect(ageBand(birth, on)).toBe(band);
    expect(AGE_BANDS).toContain(band);
  });
});
