/**
 * src/forecast must run on Apps Script's V8 as well as Node: it type-checks against the ECMAScript
 * library alone (no DOM, no @types/node), imports only its own files, and runs in a bare V8 context.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { buildSync } from 'esbuild';
import { importsOf, typecheckWithEcmaScriptOnly } from '../support/pureModules';

const REPO = path.resolve(__dirname, '../..');
const DIR = path.join(REPO, 'src/forecast');
const files = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => path.join(DIR, file));

test('type-checks with the ECMAScript library only', () => {
  expect(typecheckWithEcmaScriptOnly(files)).toBe('');
});

test('imports only its own files', () => {
  for (const imported of importsOf(files)) expect(imported).toMatch(/: \.\/[A-Za-z]+$/);
});

test('forecasts inside a bare V8 context', () => {
  const { outputFiles } = buildSync({
    entryPoints: [path.join(DIR, 'index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'Forecast',
    target: 'es2020',
  });
  const context = vm.createContext({});
  vm.runInContext(outputFiles[0]!.text, context);
  const result = vm.runInContext(
    `JSON.stringify(Forecast.forecast(Array.from({ length: 48 }, (_, t) => 100 + t + 10 * Math.sin(t * Math.PI / 6)), { horizon: 3, seasonality: 'auto', interval: 0.8 }).model)`,
    context,
  ) as string;
  expect(JSON.parse(result)).toMatchObject({ seasonLength: 12 });
});
