/**
 * The source reader's pure parts: the URL (one line per mistake, never the password), the SQL it
 * sends (quoted identifiers, keyset predicates, each server's time cap), the error lines and the
 * statement statistics.
 */
import { SourceError, sourceErrorFrom } from '../../src/export/sourceErrors';
import { chunkSelect, flavourOf, keyBindingOf, keysetAfter, quoteIdentifier, withTimeCap } from '../../src/export/sourceSql';
import { describeSource, parseSourceUrl, sourceLocationFrom } from '../../src/export/sourceUrl';
import { nearestRank, StatementStats } from '../../src/export/statementStats';
import { sourceErrorSentence } from '../../src/cli/messages';

function refusal(work: () => unknown): SourceError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error('expected a SourceError');
}

describe('the source URL', () => {
  test('reads user, password, host, port and database, percent-decoded', () => {
    expect(parseSourceUrl('mysql://snaq%40ro:p%40ss%2Fw:rd@db.internal:3307/snaq')).toEqual({
      host: 'db.internal',
      port: 3307,
      user: 'snaq@ro',
      password: 'p@ss/w:rd',
      database: 'snaq',
    });
    expect(parseSourceUrl('mysql://u:p@[::1]/snaq')).toMatchObject({ host: '::1', port: 3306 });
  });

  test('the flag wins over SNAQ_SOURCE_URL; neither is one clear line', () => {
    const env = { SNAQ_SOURCE_URL: 'mysql://env:pw@envhost/db' };
    expect(sourceLocationFrom('mysql://flag:pw@flaghost/db', env).host).toBe('flaghost');
    expect(sourceLocationFrom(undefined, env).host).toBe('envhost');
    expect(refusal(() => sourceLocationFrom(undefined, {})).reason).toBe('no_source');
  });

  test.each([
    ['not a URL', 'db.internal 3306 secret-pw', 'not a URL'],
    ['no scheme', 'db.internal:3306/snaq', 'scheme is "db.internal"'],
    ['another scheme', 'postgres://u:secret-pw@h/db', 'scheme is "postgres"'],
    ['no user', 'mysql://h:3306/db', 'user is missing'],
    ['no database', 'mysql://u:secret-pw@h:3306', 'database name'],
    ['two path parts', 'mysql://u:secret-pw@h/db/extra', 'database name'],
    ['options', 'mysql://u:secret-pw@h/db?ssl=true', 'not supported'],
    ['a bad port', 'mysql://u:secret-pw@h:99999/db', 'not a URL'],
    ['a broken escape', 'mysql://u:secret%zzpw@h/db', 'percent-escape'],
  ])('refuses %s in one line without the password', (_, text, why) => {
    const error = refusal(() => parseSourceUrl(text));
    expect(error.reason).toBe('malformed_url');
    expect(error.message).toContain(why);
    expect(error.message).not.toContain('secret');
    expect(error.message).not.toMatch(/\n/);
    expect(sourceErrorSentence(error, 'ja')).not.toContain('secret');
  });

  test('describes a source without its password', () => {
    const location = parseSourceUrl('mysql://snaq:hunter2@db:3306/snaq');
    expect(describeSource(location)).toBe('snaq@db:3306/snaq');
  });
});

describe('the SQL the reader sends', () => {
  test('knows MariaDB from MySQL and Aurora MySQL by VERSION()', () => {
    expect(flavourOf('10.11.19-MariaDB-0+deb12u1')).toBe('mariadb');
    expect(flavourOf('8.0.39')).toBe('mysql');
    expect(flavourOf('8.0.mysql_aurora.3.08.0')).toBe('mysql');
  });

  test('quotes plain identifiers and refuses anything else', () => {
    expect(quoteIdentifier('box_items')).toBe('`box_items`');
    for (const bad of ['a`b', 'boxes; DROP TABLE users', '', '1abc', 'a.b']) expect(() => quoteIdentifier(bad)).toThrow(/identifier/);
  });

  test('a keyset predicate per key width, values only as parameters', () => {
    expect(keysetAfter(['id'], ['5'])).toEqual({ sql: '`id` > ?', params: ['5'] });
    expect(keysetAfter(['updated_at', 'id'], ['2024-01-01 00:00:00', '7'])).toEqual({
      sql: '(`updated_at` > ?) OR (`updated_at` = ? AND `id` > ?)',
      params: ['2024-01-01 00:00:00', '2024-01-01 00:00:00', '7'],
    });
    expect(keysetAfter(['a', 'b', 'c'], [1, 2, 3]).params).toEqual([1, 1, 2, 1, 2, 3]);
  });

  test('a chunk is an ordered, limited SELECT; the first has no WHERE', () => {
    expect(chunkSelect({ table: 'boxes', columns: ['id', 'amount'], orderBy: ['id'], limit: 100 })).toEqual({
      sql: 'SELECT `id`, `amount` FROM `boxes` ORDER BY `id` LIMIT 100',
      params: [],
    });
    expect(chunkSelect({ table: 'boxes', columns: ['id'], orderBy: ['id'], after: ["1' OR 1=1"], limit: 10 })).toEqual({
      sql: 'SELECT `id` FROM `boxes` WHERE `id` > ? ORDER BY `id` LIMIT 10',
      params: ["1' OR 1=1"],
    });
    expect(() => chunkSelect({ table: 'boxes', columns: ['id'], orderBy: ['id'], limit: 0 })).toThrow(/positive/);
  });

  test('integer keys go back as integers of their signedness (MySQL compares a string with an integer as doubles)', () => {
    expect(keyBindingOf({ columnType: 8, flags: 32 | 2 | 1 })).toBe('unsigned integer');
    expect(keyBindingOf({ columnType: 8, flags: 2 | 1 })).toBe('signed integer');
    expect(keyBindingOf({ columnType: 3, flags: ['NOT_NULL', 'UNSIGNED'] })).toBe('unsigned integer');
    expect(keyBindingOf({ columnType: 12, flags: 0 })).toBe('as given'); // DATETIME
    expect(keyBindingOf({ columnType: 253, flags: 0 })).toBe('as given'); // VARCHAR: "00123" must stay text
    expect(keyBindingOf({ columnType: 246, flags: 0 })).toBe('as given'); // DECIMAL
  });

  test("each server's own time cap", () => {
    expect(withTimeCap('SELECT `id` FROM `t` LIMIT 5', 'mariadb', 1.5)).toBe('SET STATEMENT max_statement_time=1.5 FOR SELECT `id` FROM `t` LIMIT 5');
    expect(withTimeCap('SELECT `id` FROM `t` LIMIT 5', 'mysql', 1.5)).toBe('SELECT /*+ MAX_EXECUTION_TIME(1500) */ `id` FROM `t` LIMIT 5');
    expect(() => withTimeCap('SELECT 1', 'mysql', 0)).toThrow(/positive/);
    expect(() => withTimeCap('UPDATE t SET a = 1', 'mariadb', 1)).toThrow(/SELECT/);
  });
});

describe('source errors', () => {
  const where = { source: 'snaq@db:3306/snaq', table: 'boxes', capSeconds: 2 };

  test.each([
    [{ code: 'ECONNREFUSED' }, 'unreachable'],
    [{ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }, 'access_denied'],
    [{ errno: 1049 }, 'unknown_database'],
    [{ errno: 1146 }, 'missing_table'],
    [{ errno: 1054, sqlMessage: "Unknown column 'nickname' in 'field list'" }, 'missing_column'],
    [{ errno: 1969 }, 'statement_timeout'],
    [{ errno: 3024, code: 'ER_QUERY_TIMEOUT' }, 'statement_timeout'],
    [{ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, 'connection_lost'],
    [{ errno: 1927 }, 'connection_lost'],
    [{ errno: 1792 }, 'write_refused'],
    [{ errno: 1064, code: 'ER_PARSE_ERROR' }, 'source_failed'],
  ])('%j is %s, one line in both languages', (driver, reason) => {
    const error = sourceErrorFrom(Object.assign(new Error('driver says so'), driver), where);
    expect(error.reason).toBe(reason);
    for (const line of [error.message, sourceErrorSentence(error, 'ja')]) {
      expect(line).not.toMatch(/\n|undefined/);
      if (reason !== 'unreachable' && reason !== 'access_denied' && reason !== 'unknown_database') expect(line).toContain('boxes');
    }
  });

  test('a stopped statement names its cap; a missing column its name', () => {
    expect(sourceErrorFrom({ errno: 1969 }, where).message).toContain('2 s time cap');
    expect(sourceErrorFrom({ errno: 1054, sqlMessage: "Unknown column 'nickname' in 'field list'" }, where).facts.column).toBe('nickname');
  });
});

describe('statement statistics', () => {
  test('longest, nearest-rank p99 and connections', () => {
    const stats = new StatementStats();
    for (let i = 1; i <= 200; i += 1) stats.record({ kind: 'chunk', table: 't', ms: i, rows: 10, connectionId: i % 2 });
    stats.connectionTaken();
    stats.connectionTaken();
    stats.connectionReturned();
    stats.connectionTaken();
    expect(stats.summary()).toEqual({ statements: 200, rows: 2000, longestMs: 200, p99Ms: 198, connectionsUsed: 2, peakConcurrentConnections: 2 });
    expect(nearestRank([], 0.99)).toBe(0);
    expect(nearestRank([5], 0.99)).toBe(5);
  });
});
