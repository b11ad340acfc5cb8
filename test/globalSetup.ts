/** Builds the deployables once before the suite: emulator and build tests read dist/addon. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** The emulator's default user (src/emulator): the add-on tests save settings as this admin. */
const HARNESS_USER = 'user@example.com';

export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');
  const env: NodeJS.ProcessEnv = { ...process.env, SNAQ_ADMINS: HARNESS_USER };
  delete env.SNAQ_ENDPOINT;
  delete env.SNAQ_ADDON_OUT;
  // --workbench: the workbench's local user is an admin too, as with `npm start` (test/e2e).
  execFileSync(process.execPath, [require.resolve('tsx/cli', { paths: [root] }), 'esbuild.config.ts', '--workbench'], { cwd: root, env, stdio: 'pipe' });
}
