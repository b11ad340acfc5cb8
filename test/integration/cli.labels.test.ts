/**
 * `snaq query` as a person runs it: dimension values print as words in the locale's language
 * (SNAQ_LANG or LANG), the yen in the value's header, filters take a label; csv and json keep codes.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createTestLake, type TestLake } from '../support/lake';
import type { QueryResult } from '../../src/contract/types';

const BIN = path.resolve(__dirname, '../..', 'bin', 'snaq.js');

function snaq(args: string[], env: NodeJS.ProcessEnv = {}) {
  const merged: NodeJS.ProcessEnv = { ...process.env, LANG: 'en_US.UTF-8', SNAQ_LANG: undefined, ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  const result = spawnSync(process.execPath, [BIN, ...args], { env: merged, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let lake: TestLake;
beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
});
afterAll(() => lake.remove());

const byCategory = () => ['query', 'product_units', '--from', '2024-01-01', '--to', '2024-04-01', '--dim', 'category', '--lake', lake.dir];

test('a table shows dimension values as words in the locale’s language, and the yen in the value’s header', () => {
  const ja = snaq(byCategory(), { SNAQ_LANG: 'ja' });
  expect(ja.code).toBe(0);
  expect(ja.stdout).toMatch(/ドライフルーツ\s+│\s+[\d,]+/);
  expect(ja.stdout).not.toContain('dried_fruit');
  const byPlan = ['query', 'box_revenue', '--from', '2024-01-01', '--to', '2024-04-01', '--dim', 'plan', '--lake', lake.dir];
  const jaPlan = snaq(byPlan, { LANG: 'ja_JP.UTF-8' });
  expect(jaPlan.stdout).toMatch(/プラン\s+│\s+定期便売上（円）/);
  expect(jaPlan.stdout).toMatch(/隔週\s+│\s+¥/);
  const en = snaq(byPlan);
  expect(en.stdout).toMatch(/Plan\s+│\s+Box revenue \(JPY\)/);
  expect(en.stdout).toMatch(/Every 2 weeks\s+│\s+¥/);
  expect(en.stdout).not.toContain('biweekly');
});

test('--filter takes a label in either language and gives what the code gives; json keeps the codes and carries the labels', () => {
  const json = (filter: string) => JSON.parse(snaq([...byCategory(), '--grain', 'month', '--filter', filter, '--format', 'json']).stdout) as QueryResult;
  const byCode = json('category=dried_fruit');
  expect(byCode.rows.map((row) => row[1])).toEqual(['dried_fruit', 'dried_fruit', 'dried_fruit']);
  expect(byCode.columns.find((column) => column.name === 'category')!.valueLabels).toEqual({ dried_fruit: { ja: 'ドライフルーツ', en: 'Dried fruit' } });
  expect(json('category=ドライフルーツ').rows).toEqual(byCode.rows);
  expect(json('category=Dried fruit').rows).toEqual(byCode.rows);
});

test('csv keeps the codes a program matches on', () => {
  const csv = snaq([...byCategory(), '--format', 'csv'], { SNAQ_LANG: 'ja' });
  expect(csv.stdout.split('\n')[0]).toBe('category,value');
  expect(csv.stdout).toContain('\ndried_fruit,');
  expect(csv.stdout).not.toContain('ドライフルーツ');
});

test('a wrong label is one line listing the values with their words', () => {
  const ja = snaq([...byCategory(), '--filter', 'category=ドライフルート'], { SNAQ_LANG: 'ja' });
  expect(ja.code).toBe(1);
  expect(ja.stderr).toContain('絞り込み "category" に使える値は チョコレート（chocolate）');
});
