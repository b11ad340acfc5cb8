/**
 * What a sheet says when the service hid groups (issue 14), in the emulator against a scripted API
 * whose answers carry `meta.suppressed` (the real service's side is tested in its own suites): a
 * footnote row after a SNAQ_METRIC table, SNAQ_VALUE's one sentence, and a block's note on its
 * header cell that a refresh without hidden groups takes away.
 */
import { createAppsScriptEnv, type AppsScriptEnv } from '../../src/emulator';
import { hiddenValueText, suppressionText } from '../../src/contract/suppressionText';
import type { QueryResult, Suppressed } from '../../src/contract/types';
import { CODE_PATH, connectionProperties, tokyoWorkbook } from '../support/addonEnv';
import { scriptedRows, startScriptedApi, type ScriptedApi } from '../support/scriptedApi';

let api: ScriptedApi;
let gas: AppsScriptEnv;

beforeAll(async () => {
  api = await startScriptedApi();
  gas = await createAppsScriptEnv({ codePath: CODE_PATH, scriptProperties: connectionProperties(api.url), workbook: tokyoWorkbook(30, 6) });
});
afterAll(async () => {
  await gas.close();
  await api.close();
});
afterEach(() => api.reshape(undefined));

const PERSON_FLOOR: Suppressed = { groups: 3, minGroupSize: 1, reason: 'person_floor', minPeople: 5, complementary: 1 };
const hiding =
  (suppressed: Suppressed, rows?: QueryResult['rows']) =>
  (result: QueryResult): QueryResult => ({ ...result, ...(rows ? { rows } : {}), meta: { ...result.meta, suppressed } });

async function rpc<T>(fn: string, ...args: unknown[]): Promise<T> {
  const result = await gas.run(fn, args, { mode: 'rpc' });
  if (result.error) throw new Error(`${fn}: ${result.error}`);
  return result.value as T;
}

async function cell(fn: string, args: unknown[]): Promise<{ value?: unknown; error?: string }> {
  const result = await gas.run(fn, args, { mode: 'customFunction' });
  return { value: result.value, ...(result.error ? { error: result.error } : {}) };
}

describe('SNAQ_METRIC', () => {
  test('a table that hid groups ends with a footnote saying how many and why; nonotes drops it; lang=en says it in English', async () => {
    api.reshape(hiding(PERSON_FLOOR));
    const { value } = await cell('SNAQ_METRIC', ['by_prefecture', '2024-01', '2024-03', '', 'prefecture']);
    expect(value).toEqual([
      ['ラベル', 'by_prefecture'],
      ...scriptedRows('by_prefecture', 1),
      ['※ 3 グループを非表示にしました（5 人未満のグループと、差し引きで求められないようにするための 1 グループ）。', ''],
    ]);
    expect((await cell('SNAQ_METRIC', ['by_prefecture', '2024-01', '2024-03', '', 'prefecture', '', 'nonotes'])).value).toHaveLength(4);
    const english = (await cell('SNAQ_METRIC', ['by_prefecture', '2024-01', '2024-03', '', 'prefecture', '', 'lang=en'])).value as unknown[][];
    expect(english.at(-1)).toEqual(['※ 3 groups hidden: groups of fewer than 5 people, and 1 more so that none can be worked out by subtraction.', '']);
  });

  test('an answer without hidden groups has no footnote; one cached before `reason` existed names the record floor', async () => {
    expect((await cell('SNAQ_METRIC', ['plain', '2024-01', '2024-03'])).value).toHaveLength(4);
    api.reshape(hiding({ groups: 2, minGroupSize: 10 } as Suppressed));
    expect(((await cell('SNAQ_METRIC', ['older', '2024-01', '2024-03'])).value as unknown[][]).at(-1)).toEqual([
      '※ 2 グループを非表示にしました（10 件未満）。',
      '',
    ]);
  });

  test('every group hidden and no header: the footnote alone says why the cell is empty', async () => {
    api.reshape(hiding(PERSON_FLOOR, []));
    expect((await cell('SNAQ_METRIC', ['all_hidden', '2024-01', '2024-03', '', '', '', 'noheader'])).value).toEqual([
      [`※ ${suppressionText(PERSON_FLOOR, 'ja')}`],
    ]);
  });
});

describe('SNAQ_VALUE', () => {
  test('a hidden value is an error that says why (the person floor) and what to do', async () => {
    const small: Suppressed = { groups: 1, minGroupSize: 1, reason: 'person_floor', minPeople: 5 };
    api.reshape(hiding(small, [['all', null]]));
    const { error } = await cell('SNAQ_VALUE', ['tiny_group', '2024-01', '2024-03']);
    expect(error).toContain('この条件に当てはまるのは 5 人未満のため、個人が特定されないよう値を表示していません。期間を広げるか、絞り込みを外してください。');
    expect(error).toContain(hiddenValueText(small, 'ja'));
  });

  test('a value hidden only so another cannot be worked out by subtraction says that instead', async () => {
    const protecting: Suppressed = { groups: 1, minGroupSize: 1, reason: 'person_floor', minPeople: 5, complementary: 1 };
    api.reshape(hiding(protecting, [['all', null]]));
    expect((await cell('SNAQ_VALUE', ['protecting', '2024-01', '2024-03'])).error).toContain('差し引きで小さなグループの値が求められないよう');
  });

  test('with a comparison, an earlier side hidden leaves no change ratio: the same sentence, not a number', async () => {
    const small: Suppressed = { groups: 1, minGroupSize: 1, reason: 'person_floor', minPeople: 5 };
    const number = (name: string, role: 'comparison' | 'change' | 'changeRatio') => ({ name, type: 'number' as const, role, title: { ja: name, en: name } });
    api.reshape((result) => ({
      ...result,
      columns: [...result.columns, number('comparison', 'comparison'), number('change', 'change'), number('change_ratio', 'changeRatio')],
      rows: [['all', 120, null, null, null]],
      meta: { ...result.meta, suppressed: small },
    }));
    expect((await cell('SNAQ_VALUE', ['earlier_hidden', '2024-01', '2024-03', '', '前年比'])).error).toContain(hiddenValueText(small, 'ja'));
    expect(JSON.parse(api.requests.at(-1)!.body)).toMatchObject({ metric: 'earlier_hidden', compare: 'previous_year' });
  });
});

describe('blocks', () => {
  interface Outcome {
    ok: boolean;
    state: { status: string };
  }

  test('a block whose answer hid groups says so on its header cell; a refresh without hidden groups removes the note', async () => {
    api.reshape(hiding(PERSON_FLOOR));
    gas.workbook.select('Sheet1', 'B2');
    const block = await rpc<{ id: string; range: string }>('snaqInsertBlock', {
      metric: 'blocked',
      from: '2024-01',
      to: '2024-03',
      dimensions: ['prefecture'],
    });
    expect(block.range).toBe('B2:C5');
    const sentence = suppressionText(PERSON_FLOOR, 'ja');
    expect(gas.workbook.notes('Sheet1')[1]![1]).toBe(sentence);
    // Only the header cell carries it: the rows hold the groups that were shown.
    expect(
      gas.workbook
        .notes('Sheet1')
        .flat()
        .filter((note) => note !== ''),
    ).toEqual([sentence]);

    api.reshape(undefined);
    expect((await rpc<Outcome>('snaqRefreshBlock', block.id)).ok).toBe(true);
    expect(gas.workbook.values('Sheet1')[2]![1]).toBe('blocked #2');
    expect(
      gas.workbook
        .notes('Sheet1')
        .flat()
        .filter((note) => note !== ''),
    ).toEqual([]);
  });

  test('every group hidden: the block is its header, with the note; the rows come back, without it, when they may be shown', async () => {
    api.reshape(hiding(PERSON_FLOOR, []));
    gas.workbook.select('Sheet1', 'B12');
    const block = await rpc<{ id: string; range: string }>('snaqInsertBlock', { metric: 'emptied', from: '2024-01', to: '2024-03', dimensions: ['gender'] });
    expect(block.range).toBe('B12:C12');
    expect(gas.workbook.notes('Sheet1')[11]![1]).toBe(suppressionText(PERSON_FLOOR, 'ja'));

    api.reshape(undefined);
    expect((await rpc<Outcome>('snaqRefreshBlock', block.id)).ok).toBe(true);
    expect(
      gas.workbook
        .values('Sheet1')
        .slice(11, 15)
        .map((row) => row[1]),
    ).toEqual(['ラベル', 'emptied #2', 'emptied #2', 'emptied #2']);
    expect(gas.workbook.notes('Sheet1')[11]![1]).toBe('');
  });

  test("a series with an emptied period and a range past the data: the data's edge is noted where the values end, not on the emptied period", async () => {
    const rows: QueryResult['rows'] = [
      ['2024-01', 4],
      ['2024-02', null],
      ['2024-03', 6],
      ['2024-04', null],
      ['2024-05', null],
    ];
    const suppressed: Suppressed = { groups: 1, minGroupSize: 10, reason: 'min_group_size' };
    api.reshape((result) => ({ ...result, rows, meta: { ...result.meta, suppressed, dataEnd: '2024-03-20T00:00:00Z' } }));
    gas.workbook.select('Sheet1', 'E2');
    await rpc('snaqInsertBlock', { metric: 'edged', from: '2024-01', to: '2024-05' });
    const notes = gas.workbook
      .notes('Sheet1')
      .slice(1, 7)
      .map((row) => row[4]);
    expect(notes).toEqual([
      '1 グループを非表示にしました（10 件未満）。',
      '',
      '',
      '',
      'データは 2024-03-20 09:00 JST までです。それより後の期間は空欄です。',
      '',
    ]);
  });

  test('a failed refresh puts its stale note on the header; the next good one puts the hidden groups back', async () => {
    api.reshape(hiding(PERSON_FLOOR));
    gas.workbook.select('Sheet1', 'E20');
    const block = await rpc<{ id: string }>('snaqInsertBlock', { metric: 'flaky', from: '2024-01', to: '2024-03' });
    const endpoint = gas.properties.script.get('SNAQ_ENDPOINT')!;
    gas.properties.script.set('SNAQ_ENDPOINT', 'http://127.0.0.1:9'); // nothing listens there
    try {
      expect((await rpc<Outcome>('snaqRefreshBlock', block.id)).ok).toBe(false);
      expect(gas.workbook.notes('Sheet1')[19]![4]).toMatch(/^SNAQ: .* の更新に失敗しました/);
    } finally {
      gas.properties.script.set('SNAQ_ENDPOINT', endpoint);
    }
    expect((await rpc<Outcome>('snaqRefreshBlock', block.id)).ok).toBe(true);
    expect(gas.workbook.notes('Sheet1')[19]![4]).toBe(suppressionText(PERSON_FLOOR, 'ja'));
  });

  test('a compared block that hid groups says both on its header cell: what it compares with, then what it hid', async () => {
    const comparison = { compare: 'previous_year' as const, from: '2023-01-01', to: '2023-04-01' };
    api.reshape((result) => ({ ...result, meta: { ...result.meta, suppressed: PERSON_FLOOR, comparison } }));
    gas.workbook.select('Sheet1', 'A26');
    await rpc('snaqInsertBlock', { metric: 'compared', from: '2024-01', to: '2024-03', grain: 'month', compare: 'previous_year' });
    expect(JSON.parse(api.requests.at(-1)!.body)).toMatchObject({ metric: 'compared', compare: 'previous_year' });
    expect(gas.workbook.notes('Sheet1')[25]![0]).toBe(`前年同期（2023-01〜2023-03）と比較しています。\n${suppressionText(PERSON_FLOOR, 'ja')}`);
  });
});
