/** Calls a metrics endpoint over HTTP, signed with SigV4 by aws4fetch, as any AWS client would. */
import { AwsClient } from 'aws4fetch';
import { ApiError, isErrorCode, type ErrorBody } from '../contract/errors';
import { DEFAULT_REGION, DEV_CREDENTIALS, SIGNING_SERVICE } from '../contract/devCredentials';
import type { QueryAccepted, QueryRequest, QueryResult } from '../contract/types';
import { CliError } from './messages';

export interface RemoteOptions {
  baseUrl: string;
  env?: NodeJS.ProcessEnv;
  /** Give up polling a 202 after this long. */
  pollBudgetMs?: number;
  /** Give up on one request (connect, answer and body) after this long. */
  timeoutMs?: number;
}

/**
 * The endpoint answers within its sync budget (20 s by default; API Gateway allows 29 s) or with
 * 202, so a minute without an answer means something between here and there is stuck.
 */
const REQUEST_TIMEOUT_MS = 60_000;

/** Why a request never got an answer, in words a person can act on. */
export type NetworkFailure = 'refused' | 'dns' | 'timeout' | 'closed' | 'tls' | 'unreachable' | 'other';

/** A request to `url` that failed before the endpoint answered. */
export class RemoteError extends CliError {
  constructor(
    readonly url: string,
    readonly failure: NetworkFailure,
    detail: string,
  ) {
    const [en, ja] = phrase(failure, new URL(url).hostname, detail);
    super({ en: `Cannot reach ${url}: ${en}.`, ja: `${url} に接続できません: ${ja}。` });
    this.name = 'RemoteError';
  }
}

function phrase(failure: NetworkFailure, host: string, detail: string): [string, string] {
  switch (failure) {
    case 'refused':
      return ['connection refused (nothing listens there; is the server running?)', '接続を拒否されました（サーバーは起動していますか？）'];
    case 'dns':
      return [`the host name "${host}" ${detail === 'EAI_AGAIN' ? 'could not be looked up' : 'does not resolve'}`, `ホスト名 "${host}" が見つかりません`];
    case 'timeout':
      return [`no answer within ${detail} s`, `${detail} 秒以内に応答がありませんでした`];
    case 'closed':
      return ['the connection was closed before an answer came', '応答の前に接続が切れました'];
    case 'tls':
      return [`the TLS certificate was refused (${detail})`, `TLS 証明書を検証できませんでした（${detail}）`];
    case 'unreachable':
      return [`the network cannot reach the host (${detail})`, `ネットワークからホストに届きません（${detail}）`];
    case 'other':
      return [detail, detail];
  }
}

/** Node's fetch says only "fetch failed"; the reason is in `cause` (an errno or undici code). */
function networkFailure(error: unknown, url: string, timeoutMs: number): RemoteError {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return new RemoteError(url, 'timeout', String(timeoutMs / 1000));
  const code = err.cause?.code ?? '';
  const detail = err.cause?.message ?? err.message ?? String(error);
  if (code === 'ECONNREFUSED') return new RemoteError(url, 'refused', code);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new RemoteError(url, 'dns', code);
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return new RemoteError(url, 'timeout', String(timeoutMs / 1000));
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return new RemoteError(url, 'closed', code);
  if (/CERT|TLS|SSL/.test(code)) return new RemoteError(url, 'tls', code);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new RemoteError(url, 'unreachable', code);
  return new RemoteError(url, 'other', detail);
}

/** The endpoint's base URL, or a sentence saying what is wrong with --url. */
export function endpointBase(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError({
      en: `--url must be a URL such as http://127.0.0.1:8787, not "${raw}".`,
      ja: `--url には http://127.0.0.1:8787 のような URL を指定してください（"${raw}" は URL ではありません）。`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError({
      en: `--url must start with http:// or https://, not "${raw}".`,
      ja: `--url は http:// か https:// で始めてください（"${raw}" は使えません）。`,
    });
  }
  return raw.replace(/\/+$/, '');
}

function clientFor(env: NodeJS.ProcessEnv): AwsClient {
  return new AwsClient({
    accessKeyId: env.SNAQ_ACCESS_KEY_ID || DEV_CREDENTIALS.accessKeyId,
    secretAccessKey: env.SNAQ_SECRET_ACCESS_KEY || DEV_CREDENTIALS.secretAccessKey,
    sessionToken: env.SNAQ_SESSION_TOKEN || undefined,
    service: SIGNING_SERVICE,
    region: env.SNAQ_REGION || DEFAULT_REGION,
    retries: 2,
  });
}

/** One signed request and its body as text; a failure before the answer is complete is a RemoteError. */
async function send(client: AwsClient, url: string, init: RequestInit, timeoutMs: number): Promise<{ response: Response; text: string }> {
  try {
    const response = await client.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { response, text: await response.text() };
  } catch (error) {
    throw networkFailure(error, url, timeoutMs);
  }
}

function readJson({ response, text }: { response: Response; text: string }): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`The endpoint answered ${response.status} without JSON.`);
  }
  const error = (body as Partial<ErrorBody>).error;
  if (!response.ok && error && isErrorCode(error.code)) throw new ApiError(error.code, error.message, error.details);
  if (!response.ok) throw new Error(`The endpoint answered ${response.status}.`);
  return body;
}

export async function remoteQuery(request: QueryRequest, options: RemoteOptions): Promise<QueryResult> {
  const base = endpointBase(options.baseUrl);
  const client = clientFor(options.env ?? process.env);
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  let answer = await send(
    client,
    `${base}/v1/query`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) },
    timeoutMs,
  );
  const deadline = Date.now() + (options.pollBudgetMs ?? 300_000);
  while (answer.response.status === 202) {
    const accepted = readJson(answer) as QueryAccepted;
    if (Date.now() > deadline) throw new Error(`The query is still running (id ${accepted.queryId}). Try again later.`);
    await new Promise((resolve) => setTimeout(resolve, accepted.retryAfterMs ?? 1_000));
    answer = await send(client, `${base}/v1/query/${encodeURIComponent(accepted.queryId)}`, {}, timeoutMs);
  }
  return readJson(answer) as QueryResult;
}

export async function remoteGet<T>(path: string, options: RemoteOptions): Promise<T> {
  const client = clientFor(options.env ?? process.env);
  return readJson(await send(client, `${endpointBase(options.baseUrl)}${path}`, {}, options.timeoutMs ?? REQUEST_TIMEOUT_MS)) as T;
}
