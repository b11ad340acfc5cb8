/**
 * One export and nothing else, in its own process, so that its peak RSS is the export's alone
 * (`npm run bench -- export` runs it with `node --import tsx`). The source comes from
 * $SNAQ_SOURCE_URL (the password stays out of the process list), the lake is the first argument,
 * `--full` reads every table whole. Progress goes to stderr; the last stdout line is the JSON
 * summary (ExportChildReport), with `process.resourceUsage().maxRSS` in KB.
 */
import { exportLake } from '../../src/export/exportLake';
import { sourceLocationFrom } from '../../src/export/sourceUrl';
import type { ExportChildReport } from './exportChildRun';

async function main(): Promise<void> {
  const [lakeDir, ...flags] = process.argv.slice(2);
  if (!lakeDir) throw new Error('usage: exportChild.ts LAKE_DIR [--full]');
  const result = await exportLake({
    lakeDir,
    source: sourceLocationFrom(undefined),
    full: flags.includes('--full'),
    say: (line) => process.stderr.write(`  export: ${line}\n`),
  });
  const tables = Object.fromEntries(
    Object.entries(result.manifest.tables).map(([table, facts]) => [
      table,
      { rows: facts.rows, rowsRead: facts.rowsRead ?? 0, keysRead: facts.keysRead ?? 0, rowsChanged: facts.rowsChanged ?? 0, strategy: facts.strategy ?? '' },
    ]),
  );
  const report: ExportChildReport = {
    runId: result.runId,
    full: result.full,
    elapsedMs: result.elapsedMs,
    statements: result.statements,
    tables,
    maxRssKB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error) => {
  process.stderr.write(`exportChild: ${(error as Error).message ?? error}\n`);
  process.exitCode = 1;
});
