/**
 * Saved CloudWatch Logs Insights queries over the API function's log group, for the questions
 * `snaq audit` answers locally. The function writes its audit lines (contract/audit.ts) to stdout
 * as bare JSON, so Insights discovers their fields; every name below comes from the contract, so a
 * renamed field fails to compile here rather than silently matching nothing.
 *
 * The window is chosen in the console (a saved query holds none). What Insights cannot do: list
 * metrics with *no* line, since it cannot join the log against the catalog; "uses per metric" lists
 * those that were used, and a metric of `npx snaq metrics` missing from it was unused.
 */
import { aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AUDIT_FIELDS as F, AUDIT_LINE_TYPE, KINDS_THAT_PULL_NUMBERS } from '../contract/audit';

/** Replace it with a metric's name in the console before running "who pulled a metric". */
export const AUDIT_METRIC_PLACEHOLDER = 'METRIC_NAME';

/** Backquoted, so no field name is read as a word of the query language (`from`, `to`). */
const quoted = (field: string) => `\`${field}\``;
const isAudit = `${F.type} = "${AUDIT_LINE_TYPE}"`;
/** The person when verified, else the IAM principal. */
const who = `coalesce(${F.email}, ${F.principal}) as who`;
const pullsNumbers = `${F.kind} in [${KINDS_THAT_PULL_NUMBERS.map((kind) => `"${kind}"`).join(', ')}]`;

export interface AuditQuerySpec {
  /** The saved name, after the stack's folder prefix. */
  name: string;
  query: logs.QueryStringProps;
}

export const AUDIT_QUERIES: readonly AuditQuerySpec[] = [
  {
    name: 'who-pulled-a-metric',
    query: {
      fields: [F.time, who, F.kind, F.metric, F.metricVersion, quoted(F.from), quoted(F.to), F.grain, F.rows, F.cached, F.status, F.code],
      filterStatements: [isAudit, `${F.metric} = "${AUDIT_METRIC_PLACEHOLDER}"`],
      sort: `@timestamp desc`,
      limit: 1000,
    },
  },
  {
    name: 'answers-per-metric-and-person',
    query: {
      fields: [who],
      filterStatements: [isAudit, `ispresent(${F.metric})`],
      statsStatements: [`count(*) as answers, sum(${F.rows}) as rowsAnswered, sum(${F.bytesScanned}) as bytes by ${F.metric}, who`],
      sort: 'answers desc',
    },
  },
  {
    name: 'refused-requests',
    query: {
      fields: [F.time, who, F.route, F.metric, F.status, F.code, F.reason],
      filterStatements: [isAudit, `${F.status} >= 400`],
      sort: `@timestamp desc`,
      limit: 1000,
    },
  },
  {
    name: 'uses-per-metric',
    query: {
      filterStatements: [isAudit, `${F.status} = 200`, pullsNumbers],
      statsStatements: [`count(*) as uses, max(@timestamp) as lastUsed by ${F.metric}`],
      sort: 'uses asc',
    },
  },
];

export interface AuditQueriesProps {
  logGroup: logs.ILogGroup;
  /** A folder in the console's saved queries, e.g. the stack's name. */
  folder: string;
}

export class AuditQueries extends Construct {
  readonly definitions: logs.QueryDefinition[];

  constructor(scope: Construct, id: string, props: AuditQueriesProps) {
    super(scope, id);
    this.definitions = AUDIT_QUERIES.map(
      (spec) =>
        new logs.QueryDefinition(this, spec.name, {
          queryDefinitionName: `${props.folder}/audit/${spec.name}`,
          queryString: new logs.QueryString(spec.query),
          logGroups: [props.logGroup],
        }),
    );
  }
}
