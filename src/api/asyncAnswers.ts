/**
 * Where work that outlived the client's wait (a 202) is answered from, chosen per deployment:
 *
 * - `LocalAnswers` (the local server, DuckDB): the work keeps running in this process and its
 *   settled result waits in memory (PendingQueries) for the poll, which must reach this process.
 * - `SignedAnswers` (Lambda, Athena): the instance is frozen after it answers, and the poll may
 *   reach any other instance. The id is a signed token (queryTokens.ts) that carries the request and
 *   the Athena executions it started; the poll verifies it and replays the request, which resumes
 *   those executions (and reads their results) instead of starting them again.
 */
import { ApiError } from '../contract/errors';
import type { AnomalyResult, ForecastResult, QueryAccepted, QueryResult } from '../contract/types';
import type { MetricDef } from '../catalog/vocabulary';
import { RequestLedger } from './executionLedger';
import { PendingQueries, type PendingOptions } from './pendingQueries';
import { bindingOf, type QueryTokenPayload, type QueryTokens, type ReplayKind } from './queryTokens';
import type { PolledOutcome } from './service';
import { noteAuditSubject, type AuditSubject } from './auditScope';
import { mayRead, type Caller } from '../catalog/accessPolicy';
import { restrictedMetric } from '../catalog/resolve';

type Answer = QueryResult | ForecastResult | AnomalyResult;

/** Work answered 202, and what each strategy may need to answer its poll. */
export interface AcceptedWork {
  /** Who asked: only the same principal and verified person may poll. */
  caller: Caller;
  metric: MetricDef;
  /** The request as the client sent it, to replay it elsewhere. */
  request: { kind: ReplayKind; body: unknown };
  work: Promise<unknown>;
  answer(result: unknown, queryId: string): Answer;
  ledger: RequestLedger;
  /** What the request asked, for the audit line of the poll that answers it (locally; a replay resolves it again). */
  audit?: AuditSubject;
  /** When the first request was accepted (a replay keeps it, with its expiry). */
  issuedAtMs: number;
  expiresAtMs?: number;
}

export interface AsyncAnswers {
  /** Returns the id the client polls at `GET /v1/query/{id}`. */
  accept(work: AcceptedWork): string;
  /** The poll's answer; `waitMs` undefined means the client stated no preference. */
  poll(queryId: string, caller: Caller, waitMs: number | undefined): Promise<PolledOutcome>;
}

/** One answer for every id that cannot be read (unknown, expired, tampered, someone else's): nothing to learn from it. */
export function unknownQuery(): ApiError {
  return new ApiError('INVALID_ARGUMENT', 'There is no running or recent query with this id. Send the query again.', {
    reason: 'unknown_query',
    field: 'queryId',
  });
}

type Running = (queryId: string, metric: MetricDef) => { status: 202; body: QueryAccepted };

/** One string for the principal and the person: an id made for one pair is unknown to any other. */
const bindingKey = (caller: Caller): string => {
  const { principal, person } = bindingOf(caller);
  return JSON.stringify([principal, person ?? null]);
};

export class LocalAnswers implements AsyncAnswers {
  private readonly pending: PendingQueries<unknown, Pick<AcceptedWork, 'metric' | 'answer' | 'audit'>>;

  constructor(
    pending: PendingOptions,
    private readonly syncBudgetMs: number,
    private readonly running: Running,
    private readonly newId: () => string,
  ) {
    this.pending = new PendingQueries(pending);
  }

  accept(work: AcceptedWork): string {
    const queryId = this.newId();
    this.pending.add(queryId, bindingKey(work.caller), { metric: work.metric, answer: work.answer, audit: work.audit }, work.work);
    return queryId;
  }

  async poll(queryId: string, caller: Caller, waitMs = 0): Promise<PolledOutcome> {
    if (waitMs > 0) await this.pending.settledWithin(queryId, Math.min(waitMs, this.syncBudgetMs));
    const pending = this.pending.find(queryId, bindingKey(caller));
    if (!pending) throw unknownQuery();
    const { metric, answer, audit } = pending.context;
    noteAuditSubject(audit);
    // The person may have left the group since they asked: the policy of now decides.
    if (!mayRead(metric.access, caller)) throw restrictedMetric(metric);
    if (!pending.settled) return this.running(queryId, metric);
    if ('error' in pending.settled) throw pending.settled.error;
    if ('evicted' in pending.settled) {
      throw new ApiError('INVALID_ARGUMENT', 'The result was dropped to keep the server within its memory budget. Send the query again.', {
        reason: 'result_evicted',
        field: 'queryId',
      });
    }
    return { status: 200, body: answer(pending.settled.result, queryId) };
  }
}

/** Replays a verified request on this instance, resuming its executions; answers 200 or a fresh 202. */
export type Replay = (payload: QueryTokenPayload, caller: Caller, waitMs: number | undefined) => Promise<PolledOutcome>;

export class SignedAnswers implements AsyncAnswers {
  constructor(
    private readonly tokens: QueryTokens,
    /** How long an id may be polled: the engine's time limit plus the time to fetch the result. */
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly replay: Replay,
  ) {}

  accept(work: AcceptedWork): string {
    // Bound to the IAM principal and the verified person: nobody else's poll verifies it.
    return this.tokens.sign(
      {
        kind: work.request.kind,
        body: work.request.body,
        executions: [...work.ledger.entries()],
        issuedAtMs: work.issuedAtMs,
        expiresAtMs: work.expiresAtMs ?? work.issuedAtMs + this.ttlMs,
      },
      bindingOf(work.caller),
    );
  }

  async poll(queryId: string, caller: Caller, waitMs: number | undefined): Promise<PolledOutcome> {
    const payload = this.tokens.verify(queryId, bindingOf(caller), this.now());
    if (!payload) throw unknownQuery();
    // The replay resolves the metric again for this caller, so the policy of now decides.
    return this.replay(payload, caller, waitMs);
  }
}
