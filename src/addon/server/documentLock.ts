/**
 * Brief holds of the document lock around writes to a block (and to the scheduled run's progress).
 * Never held across a fetch: a scheduled run lasts minutes, and a sidebar call waiting that long for
 * the lock would fail. Apps Script batches sheet writes, so they are flushed before the lock goes.
 */
import { say, UserFacingError } from './messages';
import type { Platform } from './platform';
import type { Lang } from '../../contract/types';

/** Long enough for another execution to finish writing one block. */
const LOCK_WAIT_MS = 15_000;

/** Another execution held the document lock for longer than LOCK_WAIT_MS. */
export class DocumentBusy extends UserFacingError {}

export function whileLocked<T>(platform: Pick<Platform, 'documentLock' | 'flush'>, lang: Lang, work: () => T): T {
  const lock = platform.documentLock();
  if (lock && !lock.tryLock(LOCK_WAIT_MS)) throw new DocumentBusy(say(lang, 'documentBusy'));
  try {
    return work();
  } finally {
    platform.flush();
    lock?.releaseLock();
  }
}
