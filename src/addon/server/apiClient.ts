/**
 * The signed HTTP client of the add-on. A custom function has 30 s in all and UrlFetchApp has no
 * timeout of its own, so every call asks the server to answer within what is left
 * (`Prefer: wait=N`): a slow query comes back as 202 and is polled, and retries back off only while
 * the deadline allows. Only what a retry can mend is retried: 429, a 503 the service does not mark
 * `retryable: false`, and a dropped connection. Whatever happens, the call ends before the deadline
 * with a sentence the person can act on.
 */
import { localizeError, type WireError } from '../../contract/errorMessages';
import { isErrorCode } from '../../contract/errors';
import { SIGNING_SERVICE } from '../../contract/devCredentials';
import type { Lang } from '../../contract/types';
import { ID_TOKEN_HEADER } from '../../contract/identity';
import { signRequest } from '../../sigv4/signRequest';
import { say, UserFacingError } from './messages';
import type { Platform } from './platform';
import type { ConnectionSettings } from './settings';

export interface ApiCallContext {
  platform: Pick<Platform, 'http' | 'crypto' | 'sleep' | 'now' | 'identityToken'>;
  /**
   * Send no ID token: what custom functions fetch goes into the cache every user shares, so it is
   * never fetched as a person (they have no identity anyway).
   */
  anonymous?: boolean;
  settings: ConnectionSettings;
  lang: Lang;
  /** Epoch ms by which the call must have returned or thrown. */
  deadline: number;
}

/** Time kept back for one more round trip and for writing the result to the sheet. */
const SAFETY_MS = 4_000;
/** The longest a single request asks the server to hold it. */
const MAX_SERVER_WAIT_S = 10;
/**
 * 429 and 503 are the service saying "later". 500 is a fault a retry repeats. 504 is not retried
 * either: it is the service's own QUERY_TIMEOUT (the gateway's 29 s never comes first, since every
 * request asks for an answer within `Prefer: wait`), and running the same heavy query again would
 * time out again and scan the lake twice; the sentence tells the person to narrow the query.
 */
const RETRYABLE_STATUS = new Set([429, 503]);
/** A dropped connection is retried this many times (fast failures: more would only delay the sentence). */
const TRANSPORT_RETRIES = 2;
/** UrlFetchApp's daily quota: Google's message, and no retry can mend it until tomorrow. */
const URLFETCH_QUOTA = /Service invoked too many times for one day: urlfetch/i;

type Outcome =
  | { kind: 'done'; body: unknown }
  | { kind: 'accepted'; queryId: string }
  | { kind: 'retry'; afterMs: number }
  | { kind: 'dropped'; afterMs: number; sentence: string };

function hostOf(endpoint: string): string {
  return endpoint.replace(/^https?:\/\//i, '').split('/')[0] ?? endpoint;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function send(context: ApiCallContext, method: 'get' | 'post', path: string, body: string | undefined, attempt: number, idToken: string | null): Outcome {
  const { platform, settings, lang } = context;
  const remainingS = Math.floor((context.deadline - platform.now() - SAFETY_MS) / 1000);
  const signed = signRequest(
    {
      method: method.toUpperCase(),
      url: `${settings.endpoint}${path}`,
      // The ID token is signed with the rest, so it cannot be swapped into another request.
      headers: { prefer: `wait=${Math.max(0, Math.min(MAX_SERVER_WAIT_S, remainingS))}`, ...(idToken ? { [ID_TOKEN_HEADER]: idToken } : {}) },
      ...(body !== undefined ? { body } : {}),
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      ...(settings.sessionToken ? { sessionToken: settings.sessionToken } : {}),
      service: SIGNING_SERVICE,
      region: settings.region,
    },
    platform.crypto,
  );
  let response;
  try {
    response = platform.http.fetch(signed.url, {
      method,
      headers: signed.headers,
      ...(body !== undefined ? { payload: body, contentType: 'application/json' } : {}),
      muteHttpExceptions: true,
      followRedirects: false,
    });
  } catch (error) {
    if (URLFETCH_QUOTA.test(String((error as Error)?.message ?? error))) throw new UserFacingError(say(lang, 'urlFetchQuota'));
    return { kind: 'dropped', afterMs: 500 * 2 ** attempt, sentence: say(lang, 'unreachable', { host: hostOf(settings.endpoint) }) };
  }
  const status = response.getResponseCode();
  const parsed = parseJson(response.getContentText()) as { error?: Partial<WireError>; queryId?: unknown } | undefined;
  if (status === 200 && parsed !== undefined) return { kind: 'done', body: parsed };
  if (status === 202 && typeof parsed?.queryId === 'string') return { kind: 'accepted', queryId: parsed.queryId };
  const error = parsed?.error;
  const code = error?.code;
  if (RETRYABLE_STATUS.has(status) && error?.details?.retryable !== false) {
    const retryAfterS = Number(response.getHeaders()['Retry-After'] ?? response.getHeaders()['retry-after'] ?? 0);
    const retryAfterMs = Number(error?.details?.retryAfterMs ?? 0);
    return { kind: 'retry', afterMs: Math.max(retryAfterS * 1000 || 0, retryAfterMs || 0, 500 * 2 ** attempt) };
  }
  if (error?.details?.reason === 'restricted_metric' && !idToken) {
    // Without identity (a cell) a restricted metric can never be seen: say where it can.
    throw new UserFacingError(say(lang, 'restrictedWithoutIdentity', { metric: String(error.details.metric ?? '') }));
  }
  if (error && isErrorCode(code)) throw new UserFacingError(localizeError({ code, message: String(error.message ?? ''), details: error.details }, lang));
  throw new UserFacingError(say(lang, 'unexpectedResponse', { status }));
}

/** A query still running when the caller's time ran out; the sidebar polls it with `pollQuery`. */
export interface StillRunning {
  running: true;
  queryId: string;
}

export class QueryStillRunning extends UserFacingError {
  constructor(
    message: string,
    readonly queryId: string,
  ) {
    super(message);
  }
}

/** Calls the API and returns the decoded 200 body, or throws a UserFacingError. */
export function callApi(context: ApiCallContext, method: 'get' | 'post', path: string, body?: unknown): unknown {
  const { platform, lang } = context;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let request: { method: 'get' | 'post'; path: string; payload?: string } = { method, path, ...(payload !== undefined ? { payload } : {}) };
  let waitingFor: string | undefined;
  let dropped = 0;
  const stillRunning = () => new QueryStillRunning(say(lang, 'stillRunning'), waitingFor ?? '');
  // Once per call: a 202 and its polls go out as the same person (the server binds the id to them).
  const idToken = context.anonymous ? null : (platform.identityToken?.() ?? null);
  for (let attempt = 0; ; attempt++) {
    const outcome = send(context, request.method, request.path, request.payload, attempt, idToken);
    if (outcome.kind === 'done') return outcome.body;
    if (outcome.kind === 'dropped' && ++dropped > TRANSPORT_RETRIES) throw new UserFacingError(outcome.sentence);
    const left = context.deadline - platform.now() - SAFETY_MS;
    if (outcome.kind === 'accepted') {
      // The server keeps the query running; ask for its result with a long poll while time is left.
      waitingFor = outcome.queryId;
      request = { method: 'get', path: `/v1/query/${encodeURIComponent(outcome.queryId)}` };
      if (left < 2_000) throw stillRunning();
      continue;
    }
    if (left < outcome.afterMs + 1_000) {
      throw waitingFor ? stillRunning() : new UserFacingError(outcome.kind === 'dropped' ? outcome.sentence : say(lang, 'busy'));
    }
    platform.sleep(outcome.afterMs);
  }
}
