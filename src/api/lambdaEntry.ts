/**
 * The Lambda function's entry point (bundled to dist/api/lambda.js): the metrics service on Athena,
 * created once per container and reused across invocations.
 */
import { loadCatalog } from '../catalog/catalog';
import { AthenaEngine } from '../engine/athena';
import { s3ManifestReader } from '../engine/s3Manifest';
import { s3HistoryReader } from '../engine/s3History';
import { s3ObjectReaderFromEnv } from '../lake/s3/s3ObjectReader';
import { checkTestEndpoint } from '../lake/s3/endpoint';
import { jsonLinesTo } from './accessLog';
import { createLambdaHandler, type LambdaDeps } from './lambda';
import { readSecretString } from './secretValue';
import { MetricsService } from './service';
import { identityConfigFromEnv, idTokenVerifier } from './identity/config';

/** Under API Gateway's 29 s integration timeout; slower queries answer 202 and are polled. */
const SYNC_BUDGET_MS = 20_000;

let deps: Promise<LambdaDeps> | undefined;

async function create(): Promise<LambdaDeps> {
  const env = process.env;
  const manifestUrl = env.SNAQ_LAKE_MANIFEST;
  if (!manifestUrl) throw new Error('SNAQ_LAKE_MANIFEST must name the lake manifest, e.g. s3://bucket/prefix/manifest.json.');
  const secretId = env.SNAQ_QUERY_TOKEN_SECRET;
  if (!secretId) throw new Error('SNAQ_QUERY_TOKEN_SECRET must name the Secrets Manager secret that signs query ids (the CDK stack sets it).');
  const region = env.SNAQ_ATHENA_REGION ?? env.AWS_REGION ?? 'ap-northeast-1';
  const credentials = {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
  // Endpoint overrides exist for local doubles only (https, or http on loopback); s3ClientFromEnv checks SNAQ_S3_ENDPOINT.
  const secretsEndpoint = env.SNAQ_SECRETS_ENDPOINT;
  if (secretsEndpoint) checkTestEndpoint(secretsEndpoint, 'SNAQ_SECRETS_ENDPOINT');
  const operatorLog = (entry: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  const s3 = s3ObjectReaderFromEnv({ ...env, AWS_REGION: region }, { log: operatorLog });
  const manifest = s3ManifestReader({ url: manifestUrl, client: s3, log: operatorLog });
  const history = s3HistoryReader({ manifestUrl, client: s3 });
  const engine = AthenaEngine.fromEnv(env, { manifest, history, operatorLog });
  // Once per cold start: 202 ids are signed with it, so any instance can answer their polls.
  const queryTokenKey = await readSecretString({ secretId, region, credentials, ...(secretsEndpoint ? { endpoint: secretsEndpoint } : {}) });
  // People are identified only when the stack names the add-on's OAuth client (SNAQ_GOOGLE_CLIENT_ID, SNAQ_GOOGLE_DOMAIN).
  const identity = identityConfigFromEnv(env);
  const service = new MetricsService(loadCatalog(), engine, { syncBudgetMs: SYNC_BUDGET_MS, queryTimeoutMs: 10 * 60_000, queryTokenKey });
  return {
    service,
    log: jsonLinesTo((line) => process.stdout.write(line)),
    reportInternal: (error) => console.error('[snaq] internal error:', error),
    ...(identity ? { idTokens: idTokenVerifier(identity) } : {}),
  };
}

// A failed cold start (the secret unreadable for a moment) is retried by the next invocation.
export const handler = createLambdaHandler(
  () =>
    (deps ??= create().catch((error: unknown) => {
      deps = undefined;
      throw error;
    })),
);
