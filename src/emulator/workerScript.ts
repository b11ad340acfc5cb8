/**
 * How a Worker is started.
 * - 'esbuild' (default): worker.ts and its imports bundled once per process into one CommonJS
 *   string, started with `eval: true`; a worker starts in ~20 ms. Falls back to 'tsx' if the build fails.
 * - 'tsx': worker.js, a plain-JS bootstrap that registers tsx and requires worker.ts; ~150 ms of
 *   CPU per worker (too slow for 30 at once on 2 cores, but needs nothing but tsx).
 */
import * as path from 'node:path';
import { buildSync } from 'esbuild';

export type WorkerLoader = 'esbuild' | 'tsx';

export interface WorkerScript {
  filename: string;
  eval: boolean;
}

const BOOTSTRAP: WorkerScript = { filename: path.join(__dirname, 'worker.js'), eval: false };
let bundled: WorkerScript | undefined;

export function workerScript(loader: WorkerLoader): WorkerScript {
  if (loader === 'tsx') return BOOTSTRAP;
  if (!bundled) {
    try {
      const built = buildSync({
        entryPoints: [path.join(__dirname, 'worker.ts')],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        write: false,
        sourcemap: 'inline',
        logLevel: 'silent',
      });
      const code = built.outputFiles[0]?.text;
      bundled = code ? { filename: code, eval: true } : BOOTSTRAP;
    } catch {
      bundled = BOOTSTRAP;
    }
  }
  return bundled;
}
