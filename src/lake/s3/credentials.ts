/**
 * AWS credentials for the S3 client without the SDK: static ones from the environment, or the
 * container credentials endpoint that ECS/Fargate (and EKS Pod Identity) provide, read the way the
 * AWS SDKs read it. Temporary credentials are cached and refreshed before they expire.
 * No message or log entry ever holds a key, a token or the endpoint's answer.
 */
import { readFile } from 'node:fs/promises';
import { sleep, stderrOperatorLog, type OperatorLog } from './operatorLog';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Epoch ms; absent for credentials that do not expire. */
  expiration?: number;
}

export interface CredentialSource {
  get(): Promise<AwsCredentials>;
  /** Where they come from, for messages: names variables, never values. */
  describe: string;
}

export interface CredentialOptions {
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: OperatorLog;
  /** Per attempt at the container endpoint. Default 2 s. */
  endpointTimeoutMs?: number;
}

/** ECS's link-local credentials host, for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI. */
export const CONTAINER_CREDENTIALS_HOST = 'http://169.254.170.2';
/** Refresh when less than this remains, as the SDKs do. */
export const REFRESH_WINDOW_MS = 5 * 60_000;
export const ENDPOINT_TIMEOUT_MS = 2_000;
const ENDPOINT_ATTEMPTS = 3;
/** After a failed refresh with valid credentials in hand, wait this long before asking again. */
const RETRY_AFTER_FAILURE_MS = 10_000;
/** Plain http is allowed only to these hosts: loopback, and ECS's and EKS's link-local credential hosts (as the SDKs allow). */
const HTTP_HOSTS = new Set(['localhost', '[::1]', '169.254.170.2', '169.254.170.23', '[fd00:ec2::23]']);

const NONE_CONFIGURED =
  'No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), ' +
  'or run where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI is set (ECS, Fargate).';

/** Credentials that never change. */
export function staticCredentials(credentials: AwsCredentials, describe: string): CredentialSource {
  const frozen = Object.freeze({ ...credentials });
  return { describe, get: async () => frozen };
}

/**
 * The credentials the environment provides, in the SDKs' order: AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); else AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; else
 * AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 * AWS_CONTAINER_AUTHORIZATION_TOKEN. Throws a sentence naming the variables when none is usable.
 */
export function credentialsFromEnv(env: Record<string, string | undefined>, options: CredentialOptions = {}): CredentialSource {
  const read = (name: string): string | undefined => env[name]?.trim() || undefined;
  const accessKeyId = read('AWS_ACCESS_KEY_ID');
  const secretAccessKey = read('AWS_SECRET_ACCESS_KEY');
  if (accessKeyId || secretAccessKey) {
    if (!accessKeyId) throw new Error('AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both, or neither to use the container credentials.');
    if (!secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither to use the container credentials.');
    const sessionToken = read('AWS_SESSION_TOKEN');
    return staticCredentials({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }, 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  const relative = read('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
  if (relative) {
    if (!relative.startsWith('/')) throw new Error('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path beginning with "/".');
    return refreshing(containerEndpoint(`${CONTAINER_CREDENTIALS_HOST}${relative}`, 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined, options), options);
  }
  const full = read('AWS_CONTAINER_CREDENTIALS_FULL_URI');
  if (full) {
    checkFullUri(full);
    const tokenFile = read('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE');
    const token = read('AWS_CONTAINER_AUTHORIZATION_TOKEN');
    // The file wins and is read at every fetch: EKS rotates it.
    const authorization = tokenFile
      ? async () => checkToken((await readTokenFile(tokenFile)).trim(), 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE')
      : token
        ? async () => checkToken(token, 'AWS_CONTAINER_AUTHORIZATION_TOKEN')
        : undefined;
    return refreshing(containerEndpoint(full, 'AWS_CONTAINER_CREDENTIALS_FULL_URI', authorization, options), options);
  }
  throw new Error(NONE_CONFIGURED);
}

function checkFullUri(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error('AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL.');
  }
  const loopback = HTTP_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(
      'AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on a loopback host (127.0.0.1, localhost, [::1]) or the ECS/EKS credentials host.',
    );
  }
}

async function readTokenFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`The file AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {
      cause: error,
    });
  }
}

function checkToken(token: string, variable: string): string {
  if (!token) throw new Error(`${variable} gives an empty authorization token.`);
  if (/[\r\n]/.test(token)) throw new Error(`${variable} gives an authorization token with a line break.`);
  return token;
}

class EndpointError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One credentials fetch from the container endpoint: 2 s each try, 3 tries with backoff. */
function containerEndpoint(url: string, variable: string, authorization: (() => Promise<string>) | undefined, options: CredentialOptions) {
  const fetchImpl = options.fetch ?? fetch;
  const wait = options.sleep ?? sleep;
  const what = `The container credentials endpoint (${variable})`;
  const timeoutMs = options.endpointTimeoutMs ?? ENDPOINT_TIMEOUT_MS;
  const once = async (): Promise<AwsCredentials> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (authorization) headers.Authorization = await authorization();
    let response: Response;
    try {
      response = await fetchImpl(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const name = (error as { name?: unknown } | undefined)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      throw new EndpointError(`${what} ${timedOut ? `did not answer within ${timeoutMs} ms` : 'could not be reached'}.`, true, { cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new EndpointError(`${what} answered HTTP ${response.status}.`, response.status >= 500 || response.status === 429);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new EndpointError(`${what} did not answer JSON.`, true);
    }
    const field = (name: string): string => {
      const value = body[name];
      if (typeof value !== 'string' || value === '') throw new EndpointError(`${what} answered without ${name}.`, false);
      return value;
    };
    const credentials: AwsCredentials = { accessKeyId: field('AccessKeyId'), secretAccessKey: field('SecretAccessKey') };
    if (typeof body.Token === 'string' && body.Token) credentials.sessionToken = body.Token;
    if (body.Expiration !== undefined) {
      const expiration = typeof body.Expiration === 'string' ? Date.parse(body.Expiration) : NaN;
      if (Number.isNaN(expiration)) throw new EndpointError(`${what} answered an Expiration that is not a date.`, false);
      credentials.expiration = expiration;
    }
    return credentials;
  };
  const load = async (): Promise<AwsCredentials> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once();
      } catch (error) {
        if (!(error instanceof EndpointError) || !error.retryable || attempt >= ENDPOINT_ATTEMPTS) {
          throw new Error(`${(error as Error).message.replace(/\.$/, '')} (attempt ${attempt} of ${ENDPOINT_ATTEMPTS}).`, { cause: error });
        }
        await wait(Math.random() * 100 * 2 ** attempt); // full jitter: ≤ 200 ms, then ≤ 400 ms
      }
    }
  };
  return { load, describe: `the container credentials endpoint (${variable})` };
}

/**
 * Caches what `load` gives. Refreshes when less than 5 minutes remain; callers during a refresh
 * share it; a refresh that fails while the cached credentials are still valid keeps them (and
 * says so in the operator log, without the credentials) and is tried again 10 s later.
 */
function refreshing(source: { load: () => Promise<AwsCredentials>; describe: string }, options: CredentialOptions): CredentialSource {
  const now = options.now ?? Date.now;
  const log = options.log ?? stderrOperatorLog;
  let current: AwsCredentials | undefined;
  let inFlight: Promise<AwsCredentials> | undefined;
  let quietUntil = 0;
  const valid = (credentials: AwsCredentials, at: number) => credentials.expiration === undefined || credentials.expiration > at;
  const refresh = async (): Promise<AwsCredentials> => {
    try {
      current = await source.load();
      return current;
    } catch (error) {
      const at = now();
      if (current && valid(current, at)) {
        quietUntil = at + RETRY_AFTER_FAILURE_MS;
        log({ event: 's3_credentials_refresh_failed', source: source.describe, expiresInMs: (current.expiration ?? at) - at, error: (error as Error).message });
        return current;
      }
      throw error;
    }
  };
  return {
    describe: source.describe,
    get: () => {
      const at = now();
      if (current && (current.expiration === undefined || current.expiration - at >= REFRESH_WINDOW_MS)) return Promise.resolve(current);
      if (current && valid(current, at) && at < quietUntil) return Promise.resolve(current);
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
