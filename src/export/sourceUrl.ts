/**
 * Where the source database is: `--source mysql://USER:PASSWORD@HOST:PORT/DB`, or `SNAQ_SOURCE_URL`
 * (which keeps the password out of the process list). The password is never part of any text this
 * module makes: `describeSource` is what messages and logs show.
 */
import { SourceError } from './sourceErrors';

export interface SourceLocation {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** `rds`: TLS, verified against the Amazon RDS certificate authorities (mysql2's built-in profile). */
  tls?: 'rds';
}

const DEFAULT_PORT = 3306;

/** The `--source` flag when given, else $SNAQ_SOURCE_URL; a SourceError `no_source` when neither is set. */
export function sourceLocationFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): SourceLocation {
  const text = flag ?? env.SNAQ_SOURCE_URL;
  if (text === undefined || text.trim() === '') {
    throw new SourceError('no_source', 'No source database given: pass --source mysql://USER:PASSWORD@HOST:PORT/DB or set SNAQ_SOURCE_URL.');
  }
  return parseSourceUrl(text);
}

/** Parses with the WHATWG URL parser; every refusal is one line that never repeats the text (it may hold a password). */
export function parseSourceUrl(text: string): SourceLocation {
  const malformed = (what: string) =>
    new SourceError('malformed_url', `The source URL is malformed: ${what}. Write it as mysql://USER:PASSWORD@HOST:PORT/DB.`, { detail: what });
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw malformed('it is not a URL');
  }
  if (url.protocol !== 'mysql:') throw malformed(`the scheme is "${url.protocol.replace(/:$/, '')}", not "mysql"`);
  if (url.hostname === '') throw malformed('the host is missing');
  if (url.username === '') throw malformed('the user is missing');
  const database = url.pathname.replace(/^\//, '');
  if (database === '' || database.includes('/')) throw malformed('the path must be exactly one database name');
  if (url.search !== '' || url.hash !== '') throw malformed('options after "?" or "#" are not supported');
  let user: string, password: string, databaseName: string;
  try {
    // The URL keeps user, password and path percent-encoded; a password may need %40 for "@".
    [user, password, databaseName] = [url.username, url.password, database].map(decodeURIComponent) as [string, string, string];
  } catch {
    throw malformed('a percent-escape in the user, password or database is broken');
  }
  return {
    // [::1] comes back bracketed; the driver wants the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_PORT : Number(url.port),
    user,
    password,
    database: databaseName,
  };
}

/** The source as messages name it: `user@host:port/db`, never the password. */
export function describeSource(source: SourceLocation): string {
  const host = source.host.includes(':') ? `[${source.host}]` : source.host;
  return `${source.user}@${host}:${source.port}/${source.database}`;
}
