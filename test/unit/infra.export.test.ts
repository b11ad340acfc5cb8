/**
 * The lake export job in the CDK stack (src/infra/exportJob.ts, exportNetwork.ts, exportAlarms.ts):
 * where it runs, what it may touch, how it starts, what it is made of, and who hears about it.
 * One synthesis for most checks; variants only where a prop changes the template.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { LAKE_TABLES } from '../../src/contract/lakeSchema';
import { EXPORT_JOB_EVENTS, EXPORT_METRICS, EXPORT_METRICS_NAMESPACE } from '../../src/contract/exportJob';
import { FRESHNESS_SLO_HOURS } from '../../src/catalog/freshness';
import { EXPORT_METRIC_EVENTS, MAX_ALARM_WINDOW_HOURS } from '../../src/infra/exportAlarms';
import { DEFAULT_EXPORT_IMAGE_DIR, isCompleteSecretArn } from '../../src/infra/exportJob';
import {
  PSEUDONYM_KEY_SECRET_ARN,
  ROUTE_TABLES,
  SOURCE_SECRET_ARN,
  SUBNETS,
  allStatements,
  flat,
  list,
  resourcesByAction,
  roleStatements,
  synth,
  type Json,
  type Synthesized,
} from '../support/infraTemplate';

const REPO = path.resolve(__dirname, '../..');

const resourcesOf = (template: Template, type: string): [string, Json][] => Object.entries(template.findResources(type)) as [string, Json][];
const onlyResource = (template: Template, type: string): [string, Json] => {
  const found = resourcesOf(template, type);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const roleId = (template: Template, prefix: string): string => {
  const ids = resourcesOf(template, 'AWS::IAM::Role')
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};

describe('the lake export job', () => {
  let synthesized: Synthesized;
  let template: Template;
  let taskDefinition: Json;
  let container: Json;
  let schedule: Json;

  beforeAll(() => {
    synthesized = synth();
    template = synthesized.template;
    taskDefinition = onlyResource(template, 'AWS::ECS::TaskDefinition')[1].Properties;
    container = taskDefinition.ContainerDefinitions[0];
    schedule = onlyResource(template, 'AWS::Scheduler::Schedule')[1].Properties;
  });

  describe('the task', () => {
    test('Fargate on ARM64, 1 vCPU / 2 GiB, 50 GiB of ephemeral storage, the job command, an init process', () => {
      expect(taskDefinition).toMatchObject({
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: '1024',
        Memory: '2048',
        EphemeralStorage: { SizeInGiB: 50 },
        RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
        Family: 'SnaqMetricsTest-lake-export',
      });
      expect(taskDefinition.ContainerDefinitions).toHaveLength(1);
      expect(container.Name).toBe('export');
      expect(container.Command).toEqual(['lake', 'export-job']);
      expect(container.LinuxParameters.InitProcessEnabled).toBe(true);
    });

    test('the environment names the lake on S3 and the source; the credentials come only as secrets', () => {
      const env = Object.fromEntries((container.Environment as Json[]).map((e) => [e.Name, flat(e.Value)]));
      expect(env).toEqual({
        SNAQ_LAKE: 's3://snaq-lake-test/aurora-export/snaq/',
        SNAQ_SOURCE_HOST: 'snaq.cluster-ro-abc.ap-northeast-1.rds.amazonaws.com',
        SNAQ_SOURCE_PORT: '3306',
        SNAQ_SOURCE_DATABASE: 'snaq',
        SNAQ_SOURCE_TLS: 'rds',
        AWS_REGION: 'ap-northeast-1',
        NODE_OPTIONS: '--max-old-space-size=1024',
      });
      expect(container.Secrets).toEqual([
        { Name: 'SNAQ_SOURCE_USER', ValueFrom: `${SOURCE_SECRET_ARN}:username::` },
        { Name: 'SNAQ_SOURCE_PASSWORD', ValueFrom: `${SOURCE_SECRET_ARN}:password::` },
        { Name: 'SNAQ_PSEUDONYM_KEY', ValueFrom: PSEUDONYM_KEY_SECRET_ARN },
      ]);
    });

    test('its lines go to a log group kept for a month (the metric filters read it)', () => {
      expect(container.LogConfiguration.LogDriver).toBe('awslogs');
      const group = container.LogConfiguration.Options['awslogs-group'].Ref as string;
      expect(template.toJSON().Resources[group]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
      for (const [, filter] of resourcesOf(template, 'AWS::Logs::MetricFilter')) expect(filter.Properties.LogGroupName).toEqual({ Ref: group });
    });

    test('the image is an ARM64 asset built from the Dockerfile of exportImageDir (the repository root by default)', () => {
      expect(DEFAULT_EXPORT_IMAGE_DIR).toBe(REPO);
      expect(flat(container.Image)).toMatch(/container-assets/);
      const assembly = synthesized.app.synth();
      const assets = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'SnaqMetricsTest.assets.json'), 'utf8')) as Json;
      const images = Object.values(assets.dockerImages) as Json[];
      expect(images).toHaveLength(1);
      expect(images[0].source).toMatchObject({ dockerFile: 'Dockerfile', platform: 'linux/arm64' });
    });
  });

  describe('the network', () => {
    test('runs in the given private subnets with no public IP, in the security group it outputs', () => {
      const [sgId, sg] = resourcesOf(template, 'AWS::EC2::SecurityGroup').find(([id]) => id.includes('TaskSecurityGroup'))!;
      expect(sg.Properties.VpcId).toBe('vpc-0123456789abcdef0');
      expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
      expect(schedule.Target.EcsParameters.NetworkConfiguration.AwsvpcConfiguration).toEqual({
        Subnets: SUBNETS,
        SecurityGroups: [{ 'Fn::GetAtt': [sgId, 'GroupId'] }],
        AssignPublicIp: 'DISABLED',
      });
      template.hasOutput('ExportSecurityGroupId', { Value: { 'Fn::GetAtt': [sgId, 'GroupId'] } });
      const command = flat(template.toJSON().Outputs.ExportFirstRunCommand.Value);
      expect(command).toContain(`subnets=[${SUBNETS.join(',')}]`);
      expect(command).toContain('"command":["lake","export-job","--full"]');
      expect(command).toContain('"name":"export"');
    });

    test('a given exportSecurityGroupId is used as is, and no group is created for the task', () => {
      const { template: given } = synth({ exportSecurityGroupId: 'sg-0123456789abcdef0' });
      const groups = resourcesOf(given, 'AWS::EC2::SecurityGroup').map(([id]) => id);
      expect(groups.filter((id) => id.includes('TaskSecurityGroup'))).toEqual([]);
      const awsvpc = (onlyResource(given, 'AWS::Scheduler::Schedule')[1].Properties as Json).Target.EcsParameters.NetworkConfiguration.AwsvpcConfiguration;
      expect(awsvpc.SecurityGroups).toEqual(['sg-0123456789abcdef0']);
      given.hasOutput('ExportSecurityGroupId', { Value: 'sg-0123456789abcdef0' });
      const endpointGroup = resourcesOf(given, 'AWS::EC2::SecurityGroup').find(([id]) => id.includes('EndpointSecurityGroup'))![1];
      expect(endpointGroup.Properties.SecurityGroupIngress).toEqual([
        expect.objectContaining({ SourceSecurityGroupId: 'sg-0123456789abcdef0', FromPort: 443 }),
      ]);
    });

    test('VPC endpoints: S3 gateway on the route tables; Secrets Manager, ECR API, ECR Docker, Logs with private DNS, HTTPS from the job only', () => {
      const endpoints = resourcesOf(template, 'AWS::EC2::VPCEndpoint').map(([, e]) => e.Properties);
      const gateway = endpoints.filter((e) => e.VpcEndpointType === 'Gateway');
      expect(gateway).toHaveLength(1);
      expect(flat(gateway[0].ServiceName)).toMatch(/\.s3$/);
      expect(gateway[0].RouteTableIds).toEqual(ROUTE_TABLES);
      const interfaces = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
      expect(interfaces.map((e) => flat(e.ServiceName).replace(/^com\.amazonaws\.ap-northeast-1\./, '')).sort()).toEqual([
        'ecr.api',
        'ecr.dkr',
        'logs',
        'secretsmanager',
      ]);
      const [taskSgId] = resourcesOf(template, 'AWS::EC2::SecurityGroup').find(([id]) => id.includes('TaskSecurityGroup'))!;
      const [endpointSgId, endpointSg] = resourcesOf(template, 'AWS::EC2::SecurityGroup').find(([id]) => id.includes('EndpointSecurityGroup'))!;
      for (const e of interfaces) {
        expect(e.PrivateDnsEnabled).toBe(true);
        expect(e.SubnetIds).toEqual(SUBNETS);
        expect(e.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [endpointSgId, 'GroupId'] }]);
      }
      expect(endpointSg.Properties.SecurityGroupIngress).toEqual([
        expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [taskSgId, 'GroupId'] } }),
      ]);
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    });

    test('vpcEndpoints false creates none (the subnets need a NAT); with endpoints the route tables are required', () => {
      const { template: none } = synth({ vpcEndpoints: false, routeTableIds: undefined });
      none.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      expect(resourcesOf(none, 'AWS::EC2::SecurityGroup').map(([id]) => id)).toEqual([expect.stringContaining('TaskSecurityGroup')]);
      expect(() => synth({ routeTableIds: undefined })).toThrow(/routeTableIds are needed/);
      expect(() => synth({ privateSubnetIds: [SUBNETS[0]!] })).toThrow(/one private subnet per availability zone/);
      expect(() => synth({ vpcId: 'vpc' })).toThrow(/vpcId/);
    });

    test('the VPC is imported by its ids: nothing is looked up, and the stack synthesizes without an account or region', () => {
      const assembly = synthesized.app.synth();
      expect(assembly.manifest.missing ?? []).toEqual([]);
      template.resourceCountIs('AWS::EC2::VPC', 0);
      template.resourceCountIs('AWS::EC2::Subnet', 0);
      const { app: agnostic } = synth({ env: {} });
      expect(agnostic.synth().manifest.missing ?? []).toEqual([]);
    });
  });

  describe('the schedule', () => {
    test('EventBridge Scheduler runs this task definition on FARGATE at 02:00 JST, once (no retries)', () => {
      const [clusterId] = onlyResource(template, 'AWS::ECS::Cluster');
      const [taskDefId] = onlyResource(template, 'AWS::ECS::TaskDefinition');
      expect(schedule).toMatchObject({
        ScheduleExpression: 'cron(0 2 * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Tokyo',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
      });
      expect(schedule.Target).toMatchObject({
        Arn: { 'Fn::GetAtt': [clusterId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0 },
        EcsParameters: { TaskDefinitionArn: { Ref: taskDefId }, LaunchType: 'FARGATE', TaskCount: 1 },
      });
      const custom = synth({ exportSchedule: 'cron(30 3 ? * SUN *)' }).template;
      expect((onlyResource(custom, 'AWS::Scheduler::Schedule')[1].Properties as Json).ScheduleExpression).toBe('cron(30 3 ? * SUN *)');
      expect(() => synth({ exportSchedule: '0 2 * * *' })).toThrow(/Scheduler expression/);
    });

    test("the scheduler's role may run only this family on this cluster, and pass only the job's two roles", () => {
      const schedulerRole = roleId(template, 'LakeExportSchedulerRole');
      expect(schedule.Target.RoleArn).toEqual({ 'Fn::GetAtt': [schedulerRole, 'Arn'] });
      const statements = roleStatements(template, schedulerRole);
      expect(statements.flatMap((s) => list(s.Action)).sort()).toEqual(['ecs:RunTask', 'iam:PassRole']);
      const run = statements.find((s) => list(s.Action).includes('ecs:RunTask'))!;
      expect(flat(run.Resource)).toBe('arn:${AWS::Partition}:ecs:ap-northeast-1:123456789012:task-definition/SnaqMetricsTest-lake-export:*');
      const [clusterId] = onlyResource(template, 'AWS::ECS::Cluster');
      expect(run.Condition).toEqual({ ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [clusterId, 'Arn'] } } });
      const pass = statements.find((s) => list(s.Action).includes('iam:PassRole'))!;
      expect(list<Json>(pass.Resource).map(flat).sort()).toEqual(
        [`\${${roleId(template, 'LakeExportExecutionRole')}.Arn}`, `\${${roleId(template, 'LakeExportTaskRole')}.Arn}`].sort(),
      );
      expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
      expect(taskDefinition.TaskRoleArn).toEqual({ 'Fn::GetAtt': [roleId(template, 'LakeExportTaskRole'), 'Arn'] });
      expect(taskDefinition.ExecutionRoleArn).toEqual({ 'Fn::GetAtt': [roleId(template, 'LakeExportExecutionRole'), 'Arn'] });
    });
  });

  describe('least privilege', () => {
    test('the task role: objects under the lake prefix only (deletes too), listing only that prefix, nothing else', () => {
      const statements = roleStatements(template, roleId(template, 'LakeExportTaskRole'));
      const byAction = resourcesByAction(statements);
      const objects = 'arn:${AWS::Partition}:s3:::snaq-lake-test/aurora-export/snaq/*';
      const bucket = 'arn:${AWS::Partition}:s3:::snaq-lake-test';
      expect(Object.fromEntries(byAction)).toEqual({
        's3:GetObject': [objects],
        's3:PutObject': [objects],
        's3:DeleteObject': [objects],
        's3:AbortMultipartUpload': [objects],
        's3:ListMultipartUploadParts': [objects],
        's3:ListBucket': [bucket],
        's3:ListBucketMultipartUploads': [bucket],
      });
      expect(statements.find((s) => list(s.Action).includes('s3:ListBucket'))!.Condition).toEqual({ StringLike: { 's3:prefix': ['aurora-export/snaq/*'] } });
      // No s3:prefix key exists for ListBucketMultipartUploads: a condition on it would always deny.
      expect(statements.find((s) => list(s.Action).includes('s3:ListBucketMultipartUploads'))!.Condition).toBeUndefined();
      // Deletes nowhere else in the stack.
      const deletes = allStatements(template).filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => /^s3:Delete/.test(a)));
      expect(deletes.map((s) => flat(s.Resource))).toEqual([objects]);
    });

    test('with lakeKmsKeyArn the task role may encrypt and decrypt with that key through S3 only', () => {
      const key = 'arn:aws:kms:ap-northeast-1:123456789012:key/00000000-0000-0000-0000-000000000000';
      const { template: withKey } = synth({ lakeKmsKeyArn: key });
      const kms = roleStatements(withKey, roleId(withKey, 'LakeExportTaskRole')).filter((s) => list(s.Action).some((a) => a.startsWith('kms:')));
      expect(kms).toHaveLength(1);
      expect(list(kms[0]!.Action).sort()).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
      expect(kms[0]!.Resource).toBe(key);
      expect(kms[0]!.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.ap-northeast-1.amazonaws.com' } });
    });

    test('only the execution role reads secrets, and only the two given ARNs', () => {
      const execution = roleId(template, 'LakeExportExecutionRole');
      const readers = allStatements(template).filter((s) => list(s.Action).some((a) => a.startsWith('secretsmanager:')));
      const byRole = new Map<string, string[]>();
      for (const s of readers) {
        const roles = list<Json>(template.toJSON().Resources[s.where].Properties.Roles).map((r) => r.Ref as string);
        for (const role of roles) byRole.set(role, [...(byRole.get(role) ?? []), ...list<Json>(s.Resource).map(flat)]);
      }
      const lambdaRole = (Object.values(template.findResources('AWS::Lambda::Function'))[0] as Json).Properties.Role['Fn::GetAtt'][0] as string;
      // The Lambda reads its own query-token key; nobody else but the execution role reads any secret.
      expect([...byRole.keys()].sort()).toEqual([execution, lambdaRole].sort());
      expect(byRole.get(execution)!.sort()).toEqual([PSEUDONYM_KEY_SECRET_ARN, SOURCE_SECRET_ARN].sort());
      const executionActions = readers.filter((s) => template.toJSON().Resources[s.where].Properties.Roles.some((r: Json) => r.Ref === execution));
      expect([...new Set(executionActions.flatMap((s) => list(s.Action)))].sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    });

    test('a partial secret ARN is granted with the -?????? suffix Secrets Manager appends', () => {
      const partial = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:snaq/source';
      expect(isCompleteSecretArn(partial)).toBe(false);
      expect(isCompleteSecretArn(SOURCE_SECRET_ARN)).toBe(true);
      const { template: withPartial } = synth({ sourceSecretArn: partial });
      const resources = resourcesByAction(roleStatements(withPartial, roleId(withPartial, 'LakeExportExecutionRole'))).get('secretsmanager:GetSecretValue');
      expect(resources!.sort()).toEqual([`${partial}-??????`, PSEUDONYM_KEY_SECRET_ARN].sort());
      expect(() => synth({ sourceSecretArn: 'snaq/source' })).toThrow(/sourceSecretArn must be a Secrets Manager secret ARN/);
    });
  });

  describe('alarms', () => {
    const alarmsOf = (t: Template) => resourcesOf(t, 'AWS::CloudWatch::Alarm').filter(([id]) => id.startsWith('LakeExportAlarms'));
    const topicRef = () => ({ Ref: onlyResource(template, 'AWS::SNS::Topic')[0] });

    test('metric filters count the job’s own event names into snaq/export (TablePublished per table)', () => {
      const filters = resourcesOf(template, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
      expect(filters).toHaveLength(Object.keys(EXPORT_METRICS).length);
      for (const [key, metricName] of Object.entries(EXPORT_METRICS)) {
        const event = EXPORT_METRIC_EVENTS[key as keyof typeof EXPORT_METRICS];
        expect(Object.values(EXPORT_JOB_EVENTS)).toContain(event);
        const filter = filters.find((f) => f.MetricTransformations[0].MetricName === metricName);
        expect(filter.FilterPattern).toBe(`{ $.event = "${event}" }`);
        expect(filter.MetricTransformations[0]).toMatchObject({ MetricNamespace: EXPORT_METRICS_NAMESPACE, MetricValue: '1' });
      }
      expect(EXPORT_METRIC_EVENTS.running).toBe(EXPORT_JOB_EVENTS.heartbeat);
      const tables = filters.find((f) => f.MetricTransformations[0].MetricName === EXPORT_METRICS.tablePublished);
      expect(tables.MetricTransformations[0].Dimensions).toEqual([{ Key: 'Table', Value: '$.table' }]);
    });

    test('five kinds, each to the SNS topic: failed, refused, per-table freshness, history list during a run, task stopped without a verdict', () => {
      const alarms = alarmsOf(template).map(([, a]) => a.Properties);
      expect(alarms).toHaveLength(3 + LAKE_TABLES.length);
      for (const alarm of alarms) {
        expect(alarm.AlarmActions).toEqual([topicRef()]);
        expect(alarm.OKActions).toEqual([topicRef()]);
      }
      const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
      for (const name of [EXPORT_METRICS.failed, EXPORT_METRICS.refused]) {
        expect(byMetric(name)).toEqual([
          expect.objectContaining({
            Namespace: 'snaq/export',
            Statistic: 'Sum',
            Period: 300,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            EvaluationPeriods: 1,
            TreatMissingData: 'notBreaching',
          }),
        ]);
      }
      expect(byMetric(EXPORT_METRICS.tablePublished)).toHaveLength(LAKE_TABLES.length);
      expect(alarms.filter((a) => a.Metrics)).toHaveLength(1);

      const [, rule] = onlyResource(template, 'AWS::Events::Rule');
      expect(rule.Properties.EventPattern).toMatchObject({
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { clusterArn: [{ 'Fn::GetAtt': [onlyResource(template, 'AWS::ECS::Cluster')[0], 'Arn'] }], lastStatus: ['STOPPED'] },
      });
      expect(JSON.stringify(rule.Properties.EventPattern.detail.$or)).toBe(
        JSON.stringify([{ stopCode: ['TaskFailedToStart'] }, { containers: { exitCode: [{ 'anything-but': [0, 1, 2] }] } }]),
      );
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: topicRef(), RoleArn: expect.anything() })]);
      // Published with a role EventBridge assumes, not by a topic policy open to every rule.
      expect(allStatements(template).filter((s) => JSON.stringify(s.Principal ?? '').includes('events.amazonaws.com'))).toEqual([]);
    });

    test('every table with a freshness SLO has an alarm: no publish in each 1-hour period of its SLO (capped at 7 days)', () => {
      const alarms = alarmsOf(template)
        .map(([, a]) => a.Properties)
        .filter((a) => a.MetricName === EXPORT_METRICS.tablePublished);
      for (const [table, slo] of Object.entries(FRESHNESS_SLO_HOURS)) {
        const alarm = alarms.find((a) => a.Dimensions?.[0]?.Value === table);
        expect({ table, found: Boolean(alarm) }).toEqual({ table, found: true });
        const hours = Math.min(slo, MAX_ALARM_WINDOW_HOURS);
        expect(alarm).toMatchObject({
          Dimensions: [{ Name: 'Table', Value: table }],
          Statistic: 'Sum',
          Period: 3600,
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          EvaluationPeriods: hours,
          DatapointsToAlarm: hours,
          TreatMissingData: 'breaching',
        });
        // CloudWatch: Period × EvaluationPeriods ≤ 7 days.
        expect(alarm.Period * alarm.EvaluationPeriods).toBeLessThanOrEqual(7 * 24 * 3600);
        if (slo <= MAX_ALARM_WINDOW_HOURS) expect(alarm.Period * alarm.EvaluationPeriods).toBe(slo * 3600);
        else expect(alarm.AlarmDescription).toContain(`freshness SLO ${slo} h`);
      }
    });

    test("the writer's history list alarm is metric math over ExportRunning and RollbackSegmentHistoryListLength", () => {
      const alarm = alarmsOf(template)
        .map(([, a]) => a.Properties)
        .find((a) => a.Metrics)!;
      expect(alarm).toMatchObject({
        Threshold: 100_000,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      });
      const byId = Object.fromEntries((alarm.Metrics as Json[]).map((m) => [m.Id, m]));
      expect(byId.running.MetricStat).toEqual({ Metric: { Namespace: 'snaq/export', MetricName: 'ExportRunning' }, Period: 60, Stat: 'Maximum' });
      expect(byId.hll.MetricStat).toEqual({
        Metric: {
          Namespace: 'AWS/RDS',
          MetricName: 'RollbackSegmentHistoryListLength',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'snaq-writer-1' }],
        },
        Period: 60,
        Stat: 'Maximum',
      });
      expect((alarm.Metrics as Json[]).find((m) => m.Expression)).toMatchObject({ Expression: 'IF(running > 0, hll, 0)', ReturnData: true });
      const custom = alarmsOf(synth({ historyListThreshold: 20_000 }).template)
        .map(([, a]) => a.Properties)
        .find((a) => a.Metrics)!;
      expect(custom.Threshold).toBe(20_000);
    });
  });
});

describe('the image', () => {
  test('the Dockerfile: node 22 slim, runtime dependencies from the lock file, the sources, a non-root user, the job as its command', () => {
    const dockerfile = fs.readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
    const lines = dockerfile.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(lines[0]).toBe('FROM node:22-bookworm-slim');
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    for (const copied of ['COPY package.json package-lock.json ./', 'COPY bin/ ./bin/', 'COPY src/ ./src/', 'COPY tsconfig*.json ./'])
      expect(lines).toContain(copied);
    // Never the whole context: no `COPY . .` that would bring local lakes or node_modules along.
    expect(dockerfile).not.toMatch(/^COPY \.\s/m);
    expect(lines).toContain('USER node');
    expect(lines.indexOf('USER node')).toBeLessThan(lines.findIndex((line) => line.startsWith('ENTRYPOINT')));
    expect(lines).toContain('ENTRYPOINT ["node", "bin/snaq.js"]');
    expect(lines).toContain('CMD ["lake", "export-job"]');
  });

  test('.dockerignore lets through only what the image copies, and never node_modules, .snaq, .git, cdk.out, dist or coverage', () => {
    const patterns = fs
      .readFileSync(path.join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(patterns[0]).toBe('*');
    for (const never of ['node_modules', '.snaq', '.git', 'cdk.out', 'dist', 'coverage', 'test/artifacts']) expect(patterns).toContain(never);
    expect(patterns.filter((p) => p.startsWith('!')).sort()).toEqual(
      ['!Dockerfile', '!bin/', '!package-lock.json', '!package.json', '!src/', '!tsconfig*.json'].sort(),
    );
  });
});

describe('npm run synth (src/infra/app.ts)', () => {
  const SETTINGS = /^(SNAQ_|CDK_)/;
  let outdir: string;
  const saved: Record<string, string | undefined> = {};
  const warnings: string[] = [];

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'snaq-infra-synth-'));
    for (const key of Object.keys(process.env)) {
      if (SETTINGS.test(key)) {
        saved[key] = process.env[key];
        delete process.env[key];
      }
    }
    process.env.CDK_OUTDIR = outdir;
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
    // app.ts synthesizes as it loads, like `npm run synth`.
    jest.isolateModules(() => {
      jest.requireActual('../../src/infra/app');
    });
  });

  afterAll(() => {
    jest.restoreAllMocks();
    delete process.env.CDK_OUTDIR;
    for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('synthesizes with no settings at all: no lookups, the example values named in a warning', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as Json;
    expect(manifest.missing ?? []).toEqual([]);
    expect(fs.existsSync(path.join(outdir, 'SnaqMetrics.template.json'))).toBe(true);
    expect(warnings.join('\n')).toMatch(/example values for .*SNAQ_VPC_ID.*SNAQ_EXPORT_SOURCE_SECRET_ARN/);
  });

  test("CDK's CloudFormation validation finds nothing in the template", () => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as Json;
    expect((report.pluginReports as Json[]).flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  test('the image context staged into cdk.out holds only what the Dockerfile copies', () => {
    const assets = JSON.parse(fs.readFileSync(path.join(outdir, 'SnaqMetrics.assets.json'), 'utf8')) as Json;
    const image = Object.values(assets.dockerImages)[0] as Json;
    const staged = path.join(outdir, image.source.directory as string);
    const top = fs.readdirSync(staged).sort();
    expect(top).toEqual(
      ['.dockerignore', 'Dockerfile', 'bin', 'package-lock.json', 'package.json', 'src', ...top.filter((f) => /^tsconfig.*\.json$/.test(f))].sort(),
    );
    expect(fs.existsSync(path.join(staged, 'bin', 'snaq.js'))).toBe(true);
    expect(fs.existsSync(path.join(staged, 'src', 'cli', 'main.ts'))).toBe(true);
  });
});
