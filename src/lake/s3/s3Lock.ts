/**
 * One export (or rollback) at a time on an S3 lake: `<prefix>export.lock`, created with a
 * conditional PutObject (`If-None-Match: *`), so of two runs started together exactly one gets it.
 *
 * A run on S3 may be on any machine (a Fargate task), so "is the holder alive?" cannot be asked as
 * it is locally. Instead the lock is a lease: its holder renews it every minute (`If-Match` on its
 * own version) and a lock whose lease ran out is taken over, conditionally on the version read.
 * A holder that finds its lock taken over has lost it and must not publish.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { LockPurpose } from '../exportLock';
import { LAKE_RELATIVE } from '../lakeLayout';
import { LakeError } from '../manifest';
import type { S3Lake } from './s3Lake';

/** A dead run's lock is taken over after this long without renewal; a live one renews it every minute. */
export const LOCK_LEASE_MS = 10 * 60_000;

const holderSchema = z.object({
  host: z.string(),
  pid: z.number().int(),
  what: z.enum(['export', 'rollback']),
  startedAt: z.string(),
  token: z.string().min(1),
  expiresAt: z.string(),
});

export type S3LockHolder = z.infer<typeof holderSchema>;

export interface S3ExportLock {
  readonly holder: S3LockHolder;
  /** The holder whose lease had run out when this run took the lock over, or 'unreadable'. */
  readonly tookOverFrom?: S3LockHolder | 'unreadable';
  /** Extends the lease; throws LakeError `lock_lost` when another run has taken the lock over. */
  renew(): Promise<void>;
  /** Removes the lock when it is still ours. */
  release(): Promise<void>;
}

const isPreconditionFailed = (error: unknown) => (error as { code?: string } | undefined)?.code === 'PreconditionFailed';

export async function acquireS3Lock(lake: S3Lake, what: LockPurpose, options: { now?: () => number; leaseMs?: number } = {}): Promise<S3ExportLock> {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? LOCK_LEASE_MS;
  const holder = (): S3LockHolder => ({
    host: hostname(),
    pid: process.pid,
    what,
    startedAt: new Date(now()).toISOString(),
    token: randomBytes(8).toString('hex'),
    expiresAt: new Date(now() + leaseMs).toISOString(),
  });
  const mine = holder();
  try {
    const { etag } = await lake.putJson(LAKE_RELATIVE.lock, mine, { ifNoneMatch: '*' });
    return lockOf(lake, mine, etag, now, leaseMs);
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
  }
  const found = await lake.readText(LAKE_RELATIVE.lock);
  if (!found) return acquireS3Lock(lake, what, options); // released meanwhile: try again
  const parsed = holderSchema.safeParse(safeJson(found.text));
  const previous = parsed.success ? parsed.data : ('unreadable' as const);
  if (previous !== 'unreadable' && Date.parse(previous.expiresAt) > now()) throw runningError(lake, previous);
  try {
    const { etag } = await lake.putJson(LAKE_RELATIVE.lock, mine, { ifMatch: found.etag });
    return lockOf(lake, mine, etag, now, leaseMs, previous);
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
    // Another run took the dead lock over first.
    const winner = holderSchema.safeParse(safeJson((await lake.readText(LAKE_RELATIVE.lock))?.text ?? ''));
    throw runningError(lake, winner.success ? winner.data : mine);
  }
}

function lockOf(
  lake: S3Lake,
  holder: S3LockHolder,
  firstEtag: string,
  now: () => number,
  leaseMs: number,
  tookOverFrom?: S3LockHolder | 'unreadable',
): S3ExportLock {
  let etag = firstEtag;
  let current = holder;
  // One renewal at a time: two at once would both send the same If-Match, and the second would look like a takeover.
  let renewing: Promise<void> = Promise.resolve();
  const renewOnce = async () => {
    const renewed = { ...current, expiresAt: new Date(now() + leaseMs).toISOString() };
    try {
      etag = (await lake.putJson(LAKE_RELATIVE.lock, renewed, { ifMatch: etag })).etag;
      current = renewed;
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
      throw new LakeError(
        'lock_lost',
        lake.where(LAKE_RELATIVE.lock),
        `This run's lock on ${lake.where()} was taken over by another run (its lease ran out); nothing more is published by this one.`,
      );
    }
  };
  return {
    holder,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    renew() {
      const next = renewing.catch(() => undefined).then(renewOnce);
      renewing = next;
      return next;
    },
    async release() {
      await renewing.catch(() => undefined);
      const found = await lake.readText(LAKE_RELATIVE.lock);
      if (found?.etag === etag) await lake.store.deleteObjects(lake.bucket, [lake.key(LAKE_RELATIVE.lock)]);
    },
  };
}

function runningError(lake: S3Lake, holder: S3LockHolder): LakeError {
  return new LakeError(
    'export_running',
    lake.where(LAKE_RELATIVE.lock),
    `Another ${holder.what} is running on ${lake.where()} (${holder.host}, pid ${holder.pid}, since ${holder.startedAt}; its lease runs to ${holder.expiresAt}). Wait for it to finish.`,
    '',
    { what: holder.what, host: holder.host, pid: String(holder.pid), since: holder.startedAt },
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
