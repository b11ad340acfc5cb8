/**
 * The scheduled export job (`snaq lake export-job`, the container's command on Fargate): one export
 * to the S3 lake, configured by the environment, speaking in JSON lines that CloudWatch Logs metric
 * filters count (src/contract/exportJob.ts names them; src/infra alarms on them).
 *
 * Environment: SNAQ_LAKE (s3://bucket/prefix); the source as SNAQ_SOURCE_URL, or SNAQ_SOURCE_HOST,
 * SNAQ_SOURCE_PORT (3306), SNAQ_SOURCE_DATABASE, SNAQ_SOURCE_USER and SNAQ_SOURCE_PASSWORD (the
 * last two injected from Secrets Manager); SNAQ_PSEUDONYM_KEY; AWS_REGION and the task role's
 * credentials; SNAQ_SOURCE_TLS=rds for TLS to Aurora (the stack sets it); SNAQ_EXPORT_WORK_DIR (optional, the local mirror).
 */
import { EXPORT_JOB_EVENTS, EXPORT_JOB_EXIT, type ExportJobEvent } from '../contract/exportJob';
import { oneLineError } from '../lake/lakeHistory';
import { LakeError } from '../lake/manifest';
import type { LakeObjectStore } from '../lake/s3/s3Lake';
import { s3ClientFromEnv } from '../lake/s3/s3Client';
import { isS3Url } from '../lake/s3/s3Url';
import { ExportError } from './exportLake';
import { exportToS3 } from './s3Export';
import { parseSourceUrl, sourceLocationFrom, type SourceLocation } from './sourceUrl';

export interface ExportJobOptions {
  env: NodeJS.ProcessEnv;
  full?: boolean;
  /** One JSON line at a time (stdout in the container). */
  write: (line: string) => void;
  /** The S3 client (default: from the environment). */
  store?: LakeObjectStore;
  heartbeatMs?: number;
}

/** Runs one export and says how it went; the exit code is EXPORT_JOB_EXIT's. Never throws. */
export async function runExportJob(options: ExportJobOptions): Promise<number> {
  const emit = (event: ExportJobEvent, facts: Record<string, unknown> = {}) =>
    options.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...facts })}\n`);
  try {
    const { lake, source } = jobConfig(options.env);
    const result = await exportToS3({
      lake,
      source,
      store: options.store ?? s3ClientFromEnv(options.env),
      full: options.full ?? false,
      env: options.env,
      ...(options.env.SNAQ_EXPORT_WORK_DIR ? { workDir: options.env.SNAQ_EXPORT_WORK_DIR } : {}),
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      onHeartbeat: () => emit(EXPORT_JOB_EVENTS.heartbeat),
      say: (message) => emit(EXPORT_JOB_EVENTS.note, { message }),
    });
    const { manifest } = result;
    for (const [table, entry] of Object.entries(manifest.tables)) {
      emit(EXPORT_JOB_EVENTS.tablePublished, { table, snapshotId: manifest.snapshotId, snapshotAt: entry.snapshotAt, rows: entry.rows });
    }
    emit(EXPORT_JOB_EVENTS.published, {
      snapshotId: manifest.snapshotId,
      full: result.full,
      elapsedMs: result.elapsedMs,
      ...result.transfer,
      retired: result.retiredOnS3,
      longestStatementMs: result.statements.longestMs,
    });
    return EXPORT_JOB_EXIT.ok;
  } catch (error) {
    if (error instanceof ExportError && error.reason === 'quality_failed') {
      const failed = error.facts.report?.tables.flatMap((table) =>
        table.checks.filter((check) => check.outcome === 'failed').map((check) => `${table.table}.${check.check}`),
      );
      emit(EXPORT_JOB_EVENTS.refused, { error: oneLineError(error), failed: failed ?? [] });
      return EXPORT_JOB_EXIT.refused;
    }
    if (error instanceof LakeError && error.reason === 'export_running') {
      emit(EXPORT_JOB_EVENTS.skipped, { error: oneLineError(error) });
      return EXPORT_JOB_EXIT.ok;
    }
    emit(EXPORT_JOB_EVENTS.failed, { error: oneLineError(error), kind: error instanceof Error ? error.name : typeof error });
    return EXPORT_JOB_EXIT.failed;
  }
}

/** SNAQ_LAKE and the source, from the environment; a missing piece names the variable to set. */
export function jobConfig(env: NodeJS.ProcessEnv): { lake: string; source: SourceLocation } {
  const lake = env.SNAQ_LAKE ?? '';
  if (!isS3Url(lake)) throw new Error(`SNAQ_LAKE must name the S3 lake, s3://bucket/prefix, not "${lake}".`);
  const tls = env.SNAQ_SOURCE_TLS ?? '';
  if (tls !== '' && tls !== 'rds')
    throw new Error(`SNAQ_SOURCE_TLS must be "rds" (TLS against the Amazon RDS certificate authorities) or unset, not "${tls}".`);
  const withTls = (source: SourceLocation): SourceLocation => (tls === 'rds' ? { ...source, tls } : source);
  if (env.SNAQ_SOURCE_URL) return { lake, source: withTls(sourceLocationFrom(undefined, env)) };
  const missing = ['SNAQ_SOURCE_HOST', 'SNAQ_SOURCE_DATABASE', 'SNAQ_SOURCE_USER', 'SNAQ_SOURCE_PASSWORD'].filter((name) => !env[name]);
  if (missing.length) throw new Error(`The source is not configured: set SNAQ_SOURCE_URL, or ${missing.join(', ')}.`);
  const port = env.SNAQ_SOURCE_PORT ?? '3306';
  if (!/^\d{1,5}$/.test(port)) throw new Error(`SNAQ_SOURCE_PORT must be a port number, not "${port}".`);
  // Parsed like a URL so both ways of configuring meet the same checks; the password never enters a message.
  const location = parseSourceUrl(
    `mysql://${encodeURIComponent(env.SNAQ_SOURCE_USER!)}@${env.SNAQ_SOURCE_HOST}:${port}/${encodeURIComponent(env.SNAQ_SOURCE_DATABASE!)}`,
  );
  return { lake, source: withTls({ ...location, password: env.SNAQ_SOURCE_PASSWORD! }) };
}
