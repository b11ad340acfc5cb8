/** Runs exportChild.ts in a child process and reads back its summary (time, tables, statements, peak RSS). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StatementSummary } from '../../src/export/statementStats';

export interface ExportChildReport {
  runId: string;
  full: boolean;
  /** The export's own elapsed time (ExportResult.elapsedMs): lock to publish, gate and Parquet included. */
  elapsedMs: number;
  statements: StatementSummary;
  tables: Record<string, { rows: number; rowsRead: number; keysRead: number; rowsChanged: number; strategy: string }>;
  /** The child's peak resident set, KB (getrusage: Linux reports KB). */
  maxRssKB: number;
}

export interface ExportRun extends ExportChildReport {
  /** The child's wall time, Node and tsx start-up included. */
  processMs: number;
}

const CHILD = path.join(__dirname, 'exportChild.ts');

export async function runExportInChild(sourceUrl: string, lakeDir: string, options: { full?: boolean } = {}): Promise<ExportRun> {
  const started = performance.now();
  // `node --import tsx` runs the TypeScript in this one process (npx would add two more in front of it).
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, lakeDir, ...(options.full ? ['--full'] : [])], {
    env: { ...process.env, SNAQ_SOURCE_URL: sourceUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  const processMs = performance.now() - started;
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`the export child exited with ${code} (see its lines above)`);
  return { ...(JSON.parse(last) as ExportChildReport), processMs };
}
