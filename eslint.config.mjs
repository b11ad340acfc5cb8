// Lint carries the project's boundaries (DESIGN.md "Layout"); the build's type walls
// (tsconfig.addon.json, tsconfig.sidebar.json) stay as the second line of defence.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Apps Script services: only src/addon/server/entry.ts may touch them, so the rest stays testable. */
const APPS_SCRIPT_GLOBALS = [
  'SpreadsheetApp',
  'ScriptApp',
  'PropertiesService',
  'CacheService',
  'LockService',
  'UrlFetchApp',
  'Utilities',
  'HtmlService',
  'Session',
  'Logger',
  'Charts',
  'DriveApp',
  'Browser',
  'ContentService',
  'MailApp',
  'GmailApp',
].map((name) => ({ name, message: 'Apps Script globals are touched only in src/addon/server/entry.ts; take what you need from the Platform it builds.' }));

/** What Apps Script's V8 lacks (PLATFORM.md): code that runs there must not reach for it. */
const MISSING_ON_APPS_SCRIPT = [
  'fetch',
  'URL',
  'URLSearchParams',
  'TextEncoder',
  'TextDecoder',
  'crypto',
  'setTimeout',
  'setInterval',
  'clearTimeout',
  'clearInterval',
  'atob',
  'btoa',
  'Blob',
  'FormData',
  'window',
  'document',
  'process',
  'Buffer',
  'require',
  'queueMicrotask',
].map((name) => ({ name, message: 'Apps Script V8 has no such global (see PLATFORM.md); use the Platform or Utilities instead.' }));

const NODE_BUILTINS = { group: ['node:*', 'fs', 'path', 'crypto', 'http', 'os', 'child_process'], message: 'This code runs on Apps Script: no Node modules.' };
const upward = (folders, message) => ({ group: folders.flatMap((folder) => [`**/${folder}`, `**/${folder}/**`]), message });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'coverage/', '.snaq/', 'test/artifacts/', 'src/emulator/worker.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A registry of Apps Script entry points declares its globals with `var` on purpose.
      'no-var': 'off',
    },
  },
  // The CLI's launcher is plain CommonJS: it registers tsx, then requires the TypeScript entry.
  { files: ['bin/**/*.js'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Dependency direction: nothing imports from addon or cli; contract imports nothing of ours.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/addon/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [upward(['addon', 'cli'], 'Nothing imports from addon or cli: move the shared piece down into src/contract.')] },
      ],
    },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*'], message: 'src/contract is the bottom layer: it imports nothing else of ours.' }] }],
    },
  },
  // The add-on's server code runs on Apps Script V8.
  {
    files: ['src/addon/server/**/*.ts', 'src/contract/**/*.ts', 'src/sigv4/**/*.ts', 'src/forecast/**/*.ts'],
    ignores: ['src/sigv4/nodeCrypto.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': ['error', ...MISSING_ON_APPS_SCRIPT],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_BUILTINS,
            upward(['api', 'engine', 'catalog', 'lake', 'cli', 'infra', 'workbench', 'emulator'], 'The add-on imports only contract, sigv4 and forecast.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/addon/server/**/*.ts'],
    ignores: ['src/addon/server/entry.ts'],
    rules: { 'no-restricted-globals': ['error', ...MISSING_ON_APPS_SCRIPT, ...APPS_SCRIPT_GLOBALS] },
  },
  // The sidebar runs in the browser iframe: one file talks to the server, and no code path parses HTML.
  {
    files: ['src/addon/sidebar/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'MemberExpression[property.name=/^(innerHTML|outerHTML)$/]', message: 'Build elements from text (dom.ts); never parse HTML.' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Build elements from text (dom.ts); never parse HTML.' },
        {
          selector: "CallExpression[callee.object.name='document'][callee.property.name=/^write(ln)?$/]",
          message: 'Build elements from text (dom.ts); never parse HTML.',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/addon/sidebar/rpc.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'google', property: 'script', message: 'Only src/addon/sidebar/rpc.ts calls google.script.run.' }],
    },
  },
  prettier,
);
