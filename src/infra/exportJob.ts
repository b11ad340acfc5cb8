/**
 * The lake export job: `node bin/snaq.js lake export-job` (src/export/exportJob.ts) in the repository's
 * Docker image, an ECS Fargate task started by EventBridge Scheduler. It reads the Aurora reader in
 * short keyset statements and publishes a snapshot to `s3://<bucket>/<prefix>` (lake layout v2).
 *
 * Why Fargate and not Lambda: a first (or `--full`) export reads every table whole and can run for
 * hours on a production database, past Lambda's 15-minute limit; the job also keeps a local mirror
 * of the lake and a file-backed work DuckDB, which need more disk than Lambda's 10 GB of /tmp.
 */
import * as path from 'node:path';
import {
  ArnFormat,
  IgnoreMode,
  Stack,
  aws_ecr_assets as ecrAssets,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
  aws_s3 as s3,
  aws_scheduler as scheduler,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ExportNetwork, type ExportNetworkProps } from './exportNetwork';

/** The repository root: its Dockerfile builds the job's image. */
export const DEFAULT_EXPORT_IMAGE_DIR = path.resolve(__dirname, '..', '..');
export const EXPORT_CONTAINER_NAME = 'export';
/** The image's ENTRYPOINT is `node bin/snaq.js`; this is its command (the Dockerfile's CMD too). */
export const EXPORT_JOB_COMMAND: readonly string[] = ['lake', 'export-job'];
/** 02:00 JST every day, when the shop is quiet. */
export const DEFAULT_EXPORT_SCHEDULE = 'cron(0 2 * * ? *)';
export const EXPORT_SCHEDULE_TIMEZONE = 'Asia/Tokyo';
/**
 * 1 vCPU / 2 GiB: the export's peak RSS was 515 MiB at scale 10 (README); the rest is headroom.
 * 50 GiB of ephemeral storage (20 are free) for the local mirror of the lake, the work DuckDB's
 * spill files and the staged snapshot.
 */
export const EXPORT_TASK_SIZE = { cpu: 1024, memoryLimitMiB: 2048, ephemeralStorageGiB: 50 } as const;

export interface LakeExportJobProps extends ExportNetworkProps {
  lakeBucketName: string;
  /** Ends in "/"; the job may write and delete under it only. */
  lakePrefix: string;
  lakeKmsKeyArn?: string;
  sourceHost: string;
  sourcePort: number;
  sourceDatabase: string;
  /** A secret whose JSON has `username` and `password` (the read-only user). */
  sourceSecretArn: string;
  /** A secret whose string is the pseudonym key. */
  pseudonymKeySecretArn: string;
  /** An EventBridge Scheduler expression, in Asia/Tokyo time. */
  schedule: string;
  /** The folder with the image's Dockerfile (tests pass a small one). */
  imageDir: string;
}

/**
 * A Secrets Manager ARN ends in `-` and six random characters that Secrets Manager appends to the
 * name. Without them it is a partial ARN, and IAM must match it as `<arn>-??????`. (A secret whose
 * own name ends in `-` and six letters or digits cannot be told apart: give its complete ARN.)
 */
export function isCompleteSecretArn(arn: string): boolean {
  return /:secret:.+-[A-Za-z0-9]{6}$/.test(arn);
}

function importSecret(scope: Construct, id: string, arn: string, what: string): secretsmanager.ISecret {
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+$/.test(arn)) {
    throw new Error(`${what} must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), not "${arn}".`);
  }
  // grantRead then scopes the execution role to this ARN, or to `<arn>-??????` for a partial one.
  return isCompleteSecretArn(arn) ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, arn) : secretsmanager.Secret.fromSecretPartialArn(scope, id, arn);
}

export class LakeExportJob extends Construct {
  readonly network: ExportNetwork;
  readonly cluster: ecs.Cluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;
  readonly taskRole: iam.Role;
  readonly executionRole: iam.Role;
  readonly schedulerRole: iam.Role;
  readonly schedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: LakeExportJobProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!/^(cron|rate|at)\(.+\)$/.test(props.schedule)) {
      throw new Error(`exportSchedule must be an EventBridge Scheduler expression such as "${DEFAULT_EXPORT_SCHEDULE}", not "${props.schedule}".`);
    }
    if (!Number.isInteger(props.sourcePort) || props.sourcePort < 1 || props.sourcePort > 65535) {
      throw new Error(`sourcePort must be a TCP port, not ${props.sourcePort}.`);
    }
    this.network = new ExportNetwork(this, 'Network', props);
    const lakeBucket = s3.Bucket.fromBucketName(this, 'LakeBucket', props.lakeBucketName);

    // ---------------------------------------------------------------- Roles
    // The task role is what the job's code may do: the lake prefix, nothing else (no secrets: ECS
    // hands them to the container at start, using the execution role).
    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `snaq lake export job: read, write and delete under s3://${props.lakeBucketName}/${props.lakePrefix} only.`,
    });
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LakeObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [lakeBucket.arnForObjects(`${props.lakePrefix}*`)],
      }),
    );
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LakeList',
        actions: ['s3:ListBucket'],
        resources: [lakeBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${props.lakePrefix}*`] } },
      }),
    );
    // ListBucketMultipartUploads has no s3:prefix condition key (the request's prefix is not in the
    // authorization context), so a prefix condition would deny it always. It lists only the keys of
    // uploads in progress; the job then aborts only its own (AbortMultipartUpload is prefix-scoped).
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'LakeListUploads', actions: ['s3:ListBucketMultipartUploads'], resources: [lakeBucket.bucketArn] }),
    );
    if (props.lakeKmsKeyArn) {
      this.taskRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'LakeKms',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.lakeKmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
      );
    }
    // The execution role is ECS's, before the code runs: pull the image, write the log stream, and
    // fetch the two secrets into the container's environment (grants added below by CDK).
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'snaq lake export job (ECS): pull its image, write its logs, read the source and pseudonym-key secrets.',
    });

    // ---------------------------------------------------------------- Task
    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: this.network.vpc });
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const family = `${stack.stackName}-lake-export`.slice(0, 255);
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family,
      ...EXPORT_TASK_SIZE,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      taskRole: this.taskRole,
      executionRole: this.executionRole,
    });
    const sourceSecret = importSecret(this, 'SourceSecret', props.sourceSecretArn, 'sourceSecretArn');
    const pseudonymKeySecret = importSecret(this, 'PseudonymKeySecret', props.pseudonymKeySecretArn, 'pseudonymKeySecretArn');
    this.container = this.taskDefinition.addContainer('Export', {
      containerName: EXPORT_CONTAINER_NAME,
      // Staged into cdk.out at synth (what .dockerignore lets through); built and pushed by `cdk deploy`.
      image: ecs.ContainerImage.fromAsset(props.imageDir, {
        file: 'Dockerfile',
        platform: ecrAssets.Platform.LINUX_ARM64,
        // CDK reads <imageDir>/.dockerignore and applies it with Docker's rules.
        ignoreMode: IgnoreMode.DOCKER,
      }),
      command: [...EXPORT_JOB_COMMAND],
      essential: true,
      // An init process as PID 1 passes StopTask's SIGTERM on to node and reaps DuckDB's children.
      linuxParameters: new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: true }),
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'export' }),
      environment: {
        SNAQ_LAKE: `s3://${props.lakeBucketName}/${props.lakePrefix}`,
        SNAQ_SOURCE_HOST: props.sourceHost,
        SNAQ_SOURCE_PORT: String(props.sourcePort),
        SNAQ_SOURCE_DATABASE: props.sourceDatabase,
        // TLS to the reader, verified against the RDS certificate authorities (src/export/sourceSessions.ts).
        SNAQ_SOURCE_TLS: 'rds',
        AWS_REGION: stack.region,
        // Half the task's memory for the JS heap; DuckDB's memory is native and lives beside it.
        NODE_OPTIONS: `--max-old-space-size=${EXPORT_TASK_SIZE.memoryLimitMiB / 2}`,
      },
      secrets: {
        SNAQ_SOURCE_USER: ecs.Secret.fromSecretsManager(sourceSecret, 'username'),
        SNAQ_SOURCE_PASSWORD: ecs.Secret.fromSecretsManager(sourceSecret, 'password'),
        SNAQ_PSEUDONYM_KEY: ecs.Secret.fromSecretsManager(pseudonymKeySecret),
      },
    });

    // ---------------------------------------------------------------- Schedule
    // EventBridge Scheduler's role may start this family's tasks on this cluster only, and pass
    // only the job's two roles. (The L2 EcsRunFargateTask target grants RunTask on one revision
    // with no cluster condition; the L1 schedule says exactly this.)
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'snaq lake export job: EventBridge Scheduler starts the export task.',
    });
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RunExportTask',
        actions: ['ecs:RunTask'],
        resources: [stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${family}:*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
        conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
      }),
    );
    this.schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PassExportRoles',
        actions: ['iam:PassRole'],
        resources: [this.taskRole.roleArn, this.executionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      description: 'snaq lake export: one run of `snaq lake export-job` (see the job log group).',
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: EXPORT_SCHEDULE_TIMEZONE,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.cluster.clusterArn,
        roleArn: this.schedulerRole.roleArn,
        // No retries: the next scheduled run is the retry, and the lake's export.lock refuses a
        // second run while one holds it (the job logs export_skipped), so runs never overlap.
        retryPolicy: { maximumRetryAttempts: 0 },
        ecsParameters: {
          taskDefinitionArn: this.taskDefinition.taskDefinitionArn,
          launchType: 'FARGATE',
          platformVersion: 'LATEST',
          taskCount: 1,
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: [...props.privateSubnetIds],
              securityGroups: [this.network.securityGroup.securityGroupId],
              assignPublicIp: 'DISABLED',
            },
          },
        },
      },
    });
  }
}
