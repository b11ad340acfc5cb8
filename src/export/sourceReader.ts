/**
 * The gentle source reader: any table, in bounded primary-key-range chunks (keyset paging, never
 * OFFSET), each chunk one short autocommit SELECT under the server's per-statement time cap, on at
 * most 2 read-only sessions. It reads a chunk only when the previous one has been taken, so memory
 * holds one chunk whatever the table's size. Three reads serve the export's strategies:
 * - `chunks`: every row in key order (full copy, append by key);
 * - `keys`: the primary keys only, an index-only scan (delete detection for every strategy);
 * - `changedSince`: rows after an `updated_at` cursor, the key breaking ties (merge tables).
 */
import { boundKey, SourceSessions, type SourceRow, type SourceValue } from './sourceSessions';
import {
  chunkSelect,
  keyBindingOf,
  keyLookupSelect,
  rangeDigestSelect,
  type KeyRange,
  quoteIdentifier,
  withTimeCap,
  type KeyBinding,
  type ServerFlavour,
} from './sourceSql';
import type { SourceLocation } from './sourceUrl';
import type { StatementSummary } from './statementStats';
import { digestText } from './keyDigest';

export interface ReaderOptions {
  /** Rows per chunk (default 20,000): bounds both memory and each statement's time. */
  chunkRows?: number;
  /** The server's per-statement time cap in seconds (default 5). */
  capSeconds?: number;
  /** Keys per key-scan chunk (default 50,000): keys are small, so a key chunk can be larger than a row chunk. */
  keyChunkRows?: number;
}

export interface TableRead {
  table: string;
  /** The primary key's columns, in index order. */
  key: readonly string[];
  /** The columns to read, in the order each row holds them; they include the key. */
  columns: readonly string[];
}

export interface Chunk {
  /** Each row's values in the order of the read's columns. */
  rows: SourceRow[];
  /** The position after this chunk's last row (its key, or cursor and key), to resume from. */
  last: readonly SourceValue[];
}

/** Rows per chunk: each statement stays in the tens of milliseconds, and fewer statements cost less per row. */
export const DEFAULT_CHUNK_ROWS = 20_000;

function boundRange(column: string, range: { from?: SourceValue; below?: SourceValue }, binding: KeyBinding): KeyRange {
  return {
    column,
    ...(range.from !== undefined ? { from: boundKey(range.from, binding) } : {}),
    ...(range.below !== undefined ? { below: boundKey(range.below, binding) } : {}),
  };
}
export const DEFAULT_CAP_SECONDS = 5;
export const DEFAULT_KEY_CHUNK_ROWS = 50_000;
/** Keys per point-lookup statement: a short OR list the optimizer turns into primary-key ranges. */
export const KEYS_PER_LOOKUP = 500;

/**
 * The chunks of `source`, asking for the next one as soon as the current one is handed over, so the
 * server reads while the caller converts and writes: two chunks in memory at most.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = iterator.next();
      yield current.value;
    }
  } finally {
    // Abandoned early (an error downstream): let the read in flight settle, then close the source.
    await next.then(
      () => iterator.return?.(),
      () => undefined,
    );
  }
}

export class SourceReader {
  private constructor(
    private readonly sessions: SourceSessions,
    private readonly chunkRows: number,
    private readonly capSeconds: number,
    private readonly keyChunkRows: number,
  ) {}

  /** Connects (failing here, in one line, for a wrong host, password or database). */
  static async open(location: SourceLocation, options: ReaderOptions = {}): Promise<SourceReader> {
    const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
    const capSeconds = options.capSeconds ?? DEFAULT_CAP_SECONDS;
    const keyChunkRows = options.keyChunkRows ?? Math.max(DEFAULT_KEY_CHUNK_ROWS, chunkRows);
    if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`chunkRows must be a positive whole number, not ${chunkRows}`);
    if (!Number.isInteger(keyChunkRows) || keyChunkRows < 1) throw new RangeError(`keyChunkRows must be a positive whole number, not ${keyChunkRows}`);
    if (!(capSeconds > 0) || !Number.isFinite(capSeconds)) throw new RangeError(`capSeconds must be a positive number, not ${capSeconds}`);
    return new SourceReader(await SourceSessions.open(location), chunkRows, capSeconds, keyChunkRows);
  }

  get flavour(): ServerFlavour {
    return this.sessions.flavour;
  }

  /** `user@host:port/db`, for messages (never the password). */
  get source(): string {
    return this.sessions.source;
  }

  /** Every row after `after` (a key; from the start when absent), in key order. */
  chunks(read: TableRead, after?: readonly SourceValue[]): AsyncGenerator<Chunk> {
    return this.pages('chunk', read.table, read.columns, read.key, after, this.chunkRows);
  }

  /** Only the primary keys, in key order: an index-only scan, for finding deleted rows. */
  keys(read: Pick<TableRead, 'table' | 'key'>, after?: readonly SourceValue[]): AsyncGenerator<Chunk> {
    return this.pages('keys', read.table, read.key, read.key, after, this.keyChunkRows);
  }

  /**
   * The key columns plus a few more, in key order, in key-scan-sized chunks: for a column the lake
   * derives at each snapshot (an age band from a birth date), read with the keys.
   */
  keysWith(read: TableRead, after?: readonly SourceValue[]): AsyncGenerator<Chunk> {
    return this.pages('keys', read.table, read.columns, read.key, after, this.keyChunkRows);
  }

  /** The primary keys whose first column lies in [from, below) (an absent bound is open), in key order. */
  keysInRange(read: Pick<TableRead, 'table' | 'key'>, range: { from?: SourceValue; below?: SourceValue }): AsyncGenerator<Chunk> {
    return this.pages('keys', read.table, read.key, read.key, undefined, this.keyChunkRows, undefined, range);
  }

  /** A bucket's key-set fingerprint (keyDigest.ts), computed by the server in one short statement. */
  async rangeDigest(read: Pick<TableRead, 'table' | 'key'>, range: { from?: SourceValue; below?: SourceValue }): Promise<string> {
    const [binding] = await this.keyBindings(read.table, read.key.slice(0, 1));
    const { sql, params } = rangeDigestSelect({ table: read.table, key: read.key, range: boundRange(read.key[0]!, range, binding!) });
    const { rows } = await this.sessions.select('digest', read.table, withTimeCap(sql, this.sessions.flavour, this.capSeconds), params, this.capSeconds);
    const [count, sum, xor] = rows[0] ?? [0, null, 0];
    return digestText(count, sum, xor);
  }

  /**
   * The rows with the given primary keys (any order; absent keys simply give no row), a few hundred
   * keys per statement spelled as OR-ed equalities, which both servers read as primary-key ranges.
   */
  async *rowsByKeys(read: TableRead, keys: ReadonlyArray<readonly SourceValue[]>): AsyncGenerator<Chunk> {
    if (keys.length === 0) return;
    const bindings = await this.keyBindings(read.table, read.key);
    for (let start = 0; start < keys.length; start += KEYS_PER_LOOKUP) {
      const batch = keys.slice(start, start + KEYS_PER_LOOKUP);
      const { sql, params } = keyLookupSelect({ table: read.table, columns: read.columns, key: read.key, keys: batch });
      const bound = params.map((value, i) => boundKey(value as SourceValue, bindings[i % read.key.length]!));
      const { rows } = await this.sessions.select('lookup', read.table, withTimeCap(sql, this.sessions.flavour, this.capSeconds), bound, this.capSeconds);
      if (rows.length > 0) yield { rows, last: batch[batch.length - 1]! };
    }
  }

  /**
   * Rows whose `cursor` (an `updated_at` column) and key come after `after` = [cursor value, …key],
   * in that order; with no `after`, every row. Rows updated during the read are met again by the
   * next run, because their cursor moves past this run's last position.
   */
  changedSince(read: TableRead & { cursor: string }, after?: readonly SourceValue[]): AsyncGenerator<Chunk> {
    const columns = read.columns.includes(read.cursor) ? read.columns : [...read.columns, read.cursor];
    return this.pages('changed', read.table, columns, [read.cursor, ...read.key], after, this.chunkRows);
  }

  /**
   * Rows whose `cursor` is at least `since` (inclusive: rows stamped with the very instant are met),
   * in (cursor, key) order: where an incremental run starts, from a cursor stored as a time alone.
   */
  changedFrom(read: TableRead & { cursor: string }, since: string): AsyncGenerator<Chunk> {
    const columns = read.columns.includes(read.cursor) ? read.columns : [...read.columns, read.cursor];
    return this.pages('changed', read.table, columns, [read.cursor, ...read.key], undefined, this.chunkRows, since);
  }

  /** Every statement's duration, the longest, the p99 and the connections used. */
  statementSummary(): StatementSummary {
    return this.sessions.stats.summary();
  }

  /** The pool, for the tests and for the export's own setup statements. */
  get sessionPool(): SourceSessions {
    return this.sessions;
  }

  async close(): Promise<void> {
    await this.sessions.close();
  }

  /** The ordering columns' types, from a statement that reads no row. */
  private async keyBindings(table: string, orderBy: readonly string[]): Promise<KeyBinding[]> {
    const probe = `SELECT ${orderBy.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)} LIMIT 0`;
    const { fields } = await this.sessions.select('probe', table, withTimeCap(probe, this.sessions.flavour, this.capSeconds), [], this.capSeconds);
    return fields.map(keyBindingOf);
  }

  private async *pages(
    kind: string,
    table: string,
    columns: readonly string[],
    orderBy: readonly string[],
    start: readonly SourceValue[] | undefined,
    limit: number,
    from?: SourceValue,
    range?: { from?: SourceValue; below?: SourceValue },
  ): AsyncGenerator<Chunk> {
    const positions = orderBy.map((column) => {
      const at = columns.indexOf(column);
      if (at < 0) throw new Error(`Reading ${table}: the columns must include ${column}, which orders the chunks`);
      return at;
    });
    let after = start;
    // How to send the position back: learnt from the first chunk's columns, or, to resume, from an empty probe.
    let bindings = after === undefined && range === undefined ? undefined : await this.keyBindings(table, orderBy);
    const bucket = range && bindings ? boundRange(orderBy[0]!, range, bindings[0]!) : undefined;
    for (;;) {
      const bound = after && bindings ? after.map((value, i) => boundKey(value, bindings![i]!)) : undefined;
      const { sql, params } = chunkSelect({
        table,
        columns,
        orderBy,
        after: bound,
        limit,
        ...(after === undefined && from !== undefined ? { from } : {}),
        ...(bucket ? { range: bucket } : {}),
      });
      const { rows, fields } = await this.sessions.select(kind, table, withTimeCap(sql, this.sessions.flavour, this.capSeconds), params, this.capSeconds);
      bindings ??= positions.map((at) => keyBindingOf(fields[at]!));
      if (rows.length === 0) return;
      const lastRow = rows[rows.length - 1]!;
      after = positions.map((at) => lastRow[at]!);
      yield { rows, last: after };
      // A short chunk is the table's end: no need for one more (empty) statement.
      if (rows.length < limit) return;
    }
  }
}
