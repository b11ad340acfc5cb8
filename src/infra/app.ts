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
 *   SNAQ_GOOGLE_CLIENT_ID, SNAQ_GOOGLE_DOMAIN (googleClientId, googleDomain) the add-on's OAuth client id
 *                                       and Workspace domain: people are identified (restricted metrics) only with both
 *
 * The lake export job (README "Deploy to AWS"). The defaults are examples that synthesize but do not
 * deploy; a warning names those still in use. Lists are comma-separated (or JSON arrays in cdk.json).
 * The names differ from the job's own variables (SNAQ_SOURCE_HOST, …) so that a developer's local
 * export settings never leak into a deployment.
 *   SNAQ_VPC_ID (vpcId)                           default vpc-0123456789abcdef0: the Aurora cluster's VPC
 *   SNAQ_AVAILABILITY_ZONES (availabilityZones)   default <region>a,<region>c
 *   SNAQ_PRIVATE_SUBNET_IDS (privateSubnetIds)    default subnet-0123456789abcdef0,…1 (one per zone, same order)
 *   SNAQ_ROUTE_TABLE_IDS (routeTableIds)          default rtb-0123456789abcdef0,…1 (the subnets' route tables, same order)
 *   SNAQ_EXPORT_SECURITY_GROUP_ID (exportSecurityGroupId) default: the stack creates one (output ExportSecurityGroupId)
 *   SNAQ_VPC_ENDPOINTS=0 (vpcEndpoints=false)     when the subnets have a NAT or the VPC has the endpoints already
 *   SNAQ_EXPORT_SOURCE_HOST (sourceHost)          default snaq-aurora.cluster-ro-example.<region>.rds.amazonaws.com (the READER endpoint)
 *   SNAQ_EXPORT_SOURCE_PORT (sourcePort)          default 3306
 *   SNAQ_EXPORT_SOURCE_DATABASE (sourceDatabase)  default snaq
 *   SNAQ_EXPORT_SOURCE_SECRET_ARN (sourceSecretArn)             default arn:aws:secretsmanager:<region>:<account>:secret:snaq/export-source-AbCdEf
 *   SNAQ_EXPORT_PSEUDONYM_KEY_SECRET_ARN (pseudonymKeySecretArn) default arn:aws:secretsmanager:<region>:<account>:secret:snaq/pseudonym-key-AbCdEf
 *   SNAQ_WRITER_INSTANCE_ID (writerInstanceId)    default snaq-aurora-instance-1 (the writer's DB instance identifier)
 *   SNAQ_HISTORY_LIST_THRESHOLD (historyListThreshold) default 100000
 *   SNAQ_EXPORT_SCHEDULE (exportSchedule)         default cron(0 2 * * ? *), in Asia/Tokyo time
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
const googleClientId = setting('googleClientId', 'SNAQ_GOOGLE_CLIENT_ID');
const googleDomain = setting('googleDomain', 'SNAQ_GOOGLE_DOMAIN');
if (Boolean(googleClientId) !== Boolean(googleDomain))
  throw new Error('Set both SNAQ_GOOGLE_CLIENT_ID and SNAQ_GOOGLE_DOMAIN (googleClientId, googleDomain), or neither.');

if (!lambdaBundleExists()) {
  console.warn(
    `warning: ${path.join(DEFAULT_LAMBDA_CODE_DIR, LAMBDA_BUNDLE_FILE)} does not exist; the function will answer 503 "not built". Run \`npm run build\` before deploying.`,
  );
}

const region = process.env.CDK_DEFAULT_REGION ?? process.env.SNAQ_ATHENA_REGION ?? 'ap-northeast-1';
const exampleAccount = process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012';

function list(contextKey: string, envKey: string): string[] | undefined {
  const fromContext: unknown = app.node.tryGetContext(contextKey);
  if (Array.isArray(fromContext)) return fromContext.map(String);
  const value = setting(contextKey, envKey);
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
}

function number(contextKey: string, envKey: string): number | undefined {
  const value = setting(contextKey, envKey);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`${envKey} (${contextKey}) must be a number, not "${value}".`);
  return parsed;
}

/** The example values in use: the template synthesizes, but a deployment with them would fail. */
const examples: string[] = [];
function orExample<T>(value: T | undefined, example: T, name: string): T {
  if (value !== undefined) return value;
  examples.push(name);
  return example;
}

const exportSecurityGroupId = setting('exportSecurityGroupId', 'SNAQ_EXPORT_SECURITY_GROUP_ID');
const sourcePort = number('sourcePort', 'SNAQ_EXPORT_SOURCE_PORT');
const historyListThreshold = number('historyListThreshold', 'SNAQ_HISTORY_LIST_THRESHOLD');
const exportSchedule = setting('exportSchedule', 'SNAQ_EXPORT_SCHEDULE');
const vpcEndpoints = flag('vpcEndpoints', 'SNAQ_VPC_ENDPOINTS', true);
// Route tables matter only for the S3 gateway endpoint.
const routeTableIds = vpcEndpoints
  ? orExample(list('routeTableIds', 'SNAQ_ROUTE_TABLE_IDS'), ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'], 'SNAQ_ROUTE_TABLE_IDS')
  : list('routeTableIds', 'SNAQ_ROUTE_TABLE_IDS');

new SnaqMetricsStack(app, setting('stackName', 'SNAQ_STACK_NAME') ?? 'SnaqMetrics', {
  description: 'snaq.me governed metrics: API Gateway (IAM) → Lambda → Athena over the Parquet lake, fed by the lake export job (Fargate) from Aurora',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
  lakeBucketName: setting('lakeBucket', 'SNAQ_LAKE_BUCKET') ?? 'snaq-lake-example',
  lakePrefix: setting('lakePrefix', 'SNAQ_LAKE_PREFIX') ?? 'aurora-export/snaq/',
  ...(resultsBucketName ? { resultsBucketName } : {}),
  ...(cutoff ? { bytesScannedCutoffPerQuery: Number(cutoff) } : {}),
  ...(alarmEmail ? { alarmEmail } : {}),
  ...(lakeKmsKeyArn ? { lakeKmsKeyArn } : {}),
  ...(googleClientId && googleDomain ? { googleClientId, googleDomain } : {}),
  createAddonUser: flag('createAddonUser', 'SNAQ_CREATE_ADDON_USER', false),
  apiGatewayCloudWatchRole: flag('apiGatewayCloudWatchRole', 'SNAQ_APIGW_CLOUDWATCH_ROLE', true),
  vpcId: orExample(setting('vpcId', 'SNAQ_VPC_ID'), 'vpc-0123456789abcdef0', 'SNAQ_VPC_ID'),
  availabilityZones: orExample(list('availabilityZones', 'SNAQ_AVAILABILITY_ZONES'), [`${region}a`, `${region}c`], 'SNAQ_AVAILABILITY_ZONES'),
  privateSubnetIds: orExample(
    list('privateSubnetIds', 'SNAQ_PRIVATE_SUBNET_IDS'),
    ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    'SNAQ_PRIVATE_SUBNET_IDS',
  ),
  ...(routeTableIds ? { routeTableIds } : {}),
  ...(exportSecurityGroupId ? { exportSecurityGroupId } : {}),
  vpcEndpoints,
  sourceHost: orExample(
    setting('sourceHost', 'SNAQ_EXPORT_SOURCE_HOST'),
    `snaq-aurora.cluster-ro-example.${region}.rds.amazonaws.com`,
    'SNAQ_EXPORT_SOURCE_HOST',
  ),
  ...(sourcePort !== undefined ? { sourcePort } : {}),
  sourceDatabase: setting('sourceDatabase', 'SNAQ_EXPORT_SOURCE_DATABASE') ?? 'snaq',
  sourceSecretArn: orExample(
    setting('sourceSecretArn', 'SNAQ_EXPORT_SOURCE_SECRET_ARN'),
    `arn:aws:secretsmanager:${region}:${exampleAccount}:secret:snaq/export-source-AbCdEf`,
    'SNAQ_EXPORT_SOURCE_SECRET_ARN',
  ),
  pseudonymKeySecretArn: orExample(
    setting('pseudonymKeySecretArn', 'SNAQ_EXPORT_PSEUDONYM_KEY_SECRET_ARN'),
    `arn:aws:secretsmanager:${region}:${exampleAccount}:secret:snaq/pseudonym-key-AbCdEf`,
    'SNAQ_EXPORT_PSEUDONYM_KEY_SECRET_ARN',
  ),
  writerInstanceId: orExample(setting('writerInstanceId', 'SNAQ_WRITER_INSTANCE_ID'), 'snaq-aurora-instance-1', 'SNAQ_WRITER_INSTANCE_ID'),
  ...(historyListThreshold !== undefined ? { historyListThreshold } : {}),
  ...(exportSchedule ? { exportSchedule } : {}),
});

if (examples.length > 0) {
  console.warn(`warning: the export job uses example values for ${examples.join(', ')}; set them before deploying (README "Deploy to AWS").`);
}

const assembly = app.synth();
for (const stack of assembly.stacks) {
  console.log(`synthesized ${stack.stackName} → ${path.relative(process.cwd(), path.join(assembly.directory, stack.templateFile))}`);
  for (const message of stack.messages) {
    if (message.level !== 'info') console.warn(`${message.level}: ${message.id}: ${String(message.entry.data)}`);
  }
}
