/**
 * The one read-write session `source seed` and `source advance` open on the sample source: UTC (the
 * source's DATETIME holds UTC, privacyPolicy.ts lakeTypeOf) and utf8mb4, so fake people's kanji and
 * kana arrive intact. Failures become one SourceError line, never showing the password.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { SAMPLE_SOURCE_MARKER } from './sourceDdl';
import { sourceErrorFrom } from './sourceErrors';
import type { SourceLocation } from './sourceUrl';

export interface SampleSourceConnectionOptions {
  /** DATE and DATETIME come back as the server's text, so no JS Date shifts a time. */
  dateStrings?: boolean;
}

export async function connectToSampleSource(location: SourceLocation, source: string, options: SampleSourceConnectionOptions = {}): Promise<Connection> {
  try {
    const conn = await createConnection({
      host: location.host,
      port: location.port,
      user: location.user,
      password: location.password,
      database: location.database,
      // JS Dates are written as UTC.
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      connectTimeout: 10_000,
      dateStrings: options.dateStrings ?? false,
    });
    await conn.query("SET time_zone = '+00:00'");
    return conn;
  } catch (error) {
    throw sourceErrorFrom(error, { source });
  }
}

/** The tables of the database, and whether the sample source's marker is among them. */
export async function tablesOf(conn: Connection): Promise<{ names: string[]; hasMarker: boolean }> {
  const [rows] = await conn.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()');
  const names = (rows as Array<{ name: string }>).map((row) => row.name);
  return { names, hasMarker: names.includes(SAMPLE_SOURCE_MARKER) };
}

/** A failure the driver reported (it carries an errno or a code), as opposed to a bug of ours. */
export function isDriverError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ('errno' in error || 'code' in error);
}
