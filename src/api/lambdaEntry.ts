/**
 * The Lambda function's entry point (bundled to dist/api/lambda.js): the metrics service on Athena,
 * created once per container and reused across invocations.
 */
import { loadCatalog } from '../catalog/catalog';
import { AthenaEngine } from '../engine/athena';
import { s3ManifestReader } from '../engine/s3Manifest';
import { jsonLinesTo } from './accessLog';
import { createLambdaHandler, type LambdaDeps } from './lambda';
import { MetricsService } from './service';

/** Under API Gateway's 29 s integration timeout; slower queries answer 202 and are polled. */
const SYNC_BUDGET_MS = 20_000;

let deps: Promise<LambdaDeps> | undefined;

function create(): Promise<LambdaDeps> {
  const env = process.env;
  const manifestUrl = env.SNAQ_LAKE_MANIFEST;
  if (!manifestUrl) throw new Error('SNAQ_LAKE_MANIFEST must name the lake manifest, e.g. s3://bucket/prefix/manifest.json.');
  const manifest = s3ManifestReader({
    url: manifestUrl,
    region: env.SNAQ_ATHENA_REGION ?? env.AWS_REGION ?? 'ap-northeast-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
  });
  const engine = AthenaEngine.fromEnv(env, { manifest });
  const service = new MetricsService(loadCatalog(), engine, { syncBudgetMs: SYNC_BUDGET_MS, queryTimeoutMs: 10 * 60_000 });
  return Promise.resolve({
    service,
    log: jsonLinesTo((line) => process.stdout.write(line)),
    reportInternal: (error) => console.error('[snaq] internal error:', error),
  });
}

export const handler = createLambdaHandler(() => (deps ??= create()));
