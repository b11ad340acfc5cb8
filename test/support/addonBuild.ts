/** `esbuild.config.ts` run as `npm run build` would, with a given environment and flags, for the add-on only. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Builds the add-on into a new temporary folder (never dist/addon) and returns the folder. */
export function buildAddonInto(env: Record<string, string>, flags: string[] = []): string {
  const out = mkdtempSync(path.join(os.tmpdir(), 'snaq-addon-'));
  const base = { ...process.env };
  for (const name of ['SNAQ_ENDPOINT', 'SNAQ_ADMINS']) delete base[name];
  execFileSync(process.execPath, [require.resolve('tsx/cli'), 'esbuild.config.ts', ...flags], {
    cwd: ROOT,
    env: { ...base, ...env, SNAQ_ADDON_OUT: out },
    stdio: 'pipe',
  });
  return out;
}
