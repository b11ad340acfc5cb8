/**
 * Run by `npm run bench -- memory` as `node --expose-gc -r tsx/cjs cacheMemory.child.ts <lakeDir> <n>`:
 * fills the service's result cache with n real query results from the lake, and prints the JS heap
 * they hold (after full GCs) against what the cache believes it holds. A child process, so no
 * test runner or earlier benchmark shares the heap.
 */
import { loadCatalog } from '../../src/catalog/catalog';
import { MetricsService } from '../../src/api/service';
import { addDays } from '../../src/contract/dates';
import type { QueryRequest } from '../../src/contract/types';
import { DuckDbEngine } from '../../src/engine/duckdb';

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/** Shapes with many rows, ASCII and Japanese labels, integers and fractions. */
function request(i: number): QueryRequest {
  const from = addDays('2024-01-01', i);
  const to = addDays('2025-01-01', i);
  switch (i % 4) {
    case 0:
      return { metric: 'revenue', from, to, grain: 'day', dimensions: ['prefecture'] };
    case 1:
      return { metric: 'product_units', from, to, grain: 'week', dimensions: ['category'] };
    case 2:
      return { metric: 'boxes_shipped', from, to, grain: 'day', dimensions: ['plan'] };
    default:
      return { metric: 'shop_revenue', from, to, grain: 'day', dimensions: ['acquisition_channel'] };
  }
}

async function main(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  const [lakeDir, countText] = process.argv.slice(2);
  const count = Number(countText ?? 40);
  const engine = await DuckDbEngine.open({ lakeDir: lakeDir! });
  const service = new MetricsService(loadCatalog(), engine);
  // Warm up every shape (prepared statements, JIT, catalog), then take the baseline.
  for (let i = 0; i < 4; i++) await service.query(request(1_000 + i), 'bench');
  const heapBefore = heapUsed();
  const cacheBefore = service.cacheStats();
  let rows = 0;
  for (let i = 0; i < count; i++) {
    const outcome = await service.query(request(i), 'bench');
    if (outcome.status === 200) rows += outcome.body.rows.length;
  }
  const heapAfter = heapUsed();
  const cacheAfter = service.cacheStats();
  await engine.close();
  process.stdout.write(
    `${JSON.stringify({
      queries: count,
      rows,
      entries: cacheAfter.entries - cacheBefore.entries,
      accountedBytes: cacheAfter.bytes - cacheBefore.bytes,
      heapDeltaBytes: heapAfter - heapBefore,
    })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
