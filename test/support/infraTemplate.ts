/**
 * Synthesizing the CDK stack in tests and reading its template: the props every test starts from, a
 * tiny image folder (so no test stages the repository into a temporary cdk.out), and readers for
 * ARNs and policy statements.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SnaqMetricsStack, type SnaqMetricsStackProps } from '../../src/infra/stack';

export type Json = any;

const NO_BUNDLE_DIR = path.join(os.tmpdir(), 'snaq-infra-test-no-bundle-here');

/** A folder with only a Dockerfile: staged in milliseconds, unlike the repository. */
export function tinyImageDir(): string {
  const dir = path.join(os.tmpdir(), 'snaq-infra-test-image');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
  return dir;
}

export const SOURCE_SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:snaq/export-source-AbCdEf';
export const PSEUDONYM_KEY_SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:snaq/pseudonym-key-GhIjKl';
export const SUBNETS = ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0cccccccccccccccc'];
export const ROUTE_TABLES = ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0cccccccccccccccc'];

export const BASE_PROPS: SnaqMetricsStackProps = {
  env: { account: '123456789012', region: 'ap-northeast-1' },
  lakeBucketName: 'snaq-lake-test',
  lakePrefix: 'aurora-export/snaq/',
  lambdaCodeDir: NO_BUNDLE_DIR,
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: ['ap-northeast-1a', 'ap-northeast-1c'],
  privateSubnetIds: SUBNETS,
  routeTableIds: ROUTE_TABLES,
  sourceHost: 'snaq.cluster-ro-abc.ap-northeast-1.rds.amazonaws.com',
  sourceDatabase: 'snaq',
  sourceSecretArn: SOURCE_SECRET_ARN,
  pseudonymKeySecretArn: PSEUDONYM_KEY_SECRET_ARN,
  writerInstanceId: 'snaq-writer-1',
  exportImageDir: tinyImageDir(),
};

export interface Synthesized {
  app: App;
  stack: SnaqMetricsStack;
  template: Template;
}

/**
 * CDK's built-in CloudFormation validation costs seconds per synth; the offline synth of app.ts in
 * infra.export.test.ts runs it once, on the real template, and requires it clean.
 */
export function synth(overrides: Partial<SnaqMetricsStackProps> = {}): Synthesized {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new SnaqMetricsStack(app, 'SnaqMetricsTest', { ...BASE_PROPS, ...overrides });
  return { app, stack, template: Template.fromStack(stack) };
}

/** Fn::Join / Ref / GetAtt → a readable string, so ARNs can be compared as text. */
export function flat(value: Json): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    if ('Fn::Join' in value) return (value['Fn::Join'][1] as Json[]).map(flat).join(value['Fn::Join'][0] as string);
    if ('Ref' in value) return `\${${value.Ref as string}}`;
    if ('Fn::GetAtt' in value) return `\${${(value['Fn::GetAtt'] as string[]).join('.')}}`;
  }
  return JSON.stringify(value);
}

export const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export interface Statement {
  where: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  NotResource?: Json;
  Principal?: Json;
  Condition?: Json;
}

/** Every policy statement in the template: identity policies, inline role policies and resource policies. */
export function allStatements(template: Template): Statement[] {
  const out: Statement[] = [];
  const add = (where: string, document: Json) => {
    for (const statement of list<Json>(document?.Statement)) out.push({ where, ...statement });
  };
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
  for (const [id, resource] of Object.entries(resources)) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        add(id, p.PolicyDocument);
        break;
      case 'AWS::IAM::Role':
      case 'AWS::IAM::User':
        for (const policy of list<Json>(p.Policies)) add(`${id}/${policy.PolicyName as string}`, policy.PolicyDocument);
        break;
      case 'AWS::S3::BucketPolicy':
      case 'AWS::SNS::TopicPolicy':
        add(id, p.PolicyDocument);
        break;
      default:
        break;
    }
  }
  return out;
}

/** The statements of the identity policies attached to one role (by its logical id). */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
  return allStatements(template).filter((s) => {
    const policy = resources[s.where]?.Properties;
    return policy && list<Json>(policy.Roles).some((r) => r.Ref === roleLogicalId);
  });
}

/** action → the resources (flattened) it is allowed on, over the given statements. */
export function resourcesByAction(statements: Statement[]): Map<string, string[]> {
  const byAction = new Map<string, string[]>();
  for (const s of statements) for (const a of list(s.Action)) byAction.set(a, [...(byAction.get(a) ?? []), ...list<Json>(s.Resource).map(flat)]);
  return byAction;
}
