/**
 * What the scheduled export job (src/export/exportJob.ts) says on stdout, one JSON object per line,
 * and what the CDK stack (src/infra) counts from it with CloudWatch Logs metric filters. Both sides
 * import these names, so an alarm cannot listen for a line the job no longer writes.
 *
 * Every line is `{"time": ISO, "event": <one of EXPORT_JOB_EVENTS>, ...}`; `table_published` adds
 * `"table"`, the others may add `snapshotId`, `runId` and a one-line `error` (never personal data).
 */
export const EXPORT_JOB_EVENTS = {
  /** Every EXPORT_HEARTBEAT_MS while a run holds the lake's lock (metric ExportRunning = 1). */
  heartbeat: 'export_heartbeat',
  /** A snapshot was published. */
  published: 'export_published',
  /** One line per table of a published snapshot (metric TablePublished, dimension Table). */
  tablePublished: 'table_published',
  /** The quality gate refused the staged snapshot; the last good one keeps serving. */
  refused: 'export_refused',
  /** The run failed (source, lake, configuration); nothing was published. */
  failed: 'export_failed',
  /** Another export held the lock, so this run did nothing (not a failure: runs never overlap). */
  skipped: 'export_skipped',
  /** Progress and notices (`message`), not counted. */
  note: 'export_note',
} as const;

export type ExportJobEvent = (typeof EXPORT_JOB_EVENTS)[keyof typeof EXPORT_JOB_EVENTS];

/** The CloudWatch namespace of the metrics the stack's filters make from the job's lines. */
export const EXPORT_METRICS_NAMESPACE = 'snaq/export';

/** The metric names, one per counted event. */
export const EXPORT_METRICS = {
  running: 'ExportRunning',
  published: 'ExportPublished',
  tablePublished: 'TablePublished',
  refused: 'ExportRefused',
  failed: 'ExportFailed',
} as const;

export const EXPORT_HEARTBEAT_MS = 60_000;

/** The job's exit codes: 0 published or skipped, 2 refused by the quality gate, 1 failed. */
export const EXPORT_JOB_EXIT = { ok: 0, failed: 1, refused: 2 } as const;

/**
 * Athena's "DML query timeout" quota (30 minutes by default): no query runs longer, so a snapshot
 * superseded for longer than twice that can no longer be read by anyone and may be deleted.
 */
export const LONGEST_ATHENA_QUERY_MS = 30 * 60_000;
export const SNAPSHOT_RETIRE_AFTER_MS = 2 * LONGEST_ATHENA_QUERY_MS;
