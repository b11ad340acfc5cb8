/**
 * The AWS deployment of the governed-metrics API (AWS CDK v2):
 *
 *   API Gateway (REST, AWS_IAM on every method) → Lambda (Node 22, arm64, the prebuilt
 *   dist/api/lambda.js) → Athena (engine v3, one enforced workgroup) → Glue tables (glueTables.ts)
 *   → the Parquet lake in S3;
 *   EventBridge Scheduler → the lake export job on ECS Fargate (exportJob.ts, exportNetwork.ts) →
 *   Aurora reader → a new snapshot in the lake; alarms on both (exportAlarms.ts) → one SNS topic.
 *
 * Everything synthesizes offline: no bundling, no lookups, no Docker (the job's image is only
 * staged; `cdk deploy` builds it). The roles are least privilege: no `*` action, and a `*` resource
 * only for ecr:GetAuthorizationToken, which has no other. The add-on's IAM principal may only call
 * execute-api:Invoke on this API's `prod` stage. Its access key is created by an administrator outside the stack, so it
 * never appears in a template or in CloudFormation state.
 */
import { ROUTES } from '../api/routes';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Annotations,
  CfnOutput,
  Duration,
  Stack,
  type StackProps,
  aws_apigateway as apigw,
  aws_athena as athena,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LAKE_TABLES } from '../contract/lakeSchema';
import { GLUE_DATABASE_NAME, addLakeGlueTables } from './glueTables';
import { DEFAULT_EXPORT_IMAGE_DIR, DEFAULT_EXPORT_SCHEDULE, EXPORT_CONTAINER_NAME, EXPORT_JOB_COMMAND, LakeExportJob } from './exportJob';
import { ExportAlarms } from './exportAlarms';
import { AuditQueries } from './auditQueries';

export { GLUE_DATABASE_NAME, GLUE_TYPES } from './glueTables';

/** The API's routes come from the route table itself, so the deployed API cannot drift from the code. */
export const API_ROUTES: readonly { method: 'GET' | 'POST'; path: string }[] = ROUTES.map((route) => ({ method: route.method, path: route.pattern }));

export const API_STAGE = 'prod';
export const ADDON_USER_NAME = 'snaq-sheets-addon';
/** The Lambda bundle built by `npm run build`. */
export const DEFAULT_LAMBDA_CODE_DIR = path.resolve(__dirname, '..', '..', 'dist', 'api');
export const LAMBDA_BUNDLE_FILE = 'lambda.js';
const NOT_BUILT_HANDLER = 'exports.handler=async()=>({statusCode:503,body:"not built"})';

/** True when `<dir>/lambda.js` exists, i.e. `npm run build` has run. */
export function lambdaBundleExists(dir: string = DEFAULT_LAMBDA_CODE_DIR): boolean {
  return fs.existsSync(path.join(dir, LAMBDA_BUNDLE_FILE));
}

/** The audit trail's retention in CloudWatch, matching the local server's default (api/auditFiles.ts). */
export const AUDIT_LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

export interface SnaqMetricsStackProps extends StackProps {
  /** The bucket holding the Parquet lake (the Aurora export). */
  lakeBucketName: string;
  /**
   * The lake's key prefix, ending in "/", e.g. 'aurora-export/snaq/' (lake layout v2): the current
   * manifest is `<prefix>manifest.json`, each snapshot's tables `<prefix>snapshots/<snapshotId>/<table>/`.
   */
  lakePrefix: string;
  /** An existing bucket for Athena results; else the stack creates an encrypted one whose results expire after 30 days. */
  resultsBucketName?: string;
  /** The workgroup's per-query scan limit in bytes (default 10 GB). */
  bytesScannedCutoffPerQuery?: number;
  /** Alarm notifications go to this address (an SNS email subscription) when set. */
  alarmEmail?: string;
  /** The KMS key that encrypts the lake (Aurora snapshot exports are always KMS-encrypted); grants kms:Decrypt on it only. */
  lakeKmsKeyArn?: string;
  /** Create the IAM user `snaq-sheets-addon` with the add-on policy attached (no access key). Default false. */
  createAddonUser?: boolean;
  /**
   * Let API Gateway write access logs: sets the region's API Gateway account CloudWatch role (an
   * account-wide setting). Turn off if the account already has one. Default true.
   */
  apiGatewayCloudWatchRole?: boolean;
  /** Where `lambda.js` is (default dist/api). Without it the function answers 503 "not built". */
  lambdaCodeDir?: string;
  /** Athena result reuse, in minutes (SNAQ_ATHENA_REUSE_MINUTES; default 60). */
  athenaReuseMinutes?: number;
  /** How long the function's log group (the audit trail) is kept (default 90 days, as the local files). */
  auditLogRetention?: logs.RetentionDays;
  /**
   * The add-on's OAuth client id and the Workspace domain: with both, the function verifies people's
   * ID tokens (restricted metrics); without, nobody is identified and restricted metrics are refused.
   */
  googleClientId?: string;
  googleDomain?: string;

  // ---------------------------------------------------------------- The lake export job (exportJob.ts)
  /** The VPC of the Aurora cluster, where the job runs (imported by id: no lookups). */
  vpcId: string;
  /** The AZs of `privateSubnetIds`, in the same order. */
  availabilityZones: string[];
  /** Private subnets, one per AZ, from which the Aurora reader is reachable; the task gets no public IP. */
  privateSubnetIds: string[];
  /** Their route tables, in the same order (the S3 gateway endpoint is added to them). */
  routeTableIds?: string[];
  /**
   * The job's security group, when the DBA already allows it on the Aurora cluster's group. Without
   * it the stack creates one (output ExportSecurityGroupId) and the DBA adds the ingress rule: TCP
   * `sourcePort` from that group on the cluster's group.
   */
  exportSecurityGroupId?: string;
  /**
   * Create the VPC endpoints the job needs from private subnets: S3 (gateway), Secrets Manager, ECR
   * API, ECR Docker and CloudWatch Logs (interface, private DNS). Default true. Set false when the
   * subnets have a NAT, or the VPC already has these endpoints (only one of each may exist).
   */
  vpcEndpoints?: boolean;
  /** The Aurora cluster's reader endpoint (…cluster-ro-…), never the writer. */
  sourceHost: string;
  /** Default 3306. */
  sourcePort?: number;
  sourceDatabase: string;
  /** A Secrets Manager secret with JSON `{"username","password"}` of the read-only export user (complete ARN preferred). */
  sourceSecretArn: string;
  /** A Secrets Manager secret whose string is the pseudonym key (`openssl rand -base64 48`). */
  pseudonymKeySecretArn: string;
  /** The Aurora writer's DB instance identifier: its RollbackSegmentHistoryListLength is watched during exports. */
  writerInstanceId: string;
  /** The alarm threshold on that history list length while an export runs (default 100,000). */
  historyListThreshold?: number;
  /** An EventBridge Scheduler expression in Asia/Tokyo time (default `cron(0 2 * * ? *)`, 02:00 JST daily). */
  exportSchedule?: string;
  /** The folder holding the job image's Dockerfile (default: the repository root). */
  exportImageDir?: string;
}

export class SnaqMetricsStack extends Stack {
  readonly api: apigw.RestApi;
  readonly handler: lambda.Function;
  /** The function's log group: its audit lines, and the saved Logs Insights queries over them. */
  readonly functionLogGroup: logs.LogGroup;
  readonly auditQueries: AuditQueries;
  readonly workGroup: athena.CfnWorkGroup;
  readonly addonPolicy: iam.ManagedPolicy;
  readonly alarmTopic: sns.Topic;
  readonly resultsBucket: s3.IBucket;
  readonly exportJob: LakeExportJob;
  readonly exportAlarms: ExportAlarms;

  constructor(scope: Construct, id: string, props: SnaqMetricsStackProps) {
    super(scope, id, props);
    if (!props.lakePrefix.endsWith('/') || props.lakePrefix.startsWith('/')) {
      throw new Error(`lakePrefix must end with "/" and not start with one, not "${props.lakePrefix}".`);
    }
    const cutoff = props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3;
    if (!Number.isInteger(cutoff) || cutoff < 10 * 1024 ** 2) {
      throw new Error('bytesScannedCutoffPerQuery must be an integer of at least 10 MB (the Athena minimum).');
    }
    const lakeBucket = s3.Bucket.fromBucketName(this, 'LakeBucket', props.lakeBucketName);
    const lakeLocation = `s3://${props.lakeBucketName}/${props.lakePrefix}`;

    // ---------------------------------------------------------------- Athena results
    const resultsPrefix = 'athena-results/';
    this.resultsBucket = props.resultsBucketName
      ? s3.Bucket.fromBucketName(this, 'ResultsBucket', props.resultsBucketName)
      : new s3.Bucket(this, 'ResultsBucket', {
          encryption: s3.BucketEncryption.S3_MANAGED,
          blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
          enforceSSL: true,
          objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
          lifecycleRules: [{ id: 'expire-athena-results', expiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
        });
    const resultsLocation = `s3://${this.resultsBucket.bucketName}/${resultsPrefix}`;

    // ---------------------------------------------------------------- Glue catalog
    addLakeGlueTables(this, lakeLocation);

    // ---------------------------------------------------------------- Athena workgroup
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: 'snaq-metrics',
      description: 'Governed metrics API: enforced settings, per-query scan limit, encrypted results.',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: cutoff,
        publishCloudWatchMetricsEnabled: true,
        requesterPaysEnabled: false,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: resultsLocation,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    const workGroupName = this.workGroup.name;
    const workGroupArn = this.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workGroupName });

    // ---------------------------------------------------------------- Lambda
    // The function's stdout holds the audit trail (one line per answer, contract/audit.ts): kept as long as the local files.
    const functionLogGroup = new logs.LogGroup(this, 'FunctionLogs', { retention: props.auditLogRetention ?? AUDIT_LOG_RETENTION });
    this.functionLogGroup = functionLogGroup;
    this.auditQueries = new AuditQueries(this, 'AuditQueries', { logGroup: functionLogGroup, folder: this.stackName });
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'snaq metrics API: Athena on one workgroup, Glue on snaq_lake, S3 on the lake prefix and the results prefix.',
    });
    functionLogGroup.grantWrite(role);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AthenaThisWorkGroup',
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
        resources: [workGroupArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'GlueLakeCatalog',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
        resources: [
          this.formatArn({ service: 'glue', resource: 'catalog' }),
          this.formatArn({ service: 'glue', resource: 'database', resourceName: GLUE_DATABASE_NAME }),
          ...LAKE_TABLES.map((table) => this.formatArn({ service: 'glue', resource: 'table', resourceName: `${GLUE_DATABASE_NAME}/${table}` })),
        ],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LakeRead',
        actions: ['s3:GetObject'],
        resources: [lakeBucket.arnForObjects(`${props.lakePrefix}*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LakeList',
        actions: ['s3:ListBucket'],
        resources: [lakeBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${props.lakePrefix}*`] } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LakeBucketLocation',
        actions: ['s3:GetBucketLocation'],
        resources: [lakeBucket.bucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ResultsObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.resultsBucket.arnForObjects(`${resultsPrefix}*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ResultsBucket',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [this.resultsBucket.bucketArn],
      }),
    );
    if (props.lakeKmsKeyArn) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'LakeKmsDecrypt',
          actions: ['kms:Decrypt'],
          resources: [props.lakeKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` } },
        }),
      );
    }

    // The HMAC key that signs 202 query ids (api/queryTokens.ts), so any instance can answer a poll.
    // Generated by Secrets Manager at deploy time: the key never appears in the template, and the
    // function reads it once per cold start.
    const queryTokenSecret = new secretsmanager.Secret(this, 'QueryTokenKey', {
      description: 'snaq metrics API: HMAC-SHA256 key for signed asynchronous query ids.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'QueryTokenKeyRead',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [queryTokenSecret.secretArn],
      }),
    );

    const codeDir = props.lambdaCodeDir ?? DEFAULT_LAMBDA_CODE_DIR;
    const built = lambdaBundleExists(codeDir);
    if (!built) {
      Annotations.of(this).addWarning(
        `${path.join(codeDir, LAMBDA_BUNDLE_FILE)} does not exist: the function answers 503 "not built". Run \`npm run build\` before deploying.`,
      );
    }
    this.handler = new lambda.Function(this, 'ApiFunction', {
      description: 'snaq governed-metrics API (dist/api/lambda.js)',
      // nodejs20.x is deprecated (no new functions from 2027-02-01); esbuild's target matches.
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      code: built ? lambda.Code.fromAsset(codeDir) : lambda.Code.fromInline(NOT_BUILT_HANDLER),
      handler: built ? 'lambda.handler' : 'index.handler',
      memorySize: 1024,
      timeout: Duration.seconds(29),
      role,
      logGroup: functionLogGroup,
      environment: {
        SNAQ_ATHENA_REGION: this.region,
        SNAQ_ATHENA_WORKGROUP: workGroupName,
        SNAQ_ATHENA_DATABASE: GLUE_DATABASE_NAME,
        SNAQ_ATHENA_OUTPUT: resultsLocation,
        SNAQ_ATHENA_REUSE_MINUTES: String(props.athenaReuseMinutes ?? 60),
        SNAQ_LAKE_MANIFEST: `${lakeLocation}manifest.json`,
        SNAQ_QUERY_TOKEN_SECRET: queryTokenSecret.secretArn,
        ...(props.googleClientId && props.googleDomain ? { SNAQ_GOOGLE_CLIENT_ID: props.googleClientId, SNAQ_GOOGLE_DOMAIN: props.googleDomain } : {}),
      },
    });
    this.handler.node.addDependency(this.workGroup);

    // ---------------------------------------------------------------- API Gateway
    const accessLogGroup = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const createCloudWatchRole = props.apiGatewayCloudWatchRole ?? true;
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: 'snaq-metrics',
      description: 'snaq.me governed metrics (SigV4 / IAM auth on every method)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: createCloudWatchRole,
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      deployOptions: {
        stageName: API_STAGE,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        metricsEnabled: true,
        tracingEnabled: false,
      },
    });
    const integration = new apigw.LambdaIntegration(this.handler, { proxy: true, allowTestInvoke: false });
    for (const route of API_ROUTES) {
      const resource = this.api.root.resourceForPath(route.path);
      resource.addMethod(route.method, integration);
    }

    // ---------------------------------------------------------------- The add-on's principal
    this.addonPolicy = new iam.ManagedPolicy(this, 'AddonInvokePolicy', {
      description: `The Sheets add-on may call the snaq metrics API (${API_STAGE} stage) and nothing else.`,
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeMetricsApi',
          actions: ['execute-api:Invoke'],
          // Path parameters become "*" in execute-api ARNs: arn:…:execute-api:region:account:api-id/prod/GET/v1/metrics/*
          resources: API_ROUTES.map((route) => this.api.arnForExecuteApi(route.method, route.path.replace(/\{[^}]+\}/g, '*'), API_STAGE)),
        }),
      ],
    });
    if (props.createAddonUser) {
      // No iam.AccessKey here: an administrator creates the key (IAM console or `aws iam create-access-key`)
      // and stores it in the add-on's script properties, so the secret never enters CloudFormation.
      new iam.User(this, 'AddonUser', { userName: ADDON_USER_NAME, managedPolicies: [this.addonPolicy] });
    }

    // ---------------------------------------------------------------- Alarms
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'snaq metrics API alarms', enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new cwActions.SnsAction(this.alarmTopic);
    const period = Duration.minutes(5);
    const alarms: cloudwatch.Alarm[] = [
      // 5XXError is 0 or 1 per request, so its average is the error rate.
      new cloudwatch.Alarm(this, 'Api5xxRateAlarm', {
        alarmDescription: 'More than 5% of API requests answered 5XX (5 minutes, twice in a row).',
        metric: this.api.metricServerError({ statistic: cloudwatch.Stats.AVERAGE, period }),
        threshold: 0.05,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ApiLatencyP95Alarm', {
        alarmDescription: 'API p95 latency above 20 s (close to the 29 s integration timeout).',
        metric: this.api.metricLatency({ statistic: cloudwatch.Stats.p(95), period }),
        threshold: 20_000,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'FunctionErrorsAlarm', {
        alarmDescription: 'The API function threw (unhandled errors or timeouts).',
        metric: this.handler.metricErrors({ statistic: cloudwatch.Stats.SUM, period }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      // Athena publishes per-query metrics in AWS/Athena with the dimensions WorkGroup, QueryType and
      // QueryState; TotalExecutionTime is published for every finished query, so its SampleCount
      // with QueryState=FAILED counts failed queries (ProcessedBytes is absent for many failures).
      new cloudwatch.Alarm(this, 'AthenaFailedQueriesAlarm', {
        alarmDescription: 'Athena queries in the snaq-metrics workgroup failed (scan limit, schema drift, permissions).',
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Athena',
          metricName: 'TotalExecutionTime',
          dimensionsMap: { WorkGroup: workGroupName, QueryType: 'DML', QueryState: 'FAILED' },
          statistic: cloudwatch.Stats.SAMPLE_COUNT,
          period,
        }),
        threshold: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }

    // ---------------------------------------------------------------- The lake export job
    this.exportJob = new LakeExportJob(this, 'LakeExport', {
      lakeBucketName: props.lakeBucketName,
      lakePrefix: props.lakePrefix,
      ...(props.lakeKmsKeyArn ? { lakeKmsKeyArn: props.lakeKmsKeyArn } : {}),
      vpcId: props.vpcId,
      availabilityZones: props.availabilityZones,
      privateSubnetIds: props.privateSubnetIds,
      ...(props.routeTableIds ? { routeTableIds: props.routeTableIds } : {}),
      ...(props.exportSecurityGroupId ? { securityGroupId: props.exportSecurityGroupId } : {}),
      vpcEndpoints: props.vpcEndpoints ?? true,
      sourceHost: props.sourceHost,
      sourcePort: props.sourcePort ?? 3306,
      sourceDatabase: props.sourceDatabase,
      sourceSecretArn: props.sourceSecretArn,
      pseudonymKeySecretArn: props.pseudonymKeySecretArn,
      schedule: props.exportSchedule ?? DEFAULT_EXPORT_SCHEDULE,
      imageDir: props.exportImageDir ?? DEFAULT_EXPORT_IMAGE_DIR,
    });
    this.exportAlarms = new ExportAlarms(this, 'LakeExportAlarms', {
      logGroup: this.exportJob.logGroup,
      topic: this.alarmTopic,
      cluster: this.exportJob.cluster,
      writerInstanceId: props.writerInstanceId,
      ...(props.historyListThreshold !== undefined ? { historyListThreshold: props.historyListThreshold } : {}),
    });

    // ---------------------------------------------------------------- Outputs
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The metrics API base URL (…/prod/; routes start at v1/); set it in the add-on.' });
    new CfnOutput(this, 'AddonPolicyArn', {
      value: this.addonPolicy.managedPolicyArn,
      description: 'Attach to the add-on IAM principal (execute-api:Invoke only).',
    });
    new CfnOutput(this, 'WorkGroupName', { value: workGroupName, description: 'The enforced Athena workgroup.' });
    new CfnOutput(this, 'ResultsBucketName', { value: this.resultsBucket.bucketName });
    const job = this.exportJob;
    new CfnOutput(this, 'ExportSecurityGroupId', {
      value: job.network.securityGroup.securityGroupId,
      description: job.network.securityGroupCreated
        ? `The export job's security group: allow TCP ${props.sourcePort ?? 3306} from it on the Aurora cluster's security group.`
        : "The export job's security group (given): it must be allowed on the Aurora cluster's security group.",
    });
    new CfnOutput(this, 'ExportLogGroupName', { value: job.logGroup.logGroupName, description: "The export job's JSON lines (one per event)." });
    new CfnOutput(this, 'ExportFirstRunCommand', {
      description: 'Run the first (full) export by hand; later runs follow the schedule.',
      value: [
        `aws ecs run-task --cluster ${job.cluster.clusterName} --task-definition ${job.taskDefinition.family} --launch-type FARGATE`,
        `--network-configuration 'awsvpcConfiguration={subnets=[${props.privateSubnetIds.join(',')}],securityGroups=[${job.network.securityGroup.securityGroupId}],assignPublicIp=DISABLED}'`,
        `--overrides '${JSON.stringify({ containerOverrides: [{ name: EXPORT_CONTAINER_NAME, command: [...EXPORT_JOB_COMMAND, '--full'] }] })}'`,
      ].join(' '),
    });
  }
}
