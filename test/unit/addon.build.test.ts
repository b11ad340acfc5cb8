/** What `npm run build` writes for clasp, checked as files on disk. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addonManifest, allowlistEntry } from '../../src/addon/manifest';
import { ENTRY_POINTS, globalStubs } from '../../src/addon/server/entryPoints';

const ROOT = path.resolve(__dirname, '../..');
const ADDON = path.join(ROOT, 'dist', 'addon');

describe('the add-on bundle', () => {
  const code = readFileSync(path.join(ADDON, 'Code.js'), 'utf8');

  test('dist/addon holds exactly what clasp pushes', () => {
    expect(readdirSync(ADDON).sort()).toEqual(['Code.js', 'Settings.html', 'Sidebar.html', 'appsscript.json']);
  });

  test('Code.js is minified and under 60 KB', () => {
    const bytes = Buffer.byteLength(code);
    expect(bytes).toBeLessThan(60 * 1024);
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
    const missingInAppsScript = /(?<![.\w$])(fetch|URL|URLSearchParams|TextEncoder|TextDecoder|setTimeout|setInterval|atob|btoa|crypto|require|process|Buffer|window|document)\b(?!:)/g;
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
    ]);
    expect(manifest.addOns).toBeUndefined(); // an editor add-on has no addOns section
  });

  test('the UrlFetch allowlist is built from the configured endpoint', () => {
    expect(allowlistEntry('https://abc123.execute-api.ap-northeast-1.amazonaws.com/prod/')).toBe(
      'https://abc123.execute-api.ap-northeast-1.amazonaws.com/',
    );
    expect(addonManifest(manifest, 'http://127.0.0.1:8787').urlFetchWhitelist).toBeUndefined();
    expect(() => addonManifest(manifest, 'http://metrics.example.com')).toThrow(/https/);
    const out = mkdtempSync(path.join(os.tmpdir(), 'snaq-addon-'));
    try {
      execFileSync(process.execPath, [require.resolve('tsx/cli'), 'esbuild.config.ts'], {
        cwd: ROOT,
        env: { ...process.env, SNAQ_ENDPOINT: 'https://abc123.execute-api.ap-northeast-1.amazonaws.com/prod', SNAQ_ADDON_OUT: out },
        stdio: 'pipe',
      });
      const built = JSON.parse(readFileSync(path.join(out, 'appsscript.json'), 'utf8'));
      expect(built.urlFetchWhitelist).toEqual(['https://abc123.execute-api.ap-northeast-1.amazonaws.com/']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('clasp', () => {
  test('.clasp.json pushes dist/addon, and clasp lists exactly the built files', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, '.clasp.json'), 'utf8')).rootDir).toBe('dist/addon');
    const status = JSON.parse(
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/@google/clasp/build/src/index.js'), 'show-file-status', '--json'], { cwd: ROOT, encoding: 'utf8' }),
    );
    expect(status.filesToPush.sort()).toEqual(['dist/addon/Code.js', 'dist/addon/Settings.html', 'dist/addon/Sidebar.html', 'dist/addon/appsscript.json']);
    expect(status.untrackedFiles).toEqual([]);
  });
});
