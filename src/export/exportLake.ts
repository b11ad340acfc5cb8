/**
 * `snaq lake export`: the source into a new lake snapshot, published only when the quality gate passes.
 *
 * One run: take the lock; check the source's schema against the contract; take the snapshot instant
 * from the source's clock; read every table (children before parents, so rows inserted during the
 * run never point at a parent the snapshot lacks) into the staging folder; gate the staged snapshot;
 * publish it atomically, or refuse it. Whatever happens, the history gets one line and the published
 * snapshot stays as it was until the new one replaces it whole.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE_TABLES, type TableName } from '../contract/lakeSchema';
import { EXPORT_STRATEGIES } from '../contract/exportStrategies';
import type { LakeManifest, TableSnapshot } from '../contract/snapshot';
import { inspectLake, LakeError, type ReadableLakeManifest } from '../lake/manifest';
import { pseudonymKeyFingerprint, pseudonymKeyFromEnv, PSEUDONYM_KEY_ENV, samplePseudonymKey } from '../lake/pseudonym';
import { checkLakeQuality, writeQualityReport } from '../lake/quality';
import { acquireExportLock, type ExportLock } from '../lake/exportLock';
import { appendHistory, oneLineError, type HistoryEntry } from '../lake/lakeHistory';
import { lakePaths, newRunId, qualityReportFile, qualityReportPath, snapshotTablePath } from '../lake/lakeLayout';
import { prepareStaging, publishSnapshot, readCursors } from '../lake/lakeStore';
import type { QualityReport } from '../contract/lakeQuality';
import { rowTreatment, tableShape, jstDateOf } from './lakeRows';
import { sourceClock, sourceDatetime } from './sourceClock';
import { sourceTablesInDependencyOrder } from './sourceDdl';
import { DEFAULT_CAP_SECONDS, SourceReader, type ReaderOptions } from './sourceReader';
import { compareSourceSchema, SOURCE_COLUMNS_QUERY, type SchemaComparison } from './sourceSchemaCheck';
import type { SourceLocation } from './sourceUrl';
import type { StatementSummary } from './statementStats';
import { exportTable } from './tableExport';

/** How far before the last snapshot instant the next merge read starts: a transaction that committed late, or a clock a little behind, is still met. */
export const CURSOR_OVERLAP_MS = 10 * 60 * 1000;
/** The work database's memory: with Parquet parts and spilling, the export's footprint stays flat with the source's size. */
const WORK_MEMORY_LIMIT = '128MB';

/** The cursors a published snapshot leaves for the next run (`cursors/<snapshotId>.json`). */
export interface ExportCursors {
  version: 1;
  pseudonymKeyFingerprint: string;
  /** Per merge table: the `updated_at` (source DATETIME text, UTC) the next run reads from. */
  tables: Partial<Record<TableName, { since: string }>>;
}

export interface ExportOptions {
  lakeDir: string;
  source: SourceLocation;
  /** Read every table whole, whatever the cursors say. */
  full?: boolean;
  env?: NodeJS.ProcessEnv;
  reader?: ReaderOptions;
  /** Snapshot rows per fingerprinted key bucket of the incremental key check (default 100,000). */
  bucketRows?: number;
  /** Snapshots to keep (default 7). */
  keep?: number;
  /** Progress and notices, one line each (stderr in the CLI). */
  say?: (line: string) => void;
  /** Called after each table is staged (tests use it to write to the source mid-run). */
  afterTable?: (table: TableName) => Promise<void> | void;
  /** The run's id (default: a new one from the start time); a caller that records the run elsewhere too names it. */
  runId?: string;
  /**
   * Called once the gate passed, before the snapshot becomes current here: the S3 lake publishes it
   * there first (s3Export.ts). Its failure fails the run, and nothing is published here either.
   */
  beforePublish?: (staged: { stagingDir: string; manifest: LakeManifest; cursors: ExportCursors; qualityReportFile: string }) => Promise<void>;
}

export interface ExportResult {
  runId: string;
  manifest: LakeManifest;
  full: boolean;
  developmentKey: boolean;
  newColumns: SchemaComparison['newColumns'];
  statements: StatementSummary;
  qualityReport: string;
  retired: string[];
  elapsedMs: number;
}

export type ExportProblem = 'quality_failed' | 'export_into_sample';

/** A run that ends without publishing for a reason of its own (the source's and the lake's have their own errors). */
export class ExportError extends Error {
  constructor(
    readonly reason: ExportProblem,
    message: string,
    readonly facts: { report?: QualityReport; reportFile?: string; path?: string } = {},
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

interface PreviousSnapshot {
  manifest: ReadableLakeManifest;
  cursors?: ExportCursors;
}

/** The published snapshot, if any; a sample lake is never mixed with exports. */
function currentSnapshot(lakeDir: string): PreviousSnapshot | undefined {
  const state = inspectLake(lakeDir);
  if (state.kind === 'absent') return undefined;
  if (state.kind === 'other' && state.error.reason === 'not_a_folder') {
    throw new LakeError('lake_not_writable', lakeDir, `Cannot export into ${lakeDir}: it is a file, not a folder. Choose another --lake.`);
  }
  // A lake whose exports never published yet holds only the layout's folders (a failed first run's history and report).
  if (state.kind === 'other' && state.error.reason === 'not_a_lake' && onlyLayoutEntries(lakeDir)) return undefined;
  if (state.kind !== 'lake') throw state.error;
  if (state.sample) {
    throw new ExportError(
      'export_into_sample',
      `${lakeDir} holds a sample lake made by the generator; export into another folder (--lake or SNAQ_LAKE_DIR), so made-up and real numbers never mix.`,
      { path: lakeDir },
    );
  }
  const cursors = readCursors(lakeDir, state.manifest.snapshotId) as ExportCursors | undefined;
  return { manifest: state.manifest, ...(cursors?.version === 1 ? { cursors } : {}) };
}

function onlyLayoutEntries(lakeDir: string): boolean {
  const layout = lakePaths(lakeDir);
  const names = new Set([layout.snapshots, dirname(layout.history), layout.cursors, layout.quality, layout.staging, layout.lock].map((p) => basename(p)));
  return readdirSync(lakeDir).every((name) => names.has(name));
}

export async function exportLake(options: ExportOptions): Promise<ExportResult> {
  const started = performance.now();
  const startedAt = new Date();
  const say = options.say ?? (() => undefined);
  const runId = options.runId ?? newRunId(startedAt);
  const lakeDir = options.lakeDir;
  const lock = acquireExportLock(lakeDir, 'export');
  if (lock.tookOverFrom) {
    say(
      lock.tookOverFrom === 'unreadable'
        ? 'An unreadable lock file was left by an earlier run; taking it over.'
        : `An earlier ${lock.tookOverFrom.what} (pid ${lock.tookOverFrom.pid}, since ${lock.tookOverFrom.startedAt}) died holding the lock; taking it over.`,
    );
  }
  let previous: PreviousSnapshot | undefined;
  let reader: SourceReader | undefined;
  let workDir: string | undefined;
  const history = (entry: Omit<HistoryEntry, 'at' | 'kind' | 'runId'>) =>
    appendHistory(lakeDir, { at: new Date().toISOString(), kind: 'export', runId, elapsedMs: Math.round(performance.now() - started), ...entry });
  try {
    // Read under the lock: another export cannot publish between this and our publish.
    previous = currentSnapshot(lakeDir);
    const stagingDir = prepareStaging(lakeDir, lock, runId);
    reader = await SourceReader.open(options.source, options.reader);
    const sourceName = reader.source;
    const { rows: columnRows } = await reader.sessionPool.select(
      'setup',
      undefined,
      SOURCE_COLUMNS_QUERY,
      [],
      options.reader?.capSeconds ?? DEFAULT_CAP_SECONDS,
    );
    const comparison = compareSourceSchema(
      columnRows.map(([table, column, dataType, columnType]) => ({
        table: String(table),
        column: String(column),
        dataType: String(dataType),
        columnType: String(columnType),
      })),
      sourceName,
    );
    for (const { table, column, columnType } of comparison.newColumns) {
      say(
        `New source column ${table}.${column} (${columnType}) is not in the privacy policy: not exported (drop) until src/contract/privacyPolicy.ts gives it a treatment.`,
      );
    }
    const clock = await sourceClock(reader.sessionPool);
    const { key, developmentKey } = pseudonymKeyFor(clock.sample, options.env ?? process.env);
    if (developmentKey) {
      say(`Using the DEVELOPMENT pseudonym key: ${sourceName} is the sample source (made-up people). A real database needs ${PSEUDONYM_KEY_ENV}.`);
    }
    const fingerprint = pseudonymKeyFingerprint(key);
    const keyChanged = previous !== undefined && previous.manifest.pseudonymKeyFingerprint !== fingerprint;
    if (keyChanged) say('The pseudonym key differs from the published snapshot’s: every table is read whole, so every person id changes at once.');
    const incremental = !options.full && !keyChanged && previous?.cursors !== undefined;
    const snapshotInstant = await clock.now();
    const snapshotDate = jstDateOf(snapshotInstant);

    workDir = mkdtempSync(join(tmpdir(), 'snaq-export-'));
    const instance = await DuckDBInstance.create(join(workDir, 'work.duckdb'), {
      threads: '2',
      memory_limit: WORK_MEMORY_LIMIT,
      temp_directory: join(workDir, 'spill'),
      preserve_insertion_order: 'false',
    });
    const conn = await instance.connect();
    const tables = {} as Record<TableName, TableSnapshot>;
    const cursors: ExportCursors = { version: 1, pseudonymKeyFingerprint: fingerprint, tables: {} };
    try {
      for (const table of sourceTablesInDependencyOrder().reverse()) {
        const tableStarted = performance.now();
        const tableInstant = clock.sample ? snapshotInstant : await clock.now();
        const shape = tableShape(table);
        const outDir = join(stagingDir, table);
        mkdirSync(outDir);
        const before = previous?.manifest.tables[table];
        const since = previous?.cursors?.tables[table]?.since;
        const strategy = EXPORT_STRATEGIES[table];
        const result = await exportTable({
          conn,
          reader,
          shape,
          treatment: rowTreatment(shape, snapshotDate, key),
          outDir,
          ...(options.bucketRows ? { bucketRows: options.bucketRows } : {}),
          ...(incremental && before && (strategy.kind !== 'merge' || since !== undefined)
            ? { previous: { files: join(lakeDir, before.path, '*.parquet'), ...(since ? { since } : {}) } }
            : {}),
        });
        tables[table] = {
          snapshotAt: tableInstant.toISOString(),
          rows: result.rows,
          path: table,
          strategy: result.strategy,
          rowsRead: result.rowsRead,
          keysRead: result.keysRead,
          rowsChanged: result.rowsChanged,
        };
        if (strategy.kind === 'merge') cursors.tables[table] = { since: sourceDatetime(new Date(tableInstant.getTime() - CURSOR_OVERLAP_MS)) };
        say(
          `${table}: ${result.rows} rows (${result.strategy}${result.readWhole ? ', read whole' : ''}; ${result.rowsRead} read, ${result.keysRead} keys checked, ${result.rowsChanged} changed) in ${Math.round(performance.now() - tableStarted)} ms`,
        );
        await options.afterTable?.(table);
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }

    // The gate's "future" is the source's clock after the last read: rows written during the run are not in the future.
    const gateInstant = await clock.now();
    const ordered = Object.fromEntries(LAKE_TABLES.map((t) => [t, tables[t]])) as Record<TableName, TableSnapshot>;
    const staged: LakeManifest = {
      schemaVersion: 2,
      snapshotId: runId,
      pseudonymKeyFingerprint: fingerprint,
      generatedAt: new Date().toISOString(),
      tables: ordered,
    };
    const report = await checkLakeQuality({ dir: stagingDir, snapshotAt: gateInstant, manifest: staged, ...(previous ? { previous: previous.manifest } : {}) });
    const reportFile = qualityReportFile(lakeDir, runId);
    writeQualityReport(report, reportFile);
    const failed = report.tables.flatMap((table) =>
      table.checks.filter((check) => check.outcome === 'failed').map((check) => ({ table: table.table, check: check.check })),
    );
    const quality = { passed: report.passed, report: qualityReportPath(runId), ...(failed.length ? { failed } : {}) };
    const tableFacts = Object.fromEntries(LAKE_TABLES.map((t) => [t, { ...ordered[t], path: snapshotTablePath(runId, t) }])) as Record<
      TableName,
      TableSnapshot
    >;
    if (!report.passed) {
      history({ outcome: 'refused', previousSnapshotId: previous?.manifest.snapshotId ?? null, tables: tableFacts, quality });
      rmSync(stagingDir, { recursive: true, force: true });
      throw new ExportError('quality_failed', 'The quality gate failed; nothing was published.', { report, reportFile });
    }
    const manifest: LakeManifest = {
      ...staged,
      tables: tableFacts,
      export: {
        runId,
        source: sourceName,
        sampleSource: clock.sample,
        full: !incremental,
        previousSnapshotId: previous?.manifest.snapshotId ?? null,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        ...(comparison.newColumns.length ? { ignoredColumns: comparison.newColumns.map((c) => `${c.table}.${c.column}`) } : {}),
      },
      quality,
    };
    await options.beforePublish?.({ stagingDir, manifest, cursors, qualityReportFile: reportFile });
    const { retired } = publishSnapshot(lakeDir, lock, { stagingDir, manifest, cursors, keep: options.keep ?? 7 });
    history({ outcome: 'published', snapshotId: runId, previousSnapshotId: previous?.manifest.snapshotId ?? null, tables: tableFacts, quality });
    return {
      runId,
      manifest,
      full: !incremental,
      developmentKey,
      newColumns: comparison.newColumns,
      statements: reader.statementSummary(),
      qualityReport: reportFile,
      retired,
      elapsedMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    if (!(error instanceof ExportError && error.reason === 'quality_failed')) {
      try {
        history({ outcome: 'failed', previousSnapshotId: previous?.manifest.snapshotId ?? null, error: oneLineError(error) });
      } catch {
        // An unwritable lake cannot take a history line either; the error itself says why.
      }
    }
    throw error;
  } finally {
    await reader?.close().catch(() => undefined);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    cleanUp(lakeDir, lock, runId);
  }
}

function cleanUp(lakeDir: string, lock: ExportLock, runId: string): void {
  try {
    rmSync(join(lakePaths(lakeDir).staging, runId), { recursive: true, force: true });
  } finally {
    lock.release();
  }
}

/** SNAQ_PSEUDONYM_KEY when set; the development key only for the sample source. */
function pseudonymKeyFor(sample: boolean, env: NodeJS.ProcessEnv): { key: Buffer; developmentKey: boolean } {
  const value = env[PSEUDONYM_KEY_ENV];
  if ((value === undefined || value.trim() === '') && sample) return { key: samplePseudonymKey(), developmentKey: true };
  return { key: pseudonymKeyFromEnv(env), developmentKey: false };
}
