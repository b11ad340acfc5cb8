/** What `npm run build` writes for clasp, checked as files on disk. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addonBuildConfig, parseAdmins } from '../../src/addon/buildConfig';
import { addonManifest, allowlistEntry } from '../../src/addon/manifest';
import { ENTRY_POINTS, globalStubs } from '../../src/addon/server/entryPoints';
import { buildAddonInto } from '../support/addonBuild';

const ROOT = path.resolve(__dirname, '../..');
const ADDON = path.join(ROOT, 'dist', 'addon');

describe('the add-on bundle', () => {
  const code = readFileSync(path.join(ADDON, 'Code.js'), 'utf8');

  test('dist/addon holds exactly what clasp pushes', () => {
    expect(readdirSync(ADDON).sort()).toEqual(['Code.js', 'Settings.html', 'Sidebar.html', 'appsscript.json']);
  });

  test('Code.js is minified and under 80 KB', () => {
    const bytes = Buffer.byteLength(code);
    expect(bytes).toBeLessThan(80 * 1024);
    const bundle = code.slice(0, code.indexOf('\n/**'));
    expect(bundle.length).toBeGreaterThan(10_000);
    expect(bundle.split('\n').length).toBeLessThan(20); // minified: newlines only inside template strings
    expect(bundle).not.toMatch(/\n {2,}\S/);
  });

  test('every registry entry is a top-level function with its JSDoc; custom functions are marked', () => {
    for (const [name, doc] of Object.entries(ENTRY_POINTS)) {
      expect(code).toMatch(new RegExp(`\\nfunction ${name}\\(`));
      const stub = code.slice(code.lastIndexOf('/**', code.indexOf(`\nfunction ${name}(`)), code.indexOf(`\nfunction ${name}(`));
      expect(stub.includes('@customfunction')).toBe(doc.kind === 'customFunction');
      for (const param of doc.params) expect(stub).toContain(` ${'optional' in param && param.optional ? `[${param.name}]` : param.name} `);
    }
    expect(code).toContain(globalStubs());
    // Sheets rejects custom function names ending in "_".
    for (const name of Object.keys(ENTRY_POINTS)) expect(name.endsWith('_')).toBe(false);
  });

  test('the bundle needs none of the globals Apps Script lacks', () => {
    // Identifiers not preceded by a dot (so `UrlFetchApp.fetch(` is fine), outside string literals.
    const bundle = code.slice(0, code.indexOf('\n/**')); // the generated stubs only call SnaqAddon
    const withoutStrings = bundle.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
    const missingInAppsScript =
      /(?<![.\w$])(fetch|URL|URLSearchParams|TextEncoder|TextDecoder|setTimeout|setInterval|atob|btoa|crypto|require|process|Buffer|window|document)\b(?!:)/g;
    expect([...new Set([...withoutStrings.matchAll(missingInAppsScript)].map((match) => match[1]))]).toEqual([]);
  });

  test('the sidebar and settings pages inline their script, and only rpc calls google.script.run', () => {
    const settings = readFileSync(path.join(ADDON, 'Settings.html'), 'utf8');
    expect(settings).not.toContain('/*SCRIPT*/');
    expect(settings).toContain('google.script.run');
    expect(settings).not.toMatch(/<script[^>]+src=/);
  });
});

describe('the manifest', () => {
  const manifest = JSON.parse(readFileSync(path.join(ADDON, 'appsscript.json'), 'utf8'));

  test('runs on V8 in Asia/Tokyo with exception logging and the smallest scopes', () => {
    expect(manifest).toMatchObject({ runtimeVersion: 'V8', timeZone: 'Asia/Tokyo', exceptionLogging: 'STACKDRIVER' });
    expect(manifest.oauthScopes.sort()).toEqual([
      'https://www.googleapis.com/auth/script.container.ui',
      'https://www.googleapis.com/auth/script.external_request',
      'https://www.googleapis.com/auth/script.scriptapp',
      'https://www.googleapis.com/auth/spreadsheets',
      'https://www.googleapis.com/auth/userinfo.email',
      // ScriptApp.getIdentityToken(): the person behind restricted metrics.
      'openid',
    ]);
    expect(manifest.addOns).toBeUndefined(); // an editor add-on has no addOns section
  });

  test('the UrlFetch allowlist is built from the configured endpoint', () => {
    expect(allowlistEntry('https://abc123.execute-api.ap-northeast-1.amazonaws.com/prod/')).toBe('https://abc123.execute-api.ap-northeast-1.amazonaws.com/');
    expect(addonManifest(manifest, 'http://127.0.0.1:8787').urlFetchWhitelist).toBeUndefined();
    expect(() => addonManifest(manifest, 'http://metrics.example.com')).toThrow(/https/);
    const out = buildAddonInto({ SNAQ_ENDPOINT: 'https://abc123.execute-api.ap-northeast-1.amazonaws.com/prod' });
    try {
      const built = JSON.parse(readFileSync(path.join(out, 'appsscript.json'), 'utf8'));
      expect(built.urlFetchWhitelist).toEqual(['https://abc123.execute-api.ap-northeast-1.amazonaws.com/']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('the admins (SNAQ_ADMINS)', () => {
  test('are email addresses, lowercased and deduplicated; anything else stops the build', () => {
    expect(parseAdmins(' A@Example.com, b@example.co.jp a@example.com ')).toEqual(['a@example.com', 'b@example.co.jp']);
    expect(parseAdmins(undefined)).toEqual([]);
    expect(() => parseAdmins('a@example.com,bob')).toThrow('SNAQ_ADMINS: "bob" is not an email address');
    expect(() => parseAdmins('a@example')).toThrow(/"a@example"/);
  });

  test('are baked into the bundle, which no sheet can change; a bad address builds nothing', () => {
    const out = buildAddonInto({ SNAQ_ADMINS: 'Ops@Example.com' });
    try {
      expect(readFileSync(path.join(out, 'Code.js'), 'utf8')).toContain('"ops@example.com"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    expect(() => buildAddonInto({ SNAQ_ADMINS: 'ops' })).toThrow(/"ops" is not an email address/);
  });

  test('the workbench build adds its local user; a development build may have none', () => {
    expect(addonBuildConfig({ SNAQ_ADMINS: 'a@example.com' }, { deployment: false, localAdmin: 'you@workbench.local' }).admins).toEqual([
      'a@example.com',
      'you@workbench.local',
    ]);
    expect(addonBuildConfig({}, { deployment: false })).toEqual({ admins: [] });
  });
});

describe('a deployment', () => {
  const deploy = { deployment: true };
  const endpoint = 'https://abc123.execute-api.ap-northeast-1.amazonaws.com/prod';

  test('refuses to build without an https SNAQ_ENDPOINT or without SNAQ_ADMINS', () => {
    expect(() => addonBuildConfig({ SNAQ_ADMINS: 'a@example.com' }, deploy)).toThrow(/needs SNAQ_ENDPOINT=https:/);
    expect(() => addonBuildConfig({ SNAQ_ENDPOINT: 'http://127.0.0.1:8787', SNAQ_ADMINS: 'a@example.com' }, deploy)).toThrow(/needs SNAQ_ENDPOINT=https:/);
    expect(() => addonBuildConfig({ SNAQ_ENDPOINT: endpoint }, deploy)).toThrow(/needs SNAQ_ADMINS=/);
    expect(() => addonBuildConfig({ SNAQ_ENDPOINT: endpoint, SNAQ_ADMINS: '  ' }, deploy)).toThrow(/needs SNAQ_ADMINS=/);
    expect(addonBuildConfig({ SNAQ_ENDPOINT: endpoint, SNAQ_ADMINS: 'a@example.com' }, deploy)).toEqual({ endpoint, admins: ['a@example.com'] });
  });

  test('`esbuild.config.ts --deploy` exits non-zero with one line and writes nothing', () => {
    const out = path.join(ROOT, 'dist', 'deploy-refused-test');
    const env: NodeJS.ProcessEnv = { ...process.env, SNAQ_ADDON_OUT: out };
    delete env.SNAQ_ENDPOINT;
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'esbuild.config.ts', '--deploy'], {
      cwd: ROOT,
      env: { ...env, SNAQ_ADMINS: 'a@example.com' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^build refused: A deployment needs SNAQ_ENDPOINT=https:\/\/… .*Nothing was built or pushed\.$/);
    expect(existsSync(out)).toBe(false);
  });

  test('npm run deploy checks first, then type-checks and runs the unit tests, builds with --deploy, and pushes the production config', () => {
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const steps = scripts.deploy!.split('&&').map((step) => step.trim());
    expect(steps.slice(0, 4)).toEqual(['tsx esbuild.config.ts --deploy --check', 'npm run typecheck', 'npm run test:unit', 'tsx esbuild.config.ts --deploy']);
    expect(steps.slice(4).every((step) => step.startsWith('clasp --project .clasp.prod.json '))).toBe(true);
    expect(
      scripts
        .push!.split('&&')
        .map((step) => step.trim())
        .slice(0, 3),
    ).toEqual(['npm run typecheck', 'npm run test:unit', 'npm run build']);
  });
});

describe('clasp', () => {
  // .clasp.json is the development script (npm run push); .clasp.prod.json the production one (npm run deploy).
  test.each(['.clasp.json', '.clasp.prod.json'])('%s pushes dist/addon, and clasp lists exactly the built files', (project) => {
    expect(JSON.parse(readFileSync(path.join(ROOT, project), 'utf8')).rootDir).toBe('dist/addon');
    const status = JSON.parse(
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/@google/clasp/build/src/index.js'), '--project', project, 'show-file-status', '--json'], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    );
    expect(status.filesToPush.sort()).toEqual(['dist/addon/Code.js', 'dist/addon/Settings.html', 'dist/addon/Sidebar.html', 'dist/addon/appsscript.json']);
    expect(status.untrackedFiles).toEqual([]);
  });

  test('development and production are different scripts', () => {
    const scriptId = (project: string) => JSON.parse(readFileSync(path.join(ROOT, project), 'utf8')).scriptId as string;
    expect(scriptId('.clasp.json')).not.toBe(scriptId('.clasp.prod.json'));
  });
});
