/**
 * src/forecast must run on Apps Script's V8 as well as Node: it type-checks against the ECMAScript
 * library alone (no DOM, no @types/node), imports only its own files, and runs in a bare V8 context.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { buildSync } from 'esbuild';

const REPO = path.resolve(__dirname, '../..');
const DIR = path.join(REPO, 'src/forecast');
const files = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => path.join(DIR, file));

test('type-checks with the ECMAScript library only', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forecast-purity-'));
  try {
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        types: [],
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
      },
      files,
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    let output = '';
    try {
      execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('imports only its own files', () => {
  for (const file of files) {
    const specifiers = [...fs.readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'|\brequire\s*\(/g)];
    for (const match of specifiers) expect(`${path.basename(file)}: ${match[1] ?? match[2] ?? match[0]}`).toMatch(/: \.\/[A-Za-z]+$/);
  }
});

test('forecasts inside a bare V8 context', () => {
  const { outputFiles } = buildSync({ entryPoints: [path.join(DIR, 'index.ts')], bundle: true, write: false, format: 'iife', globalName: 'Forecast', target: 'es2020' });
  const context = vm.createContext({});
  vm.runInContext(outputFiles[0]!.text, context);
  const result = vm.runInContext(
    `JSON.stringify(Forecast.forecast(Array.from({ length: 48 }, (_, t) => 100 + t + 10 * Math.sin(t * Math.PI / 6)), { horizon: 3, seasonality: 'auto', interval: 0.8 }).model)`,
    context,
  ) as string;
  expect(JSON.parse(result)).toMatchObject({ seasonLength: 12 });
});
