// Bundles for deployment. `npm run build` writes:
//   dist/cli/snaq.cjs   the CLI and local server as one Node 20 file (DuckDB stays a native dependency).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/run.ts'],
  outfile: 'dist/cli/snaq.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['@duckdb/node-api'],
  sourcemap: true,
  logLevel: 'info',
});
