/**
 * The layout's boundaries are lint rules (eslint.config.mjs). These cases prove each rule fires where it
 * must and stays quiet where the code is allowed, so a config edit cannot switch a boundary off unnoticed.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');

/**
 * Lints each snippet as if it were the file named beside it, in one child process: the config is an ES
 * module, which jest's CommonJS sandbox cannot import. Answers the rule ids reported per snippet.
 */
function rulesFiredFor(snippets: Array<{ file: string; code: string }>): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    import path from 'node:path';
    const snippets = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    const fired = [];
    for (const { file, code } of snippets) {
      const [result] = await eslint.lintText(code, { filePath: path.join(process.cwd(), file) });
      fired.push(result.messages.map((message) => message.ruleId ?? message.message));
    }
    process.stdout.write(JSON.stringify(fired));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(snippets)], { cwd: REPO, encoding: 'utf8' });
  return JSON.parse(output) as string[][];
}

const cases: Array<[string, string, string, string | null]> = [
  ['Apps Script globals outside entry.ts', 'src/addon/server/blockTable.ts', 'export const ss = SpreadsheetApp.getActive();\n', 'no-restricted-globals'],
  ['Apps Script globals in entry.ts', 'src/addon/server/entry.ts', 'export const ss = SpreadsheetApp.getActive();\n', null],
  ['fetch in the add-on', 'src/addon/server/entry.ts', "export const r = fetch('https://example.com');\n", 'no-restricted-globals'],
  ['setTimeout in the forecaster', 'src/forecast/models.ts', 'setTimeout(() => undefined, 1);\n', 'no-restricted-globals'],
  [
    'a Node module in the add-on',
    'src/addon/server/apiClient.ts',
    "import { createHash } from 'node:crypto';\nexport const h = createHash;\n",
    'no-restricted-imports',
  ],
  [
    'the add-on importing the engine',
    'src/addon/server/apiClient.ts',
    "import { DuckDbEngine } from '../../engine/duckdb';\nexport const e = DuckDbEngine;\n",
    'no-restricted-imports',
  ],
  ['the API importing the CLI', 'src/api/service.ts', "import { run } from '../cli/run';\nexport const r = run;\n", 'no-restricted-imports'],
  [
    'the contract importing the catalog',
    'src/contract/types.ts',
    "import type { MetricDef } from '../catalog/vocabulary';\nexport type M = MetricDef;\n",
    'no-restricted-imports',
  ],
  ['google.script.run outside rpc.ts', 'src/addon/sidebar/sidebar.ts', 'google.script.run.getCatalog();\n', 'no-restricted-properties'],
  ['google.script.run in rpc.ts', 'src/addon/sidebar/rpc.ts', 'google.script.run.getCatalog();\n', null],
  ['innerHTML in the sidebar', 'src/addon/sidebar/sidebar.ts', "document.body.innerHTML = '<b>x</b>';\n", 'no-restricted-syntax'],
  ['insertAdjacentHTML in the sidebar', 'src/addon/sidebar/dom.ts', "document.body.insertAdjacentHTML('beforeend', '<b>x</b>');\n", 'no-restricted-syntax'],
];

let fired: string[][] = [];
beforeAll(() => {
  fired = rulesFiredFor(cases.map(([, file, code]) => ({ file, code })));
});

test.each(cases.map((entry, index) => [...entry, index] as const))('%s', (_name, _file, _code, expected, index) => {
  if (expected === null) expect(fired[index]).toEqual([]);
  else expect(fired[index]).toContain(expected);
});
