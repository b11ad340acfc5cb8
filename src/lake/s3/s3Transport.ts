/**
 * One S3 request, signed with aws4fetch (its own retries off) and retried here on 5xx, 429,
 * SlowDown, RequestTimeout, InternalError and network errors with full-jitter exponential backoff.
 * Every request signs its payload (`x-amz-content-sha256` = the body's SHA-256, never
 * UNSIGNED-PAYLOAD), so S3 refuses a body changed on the way.
 */
import { createHash } from 'node:crypto';
import { AwsV4Signer } from 'aws4fetch';
import type { CredentialSource } from './credentials';
import { type OperatorLog } from './operatorLog';
import { S3Error, errorFromAnswer } from './s3Error';
import { bucketNameProblem } from './s3Url';

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';

export interface S3Call {
  op: string;
  bucket: string;
  /** The object's key; absent for bucket-level calls. */
  key?: string;
  method: Method;
  /** In order; a missing value is a bare flag such as `?uploads`. */
  query?: Array<[string, string | undefined]>;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Statuses besides 2xx that are answers, not failures (404 for a missing object, 304). */
  answers?: readonly number[];
  /** Cancels the call (no further attempts): a sibling part failed. */
  signal?: AbortSignal;
  /** Set when an attempt failed without a definite answer (network, timeout, 5xx): it may have taken effect. */
  state?: { ambiguous: boolean };
}

export interface TransportOptions {
  region: string;
  credentials: CredentialSource;
  endpoint?: string;
  maxAttempts: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
  /** An attempt that makes no progress (no answer, no body bytes) for this long is abandoned and retried. */
  idleTimeoutMs: number;
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: OperatorLog;
}

/** Reads a response body, telling `progress` about each chunk. */
export type Consume<T> = (response: Response, progress: () => void) => Promise<T>;

export interface S3Answer {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export function sha256(body: Uint8Array): Buffer {
  return createHash('sha256').update(body).digest();
}

/** SigV4's URI encoding of one path segment (RFC 3986: also !'()*). */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A key as a URL path, each segment encoded once and slashes kept (S3 does not double-encode).
 * Throws for keys no URL can address: fetch resolves "." and ".." segments (even as %2E).
 */
export function encodeKey(key: string): string {
  if (key === '') throw new Error('An S3 key must not be empty.');
  if (Buffer.byteLength(key, 'utf8') > 1024) throw new Error('An S3 key must not be longer than 1024 bytes (UTF-8).');
  const segments = key.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new Error(`The S3 key "${key}" has a "." or ".." segment, which a URL cannot carry.`);
  }
  try {
    return segments.map(encodeSegment).join('/');
  } catch {
    throw new Error('An S3 key must be valid Unicode (it has a lone surrogate).');
  }
}

function queryString(query: S3Call['query']): string {
  if (!query || query.length === 0) return '';
  return `?${query.map(([name, value]) => (value === undefined ? encodeSegment(name) : `${encodeSegment(name)}=${encodeSegment(value)}`)).join('&')}`;
}

/** An AbortSignal that fires after `ms` without a call to touch(). */
function idleTimer(ms: number) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new DOMException(`no progress for ${ms} ms`, 'TimeoutError')), ms);
  };
  touch();
  return { signal: controller.signal, touch, stop: () => clearTimeout(timer) };
}

/**
 * fetch's own failures: no answer, a body cut off, our timeout or cancellation. Other errors (a
 * full disk) are not retried. By name, not instanceof: fetch's errors may come from another realm.
 */
function isNetworkError(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'TypeError' || name === 'AbortError' || name === 'TimeoutError';
}

export async function readAll(response: Response, progress: () => void): Promise<Uint8Array> {
  if (!response.body) return EMPTY;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    progress();
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

export class S3Transport {
  /** aws4fetch's cache of derived signing keys (one per day, region and secret). */
  private readonly signingKeys = new Map<string, ArrayBuffer>();

  constructor(private readonly options: TransportOptions) {}

  url(bucket: string, key: string | undefined, query: S3Call['query']): string {
    // The bucket becomes part of a host name: one that breaks S3's rules is refused before it can.
    const problem = bucketNameProblem(bucket);
    if (problem) throw new Error(`The bucket name "${bucket}" ${problem}.`);
    const path = key === undefined ? '' : `/${encodeKey(key)}`;
    const search = queryString(query);
    if (this.options.endpoint) return `${this.options.endpoint.replace(/\/+$/, '')}/${bucket}${path}${search}`;
    // Virtual-hosted style, except for dotted names, whose host the *.s3 certificate does not cover.
    if (bucket.includes('.')) return `https://s3.${this.options.region}.amazonaws.com/${bucket}${path}${search}`;
    return `https://${bucket}.s3.${this.options.region}.amazonaws.com${path || '/'}${search}`;
  }

  /** The call with its whole answer in memory. */
  send(call: S3Call): Promise<S3Answer> {
    return this.stream(call, async (response, progress) => ({ status: response.status, headers: response.headers, body: await readAll(response, progress) }));
  }

  /**
   * The call, retried as a whole until `consume` has read an answer (2xx or one of `answers`).
   * `consume` may throw an S3Error (an error document inside a 200), which is retried when retryable.
   */
  async stream<T>(call: S3Call, consume: Consume<T>): Promise<T> {
    const body = call.body ?? EMPTY;
    const url = this.url(call.bucket, call.key, call.query);
    const payloadHash = sha256(body).toString('hex');
    const where = { op: call.op, bucket: call.bucket, ...(call.key !== undefined ? { key: call.key } : {}) };
    for (let attempt = 1; ; attempt++) {
      call.signal?.throwIfAborted();
      const idle = idleTimer(this.options.idleTimeoutMs);
      const signal = call.signal ? AbortSignal.any([call.signal, idle.signal]) : idle.signal;
      let failure: S3Error;
      try {
        const response = await this.fetchSigned(call, url, body, payloadHash, signal);
        idle.touch();
        if (response.ok || call.answers?.includes(response.status)) return await consume(response, idle.touch);
        failure = errorFromAnswer(where, response.status, await readAll(response, idle.touch));
      } catch (error) {
        call.signal?.throwIfAborted();
        if (error instanceof S3Error) failure = error;
        else if (isNetworkError(error)) {
          const code = idle.signal.aborted ? 'RequestTimeout' : 'NetworkError';
          failure = new S3Error({ ...where, status: 0, code }, { cause: error });
        } else throw error;
      } finally {
        idle.stop();
      }
      if (call.state && (failure.status === 0 || failure.status >= 500)) call.state.ambiguous = true;
      if (!failure.retryable || attempt >= this.options.maxAttempts) throw attempt > 1 ? failure.withAttempts(attempt) : failure;
      const delayMs = Math.round(Math.random() * Math.min(this.options.maxRetryDelayMs, this.options.retryBaseMs * 2 ** (attempt - 1)));
      this.options.log({ event: 's3_retry', ...where, attempt, status: failure.status, code: failure.code, delayMs });
      await this.options.sleep(delayMs);
    }
  }

  private async fetchSigned(call: S3Call, url: string, body: Uint8Array, payloadHash: string, signal: AbortSignal): Promise<Response> {
    const credentials = await this.options.credentials.get();
    const signer = new AwsV4Signer({
      url,
      method: call.method,
      headers: { ...call.headers, 'x-amz-content-sha256': payloadHash },
      ...(body.byteLength > 0 ? { body } : {}),
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      service: 's3',
      region: this.options.region,
      cache: this.signingKeys,
      datetime: new Date(this.options.now()).toISOString().replace(/[:-]|\.\d{3}/g, ''),
    });
    const signed = await signer.sign();
    return this.options.fetch(signed.url, { method: signed.method, headers: signed.headers, ...(body.byteLength > 0 ? { body } : {}), signal });
  }
}
