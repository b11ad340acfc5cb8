/**
 * The snapshot instant, from the source's clock and never this machine's: the sample source's
 * business clock (its marker table, moved by `seed` and `advance`), or the database's own UTC time
 * in production. Whether the source is the sample source also decides whether the development
 * pseudonym key may be used.
 */
import { SAMPLE_SOURCE_MARKER } from './sourceDdl';
import { SourceError } from './sourceErrors';
import type { SourceSessions } from './sourceSessions';

export interface SourceClock {
  /** True for the sample source (it has the marker table). */
  readonly sample: boolean;
  now(): Promise<Date>;
}

/** `YYYY-MM-DD HH:MM:SS[.fff]` as the server prints a UTC DATETIME. */
export function parseSourceInstant(text: string): Date {
  const instant = new Date(`${text.trim().replace(' ', 'T')}Z`);
  if (Number.isNaN(instant.getTime())) throw new Error(`The source answered an unreadable time: ${JSON.stringify(text)}`);
  return instant;
}

/** The instant as a DATETIME text the server compares with `updated_at` (UTC, whole seconds rounded down). */
export function sourceDatetime(instant: Date): string {
  return instant.toISOString().slice(0, 19).replace('T', ' ');
}

export async function sourceClock(sessions: SourceSessions): Promise<SourceClock> {
  const { rows } = await sessions.select(
    'setup',
    undefined,
    'SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
    [SAMPLE_SOURCE_MARKER],
  );
  const sample = Number(rows[0]?.[0] ?? 0) > 0;
  if (!sample) {
    return {
      sample,
      now: async () => parseSourceInstant(String((await sessions.select('setup', undefined, 'SELECT UTC_TIMESTAMP(3)', [])).rows[0]?.[0])),
    };
  }
  const businessClock = async (): Promise<Date> => {
    const marker = await sessions.select('setup', SAMPLE_SOURCE_MARKER, `SELECT business_clock, completed_at FROM ${SAMPLE_SOURCE_MARKER} WHERE id = 1`, []);
    const [clock, completedAt] = marker.rows[0] ?? [null, null];
    if (clock === null || clock === undefined || completedAt === null || completedAt === undefined) {
      throw new SourceError(
        'incomplete_seed',
        `The sample source ${sessions.source} was never completely seeded (its ${SAMPLE_SOURCE_MARKER} marker has no completed_at): run "npx snaq source seed" again.`,
        { source: sessions.source },
      );
    }
    return parseSourceInstant(String(clock));
  };
  await businessClock();
  return { sample, now: businessClock };
}
