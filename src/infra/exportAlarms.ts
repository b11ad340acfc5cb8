/**
 * What tells the data team (the stack's SNS topic) that the lake export needs a person: metrics made
 * from the job's JSON lines (src/contract/exportJob.ts names both sides), and alarms on them.
 *
 *   - a run failed, or the quality gate refused its snapshot;
 *   - a table has had no snapshot published for as long as its freshness SLO (catalog/freshness.ts);
 *   - the writer's history list grows while an export runs (the export holds purge back);
 *   - the task stopped without a verdict: it could not start (image, secrets, network) or was killed
 *     (out of memory, stopped), so it wrote no `export_failed` line.
 */
import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  aws_ecs as ecs,
  aws_events as events,
  aws_events_targets as eventTargets,
  aws_logs as logs,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAKE_TABLES, type TableName } from '../contract/lakeSchema';
import { EXPORT_JOB_EVENTS, EXPORT_JOB_EXIT, EXPORT_METRICS, EXPORT_METRICS_NAMESPACE, type ExportJobEvent } from '../contract/exportJob';
import { FRESHNESS_SLO_HOURS } from '../catalog/freshness';

/** Which job line each metric counts (each line counts 1). */
export const EXPORT_METRIC_EVENTS: Readonly<Record<keyof typeof EXPORT_METRICS, ExportJobEvent>> = {
  running: EXPORT_JOB_EVENTS.heartbeat,
  published: EXPORT_JOB_EVENTS.published,
  tablePublished: EXPORT_JOB_EVENTS.tablePublished,
  refused: EXPORT_JOB_EVENTS.refused,
  failed: EXPORT_JOB_EVENTS.failed,
};

export const DEFAULT_HISTORY_LIST_THRESHOLD = 100_000;

/**
 * PutMetricAlarm limits an alarm's window (Period × EvaluationPeriods) to 7 days, and to 1 day for
 * periods under an hour. A freshness alarm counts publishes over 1-hour periods, so its window is
 * its SLO, but at most 168 h: a longer SLO (products: 170 h) is alarmed on at 168 h, that much
 * earlier than the SLO itself. (Nightly exports publish every table, so it only matters if they stop.)
 */
export const MAX_ALARM_WINDOW_HOURS = 7 * 24;

export function freshnessWindowHours(sloHours: number): number {
  return Math.min(sloHours, MAX_ALARM_WINDOW_HOURS);
}

export interface ExportAlarmsProps {
  logGroup: logs.ILogGroup;
  topic: sns.ITopic;
  cluster: ecs.ICluster;
  /** The Aurora writer's DB instance identifier (RollbackSegmentHistoryListLength is per instance). */
  writerInstanceId: string;
  historyListThreshold?: number;
}

export class ExportAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly freshnessAlarms = new Map<TableName, cloudwatch.Alarm>();
  readonly taskStoppedRule: events.Rule;

  constructor(scope: Construct, id: string, props: ExportAlarmsProps) {
    super(scope, id);
    const threshold = props.historyListThreshold ?? DEFAULT_HISTORY_LIST_THRESHOLD;
    if (!Number.isFinite(threshold) || threshold <= 0) throw new Error(`historyListThreshold must be a positive number, not ${threshold}.`);

    for (const [key, event] of Object.entries(EXPORT_METRIC_EVENTS) as [keyof typeof EXPORT_METRICS, ExportJobEvent][]) {
      new logs.MetricFilter(this, `${EXPORT_METRICS[key]}Filter`, {
        logGroup: props.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.event', '=', event),
        metricNamespace: EXPORT_METRICS_NAMESPACE,
        metricName: EXPORT_METRICS[key],
        metricValue: '1',
        // One series per table, so each table's freshness has its own alarm.
        ...(key === 'tablePublished' ? { dimensions: { Table: '$.table' } } : {}),
      });
    }
    const metric = (name: string, statistic: string, period: Duration, dimensionsMap?: Record<string, string>) =>
      new cloudwatch.Metric({ namespace: EXPORT_METRICS_NAMESPACE, metricName: name, statistic, period, ...(dimensionsMap ? { dimensionsMap } : {}) });

    const fiveMinutes = Duration.minutes(5);
    this.alarms.push(
      new cloudwatch.Alarm(this, 'ExportFailedAlarm', {
        alarmDescription: 'The lake export failed; nothing was published (the job log says why in one line).',
        metric: metric(EXPORT_METRICS.failed, cloudwatch.Stats.SUM, fiveMinutes),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ExportRefusedAlarm', {
        alarmDescription: 'The quality gate refused the exported snapshot; the last good one keeps serving (report: <lake>/quality/<runId>.json).',
        metric: metric(EXPORT_METRICS.refused, cloudwatch.Stats.SUM, fiveMinutes),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    // No publish of a table for its SLO: hours without a line are missing data, and missing counts
    // as breaching, so the alarm needs every hour of the window empty. (Until the first export has
    // published, these alarms are in ALARM: that is true.)
    for (const table of LAKE_TABLES) {
      const slo = FRESHNESS_SLO_HOURS[table];
      const hours = freshnessWindowHours(slo);
      const alarm = new cloudwatch.Alarm(this, `Freshness_${table}`, {
        alarmDescription:
          `No snapshot of ${table} published in the last ${hours} h (freshness SLO ${slo} h` +
          (hours < slo ? `; CloudWatch alarms look back at most ${MAX_ALARM_WINDOW_HOURS} h).` : ').'),
        metric: metric(EXPORT_METRICS.tablePublished, cloudwatch.Stats.SUM, Duration.hours(1), { Table: table }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: hours,
        datapointsToAlarm: hours,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.freshnessAlarms.set(table, alarm);
      this.alarms.push(alarm);
    }

    // The writer's history list while an export runs: a reader's long statement holds back purge on
    // the writer (PLATFORM.md). Outside runs it is someone else's concern, so the expression is 0
    // there. Heartbeats come every 60 s, so `running` is present in each minute of a run.
    const minute = Duration.minutes(1);
    this.alarms.push(
      new cloudwatch.Alarm(this, 'HistoryListDuringExportAlarm', {
        alarmDescription: `The Aurora writer's RollbackSegmentHistoryListLength stayed above ${threshold} for 3 minutes while the lake export ran: stop the task if it keeps growing.`,
        metric: new cloudwatch.MathExpression({
          expression: 'IF(running > 0, hll, 0)',
          usingMetrics: {
            running: metric(EXPORT_METRICS.running, cloudwatch.Stats.MAXIMUM, minute),
            hll: new cloudwatch.Metric({
              namespace: 'AWS/RDS',
              metricName: 'RollbackSegmentHistoryListLength',
              dimensionsMap: { DBInstanceIdentifier: props.writerInstanceId },
              statistic: cloudwatch.Stats.MAXIMUM,
              period: minute,
            }),
          },
          period: minute,
          label: 'History list length on the writer while the export runs',
        }),
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    const notify = new cwActions.SnsAction(props.topic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }

    // A run that ends with a verdict exits 0, 1 or 2 after its line; anything else (killed for memory:
    // 137, stopped: 143) or a task that never started left no line for the filters above to count.
    this.taskStoppedRule = new events.Rule(this, 'TaskStoppedRule', {
      description: 'snaq lake export: the task stopped without a verdict (failed to start, or was killed).',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [props.cluster.clusterArn],
          lastStatus: ['STOPPED'],
          $or: [
            { stopCode: ['TaskFailedToStart'] },
            { containers: { exitCode: [{ 'anything-but': [EXPORT_JOB_EXIT.ok, EXPORT_JOB_EXIT.failed, EXPORT_JOB_EXIT.refused] }] } },
          ],
        },
      },
      targets: [
        new eventTargets.SnsTopic(props.topic, {
          // A role EventBridge assumes, not a topic policy open to every events.amazonaws.com rule.
          authorizeUsingRole: true,
          message: events.RuleTargetInput.fromText(
            `snaq lake export task stopped without a verdict: ${events.EventField.fromPath('$.detail.stoppedReason')} ` +
              `(stop code ${events.EventField.fromPath('$.detail.stopCode')}, task ${events.EventField.fromPath('$.detail.taskArn')}).`,
          ),
        }),
      ],
    });
  }
}
