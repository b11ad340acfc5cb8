/**
 * Admission of new work (a query, forecast or anomaly search that is neither cached nor already
 * in flight): capped per principal and in total while it runs or waits for its poll, because a
 * client asking `Prefer: wait=0` turns every request into background work that holds memory and
 * engine time. Past a cap the caller hears RATE_LIMITED with when to retry.
 */
import { ApiError } from '../contract/errors';

export interface AdmissionLimits {
  /** Unsettled work one principal may have. Every add-on user shares one key, so this must fit a sheet's recalculation. */
  perPrincipal: number;
  /** Unsettled work of all principals together. */
  total: number;
  /** What a refused caller is told to wait. */
  retryAfterMs: number;
}

export class Admission {
  private readonly byPrincipal = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: AdmissionLimits) {}

  /** Starts the work if there is room and counts it until it settles; past a cap, throws RATE_LIMITED and starts nothing. */
  admit<T>(principal: string, start: () => Promise<T>): Promise<T> {
    const mine = this.byPrincipal.get(principal) ?? 0;
    if (mine >= this.limits.perPrincipal || this.total >= this.limits.total) {
      const retryAfterSeconds = Math.max(1, Math.ceil(this.limits.retryAfterMs / 1000));
      throw new ApiError('RATE_LIMITED', `Too many queries are running or waiting to be fetched. Retry in ${retryAfterSeconds} s.`, {
        reason: 'too_much_work',
        retryAfterMs: this.limits.retryAfterMs,
        retryAfterSeconds,
      });
    }
    this.byPrincipal.set(principal, mine + 1);
    this.total++;
    const release = () => {
      this.total--;
      const left = (this.byPrincipal.get(principal) ?? 1) - 1;
      if (left > 0) this.byPrincipal.set(principal, left);
      else this.byPrincipal.delete(principal);
    };
    let work: Promise<T>;
    try {
      work = start();
    } catch (error) {
      release();
      throw error;
    }
    work.then(release, release);
    return work;
  }

  /** Unsettled work, for tests and operators. */
  running(principal?: string): number {
    return principal === undefined ? this.total : (this.byPrincipal.get(principal) ?? 0);
  }
}
