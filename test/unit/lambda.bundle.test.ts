/** dist/api/lambda.js, as deployed: small, self-contained, and quick to import cold. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const BUNDLE = path.resolve(__dirname, '../../dist/api/lambda.js');

test('is under 200 KB and carries neither DuckDB nor dev dependencies', () => {
  const code = readFileSync(BUNDLE, 'utf8');
  expect(Buffer.byteLength(code)).toBeLessThan(200 * 1024);
  expect(code).not.toMatch(/@duckdb|node-api|playwright|esbuild|aws-cdk/);
  expect(code).not.toMatch(/require\("(zod|aws4fetch|commander)"\)/); // bundled, not required at run time
});

test('imports cold in a fresh Node process and exports the handler', () => {
  const out = execFileSync(
    process.execPath,
    [
      '-e',
      `const t=performance.now();const m=require(${JSON.stringify(BUNDLE)});process.stdout.write(JSON.stringify({ms:performance.now()-t,type:typeof m.handler}))`,
    ],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    },
  );
  const { ms, type } = JSON.parse(out) as { ms: number; type: string };
  expect(type).toBe('function');
  expect(ms).toBeLessThan(1_000);
  process.stdout.write(`lambda.js cold import: ${ms.toFixed(1)} ms\n`);
});
