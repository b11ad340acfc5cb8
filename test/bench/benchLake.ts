/** The scale-1 sample lake the overload and memory benchmarks share (generated once under .snaq/bench). */
import path from 'node:path';
import { generateLake } from '../../src/lake/generate';
import { lakeExists } from '../../src/lake/manifest';
import { round } from './stats';

export const BENCH_DIR = path.resolve('.snaq', 'bench');
export const SCALE1_LAKE_DIR = path.join(BENCH_DIR, 'lake-scale1');
export const BENCH_AS_OF = new Date('2026-11-01T00:00:00Z');

export async function ensureScale1Lake(): Promise<string> {
  if (lakeExists(SCALE1_LAKE_DIR)) return SCALE1_LAKE_DIR;
  process.stderr.write(`Generating the scale-1 benchmark lake in ${SCALE1_LAKE_DIR}…\n`);
  const { elapsedMs } = await generateLake({ outDir: SCALE1_LAKE_DIR, scale: 1, seed: 42, asOf: BENCH_AS_OF });
  process.stderr.write(`  done in ${round(elapsedMs / 1000, 1)} s\n`);
  return SCALE1_LAKE_DIR;
}
