/** Hand-written Apps Script bundles for the emulator's own tests: written to a temp folder for the file's tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppsScriptEnv } from '../../src/emulator';

/** Writes `Code.js` (and any other files, e.g. HTML) before the file's tests and removes them after. */
export function useScriptBundle(prefix: string, code: string, otherFiles: Record<string, string> = {}): { readonly codePath: string } {
  const bundle = { codePath: '' };
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    bundle.codePath = path.join(dir, 'Code.js');
    fs.writeFileSync(bundle.codePath, code);
    for (const [name, text] of Object.entries(otherFiles)) fs.writeFileSync(path.join(dir, name), text);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return bundle;
}

/** Runs a function and returns its value, failing the test with the script's error otherwise. */
export async function runValue(env: AppsScriptEnv, fn: string, args: unknown[] = []): Promise<unknown> {
  const result = await env.run(fn, args);
  if (result.error !== undefined) throw new Error(`${fn}: ${result.error}`);
  return result.value;
}
