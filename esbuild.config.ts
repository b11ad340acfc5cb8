// `npm run build`: everything that gets deployed.
//   dist/addon/   exactly what clasp pushes: Code.js, appsscript.json, Sidebar.html, Settings.html
//   dist/api/     lambda.js, the Lambda function (Athena engine; no DuckDB, no dev dependencies)
//   dist/cli/     the CLI and local server as one Node 20 file (DuckDB stays a native dependency)
// Set SNAQ_ENDPOINT=https://… to put the endpoint in the add-on's UrlFetch allowlist, and
// SNAQ_ADMINS=a@…,b@… to name who may change the connection settings (src/addon/buildConfig.ts).
// Flags: --workbench (npm start: the workbench's local user is an admin too), --deploy (npm run
// deploy: refuse without SNAQ_ENDPOINT and SNAQ_ADMINS), --check (only check the configuration).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { globalStubs } from './src/addon/server/entryPoints';
import { addonManifest, type AppsScriptManifest } from './src/addon/manifest';
import { addonBuildConfig, BuildConfigError, type AddonBuildConfig } from './src/addon/buildConfig';
import { WORKBENCH_USER } from './src/workbench/localUser';

// SNAQ_ADDON_OUT lets tests build the add-on (only) elsewhere without disturbing dist/.
const ADDON_DIR = path.resolve(process.env.SNAQ_ADDON_OUT || 'dist/addon');
const ADDON_ONLY = Boolean(process.env.SNAQ_ADDON_OUT);
const flags = new Set(process.argv.slice(2));
// Apps Script's V8 runs ES2019 reliably; newer syntax is lowered.
const APPS_SCRIPT_TARGET = 'es2019';

async function bundle(entry: string, platform: 'neutral' | 'browser', define: Record<string, string> = {}): Promise<string> {
  const result = await build({
    define,
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform,
    target: APPS_SCRIPT_TARGET,
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
  });
  return result.outputFiles[0]!.text;
}

async function buildAddon(config: AddonBuildConfig): Promise<void> {
  rmSync(ADDON_DIR, { recursive: true, force: true });
  mkdirSync(ADDON_DIR, { recursive: true });
  // The admin list is a constant of the bundle (entry.ts), so no sheet can change it.
  const server = await bundle('src/addon/server/entry.ts', 'neutral', {
    SNAQ_BUILD_ADMINS: JSON.stringify(config.admins),
  });
  // Apps Script only sees top-level function declarations: the stubs are generated from the registry.
  writeFileSync(path.join(ADDON_DIR, 'Code.js'), `${server}\n${globalStubs()}\n`);
  const base = JSON.parse(readFileSync('appsscript.json', 'utf8')) as AppsScriptManifest;
  writeFileSync(path.join(ADDON_DIR, 'appsscript.json'), `${JSON.stringify(addonManifest(base, config.endpoint), null, 2)}\n`);
  const page = readFileSync('src/addon/sidebar/page.html', 'utf8');
  for (const [file, entry] of [
    ['Sidebar.html', 'src/addon/sidebar/sidebar.ts'],
    ['Settings.html', 'src/addon/sidebar/settingsDialog.ts'],
  ] as const) {
    const script = (await bundle(entry, 'browser')).replace(/<\/script/gi, '<\\/script');
    writeFileSync(
      path.join(ADDON_DIR, file),
      page.replace('/*SCRIPT*/', () => script),
    );
  }
}

/** The Lambda bundle: Athena only, so no DuckDB and no dev dependencies. */
async function buildLambda(): Promise<void> {
  await build({
    entryPoints: ['src/api/lambdaEntry.ts'],
    outfile: 'dist/api/lambda.js',
    bundle: true,
    platform: 'node',
    target: 'node22', // the function's runtime (src/infra/stack.ts)
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

async function buildCli(): Promise<void> {
  await build({
    entryPoints: ['src/cli/run.ts'],
    outfile: 'dist/cli/snaq.cjs',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // DuckDB is native; esbuild (used by the workbench's emulator) resolves its own binary.
    external: ['@duckdb/node-api', 'esbuild'],
    sourcemap: true,
    logLevel: 'warning',
  });
}

function configOrExit(): AddonBuildConfig | undefined {
  try {
    return addonBuildConfig(process.env, { deployment: flags.has('--deploy'), ...(flags.has('--workbench') ? { localAdmin: WORKBENCH_USER } : {}) });
  } catch (error) {
    if (!(error instanceof BuildConfigError)) throw error;
    process.stderr.write(`build refused: ${error.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
}

const config = configOrExit();
if (config && !flags.has('--check')) {
  if (config.admins.length === 0) process.stderr.write("note: SNAQ_ADMINS is not set, so nobody can change the add-on's connection settings.\n");
  Promise.all([buildAddon(config), ...(ADDON_ONLY ? [] : [buildCli(), buildLambda()])]).then(
    () => {
      const kb = (file: string) => (readFileSync(file).length / 1024).toFixed(1);
      const admins = config.admins.length ? config.admins.join(', ') : 'none';
      process.stdout.write(
        ADDON_ONLY
          ? `${path.join(ADDON_DIR, 'Code.js')} ${kb(path.join(ADDON_DIR, 'Code.js'))} KB · admins: ${admins}\n`
          : `dist/addon/Code.js ${kb(path.join(ADDON_DIR, 'Code.js'))} KB (admins: ${admins}) · dist/api/lambda.js ${kb('dist/api/lambda.js')} KB · dist/cli/snaq.cjs\n`,
      );
    },
    (error: Error) => {
      process.stderr.write(`build failed: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
