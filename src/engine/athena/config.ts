/**
 * What the Athena engine is configured with, and how it reads that from the environment
 * (the Lambda function's variables, or a developer's shell pointed at a test double).
 */
import type { LakeManifest } from '../../contract/snapshot';
import type { LakeHistory } from '../types';
import { checkTestEndpoint } from '../../lake/s3/endpoint';

// Moved to src/lake (which must not import src/engine); re-exported for existing callers.
export { checkTestEndpoint };

export interface AthenaCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AthenaEngineOptions {
  /** Defaults to https://athena.<region>.amazonaws.com. */
  endpoint?: string;
  region: string;
  credentials: AthenaCredentials;
  workGroup: string;
  database: string;
  /** Defaults to AwsDataCatalog. */
  catalog?: string;
  /** s3://… for query results; without it the workgroup's setting applies. */
  outputLocation?: string;
  /** Athena reuses a result at most this old, for free; 0 disables reuse. Default 60. */
  resultReuseMaxAgeMinutes?: number;
  /** First GetQueryExecution poll interval; it grows ×1.5 up to maxPollIntervalMs. Default 200. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** The lake snapshot Athena reads (in production, a manifest object in S3). */
  manifest: () => Promise<LakeManifest>;
  /** The lake's run history (in production, `history/runs.jsonl` beside the manifest); none: an empty history. */
  history?: () => Promise<LakeHistory>;
  now?: () => number;
  /** Identical statements within one bucket of this length share a ClientRequestToken. Default 60 s. */
  tokenBucketMs?: number;
  /** Retries of one API call on throttling, 5xx or network errors (inside the deadline). Default 5. */
  maxRetries?: number;
  /** First retry delay; doubles each time with full jitter, capped at 5 s. Default 100. */
  retryBaseMs?: number;
  /** Where failures the caller must not see go (Athena's messages can quote the statement). Default: stderr, one JSON line each. */
  operatorLog?: OperatorLog;
}

/** One structured line for the operator (CloudWatch on Lambda), never for the caller. */
export type OperatorLog = (entry: Record<string, unknown>) => void;

export const stderrOperatorLog: OperatorLog = (entry) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

/** Checks the options that have no safe default; throws a sentence naming the one at fault. */
export function checkOptions(options: AthenaEngineOptions): void {
  if (!options.region) throw new Error('AthenaEngine needs a region.');
  if (!options.workGroup) throw new Error('AthenaEngine needs a workgroup.');
  if (!options.database) throw new Error('AthenaEngine needs a database.');
  const reuse = options.resultReuseMaxAgeMinutes ?? 60;
  if (!Number.isInteger(reuse) || reuse < 0 || reuse > 10_080) throw new Error('resultReuseMaxAgeMinutes must be an integer from 0 to 10080.');
}

export interface FromEnvExtras {
  manifest: () => Promise<LakeManifest>;
  history?: () => Promise<LakeHistory>;
  now?: () => number;
  pollIntervalMs?: number;
  operatorLog?: OperatorLog;
}

/**
 * Configuration from the environment. Required: SNAQ_ATHENA_REGION, SNAQ_ATHENA_WORKGROUP,
 * SNAQ_ATHENA_DATABASE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY. Optional: SNAQ_ATHENA_OUTPUT
 * (s3://…), SNAQ_ATHENA_REUSE_MINUTES (0–10080, 0 disables reuse), AWS_SESSION_TOKEN, and
 * SNAQ_ATHENA_ENDPOINT (an https URL, or http on loopback, for a test double).
 */
export function athenaOptionsFromEnv(env: Record<string, string | undefined>, extra: FromEnvExtras): AthenaEngineOptions {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const required = (name: string, hint: string): string => {
    const value = read(name);
    if (!value) throw new Error(`${name} is not set: ${hint}`);
    return value;
  };
  const region = required('SNAQ_ATHENA_REGION', 'set it to the AWS region of the Athena workgroup, e.g. ap-northeast-1.');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new Error(`SNAQ_ATHENA_REGION "${region}" is not an AWS region such as ap-northeast-1.`);
  const workGroup = required('SNAQ_ATHENA_WORKGROUP', 'set it to the Athena workgroup that carries the per-query scan limit.');
  if (!/^[a-zA-Z0-9._-]{1,128}$/.test(workGroup)) throw new Error('SNAQ_ATHENA_WORKGROUP may hold only letters, digits, ".", "_" and "-" (at most 128).');
  const database = required('SNAQ_ATHENA_DATABASE', 'set it to the Glue database that holds the lake tables.');
  if (database.length > 255) throw new Error('SNAQ_ATHENA_DATABASE is longer than 255 characters.');
  const outputLocation = read('SNAQ_ATHENA_OUTPUT');
  if (outputLocation !== undefined && !/^s3:\/\/[^/]+/.test(outputLocation)) {
    throw new Error(`SNAQ_ATHENA_OUTPUT must be an s3:// URL such as s3://bucket/athena-results/.`);
  }
  const reuseText = read('SNAQ_ATHENA_REUSE_MINUTES');
  let resultReuseMaxAgeMinutes: number | undefined;
  if (reuseText !== undefined) {
    resultReuseMaxAgeMinutes = Number(reuseText);
    if (!/^\d+$/.test(reuseText) || resultReuseMaxAgeMinutes > 10_080) {
      throw new Error('SNAQ_ATHENA_REUSE_MINUTES must be a whole number of minutes from 0 (no reuse) to 10080.');
    }
  }
  const accessKeyId = required('AWS_ACCESS_KEY_ID', 'the Athena engine signs its requests with AWS credentials.');
  const secretAccessKey = required('AWS_SECRET_ACCESS_KEY', 'the Athena engine signs its requests with AWS credentials.');
  const sessionToken = read('AWS_SESSION_TOKEN');
  const endpoint = read('SNAQ_ATHENA_ENDPOINT');
  if (endpoint !== undefined) checkTestEndpoint(endpoint, 'SNAQ_ATHENA_ENDPOINT');
  return {
    region,
    workGroup,
    database,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    ...(endpoint ? { endpoint } : {}),
    ...(outputLocation ? { outputLocation } : {}),
    ...(resultReuseMaxAgeMinutes !== undefined ? { resultReuseMaxAgeMinutes } : {}),
    ...(extra.pollIntervalMs !== undefined ? { pollIntervalMs: extra.pollIntervalMs } : {}),
    manifest: extra.manifest,
    ...(extra.history ? { history: extra.history } : {}),
    ...(extra.now ? { now: extra.now } : {}),
    ...(extra.operatorLog ? { operatorLog: extra.operatorLog } : {}),
  };
}
