/**
 * Checks for code that must also run on Apps Script's V8 (no Node, no DOM, no modules): it
 * type-checks against the ECMAScript library alone, and imports only files of its own folder.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../..');

/** The compiler's complaints ('' when none) about `files` with only the ES2022 library. */
export function typecheckWithEcmaScriptOnly(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pure-typecheck-'));
  try {
    const compilerOptions = {
      target: 'ES2022',
      lib: ['ES2022'],
      types: [],
      module: 'node16',
      moduleResolution: 'node16',
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
    try {
      execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript-native/bin/tsc'), '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
      return '';
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? error);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every import of each file as "file: specifier" (a bare `require(` counts as one). */
export function importsOf(files: string[]): string[] {
  return files.flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'|\brequire\s*\(/g)].map(
      (match) => `${path.basename(file)}: ${match[1] ?? match[2] ?? match[0]}`,
    ),
  );
}
