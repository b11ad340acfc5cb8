/** Settings of the local server, from the environment, with the documented development defaults. */
import { DEFAULT_REGION, DEV_CREDENTIALS } from '../contract/devCredentials';

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  principal: string;
}

export interface ServerConfig {
  host: string;
  port: number;
  region: string;
  credentials: Credential[];
  usesDevCredentials: boolean;
  /** Requests per second per principal; 0 turns limiting off. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  queryTimeoutMs: number;
  syncBudgetMs: number;
  /** How long a request's body may take to arrive once its headers have (default 10 s). */
  bodyTimeoutMs?: number;
  /** How long a request's headers may take to arrive (default 10 s). */
  headersTimeoutMs?: number;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, not "${raw}".`);
  return value;
}

export function serverConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const accessKeyId = env.SNAQ_ACCESS_KEY_ID || DEV_CREDENTIALS.accessKeyId;
  const secretAccessKey = env.SNAQ_SECRET_ACCESS_KEY || DEV_CREDENTIALS.secretAccessKey;
  if (Boolean(env.SNAQ_ACCESS_KEY_ID) !== Boolean(env.SNAQ_SECRET_ACCESS_KEY)) {
    throw new Error('Set both SNAQ_ACCESS_KEY_ID and SNAQ_SECRET_ACCESS_KEY, or neither (for the development pair).');
  }
  const usesDevCredentials = accessKeyId === DEV_CREDENTIALS.accessKeyId && secretAccessKey === DEV_CREDENTIALS.secretAccessKey;
  return {
    host: env.HOST || '127.0.0.1',
    port: positiveNumber(env, 'PORT', 8787),
    region: env.SNAQ_REGION || DEFAULT_REGION,
    credentials: [{ accessKeyId, secretAccessKey, principal: usesDevCredentials ? DEV_CREDENTIALS.principal : `key:${accessKeyId}` }],
    usesDevCredentials,
    rateLimitPerSecond: positiveNumber(env, 'SNAQ_RATE_LIMIT_RPS', 50),
    rateLimitBurst: positiveNumber(env, 'SNAQ_RATE_LIMIT_BURST', 200),
    queryTimeoutMs: positiveNumber(env, 'SNAQ_QUERY_TIMEOUT_MS', 120_000),
    syncBudgetMs: positiveNumber(env, 'SNAQ_SYNC_BUDGET_MS', 20_000),
    bodyTimeoutMs: positiveNumber(env, 'SNAQ_BODY_TIMEOUT_MS', 10_000),
    headersTimeoutMs: positiveNumber(env, 'SNAQ_HEADERS_TIMEOUT_MS', 10_000),
  };
}

/** Loopback only: the development pair is public, so it must never guard a reachable port. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
