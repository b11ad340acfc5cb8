/**
 * One signed Athena JSON 1.1 call (aws4fetch, no SDK), retried on throttling, 5xx and network
 * errors with full-jitter exponential backoff inside the caller's deadline. aws4fetch's own retries
 * are off: it retries only 5xx and 429, while Athena throttles with a 400 ThrottlingException.
 */
import { AwsClient } from 'aws4fetch';
import type { AthenaCredentials } from './config';

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException']);
const MAX_RETRY_DELAY_MS = 5_000;

/** An Athena API call answered with an error that is not worth retrying. */
export class AthenaCallError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly op: string,
  ) {
    super(message);
  }
}

/** The caller's deadline passed. */
export class DeadlineError extends Error {}

/** Retries exhausted on throttling, 5xx or the network. */
export class UnavailableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export interface AthenaClientOptions {
  endpoint: string;
  region: string;
  credentials: AthenaCredentials;
  now: () => number;
  /** Default 5. */
  maxRetries?: number;
  /** Default 100 ms. */
  retryBaseMs?: number;
  /** Told about every network failure (each is retried; the last one's cause would otherwise be lost). */
  onNetworkError?: (op: string, error: unknown) => void;
}

export class AthenaClient {
  private readonly aws: AwsClient;

  constructor(private readonly options: AthenaClientOptions) {
    this.aws = new AwsClient({
      accessKeyId: options.credentials.accessKeyId,
      secretAccessKey: options.credentials.secretAccessKey,
      ...(options.credentials.sessionToken ? { sessionToken: options.credentials.sessionToken } : {}),
      service: 'athena',
      region: options.region,
      retries: 0,
    });
  }

  /** One signed JSON call with retries on throttling, 5xx and network errors, inside `deadline`. */
  async call<T>(op: string, body: Record<string, unknown>, deadline: number): Promise<T> {
    const now = this.options.now;
    const maxRetries = this.options.maxRetries ?? 5;
    const base = this.options.retryBaseMs ?? 100;
    let lastReason = 'network';
    for (let attempt = 0; ; attempt++) {
      if (attempt > maxRetries) throw new UnavailableError(lastReason);
      if (attempt > 0) {
        const delay = Math.random() * Math.min(MAX_RETRY_DELAY_MS, base * 2 ** attempt); // full jitter
        await sleep(Math.min(delay, deadline - now()));
      }
      const remaining = deadline - now();
      if (remaining <= 0) throw new DeadlineError();
      let response: Response;
      try {
        response = await this.aws.fetch(this.options.endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AmazonAthena.${op}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(remaining),
        });
      } catch (error) {
        if (deadline - now() <= 0) throw new DeadlineError();
        this.options.onNetworkError?.(op, error);
        lastReason = 'network';
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.ok) {
        try {
          return (text ? JSON.parse(text) : {}) as T;
        } catch {
          lastReason = 'malformed_response';
          continue;
        }
      }
      let type = '';
      let message = '';
      try {
        const parsed = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
        type = (parsed.__type ?? '').split('#').pop() ?? '';
        message = parsed.message ?? parsed.Message ?? '';
      } catch {
        // not JSON: judged by status alone
      }
      if (response.status >= 500 || response.status === 429 || THROTTLING.has(type)) {
        lastReason = response.status >= 500 ? `http_${response.status}` : 'throttled';
        continue;
      }
      throw new AthenaCallError(type || `HTTP ${response.status}`, response.status, message, op);
    }
  }
}
