/**
 * Everything that can go wrong reading the source, each as one English line (the CLI phrases each
 * in Japanese too: src/cli/messages.ts). Built from our own words and names only, never from the URL
 * text, so no password can reach a message or a log.
 */
export type SourceProblem =
  | 'no_source'
  | 'malformed_url'
  | 'unreachable'
  | 'access_denied'
  | 'unknown_database'
  | 'missing_table'
  | 'missing_column'
  | 'unknown_column_type'
  | 'wrong_column_type'
  | 'statement_timeout'
  | 'connection_lost'
  | 'write_refused'
  | 'foreign_database'
  | 'not_a_sample_source'
  | 'incomplete_seed'
  | 'source_failed';

export interface SourceErrorFacts {
  /** `user@host:port/db` (describeSource). */
  source?: string;
  table?: string;
  column?: string;
  /** The per-statement time cap, in seconds, for `statement_timeout`. */
  capSeconds?: number;
  /** A short fact for the message (the URL part at fault, the server's error code). */
  detail?: string;
}

export class SourceError extends Error {
  constructor(
    readonly reason: SourceProblem,
    message: string,
    readonly facts: SourceErrorFacts = {},
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/** What the driver tells us about a failure (mysql2's error fields). */
interface DriverError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  fatal?: boolean;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONNECTION_LOST_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'PROTOCOL_SEQUENCE_TIMEOUT']);
/** MariaDB ER_CONNECTION_KILLED; MySQL/MariaDB CR_SERVER_LOST, ER_SERVER_SHUTDOWN. */
const CONNECTION_LOST_ERRNOS = new Set([1927, 2013, 1053]);
/** MariaDB ER_STATEMENT_TIMEOUT (max_statement_time); MySQL ER_QUERY_TIMEOUT (MAX_EXECUTION_TIME). */
const TIMEOUT_ERRNOS = new Set([1969, 3024]);

/**
 * One clear SourceError for a driver failure. `where` says what we were doing, so the line can name
 * the table (and the cap, for a statement the server stopped).
 */
export function sourceErrorFrom(error: unknown, where: { source: string; table?: string; capSeconds?: number }): SourceError {
  if (error instanceof SourceError) return error;
  const driver = (typeof error === 'object' && error !== null ? error : {}) as DriverError;
  const { source, table } = where;
  const inTable = table === undefined ? '' : ` while reading table ${table}`;
  const errno = driver.errno;
  const code = driver.code ?? '';
  if (UNREACHABLE_CODES.has(code)) {
    return new SourceError('unreachable', `Cannot reach the source database at ${source} (${code}): check the host and port, and that the server is running.`, {
      source,
      detail: code,
    });
  }
  if (errno === 1045 || code === 'ER_ACCESS_DENIED_ERROR') {
    return new SourceError('access_denied', `The source database ${source} refused the user name or password: check the user and password.`, { source });
  }
  // 1044: the server answers "access denied to database" alike for one that is absent and one the user may not use.
  if (errno === 1049 || errno === 1044 || code === 'ER_BAD_DB_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') {
    return new SourceError('unknown_database', `The source database in ${source} does not exist or the user may not use it: check the database name.`, {
      source,
    });
  }
  if (errno === 1146 || code === 'ER_NO_SUCH_TABLE') {
    return new SourceError('missing_table', `The source database ${source} has no table ${table ?? '(unknown)'}: check that the schema is the expected one.`, {
      source,
      table,
    });
  }
  if (errno === 1054 || code === 'ER_BAD_FIELD_ERROR') {
    // "Unknown column 'x' in 'field list'": the name is the server's, which is the only place it is known.
    const column = /Unknown column '([^']*)'/.exec(driver.sqlMessage ?? '')?.[1] ?? '(unknown)';
    return new SourceError(
      'missing_column',
      `Table ${table ?? '(unknown)'} in the source database ${source} has no column ${column}: check that the schema is the expected one.`,
      {
        source,
        table,
        column,
      },
    );
  }
  if (errno !== undefined && TIMEOUT_ERRNOS.has(errno)) {
    const cap = where.capSeconds;
    return new SourceError(
      'statement_timeout',
      `The source database stopped a statement${inTable} after the ${cap ?? '?'} s time cap: the chunk is too slow; try a smaller chunk or check the table's primary key index.`,
      { source, table, capSeconds: cap },
    );
  }
  if (CONNECTION_LOST_CODES.has(code) || (errno !== undefined && CONNECTION_LOST_ERRNOS.has(errno))) {
    return new SourceError('connection_lost', `The connection to the source database ${source} dropped${inTable}: run again.`, {
      source,
      table,
      detail: code || String(errno),
    });
  }
  if (errno === 1792 || code === 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION') {
    return new SourceError('write_refused', `The source session is read-only and refused a write${inTable}.`, { source, table });
  }
  const what = code || (errno === undefined ? (error instanceof Error ? error.name : 'unknown error') : String(errno));
  return new SourceError('source_failed', `The source database ${source} failed${inTable} (${what}).`, { source, table, detail: what });
}
