// `npm run build`: everything that gets deployed.
//   dist/addon/   exactly what clasp pushes: Code.js, appsscript.json, Sidebar.html, Settings.html
//   dist/api/     lambda.js, the Lambda function (Athena engine; no DuckDB, no dev dependencies)
//   dist/cli/     the CLI and local server as one Node 20 file (DuckDB stays a native dependency)
// Set SNAQ_ENDPOINT=https://… to put the endpoint in the add-on's UrlFetch allowlist.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { globalStubs } from './src/addon/server/entryPoints';
import { addonManifest, type AppsScriptManifest } from './src/addon/manifest';

// SNAQ_ADDON_OUT lets tests build elsewhere without disturbing dist/addon.
const ADDON_DIR = path.resolve(process.env.SNAQ_ADDON_OUT || 'dist/addon');
// Apps Script's V8 runs ES2019 reliably; newer syntax is lowered.
const APPS_SCRIPT_TARGET = 'es2019';

async function bundle(entry: string, platform: 'neutral' | 'browser'): Promise<string> {
  const result = await build({
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

async function buildAddon(): Promise<void> {
  rmSync(ADDON_DIR, { recursive: true, force: true });
  mkdirSync(ADDON_DIR, { recursive: true });
  const server = await bundle('src/addon/server/entry.ts', 'neutral');
  // Apps Script only sees top-level function declarations: the stubs are generated from the registry.
  writeFileSync(path.join(ADDON_DIR, 'Code.js'), `${server}\n${globalStubs()}\n`);
  const base = JSON.parse(readFileSync('appsscript.json', 'utf8')) as AppsScriptManifest;
  writeFileSync(path.join(ADDON_DIR, 'appsscript.json'), `${JSON.stringify(addonManifest(base, process.env.SNAQ_ENDPOINT), null, 2)}\n`);
  const page = readFileSync('src/addon/sidebar/page.html', 'utf8');
  for (const [file, entry] of [
    ['Sidebar.html', 'src/addon/sidebar/sidebar.ts'],
    ['Settings.html', 'src/addon/sidebar/settingsDialog.ts'],
  ] as const) {
    const script = (await bundle(entry, 'browser')).replace(/<\/script/gi, '<\\/script');
    writeFileSync(path.join(ADDON_DIR, file), page.replace('/*SCRIPT*/', () => script));
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

Promise.all([buildAddon(), buildCli(), buildLambda()]).then(
  () => {
    const kb = (file: string) => (readFileSync(file).length / 1024).toFixed(1);
    process.stdout.write(`dist/addon/Code.js ${kb(path.join(ADDON_DIR, 'Code.js'))} KB · dist/api/lambda.js ${kb('dist/api/lambda.js')} KB · dist/cli/snaq.cjs\n`);
  },
  (error: Error) => {
    process.stderr.write(`build failed: ${error.message}\n`);
    process.exitCode = 1;
  },
);
