/** Builds the deployables once before the suite: harness and build tests read dist/addon. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');
  const env = { ...process.env };
  delete env.SNAQ_ENDPOINT;
  delete env.SNAQ_ADDON_OUT;
  execFileSync(process.execPath, [require.resolve('tsx/cli', { paths: [root] }), 'esbuild.config.ts'], { cwd: root, env, stdio: 'pipe' });
}
