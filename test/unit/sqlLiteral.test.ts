/**
 * trinoLiteral is the one function that prints user values into Athena SQL, so it is tested hard:
 * fixed cases, then thousands of generated strings that DuckDB (same literal rules as Trino: quotes
 * doubled, no backslash escapes) must read back as exactly the original value.
 */
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { trinoLiteral } from '../../src/catalog/sqlLiteral';

describe('trinoLiteral', () => {
  test.each([
    ['plain', "'plain'"],
    ["O'Reilly", "'O''Reilly'"],
    ["''", "''''''"],
    ['東京都', "'東京都'"],
    ['back\\slash', "'back\\slash'"],
    ['semi; -- comment /* x */', "'semi; -- comment /* x */'"],
    ['emoji 🍫', "'emoji 🍫'"],
    ['', "''"],
  ])('%j prints as %s', (value, literal) => {
    expect(trinoLiteral(value)).toBe(literal);
  });

  test('numbers and booleans print as SQL literals', () => {
    expect(trinoLiteral(42)).toBe('42');
    expect(trinoLiteral(-7)).toBe('-7');
    expect(trinoLiteral(true)).toBe('TRUE');
    expect(trinoLiteral(false)).toBe('FALSE');
  });

  test.each(['nul\u0000byte', 'new\nline', 'tab\t', 'del\u007f', 'line\u2028sep', 'lone \ud800 surrogate', 'lone \udc00 low'])('refuses %j', (value) => {
    expect(() => trinoLiteral(value)).toThrow();
  });

  test.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('refuses the number %p', (value) => {
    expect(() => trinoLiteral(value)).toThrow();
  });

  describe('round trip through a real SQL parser', () => {
    let instance: DuckDBInstance;
    let connection: DuckDBConnection;
    beforeAll(async () => {
      instance = await DuckDBInstance.create(':memory:');
      connection = await instance.connect();
    });
    afterAll(() => {
      connection.closeSync();
      instance.closeSync();
    });

    test('2,000 generated strings read back unchanged, as one literal', async () => {
      let seed = 12345;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
      const alphabet = ["'", '"', ';', '-', '/', '*', '\\', ' ', 'a', 'Z', '0', '%', '_', '東', '京', '🍫', '(', ')', ',', '$', '?', 'é'];
      const values: string[] = [];
      for (let i = 0; i < 2_000; i++) {
        let value = '';
        const length = next() % 24;
        for (let j = 0; j < length; j++) value += alphabet[next() % alphabet.length];
        values.push(value);
      }
      // One statement per batch: a literal that escaped its quotes would break the column count or the parse.
      for (let start = 0; start < values.length; start += 200) {
        const batch = values.slice(start, start + 200);
        const sql = `SELECT ${batch.map((value, i) => `${trinoLiteral(value)} AS c${i}`).join(', ')}`;
        const reader = await connection.runAndReadAll(sql);
        expect(reader.columnCount).toBe(batch.length);
        expect(reader.getRowsJS()[0]).toEqual(batch);
      }
    });
  });
});
