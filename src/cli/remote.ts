/** Calls a metrics endpoint over HTTP, signed with SigV4 by aws4fetch, as any AWS client would. */
import { AwsClient } from 'aws4fetch';
import { ApiError, isErrorCode, type ErrorBody } from '../contract/errors';
import { DEFAULT_REGION, DEV_CREDENTIALS, SIGNING_SERVICE } from '../contract/devCredentials';
import type { QueryAccepted, QueryRequest, QueryResult } from '../contract/types';

export interface RemoteOptions {
  baseUrl: string;
  env?: NodeJS.ProcessEnv;
  /** Give up polling a 202 after this long. */
  pollBudgetMs?: number;
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

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
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
  const client = clientFor(options.env ?? process.env);
  const base = options.baseUrl.replace(/\/+$/, '');
  let response = await client.fetch(`${base}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const deadline = Date.now() + (options.pollBudgetMs ?? 300_000);
  while (response.status === 202) {
    const accepted = (await readJson(response)) as QueryAccepted;
    if (Date.now() > deadline) throw new Error(`The query is still running (id ${accepted.queryId}). Try again later.`);
    await new Promise((resolve) => setTimeout(resolve, accepted.retryAfterMs ?? 1_000));
    response = await client.fetch(`${base}/v1/query/${encodeURIComponent(accepted.queryId)}`);
  }
  return (await readJson(response)) as QueryResult;
}

export async function remoteGet<T>(path: string, options: RemoteOptions): Promise<T> {
  const client = clientFor(options.env ?? process.env);
  return (await readJson(await client.fetch(`${options.baseUrl.replace(/\/+$/, '')}${path}`))) as T;
}
