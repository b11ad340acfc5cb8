/**
 * `npm run bench -- memory`: how much JS heap the result cache really holds per byte it accounts,
 * measured in a child process with `--expose-gc` (heap delta after N real results from the
 * scale-1 lake against the cache's own byte count).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, ensureScale1Lake } from './benchLake';
import { round } from './stats';

const QUERIES = Number(process.env.SNAQ_BENCH_MEMORY_QUERIES ?? 80);

export async function runMemoryBench(): Promise<void> {
  const lakeDir = await ensureScale1Lake();
  const output = execFileSync(process.execPath, ['--expose-gc', '-r', 'tsx/cjs', path.join(__dirname, 'cacheMemory.child.ts'), lakeDir, String(QUERIES)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const measured = JSON.parse(output.trim().split('\n').at(-1)!) as {
    queries: number;
    rows: number;
    entries: number;
    accountedBytes: number;
    heapDeltaBytes: number;
  };
  const ratio = measured.heapDeltaBytes / measured.accountedBytes;
  const report = { ...measured, realPerAccounted: round(ratio, 2) };
  process.stdout.write(
    [
      `Result-cache memory (child process, --expose-gc, scale-1 lake)`,
      `  ${measured.entries} entries, ${measured.rows} rows: cache accounts ${round(measured.accountedBytes / 2 ** 20, 2)} MiB, JS heap grew ${round(measured.heapDeltaBytes / 2 ** 20, 2)} MiB`,
      `  real / accounted = ${report.realPerAccounted}`,
    ].join('\n') + '\n',
  );
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = path.join(BENCH_DIR, `memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`report: ${file}\n`);
}
