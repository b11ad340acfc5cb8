/**
 * The CDK app: `npm run synth` (offline) writes the CloudFormation template to cdk.out/.
 * Deploy with the CDK CLI: `npx cdk deploy --app "npx tsx src/infra/app.ts"` (needs AWS credentials).
 *
 * Props come from CDK context (`-c lakeBucket=…`) or the environment, with offline defaults:
 *   SNAQ_LAKE_BUCKET (lakeBucket)       default snaq-lake-example
 *   SNAQ_LAKE_PREFIX (lakePrefix)       default aurora-export/snaq/
 *   SNAQ_RESULTS_BUCKET (resultsBucket) default: the stack creates one
 *   SNAQ_BYTES_SCANNED_CUTOFF (bytesScannedCutoff) default 10 GB
 *   SNAQ_ALARM_EMAIL (alarmEmail)       default: no email subscription
 *   SNAQ_LAKE_KMS_KEY_ARN (lakeKmsKeyArn)
 *   SNAQ_CREATE_ADDON_USER=1 (createAddonUser=true) creates the IAM user snaq-sheets-addon (no key)
 *   SNAQ_APIGW_CLOUDWATCH_ROLE=0 (apiGatewayCloudWatchRole=false) when the account already has one
 *   CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION (or SNAQ_ATHENA_REGION) the target environment
 */
import { App } from 'aws-cdk-lib';
import { DEFAULT_LAMBDA_CODE_DIR, LAMBDA_BUNDLE_FILE, SnaqMetricsStack, lambdaBundleExists } from './stack';
import * as path from 'node:path';

// The CDK CLI sets CDK_OUTDIR; `npm run synth` writes to ./cdk.out like `cdk synth` would.
const app = new App({ outdir: process.env.CDK_OUTDIR ?? path.resolve('cdk.out') });

function setting(contextKey: string, envKey: string): string | undefined {
  const fromContext: unknown = app.node.tryGetContext(contextKey);
  if (fromContext !== undefined && fromContext !== null && String(fromContext) !== '') return String(fromContext);
  const fromEnv = process.env[envKey];
  return fromEnv ? fromEnv : undefined;
}

function flag(contextKey: string, envKey: string, fallback: boolean): boolean {
  const value = setting(contextKey, envKey);
  if (value === undefined) return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

const cutoff = setting('bytesScannedCutoff', 'SNAQ_BYTES_SCANNED_CUTOFF');
const alarmEmail = setting('alarmEmail', 'SNAQ_ALARM_EMAIL');
const resultsBucketName = setting('resultsBucket', 'SNAQ_RESULTS_BUCKET');
const lakeKmsKeyArn = setting('lakeKmsKeyArn', 'SNAQ_LAKE_KMS_KEY_ARN');

if (!lambdaBundleExists()) {
  console.warn(
    `warning: ${path.join(DEFAULT_LAMBDA_CODE_DIR, LAMBDA_BUNDLE_FILE)} does not exist; the function will answer 503 "not built". Run \`npm run build\` before deploying.`,
  );
}

new SnaqMetricsStack(app, setting('stackName', 'SNAQ_STACK_NAME') ?? 'SnaqMetrics', {
  description: 'snaq.me governed metrics API: API Gateway (IAM) → Lambda → Athena over the Parquet lake',
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION ?? process.env.SNAQ_ATHENA_REGION ?? 'ap-northeast-1',
  },
  lakeBucketName: setting('lakeBucket', 'SNAQ_LAKE_BUCKET') ?? 'snaq-lake-example',
  lakePrefix: setting('lakePrefix', 'SNAQ_LAKE_PREFIX') ?? 'aurora-export/snaq/',
  ...(resultsBucketName ? { resultsBucketName } : {}),
  ...(cutoff ? { bytesScannedCutoffPerQuery: Number(cutoff) } : {}),
  ...(alarmEmail ? { alarmEmail } : {}),
  ...(lakeKmsKeyArn ? { lakeKmsKeyArn } : {}),
  createAddonUser: flag('createAddonUser', 'SNAQ_CREATE_ADDON_USER', false),
  apiGatewayCloudWatchRole: flag('apiGatewayCloudWatchRole', 'SNAQ_APIGW_CLOUDWATCH_ROLE', true),
});

const assembly = app.synth();
for (const stack of assembly.stacks) {
  console.log(`synthesized ${stack.stackName} → ${path.relative(process.cwd(), path.join(assembly.directory, stack.templateFile))}`);
  for (const message of stack.messages) {
    if (message.level !== 'info') console.warn(`${message.level}: ${message.id}: ${String(message.entry.data)}`);
  }
}
