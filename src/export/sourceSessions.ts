/**
 * The export's sessions on the source: a pool of at most 2 connections, each one read-only, in UTC and
 * with exact values, running one autocommit SELECT at a time (never a long transaction: a long read
 * on an Aurora reader holds back purge on the writer, PLATFORM.md). Every statement is timed.
 */
import { performance } from 'node:perf_hooks';
import { TypedParameter } from 'mysql2';
import { createPool, type FieldPacket, type Pool, type PoolConnection } from 'mysql2/promise';
import { sourceErrorFrom } from './sourceErrors';
import { flavourOf, type KeyBinding, type ServerFlavour, type SourceValue } from './sourceSql';

export type { SourceValue } from './sourceSql';
import { describeSource, type SourceLocation } from './sourceUrl';
import { StatementStats } from './statementStats';

/** The export's promise to production: never more than this many connections. */
export const MAX_SOURCE_CONNECTIONS = 2;
const CONNECT_TIMEOUT_MS = 10_000;

export type SourceRow = SourceValue[];

export class SourceSessions {
  readonly stats = new StatementStats();
  /** Connections (by server thread id) already made read-only and UTC. */
  private readonly prepared = new Set<number>();

  /** MariaDB or MySQL (Aurora MySQL): they spell the per-statement time cap differently. */
  flavour: ServerFlavour = 'mysql';

  private constructor(
    private readonly pool: Pool,
    readonly source: string,
  ) {}

  /** Opens the pool and checks the source answers (so a wrong password or host fails here, in one line). */
  static async open(location: SourceLocation): Promise<SourceSessions> {
    const source = describeSource(location);
    const pool = createPool({
      host: location.host,
      port: location.port,
      user: location.user,
      password: location.password,
      database: location.database,
      connectionLimit: MAX_SOURCE_CONNECTIONS,
      maxIdle: MAX_SOURCE_CONNECTIONS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      charset: 'utf8mb4',
      // Exact values: BIGINT and DECIMAL as strings (no float rounding), DATE/DATETIME/TIMESTAMP as
      // the server's text (no JS Date shifting a time into the machine's zone).
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      dateStrings: true,
      // Aurora's certificates are signed by the RDS authorities, which Node's trust store lacks.
      ...(location.tls === 'rds' ? { ssl: 'Amazon RDS' } : {}),
    });
    // A driver error on an idle connection (say, the server killed it) only removes it from the pool;
    // the next statement reports what happened to it.
    pool.on('connection', (connection) => connection.on('error', () => undefined));
    try {
      const sessions = new SourceSessions(pool, source);
      const [version] = (await sessions.select<[string]>('setup', undefined, 'SELECT VERSION()', [])).rows;
      sessions.flavour = flavourOf(String(version?.[0] ?? ''));
      return sessions;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw sourceErrorFrom(error, { source });
    }
  }

  /**
   * Runs one SELECT (as a server-side prepared statement: values travel apart from the SQL) on a
   * session and answers its rows as arrays, with the columns' metadata.
   */
  async select<Row extends SourceValue[] = SourceRow>(
    kind: string,
    table: string | undefined,
    sql: string,
    params: unknown[],
    capSeconds?: number,
  ): Promise<{ rows: Row[]; fields: FieldPacket[] }> {
    return this.withSession(table, capSeconds, async (connection, connectionId) => {
      const started = performance.now();
      const [rows, fields] = await connection.execute({ sql, rowsAsArray: true }, params as never);
      const result = rows as unknown as Row[];
      this.stats.record({ kind, table, ms: performance.now() - started, rows: result.length, connectionId });
      return { rows: result, fields };
    });
  }

  /**
   * Runs `work` on one prepared session. Exported for tests and setup only: the export itself reads
   * through `select`. Driver failures become one SourceError naming the table (and the cap).
   */
  async withSession<T>(
    table: string | undefined,
    capSeconds: number | undefined,
    work: (connection: PoolConnection, connectionId: number) => Promise<T>,
  ): Promise<T> {
    let connection: PoolConnection | undefined;
    let broken = false;
    try {
      connection = await this.pool.getConnection();
      this.stats.connectionTaken();
      const connectionId = connection.threadId;
      if (!this.prepared.has(connectionId)) {
        // Session settings, once per connection: UTC for TIMESTAMP columns, and read-only so that even
        // a bug here cannot write to production.
        await connection.query("SET SESSION time_zone = '+00:00'");
        await connection.query('SET SESSION TRANSACTION READ ONLY');
        this.prepared.add(connectionId);
      }
      return await work(connection, connectionId);
    } catch (error) {
      broken = (error as { fatal?: boolean }).fatal === true;
      throw sourceErrorFrom(error, { source: this.source, table, capSeconds });
    } finally {
      if (connection) {
        this.stats.connectionReturned();
        if (broken) connection.destroy();
        else connection.release();
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A key or cursor value as the driver should send it (see keyBindingOf). */
export function boundKey(value: SourceValue, binding: KeyBinding): unknown {
  if (value === null || binding === 'as given') return value;
  return binding === 'unsigned integer' ? TypedParameter.LONGLONG.unsigned(value) : TypedParameter.LONGLONG(value);
}
