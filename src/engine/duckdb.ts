/**
 * The embedded engine: one in-memory DuckDB database with a view per lake table over its Parquet
 * files, a small pool of connections (one query each at a time, so each can be interrupted), and
 * prepared statements cached per connection.
 *
 * The views follow the lake's root manifest: when it names another snapshot (a publish, a
 * rollback, a regenerated sample), the next query first redefines every view in one transaction,
 * so a query reads the old snapshot or the new one, never a mix. Queries already running finish on
 * the old files, which retention keeps (src/lake/lakeStore.ts never deletes the recent snapshots).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, DuckDBTypeId } from '@duckdb/node-api';
import { ApiError } from '../contract/errors';
import type { LakeManifest } from '../contract/snapshot';
import type { Cell } from '../contract/types';
import { readManifest } from '../lake/manifest';
import { parseHistory } from '../lake/lakeHistory';
import { lakePaths } from '../lake/lakeLayout';
import { findLakeFault, type LakeFault } from './lakeFiles';
import type { EngineHealth, EngineResult, EngineStatement, ExecuteOptions, LakeHistory, QueryEngine } from './types';

function historyUnreadable(error: unknown): ApiError {
  return new ApiError('ENGINE_UNAVAILABLE', `The lake history cannot be read: ${(error as Error).message}`, { reason: 'lake_history_unreadable' });
}

export interface DuckDbEngineOptions {
  lakeDir: string;
  /** DuckDB worker threads; the default suits a 2-core laptop. */
  threads?: number;
  /** Concurrent queries. */
  connections?: number;
  memoryLimit?: string;
}

const STATEMENT_CACHE_SIZE = 256;
/** How long health waits for the engine to answer `SELECT 1`. */
const PING_TIMEOUT_MS = 2_000;
/** Messages of DuckDB errors that mean a lake file is damaged, not that the SQL is wrong. */
/** DuckDB's binder, when a view's Parquet files lack a column the statement reads. */
const MISSING_COLUMN = /Binder Error: .*(does not have a column named|Referenced column .* not found)/;
const DAMAGED_FILE = /magic bytes|parquet|thrift|snappy|zstd|gzip|decompress|corrupt/i;

interface PooledConnection {
  connection: DuckDBConnection;
  statements: Map<string, DuckDBPreparedStatement>;
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function toCell(value: unknown, typeId: DuckDBTypeId): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw new Error('An integer result exceeds 2^53.');
    return number;
  }
  if (value instanceof Date) return typeId === DuckDBTypeId.DATE ? value.toISOString().slice(0, 10) : value.toISOString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

/**
 * One view per lake table (the Aurora table names, so catalog SQL reads the same on DuckDB and
 * Athena), all replaced in one transaction: no query sees some tables of one snapshot and some
 * of another. DuckDB lets it commit while other connections' queries read the old views.
 */
async function defineViews(connection: DuckDBConnection, lakeDir: string, manifest: LakeManifest): Promise<void> {
  const statements = Object.entries(manifest.tables).map(([table, snapshot]) => {
    if (!/^[a-z_]+$/.test(table)) throw new Error(`Lake manifest names an invalid table "${table}".`);
    const files = path.join(lakeDir, snapshot.path, '*.parquet');
    return `CREATE OR REPLACE VIEW ${table} AS SELECT * FROM read_parquet(${sqlString(files)})`;
  });
  await connection.run('BEGIN TRANSACTION');
  try {
    for (const sql of statements) await connection.run(sql);
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;
  readonly dialect = 'duckdb' as const;
  private readonly idle: PooledConnection[] = [];
  private readonly waiting: Array<(connection: PooledConnection) => void> = [];
  private manifestCache?: { version: string; manifest: LakeManifest };
  private historyCache?: LakeHistory;
  /** The snapshot the views read now. */
  private viewsSnapshotId: string;
  /** The one redefinition of the views in progress: every query arriving meanwhile waits for it. */
  private swap?: Promise<void>;
  /** Bumped when a swap starts and when it ends: a query that saw it change cannot tell which snapshot it read. */
  private viewsGeneration = 0;
  /** A manifest whose views could not be made (its files missing?): not retried until the manifest changes. */
  private failedManifest?: LakeManifest;
  private ping?: Promise<'answered' | 'failed'>;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly lakeDir: string,
    pool: PooledConnection[],
    /** Health's own connection: a probe must not queue behind the queries holding the pool. */
    private readonly healthConnection: DuckDBConnection,
    /** Where the views are (re)defined, never a query's: DDL must not wait for a free pooled connection. */
    private readonly viewsConnection: DuckDBConnection,
    manifest: LakeManifest,
  ) {
    this.idle.push(...pool);
    this.viewsSnapshotId = manifest.snapshotId;
  }

  static async open(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
    const lakeDir = path.resolve(options.lakeDir);
    const manifest = readManifest(lakeDir);
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(options.threads ?? 2),
      ...(options.memoryLimit ? { memory_limit: options.memoryLimit } : {}),
    });
    const pool: PooledConnection[] = [];
    for (let i = 0; i < (options.connections ?? 4); i++) pool.push({ connection: await instance.connect(), statements: new Map() });
    const viewsConnection = await instance.connect();
    await defineViews(viewsConnection, lakeDir, manifest);
    return new DuckDbEngine(instance, lakeDir, pool, await instance.connect(), viewsConnection, manifest);
  }

  /**
   * Brings the views to the snapshot the root manifest names, before a query. A manifest that
   * cannot be read (half written by hand, deleted) leaves the views as they are: queries go on
   * answering from the last good snapshot, and `snapshot()` and health report the fault.
   */
  private async followManifest(): Promise<void> {
    if (this.swap) return this.swap;
    let manifest: LakeManifest;
    try {
      manifest = await this.snapshot();
    } catch {
      return;
    }
    if (this.swap) return this.swap; // another query started it while this one read the manifest
    if (manifest.snapshotId === this.viewsSnapshotId || manifest === this.failedManifest) return;
    this.viewsGeneration++;
    this.swap = defineViews(this.viewsConnection, this.lakeDir, manifest).then(
      () => {
        this.viewsSnapshotId = manifest.snapshotId;
      },
      () => {
        // The new snapshot's files cannot be read: keep serving the old views; health names the table.
        this.failedManifest = manifest;
      },
    );
    void this.swap.finally(() => {
      this.viewsGeneration++;
      this.swap = undefined;
    });
    return this.swap;
  }

  private acquire(): Promise<PooledConnection> {
    const connection = this.idle.pop();
    if (connection) return Promise.resolve(connection);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(connection: PooledConnection): void {
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  private async prepare(pooled: PooledConnection, sql: string): Promise<DuckDBPreparedStatement> {
    let statement = pooled.statements.get(sql);
    if (statement) {
      pooled.statements.delete(sql); // re-insert: the Map's order is the LRU order
    } else {
      statement = await pooled.connection.prepare(sql);
      if (pooled.statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = pooled.statements.keys().next().value as string;
        pooled.statements.get(oldest)?.destroySync();
        pooled.statements.delete(oldest);
      }
    }
    pooled.statements.set(sql, statement);
    return statement;
  }

  async execute(statement: EngineStatement, options: ExecuteOptions): Promise<EngineResult> {
    if (this.closed) throw new ApiError('ENGINE_UNAVAILABLE', 'The query engine is shutting down.');
    const started = performance.now();
    await this.followManifest();
    const pooled = await this.acquire();
    // A query reads one snapshot whatever happens meanwhile; which one is certain only if no swap overlapped it.
    const generation = this.viewsGeneration;
    const snapshotId = this.swap ? null : this.viewsSnapshotId;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      pooled.connection.interrupt();
    }, options.timeoutMs);
    try {
      const prepared = await this.prepare(pooled, statement.sql);
      prepared.clearBindings();
      if (statement.params.length) prepared.bind([...statement.params]);
      const reader = await prepared.runAndReadAll();
      const types = reader.columnTypes().map((type) => type.typeId);
      const raw = reader.getRowsJS();
      if (raw.length > options.maxRows) {
        throw new ApiError('RESULT_TOO_LARGE', `The result has more than ${options.maxRows} rows. Narrow the range, grain or dimensions.`, {
          reason: 'too_many_rows',
          maxRows: options.maxRows,
        });
      }
      const rows = raw.map((row) => row.map((value, i) => toCell(value, types[i]!)));
      return {
        columnNames: reader.columnNames(),
        rows,
        elapsedMs: performance.now() - started,
        snapshotId: generation === this.viewsGeneration ? snapshotId : null,
      };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const message = (error as Error).message ?? '';
      if (timedOut || /INTERRUPT/i.test(message)) {
        throw new ApiError('QUERY_TIMEOUT', `The query took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped.`, {
          reason: 'timeout',
          timeoutMs: options.timeoutMs,
        });
      }
      if (/IO Error|No files found/i.test(message)) {
        throw new ApiError('ENGINE_UNAVAILABLE', 'The lake files cannot be read. Regenerate the lake or check SNAQ_LAKE_DIR.', {
          reason: 'lake_unreadable',
        });
      }
      // Our SQL names only contract columns (the catalog checks that at load), so a column the lake
      // lacks means the lake was written to another contract: the data team's to fix, not a retry's.
      if (MISSING_COLUMN.test(message)) {
        throw new ApiError('ENGINE_UNAVAILABLE', 'The lake lacks a column of the lake contract. Regenerate or re-export the lake.', {
          reason: 'lake_schema_mismatch',
          retryable: false,
        });
      }
      // A damaged file is the lake's fault, never the caller's nor a bug: 503, so clients retry later.
      if (DAMAGED_FILE.test(message) || message.includes(this.lakeDir)) {
        throw new ApiError('ENGINE_UNAVAILABLE', 'A lake file is damaged. Regenerate or restore the lake; /v1/health names the table.', {
          reason: 'lake_corrupt',
        });
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.release(pooled);
    }
  }

  /** The local lake's history file, re-read only when it changed (an export or rollback appends a line). */
  async history(): Promise<LakeHistory> {
    const file = lakePaths(this.lakeDir).history;
    let version: string;
    try {
      const stat = statSync(file);
      version = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], version: 'none' };
      throw historyUnreadable(error);
    }
    if (this.historyCache?.version !== version) {
      try {
        this.historyCache = { version, entries: parseHistory(readFileSync(file, 'utf8')) };
      } catch (error) {
        throw historyUnreadable(error);
      }
    }
    return this.historyCache;
  }

  async snapshot(): Promise<LakeManifest> {
    const file = path.join(this.lakeDir, 'manifest.json');
    let version: string;
    try {
      // The inode too: a publish replaces the file by a rename, possibly within the clock's tick.
      const stat = statSync(file);
      version = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      throw new ApiError('ENGINE_UNAVAILABLE', 'The lake manifest is missing. Regenerate the lake or check SNAQ_LAKE_DIR.', {
        reason: 'lake_missing',
      });
    }
    // Re-read only when the lake was rewritten, so a new snapshot is picked up without a restart.
    if (this.manifestCache?.version !== version) {
      let manifest: LakeManifest;
      try {
        manifest = readManifest(this.lakeDir);
      } catch (error) {
        // Broken under a running server (half written, edited by hand): the lake's fault, not a bug.
        throw new ApiError('ENGINE_UNAVAILABLE', `The lake manifest cannot be read: ${(error as Error).message}`, {
          reason: 'lake_manifest_invalid',
        });
      }
      this.manifestCache = { version, manifest };
    }
    return this.manifestCache.manifest;
  }

  /**
   * `SELECT 1` on health's own connection, and the lake: the manifest and every table's files
   * (magic and footer). A lake fault leaves the engine reachable but the service degraded.
   */
  async health(): Promise<EngineHealth> {
    const [reachable, lakeFault] = await Promise.all([this.pingEngine(), this.checkLake()]);
    return { ...reachable, ...(lakeFault ? { lakeFault } : {}) };
  }

  private async checkLake(): Promise<LakeFault | undefined> {
    try {
      return findLakeFault(this.lakeDir, await this.snapshot());
    } catch (error) {
      const reason = error instanceof ApiError && typeof error.details?.reason === 'string' ? error.details.reason : 'lake_unreadable';
      return { reason, detail: error instanceof Error ? error.message : 'The lake manifest cannot be read.' };
    }
  }

  private async pingEngine(): Promise<{ reachable: boolean; detail?: string }> {
    // One ping at a time: a probe that hangs is shared, not stacked.
    this.ping ??= this.healthConnection.run('SELECT 1').then(
      () => 'answered' as const,
      () => 'failed' as const,
    );
    const ping = this.ping;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([ping, new Promise<'silent'>((resolve) => (timer = setTimeout(() => resolve('silent'), PING_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (outcome !== 'silent' && this.ping === ping) this.ping = undefined;
    if (outcome === 'answered') return { reachable: true };
    return {
      reachable: false,
      detail: outcome === 'failed' ? 'The engine refused a trivial query.' : `The engine did not answer within ${PING_TIMEOUT_MS / 1000} s.`,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.swap;
    for (const pooled of this.idle) {
      for (const statement of pooled.statements.values()) statement.destroySync();
      pooled.connection.closeSync();
    }
    this.healthConnection.closeSync();
    this.viewsConnection.closeSync();
    this.instance.closeSync();
  }
}
