/**
 * The AWS deployment (src/infra): synthesized offline and checked with aws-cdk-lib/assertions.
 * Security properties first (IAM on every method, no wildcards, enforced workgroup), then shape.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../src/api/routes';
import { LAKE_SCHEMA, LAKE_TABLES } from '../../src/contract/lakeSchema';
import { API_ROUTES, GLUE_TYPES, SnaqMetricsStack } from '../../src/infra/stack';
import { allStatements, flat, list, resourcesByAction, roleStatements, synth, type Json } from '../support/infraTemplate';

/**
 * Actions allowed with `Resource: "*"` because IAM offers no resource-level permission for them.
 * Add an action here only with the reason.
 */
const RESOURCE_STAR_EXCEPTIONS: Readonly<Record<string, string>> = {
  'ecr:GetAuthorizationToken': 'the export job\'s execution role (image pull): an ECR login token is per registry, and IAM accepts only "*" for it',
};

/**
 * AWS managed policies the template may attach, with the reason. Everything else is inline and
 * scoped, and the Lambda's role has no managed policy (no AWSLambdaBasicExecutionRole: logs go to
 * the explicit log group only).
 */
const MANAGED_POLICY_EXCEPTIONS: Readonly<Record<string, string>> = {
  'service-role/AmazonAPIGatewayPushToCloudWatchLogs':
    "API Gateway's account-level CloudWatch role, required for access logging; the service writes to log groups it names itself, so AWS scopes this policy to *",
};

describe('SnaqMetricsStack', () => {
  let stack: SnaqMetricsStack;
  let template: Template;
  let synthMs = 0;

  beforeAll(() => {
    const started = Date.now();
    ({ stack, template } = synth());
    synthMs = Date.now() - started;
  });

  test('synthesizes offline in well under 20 s', () => {
    expect(synthMs).toBeLessThan(20_000);
  });

  describe('API Gateway', () => {
    test('every method except OPTIONS requires AWS_IAM authorization', () => {
      const methods = template.findResources('AWS::ApiGateway::Method');
      const nonOptions = Object.values(methods).filter((m: Json) => m.Properties.HttpMethod !== 'OPTIONS');
      expect(nonOptions).toHaveLength(API_ROUTES.length);
      for (const method of nonOptions as Json[]) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    });

    test('exposes exactly the routes of src/api/routes.ts, as Lambda proxy integrations', () => {
      const fromApi = ROUTES.map((r) => `${r.method} ${r.pattern}`).sort();
      expect(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(fromApi);
      const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Json[];
      expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(ROUTES.map((r) => r.method).sort());
      for (const method of methods) {
        expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
        expect(method.Properties.Integration.IntegrationHttpMethod).toBe('POST');
      }
      const parts = Object.values(template.findResources('AWS::ApiGateway::Resource')).map((r: Json) => r.Properties.PathPart as string);
      for (const part of ['v1', 'metrics', '{name}', 'dimensions', '{dimension}', 'values', 'query', '{id}', 'freshness', 'health']) {
        expect(parts).toContain(part);
      }
    });

    test('stage prod has access logging, throttling and a log group with retention', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'prod',
        AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
        MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
      });
      const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as Json;
      const logGroupId = stage.Properties.AccessLogSetting.DestinationArn['Fn::GetAtt'][0] as string;
      expect(template.toJSON().Resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
    });

    test('every log group has a retention period', () => {
      const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as Json[];
      expect(groups.length).toBeGreaterThanOrEqual(2);
      for (const group of groups) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    });
  });

  describe('IAM', () => {
    test('no Allow statement has a wildcard action, NotAction or NotResource', () => {
      const statements = allStatements(template);
      expect(statements.length).toBeGreaterThan(0);
      // Deny statements are the S3/SNS enforceSSL guards (Deny s3:* / sns:Publish when aws:SecureTransport is false): broad on purpose.
      for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
        expect({ where: statement.where, NotAction: statement.NotAction, NotResource: statement.NotResource }).toEqual({ where: statement.where });
        for (const action of list(statement.Action)) {
          expect({ where: statement.where, action, wildcard: action === '*' || action.includes('*') }).toEqual({
            where: statement.where,
            action,
            wildcard: false,
          });
        }
      }
    });

    test('no Resource "*" except for actions listed with a reason', () => {
      for (const statement of allStatements(template).filter((s) => s.Effect === 'Allow')) {
        const resources = list<Json>(statement.Resource);
        if (!resources.includes('*')) continue;
        for (const action of list(statement.Action))
          expect({ where: statement.where, action, allowed: action in RESOURCE_STAR_EXCEPTIONS }).toEqual({ where: statement.where, action, allowed: true });
      }
    });

    test('only the listed AWS managed policies are attached, and none to the Lambda role', () => {
      const roles = template.findResources('AWS::IAM::Role');
      for (const [id, role] of Object.entries(roles) as [string, Json][]) {
        for (const arn of list<Json>(role.Properties.ManagedPolicyArns)) {
          const name = flat(arn).replace(/^.*:policy\//, '');
          expect({ id, name, allowed: name in MANAGED_POLICY_EXCEPTIONS }).toEqual({ id, name, allowed: true });
        }
      }
      const fnRoleId = (stack.handler.role!.node.defaultChild as Json).logicalId as unknown;
      expect(fnRoleId).toBeDefined();
      const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as Json;
      const roleLogicalId = fn.Properties.Role['Fn::GetAtt'][0] as string;
      expect(roles[roleLogicalId]!.Properties.ManagedPolicyArns).toBeUndefined();
    });

    test('the Lambda role is scoped to this workgroup, this database and the lake/results prefixes', () => {
      const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as Json;
      const roleLogicalId = fn.Properties.Role['Fn::GetAtt'][0] as string;
      const statements = roleStatements(template, roleLogicalId);
      const byAction = resourcesByAction(statements);

      for (const action of [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
      ]) {
        expect(byAction.get(action)).toEqual(['arn:${AWS::Partition}:athena:ap-northeast-1:123456789012:workgroup/snaq-metrics']);
      }
      const glue = byAction.get('glue:GetTable')!;
      expect(glue).toEqual([
        'arn:${AWS::Partition}:glue:ap-northeast-1:123456789012:catalog',
        'arn:${AWS::Partition}:glue:ap-northeast-1:123456789012:database/snaq_lake',
        ...LAKE_TABLES.map((t) => `arn:\${AWS::Partition}:glue:ap-northeast-1:123456789012:table/snaq_lake/${t}`),
      ]);
      expect(byAction.get('s3:GetObject')).toEqual(
        expect.arrayContaining(['arn:${AWS::Partition}:s3:::snaq-lake-test/aurora-export/snaq/*', expect.stringMatching(/\/athena-results\/\*$/)]),
      );
      expect(byAction.get('s3:GetObject')).toHaveLength(2);
      expect(byAction.get('s3:PutObject')).toEqual([expect.stringMatching(/^\$\{ResultsBucket\w+\.Arn\}\/athena-results\/\*$/)]);
      const lakeList = statements.find((s) => list(s.Action).includes('s3:ListBucket') && flat(s.Resource).includes('snaq-lake-test'));
      expect(lakeList?.Condition).toEqual({ StringLike: { 's3:prefix': ['aurora-export/snaq/*'] } });
      expect(byAction.get('logs:PutLogEvents')).toEqual([expect.stringMatching(/^\$\{FunctionLogs\w+\.Arn\}$/)]);
      expect([...byAction.keys()].filter((a) => a.startsWith('logs:')).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(byAction.has('kms:Decrypt')).toBe(false);
      // The query-token key: read at cold start, from this one secret only.
      const secretId = Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0]!;
      expect(byAction.get('secretsmanager:GetSecretValue')).toEqual([`\${${secretId}}`]);
      expect([...byAction.keys()].filter((a) => a.startsWith('secretsmanager:'))).toEqual(['secretsmanager:GetSecretValue']);
    });

    test('the query-token HMAC key is a generated secret: no key material in the template, the function gets only its ARN', () => {
      const secrets = template.findResources('AWS::SecretsManager::Secret');
      expect(Object.keys(secrets)).toHaveLength(1);
      const [secretId, secret] = Object.entries(secrets)[0]! as [string, Json];
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: expect.any(Number), ExcludePunctuation: true });
      expect(secret.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(43); // ≥ 256 bits of [A-Za-z0-9]
      const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as Json;
      expect(fn.Properties.Environment.Variables.SNAQ_QUERY_TOKEN_SECRET).toEqual({ Ref: secretId });
      // No literal key anywhere: no SecretString, no SSM parameter value, no env variable holding key material.
      const text = JSON.stringify(template.toJSON());
      expect(text).not.toMatch(/"SecretString"|"SecretStringTemplate"|QUERY_TOKEN_KEY/);
      template.resourceCountIs('AWS::SSM::Parameter', 0);
    });

    test("lakeKmsKeyArn grants the Lambda's role kms:Decrypt on that key only, via S3", () => {
      const key = 'arn:aws:kms:ap-northeast-1:123456789012:key/00000000-0000-0000-0000-000000000000';
      const { template: withKey } = synth({ lakeKmsKeyArn: key });
      const fn = Object.values(withKey.findResources('AWS::Lambda::Function'))[0] as Json;
      const kms = roleStatements(withKey, fn.Properties.Role['Fn::GetAtt'][0] as string).filter((s) => list(s.Action).some((a) => a.startsWith('kms:')));
      expect(kms).toHaveLength(1);
      expect(kms[0]!.Action).toBe('kms:Decrypt');
      expect(kms[0]!.Resource).toBe(key);
      expect(kms[0]!.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.ap-northeast-1.amazonaws.com' } });
    });

    test('the add-on policy allows only execute-api:Invoke on this API’s prod routes', () => {
      const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Json[];
      expect(policies).toHaveLength(1);
      const statements = list<Json>(policies[0].Properties.PolicyDocument.Statement);
      expect(statements).toHaveLength(1);
      expect(statements[0].Effect).toBe('Allow');
      expect(statements[0].Action).toBe('execute-api:Invoke');
      const apiId = Object.keys(template.findResources('AWS::ApiGateway::RestApi'))[0]!;
      const arns = list<Json>(statements[0].Resource).map(flat);
      expect(arns).toHaveLength(API_ROUTES.length);
      for (const arn of arns) {
        expect(arn).toMatch(new RegExp(`^arn:\\$\\{AWS::Partition\\}:execute-api:ap-northeast-1:123456789012:\\$\\{${apiId}\\}/prod/(GET|POST)/v1/`));
      }
      expect(arns).toContain(`arn:\${AWS::Partition}:execute-api:ap-northeast-1:123456789012:\${${apiId}}/prod/POST/v1/query`);
      expect(arns).toContain(`arn:\${AWS::Partition}:execute-api:ap-northeast-1:123456789012:\${${apiId}}/prod/GET/v1/metrics/*/dimensions/*/values`);
      template.resourceCountIs('AWS::IAM::User', 0);
    });

    test('createAddonUser makes the user snaq-sheets-addon with that policy and no access key', () => {
      const { template: withUser } = synth({ createAddonUser: true });
      withUser.resourceCountIs('AWS::IAM::User', 1);
      withUser.hasResourceProperties('AWS::IAM::User', {
        UserName: 'snaq-sheets-addon',
        ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^AddonInvokePolicy') }],
      });
      const users = Object.values(withUser.findResources('AWS::IAM::User')) as Json[];
      expect(users[0].Properties.Policies).toBeUndefined();
      withUser.resourceCountIs('AWS::IAM::AccessKey', 0);
    });
  });

  describe('Athena and Glue', () => {
    test('the workgroup enforces its configuration, limits bytes scanned and encrypts results on engine v3', () => {
      template.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: 'snaq-metrics',
        State: 'ENABLED',
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
          PublishCloudWatchMetricsEnabled: true,
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          ResultConfiguration: {
            OutputLocation: Match.anyValue(),
            EncryptionConfiguration: { EncryptionOption: Match.stringLikeRegexp('^(SSE_S3|SSE_KMS|CSE_KMS)$') },
          },
        },
      });
      const custom = synth({ bytesScannedCutoffPerQuery: 1024 ** 3 }).template;
      custom.hasResourceProperties('AWS::Athena::WorkGroup', { WorkGroupConfiguration: { BytesScannedCutoffPerQuery: 1024 ** 3 } });
      expect(() => synth({ bytesScannedCutoffPerQuery: 1000 })).toThrow(/at least 10 MB/);
    });

    test('the created results bucket is encrypted, private, SSL-only and expires results after 30 days', () => {
      template.resourceCountIs('AWS::S3::Bucket', 1);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })]) },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
      const wg = Object.values(template.findResources('AWS::Athena::WorkGroup'))[0] as Json;
      expect(flat(wg.Properties.WorkGroupConfiguration.ResultConfiguration.OutputLocation)).toMatch(/^s3:\/\/\$\{ResultsBucket\w+\}\/athena-results\/$/);
    });

    test('an existing results bucket is used as is', () => {
      const { template: existing } = synth({ resultsBucketName: 'snaq-athena-results' });
      existing.resourceCountIs('AWS::S3::Bucket', 0);
      existing.hasResourceProperties('AWS::Athena::WorkGroup', {
        WorkGroupConfiguration: { ResultConfiguration: { OutputLocation: 's3://snaq-athena-results/athena-results/' } },
      });
      // The results prefix, and the lake prefix for the export job only.
      const puts = allStatements(existing).filter((s) => list(s.Action).includes('s3:PutObject'));
      expect(puts.map((s) => flat(s.Resource)).sort()).toEqual([
        'arn:${AWS::Partition}:s3:::snaq-athena-results/athena-results/*',
        'arn:${AWS::Partition}:s3:::snaq-lake-test/aurora-export/snaq/*',
      ]);
      expect(puts.find((s) => flat(s.Resource).includes('snaq-lake-test'))!.where).toMatch(/^LakeExportTaskRole/);
    });

    test('Glue has the snaq_lake database and one Parquet external table per lake table with the contract columns and an injected snapshot partition', () => {
      template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'snaq_lake' } });
      const tables = Object.values(template.findResources('AWS::Glue::Table')) as Json[];
      expect(tables.map((t) => t.Properties.TableInput.Name).sort()).toEqual([...LAKE_TABLES].sort());
      for (const table of tables) {
        const input = table.Properties.TableInput;
        const name = input.Name as (typeof LAKE_TABLES)[number];
        expect(table.Properties.DatabaseName).toBe('snaq_lake');
        expect(input.TableType).toBe('EXTERNAL_TABLE');
        // Every snapshot of the table, chosen per query through the injected `snapshot` partition (lake layout v2).
        expect(input.StorageDescriptor.Location).toBe('s3://snaq-lake-test/aurora-export/snaq/snapshots/');
        expect(input.PartitionKeys).toEqual([{ Name: 'snapshot', Type: 'string' }]);
        expect(input.Parameters).toMatchObject({
          'projection.enabled': 'true',
          'projection.snapshot.type': 'injected',
          'storage.location.template': `s3://snaq-lake-test/aurora-export/snaq/snapshots/\${snapshot}/${name}/`,
        });
        expect(Object.keys(input.Parameters).filter((key: string) => key.startsWith('projection.snapshot.'))).toEqual(['projection.snapshot.type']);
        expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
        expect(input.StorageDescriptor.InputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
        expect(input.StorageDescriptor.Columns).toEqual(
          Object.entries(LAKE_SCHEMA[name].columns).map(([column, type]) => ({ Name: column, Type: GLUE_TYPES[type] })),
        );
      }
      expect(GLUE_TYPES).toEqual({ BIGINT: 'bigint', INTEGER: 'int', VARCHAR: 'string', DATE: 'date', TIMESTAMP: 'timestamp', BOOLEAN: 'boolean' });
    });

    test('rejects a lake prefix without a trailing slash', () => {
      expect(() => synth({ lakePrefix: 'aurora-export/snaq' })).toThrow(/lakePrefix/);
    });
  });

  describe('Lambda', () => {
    test('Node 22 or 24 on arm64 (nodejs20.x is deprecated), 1024 MB, timeout ≤ 29 s, the Athena environment, an explicit log group', () => {
      const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as Json;
      template.resourceCountIs('AWS::Lambda::Function', 1);
      expect(fn.Properties.Runtime).toMatch(/^nodejs2[24]\.x$/);
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.MemorySize).toBe(1024);
      expect(fn.Properties.Timeout).toBeLessThanOrEqual(29);
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.stringMatching(/^FunctionLogs/) });
      const env = fn.Properties.Environment.Variables;
      expect(Object.keys(env).sort()).toEqual(
        [
          'SNAQ_ATHENA_DATABASE',
          'SNAQ_ATHENA_OUTPUT',
          'SNAQ_ATHENA_REGION',
          'SNAQ_ATHENA_REUSE_MINUTES',
          'SNAQ_ATHENA_WORKGROUP',
          'SNAQ_LAKE_MANIFEST',
          'SNAQ_QUERY_TOKEN_SECRET',
        ].sort(),
      );
      expect(env.SNAQ_ATHENA_REGION).toBe('ap-northeast-1');
      expect(env.SNAQ_ATHENA_WORKGROUP).toBe('snaq-metrics');
      expect(env.SNAQ_ATHENA_DATABASE).toBe('snaq_lake');
      expect(env.SNAQ_ATHENA_REUSE_MINUTES).toBe('60');
      expect(env.SNAQ_LAKE_MANIFEST).toBe('s3://snaq-lake-test/aurora-export/snaq/manifest.json');
      const wg = Object.values(template.findResources('AWS::Athena::WorkGroup'))[0] as Json;
      expect(env.SNAQ_ATHENA_OUTPUT).toEqual(wg.Properties.WorkGroupConfiguration.ResultConfiguration.OutputLocation);
    });

    test('without dist/api/lambda.js the function is an inline 503 stub and the stack warns', () => {
      const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as Json;
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.Code.ZipFile).toContain('statusCode:503');
      Annotations.fromStack(stack).hasWarning('/SnaqMetricsTest', Match.stringLikeRegexp('lambda\\.js does not exist'));
    });

    test('with a built bundle the function uses it as an asset with handler lambda.handler', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snaq-infra-bundle-'));
      try {
        fs.writeFileSync(path.join(dir, 'lambda.js'), 'exports.handler = async () => ({ statusCode: 200, body: "{}" });\n');
        const { stack: built, template: builtTemplate } = synth({ lambdaCodeDir: dir });
        const fn = Object.values(builtTemplate.findResources('AWS::Lambda::Function'))[0] as Json;
        expect(fn.Properties.Handler).toBe('lambda.handler');
        expect(fn.Properties.Code.S3Bucket).toBeDefined();
        expect(fn.Properties.Code.ZipFile).toBeUndefined();
        Annotations.fromStack(built).hasNoWarning('/SnaqMetricsTest', Match.stringLikeRegexp('lambda\\.js does not exist'));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('alarms and outputs', () => {
    test('alarms on API 5XX rate, API p95 latency, Lambda errors and failed Athena queries, all to the SNS topic', () => {
      // The export job's alarms are in infra.export.test.ts.
      const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
        .filter(([id]) => !id.startsWith('LakeExport'))
        .map(([, alarm]) => alarm as Json);
      expect(alarms).toHaveLength(4);
      const find = (metric: string) => alarms.find((a) => a.Properties.MetricName === metric)?.Properties;
      expect(find('5XXError')).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Average', Threshold: 0.05 });
      expect(find('Latency')).toMatchObject({ Namespace: 'AWS/ApiGateway', ExtendedStatistic: 'p95', Threshold: 20_000 });
      expect(find('Errors')).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum' });
      const athena = find('TotalExecutionTime');
      expect(athena).toMatchObject({ Namespace: 'AWS/Athena', Statistic: 'SampleCount' });
      expect(athena.Dimensions).toEqual(
        expect.arrayContaining([
          { Name: 'QueryState', Value: 'FAILED' },
          { Name: 'WorkGroup', Value: 'snaq-metrics' },
        ]),
      );
      const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    test('alarmEmail subscribes that address to the topic', () => {
      synth({ alarmEmail: 'data-team@example.com' }).template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'data-team@example.com',
      });
    });

    test('outputs the API URL, the add-on policy ARN and the workgroup name', () => {
      template.hasOutput('ApiUrl', { Value: Match.anyValue() });
      template.hasOutput('AddonPolicyArn', { Value: { Ref: Match.stringLikeRegexp('^AddonInvokePolicy') } });
      template.hasOutput('WorkGroupName', { Value: 'snaq-metrics' });
    });
  });
});
