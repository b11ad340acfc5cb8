/**
 * The gentle source reader on a private MariaDB: chunks, keys and cursor reads cover every row once
 * in order, one chunk at a time, on at most 2 read-only UTC sessions with exact values; each failure
 * is one clear line that never shows the password.
 */
import { existsSync } from 'node:fs';
import type { Connection } from 'mysql2/promise';
import { SourceError } from '../../src/export/sourceErrors';
import { SourceReader, type Chunk } from '../../src/export/sourceReader';
import { parseSourceUrl } from '../../src/export/sourceUrl';
import { startMariaDb, type PrivateMariaDb } from '../support/mariadb';
import { describeIfAvailable, MARIADBD } from '../support/requirements';

const ROWS = 3000;

describeIfAvailable(MARIADBD, 'the source reader on a private MariaDB', () => {
  let db: PrivateMariaDb;
  let admin: Connection;
  const readers: SourceReader[] = [];

  async function reader(options: { chunkRows?: number; capSeconds?: number; keyChunkRows?: number } = {}, url = db.readOnly.url): Promise<SourceReader> {
    const opened = await SourceReader.open(parseSourceUrl(url), options);
    readers.push(opened);
    return opened;
  }

  async function collect(chunks: AsyncGenerator<Chunk>): Promise<Chunk[]> {
    const all: Chunk[] = [];
    for await (const chunk of chunks) all.push(chunk);
    return all;
  }

  async function failureOf(work: () => Promise<unknown>): Promise<SourceError> {
    try {
      await work();
    } catch (error) {
      expect(error).toBeInstanceOf(SourceError);
      return error as SourceError;
    }
    throw new Error('expected a SourceError');
  }

  beforeAll(async () => {
    db = await startMariaDb();
    admin = await db.admin();
    await admin.query(`
      CREATE TABLE boxes (
        id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
        amount DECIMAL(12,2) NOT NULL,
        shipped_on DATE NULL,
        updated_at DATETIME(3) NOT NULL,
        stamped TIMESTAMP NOT NULL DEFAULT '2024-01-01 00:00:00',
        KEY by_update (updated_at, id)
      );
      CREATE TABLE box_items (box_id BIGINT NOT NULL, line INT NOT NULL, qty INT NOT NULL, PRIMARY KEY (box_id, line));`);
    // Ids with gaps and beyond 2^53, so a lost or rounded key shows.
    const big = 9007199254740993n;
    const rows = Array.from({ length: ROWS }, (_, i) => [
      (big + BigInt(i * 3)).toString(),
      `${i}.${String(i % 100).padStart(2, '0')}`,
      i % 2 ? null : '2024-03-31',
      `2024-03-${String(1 + (i % 28)).padStart(2, '0')} 23:59:59.${String(i % 1000).padStart(3, '0')}`,
    ]);
    await admin.query('INSERT INTO boxes (id, amount, shipped_on, updated_at) VALUES ?', [rows]);
    const items = Array.from({ length: 1000 }, (_, i) => [Math.floor(i / 4), i % 4, i]);
    await admin.query('INSERT INTO box_items (box_id, line, qty) VALUES ?', [items]);
    await admin.query(`CREATE VIEW slow_boxes AS SELECT id, SLEEP(0.01) AS pause FROM boxes`);
  });

  afterAll(async () => {
    for (const opened of readers) await opened.close().catch(() => undefined);
    await admin?.end();
    await db?.stop();
  });

  test('chunks cover every row exactly once, in key order, in bounded chunks, with exact values', async () => {
    const source = await reader({ chunkRows: 128 });
    expect(source.flavour).toBe('mariadb');
    const chunks = await collect(source.chunks({ table: 'boxes', key: ['id'], columns: ['id', 'amount', 'shipped_on', 'updated_at'] }));
    const ids = chunks.flatMap((chunk) => chunk.rows.map((row) => BigInt(row[0] as string)));
    expect(ids).toHaveLength(ROWS);
    expect(new Set(ids).size).toBe(ROWS);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(chunks.every((chunk) => chunk.rows.length <= 128)).toBe(true);
    expect(chunks).toHaveLength(Math.ceil(ROWS / 128));
    const first = chunks[0]!.rows[0]!;
    // The binary protocol leaves out a zero fraction; the value is the same instant.
    expect(first).toEqual(['9007199254740993', '0.00', '2024-03-31', '2024-03-01 23:59:59']);
    expect(chunks[0]!.rows[1]).toEqual(['9007199254740996', '1.01', null, '2024-03-02 23:59:59.001']);
    expect(chunks[0]!.last).toEqual([chunks[0]!.rows[127]![0]]);
  });

  test('keys beyond 2^53 and up to the BIGINT UNSIGNED maximum page exactly, one row a chunk', async () => {
    // Compared as doubles, 2^53 + 1 would equal 2^53 and a chunk boundary would skip or repeat a row.
    await admin.query('CREATE TABLE huge_keys (id BIGINT UNSIGNED NOT NULL PRIMARY KEY)');
    const ids = [
      ...Array.from({ length: 12 }, (_, i) => (9007199254740990n + BigInt(i)).toString()),
      ...['18446744073709551613', '18446744073709551614', '18446744073709551615'],
    ];
    await admin.query('INSERT INTO huge_keys (id) VALUES ?', [ids.map((id) => [id])]);
    for (const chunkRows of [1, 2, 3]) {
      const source = await reader({ chunkRows });
      const chunks = await collect(source.keys({ table: 'huge_keys', key: ['id'] }));
      expect(chunks.flatMap((chunk) => chunk.rows.map((row) => row[0]))).toEqual(ids);
    }
    // Resuming from a saved position (as text, as a cursor file holds it) reads exactly the rest.
    const resumed = await collect((await reader({ chunkRows: 2 })).keys({ table: 'huge_keys', key: ['id'] }, ['9007199254740993']));
    expect(resumed.flatMap((chunk) => chunk.rows.map((row) => row[0]))).toEqual(ids.slice(4));
  });

  test('holds one chunk at a time: the next statement runs only when the next chunk is asked for', async () => {
    const source = await reader({ chunkRows: 500 });
    const before = source.statementSummary().statements;
    let taken = 0;
    for await (const chunk of source.chunks({ table: 'boxes', key: ['id'], columns: ['id'] })) {
      taken += 1;
      expect(chunk.rows.length).toBeLessThanOrEqual(500);
      expect(source.statementSummary().statements - before).toBe(taken);
    }
    // 3000 rows in 500s: 6 full chunks, then one empty statement that ends it.
    expect(source.statementSummary().statements - before).toBe(7);
  });

  test('resumes after a key, and pages a composite key without loss', async () => {
    const source = await reader({ chunkRows: 37 });
    const items = await collect(source.chunks({ table: 'box_items', key: ['box_id', 'line'], columns: ['box_id', 'line', 'qty'] }));
    const qty = items.flatMap((chunk) => chunk.rows.map((row) => row[2]));
    expect(qty).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const rest = await collect(source.chunks({ table: 'box_items', key: ['box_id', 'line'], columns: ['qty'].concat(['box_id', 'line']) }, ['100', 2]));
    expect(rest.flatMap((chunk) => chunk.rows.map((row) => row[0]))).toEqual(Array.from({ length: 1000 - 403 }, (_, i) => 403 + i));
  });

  test('keys reads only the key, and changedSince reads after an (updated_at, key) cursor with the key breaking ties', async () => {
    const source = await reader({ chunkRows: 100 });
    const keys = await collect(source.keys({ table: 'boxes', key: ['id'] }));
    expect(keys.flatMap((chunk) => chunk.rows).every((row) => row.length === 1)).toBe(true);
    expect(keys.reduce((sum, chunk) => sum + chunk.rows.length, 0)).toBe(ROWS);

    const [expected] = await admin.query<any[]>(
      `SELECT CAST(id AS CHAR) AS id FROM boxes WHERE updated_at > '2024-03-27 23:59:59.500' OR (updated_at = '2024-03-27 23:59:59.500' AND id > 9007199254741000) ORDER BY updated_at, id`,
    );
    const changed = await collect(
      source.changedSince({ table: 'boxes', key: ['id'], columns: ['id', 'amount'], cursor: 'updated_at' }, ['2024-03-27 23:59:59.500', '9007199254741000']),
    );
    const rows = changed.flatMap((chunk) => chunk.rows);
    expect(rows.map((row) => row[0])).toEqual(expected.map((row) => row.id));
    expect(rows.length).toBeGreaterThan(50);
    expect(changed.at(-1)!.last).toEqual([rows.at(-1)![2], rows.at(-1)![0]]);
  });

  test('sessions are read-only (even for a user allowed to write) and in UTC', async () => {
    const source = await reader({}, db.readWrite.url);
    const refused = await failureOf(() =>
      source.sessionPool.withSession('boxes', undefined, (connection) => connection.query("UPDATE boxes SET amount = 0 WHERE id = '9007199254740996'")),
    );
    expect(refused.reason).toBe('write_refused');
    const [[amount]] = await admin.query<any[]>("SELECT CAST(amount AS CHAR) AS amount FROM boxes WHERE id = '9007199254740996'");
    expect(amount.amount).toBe('1.01');
    // 09:00 in Tokyo is 00:00 UTC: the reader's session must show the TIMESTAMP as UTC, whatever the server's zone.
    await admin.query("SET time_zone = '+09:00'; UPDATE boxes SET stamped = '2024-01-01 09:00:00' WHERE id = '9007199254740996'; SET time_zone = DEFAULT");
    const [first] = await collect(source.chunks({ table: 'boxes', key: ['id'], columns: ['id', 'stamped'] }));
    expect(first!.rows[1]).toEqual(['9007199254740996', '2024-01-01 00:00:00']);
  });

  test('uses at most 2 connections, however many reads run at once', async () => {
    // Only this test's reader may hold connections of the read-only user while it runs.
    for (const opened of readers.splice(0)) await opened.close();
    // The server drops a closed client's thread a moment after QUIT; under load it can still be listed.
    const countOf = async () => {
      const [list] = await admin.query<any[]>('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [db.readOnly.user]);
      return Number(list[0].n);
    };
    for (const deadline = Date.now() + 10_000; (await countOf()) > 0 && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await countOf()).toBe(0);
    // Key scans in chunks as small as the row chunks, so the statement count below is simple arithmetic.
    const source = await reader({ chunkRows: 50, keyChunkRows: 50 });
    const reads = [
      source.keys({ table: 'boxes', key: ['id'] }),
      source.chunks({ table: 'boxes', key: ['id'], columns: ['id', 'amount'] }),
      source.keys({ table: 'box_items', key: ['box_id', 'line'] }),
      source.changedSince({ table: 'boxes', key: ['id'], columns: ['id'], cursor: 'updated_at' }),
    ].map(collect);
    let done = false;
    let peakSeen = 0;
    const watching = (async () => {
      while (!done) {
        peakSeen = Math.max(peakSeen, await countOf());
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const results = await Promise.all(reads).finally(() => (done = true));
    await watching;
    expect(results.map((chunks) => chunks.reduce((sum, chunk) => sum + chunk.rows.length, 0))).toEqual([ROWS, ROWS, 1000, ROWS]);
    const summary = source.statementSummary();
    expect(summary.peakConcurrentConnections).toBe(2);
    expect(summary.connectionsUsed).toBe(2);
    expect(peakSeen).toBe(2);
    expect(summary.statements).toBe(1 + 3 * (ROWS / 50 + 1) + 1000 / 50 + 1);
    expect(summary.longestMs).toBeGreaterThan(0);
    expect(summary.p99Ms).toBeLessThanOrEqual(summary.longestMs);
  });

  test('a statement over the time cap is stopped by the server and named with its table and cap', async () => {
    const source = await reader({ chunkRows: 300, capSeconds: 1 });
    const started = Date.now();
    const error = await failureOf(() => collect(source.chunks({ table: 'slow_boxes', key: ['id'], columns: ['id', 'pause'] })));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(error.reason).toBe('statement_timeout');
    expect(error.facts).toMatchObject({ table: 'slow_boxes', capSeconds: 1 });
    expect(error.message).toMatch(/slow_boxes.*1 s time cap/);
  });

  test('a connection dropped mid-table gives one clear line naming the table', async () => {
    const source = await reader({ chunkRows: 500, capSeconds: 30 });
    const reading = failureOf(() => collect(source.chunks({ table: 'slow_boxes', key: ['id'], columns: ['id', 'pause'] })));
    let killed = false;
    for (let i = 0; i < 100 && !killed; i += 1) {
      const [running] = await admin.query<any[]>(`SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ? AND INFO LIKE '%slow_boxes%'`, [
        db.readOnly.user,
      ]);
      for (const row of running) {
        await admin.query(`KILL ${Number(row.ID)}`);
        killed = true;
      }
      if (!killed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(killed).toBe(true);
    const error = await reading;
    expect(error.reason).toBe('connection_lost');
    expect(error.message).toMatch(/dropped while reading table slow_boxes/);
  });

  test('missing table and missing column are named', async () => {
    const source = await reader();
    const table = await failureOf(() => collect(source.chunks({ table: 'no_such_table', key: ['id'], columns: ['id'] })));
    expect(table.reason).toBe('missing_table');
    expect(table.message).toContain('no table no_such_table');
    const column = await failureOf(() => collect(source.chunks({ table: 'boxes', key: ['id'], columns: ['id', 'nickname'] })));
    expect(column.reason).toBe('missing_column');
    expect(column.facts).toMatchObject({ table: 'boxes', column: 'nickname' });
  });

  test('wrong password, unknown database and an unreachable port: one line each, never the password', async () => {
    const wrong = await failureOf(() => reader({}, db.readOnly.url.replace(`:${db.readOnly.password}@`, ':not-the-password@')));
    expect(wrong.reason).toBe('access_denied');
    expect(wrong.message).not.toContain('not-the-password');

    const noDb = await failureOf(() => reader({}, db.readOnly.url.replace(/\/snaq_source$/, '/elsewhere')));
    expect(noDb.reason).toBe('unknown_database');

    const closed = await failureOf(() => reader({}, `mysql://snaq_ro:${db.readOnly.password}@127.0.0.1:1/snaq_source`));
    expect(closed.reason).toBe('unreachable');
    for (const error of [wrong, noDb, closed]) {
      expect(error.message).not.toContain(db.readOnly.password);
      expect(error.message).not.toMatch(/\n/);
    }
  });
});

describeIfAvailable(MARIADBD, 'the private MariaDB helper', () => {
  test('stops its server by pid and removes its folder: nothing is left behind', async () => {
    const db = await startMariaDb();
    expect(existsSync(db.dir)).toBe(true);
    expect(() => process.kill(db.pid, 0)).not.toThrow();
    await db.stop();
    expect(() => process.kill(db.pid, 0)).toThrow();
    expect(existsSync(db.dir)).toBe(false);
  });
});
