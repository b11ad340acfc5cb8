/**
 * The audit trail on AWS: the function's log group keeps it for a set period, and the saved Logs
 * Insights queries exist, read that log group and use the audit line's field names from the contract.
 */
import { aws_logs as logs } from 'aws-cdk-lib';
import { AUDIT_FIELDS, AUDIT_LINE_TYPE, KINDS_THAT_PULL_NUMBERS } from '../../src/contract/audit';
import { AUDIT_METRIC_PLACEHOLDER, AUDIT_QUERIES } from '../../src/infra/auditQueries';
import { synth, type Json } from '../support/infraTemplate';

const { stack, template } = synth();
const resources = template.toJSON().Resources as Record<string, Json>;
const definitions = Object.values(resources).filter((resource) => resource.Type === 'AWS::Logs::QueryDefinition');
const byName = (suffix: string): Json => {
  const found = definitions.find((definition) => String(definition.Properties.Name).endsWith(`/audit/${suffix}`));
  if (!found) throw new Error(`no saved query ending in /audit/${suffix}`);
  return found.Properties;
};
const functionLogGroupId = stack.getLogicalId(stack.functionLogGroup.node.defaultChild as logs.CfnLogGroup);

test('the function log group (the audit trail) keeps 90 days, and it is the one the function writes to', () => {
  expect(resources[functionLogGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } });
  const fn = Object.values(resources).find((resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.LoggingConfig);
  expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: functionLogGroupId });
});

test('a retention chosen at deploy time is used', () => {
  const { stack: other, template: otherTemplate } = synth({ auditLogRetention: logs.RetentionDays.ONE_YEAR });
  const id = other.getLogicalId(other.functionLogGroup.node.defaultChild as logs.CfnLogGroup);
  expect(otherTemplate.toJSON().Resources[id].Properties.RetentionInDays).toBe(365);
});

test("one saved query per question, each over the function log group only, in the stack's folder", () => {
  expect(definitions).toHaveLength(AUDIT_QUERIES.length);
  expect(AUDIT_QUERIES.map((spec) => spec.name).sort()).toEqual([
    'answers-per-metric-and-person',
    'refused-requests',
    'uses-per-metric',
    'who-pulled-a-metric',
  ]);
  for (const definition of definitions) {
    expect(definition.Properties.LogGroupNames).toEqual([{ Ref: functionLogGroupId }]);
    expect(definition.Properties.Name).toMatch(/^SnaqMetricsTest\/audit\//);
  }
});

test("every query reads audit lines only, by the contract's type and field names", () => {
  for (const definition of definitions) {
    const query: string = definition.Properties.QueryString;
    expect(query).toContain(`filter ${AUDIT_FIELDS.type} = "${AUDIT_LINE_TYPE}"`);
  }
  const who = byName('who-pulled-a-metric').QueryString as string;
  expect(who).toContain(`${AUDIT_FIELDS.metric} = "${AUDIT_METRIC_PLACEHOLDER}"`);
  expect(who).toContain(`coalesce(${AUDIT_FIELDS.email}, ${AUDIT_FIELDS.principal}) as who`);
  for (const field of [
    AUDIT_FIELDS.time,
    AUDIT_FIELDS.grain,
    AUDIT_FIELDS.rows,
    AUDIT_FIELDS.cached,
    AUDIT_FIELDS.status,
    `\`${AUDIT_FIELDS.from}\``,
    `\`${AUDIT_FIELDS.to}\``,
  ]) {
    expect(who).toContain(field);
  }
  const perPerson = byName('answers-per-metric-and-person').QueryString as string;
  expect(perPerson).toMatch(new RegExp(`stats count\\(\\*\\) as answers, sum\\(${AUDIT_FIELDS.rows}\\).* by ${AUDIT_FIELDS.metric}, who`));
  const refused = byName('refused-requests').QueryString as string;
  expect(refused).toContain(`${AUDIT_FIELDS.status} >= 400`);
  for (const field of [AUDIT_FIELDS.code, AUDIT_FIELDS.reason, AUDIT_FIELDS.route]) expect(refused).toContain(field);
  const uses = byName('uses-per-metric').QueryString as string;
  expect(uses).toContain(`${AUDIT_FIELDS.status} = 200`);
  for (const kind of KINDS_THAT_PULL_NUMBERS) expect(uses).toContain(`"${kind}"`);
  expect(uses).toContain(`by ${AUDIT_FIELDS.metric}`);
});
