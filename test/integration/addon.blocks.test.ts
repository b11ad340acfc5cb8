/**
 * Blocks in the emulator against the real server: insert, refresh after rows move it, refuse to
 * write over other content, keep the last good values when a refresh fails, recover, and a
 * scheduled run cut by the execution limit that resumes on the next trigger.
 */
import { createAppsScriptEnv, type AppsScriptEnv } from '../../src/emulator';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv, CODE_PATH, connectionProperties, jstDate, tokyoWorkbook } from '../support/addonEnv';
import { CountingEngine } from '../support/countingEngine';
import { DuckDbEngine } from '../../src/engine/duckdb';
import type { QueryResult } from '../../src/contract/types';

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

const QUERY = { metric: 'box_revenue', from: '2024-01-01', to: '2024-06-30', grain: 'month', dimensions: ['plan'] };

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({
    endpoint: api.server.url,
    workbook: tokyoWorkbook(40, 8),
  });
});
afterAll(async () => {
  await gas.close();
  await api.close();
  lake.remove();
});

async function rpc<T>(fn: string, ...args: unknown[]): Promise<T> {
  const result = await gas.run(fn, args, { mode: 'rpc' });
  if (result.error) throw new Error(`${fn}: ${result.error}`);
  return result.value as T;
}

async function expected(): Promise<unknown[][]> {
  const outcome = await api.service.query({ ...QUERY, to: '2024-07-01' }, 'test');
  const body = outcome.body as QueryResult;
  // The sheet shows the plans' words (the API answers their codes) and the header its unit.
  return [['期間', 'プラン', '定期便売上（円）'], ...body.rows.map(([period, plan, value]) => [jstDate(period as string), PLAN_JA[plan as string], value])];
}

/** A rectangle of the sheet, '' where nothing was ever written (values() covers the used area only). */
function region(top: number, left: number, rows: number, columns: number): unknown[][] {
  const values = gas.workbook.values('Sheet1');
  return Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => values[top - 1 + r]?.[left - 1 + c] ?? ''));
}

const PLAN_JA: Record<string, string> = { biweekly: '隔週', every4weeks: '4週ごと' };

let id: string;

test('insert a block at the selected cell: values equal the API, formatted, anchored', async () => {
  gas.workbook.select('Sheet1', 'B3');
  const block = await rpc<{ id: string; range: string; state: { status: string } }>('snaqInsertBlock', QUERY);
  id = block.id;
  const want = await expected();
  expect(block.range).toBe(`B3:D${2 + want.length}`);
  expect(block.state.status).toBe('fresh');
  expect(region(3, 2, want.length, 3)).toEqual(want);
  const formats = gas.workbook.numberFormats('Sheet1');
  expect(formats[3]![1]).toBe('yyyy-mm-dd');
  expect(formats[3]![3]).toBe('[$¥]#,##0');
  const anchors = gas.workbook.metadata().filter((m) => m.key === 'snaq.block');
  expect(anchors.map((m) => m.locationType).sort()).toEqual(['COLUMN', 'COLUMN', 'ROW', 'ROW']);
});

test('rows inserted above and inside move the block; refresh writes it where it now is', async () => {
  gas.workbook.insertRows('Sheet1', 1, 2); // above: the block now starts at B5
  gas.workbook.insertRows('Sheet1', 8, 1); // inside it
  gas.workbook.setCell('Sheet1', 'F1', 'keep me');
  const outcome = await rpc<{ ok: boolean }>('snaqRefreshBlock', id);
  expect(outcome.ok).toBe(true);
  const want = await expected();
  expect(region(5, 2, want.length, 3)).toEqual(want);
  // The row inserted inside stretched the block; what it held there is cleared, nothing is left below.
  expect(region(5 + want.length, 2, 1, 3)).toEqual([['', '', '']]);
  expect(gas.workbook.values('Sheet1')[0]![5]).toBe('keep me');
  const listed = await rpc<Array<{ id: string; range: string }>>('snaqListBlocks');
  expect(listed).toEqual([expect.objectContaining({ id, range: `B5:D${4 + want.length}` })]);
});

test('a larger result blocked by other content is not written; the block reports the rows it needs', async () => {
  const bottom = 4 + (await expected()).length;
  const before = region(1, 1, bottom + 20, 8);
  gas.workbook.setCell('Sheet1', `C${bottom + 2}`, 'someone else’s note');
  const outcome = await rpc<{ ok: boolean; reason: string; state: { status: string } }>('snaqEditBlock', id, { ...QUERY, to: '2024-12-31' });
  expect(outcome.ok).toBe(false);
  expect(outcome.state.status).toBe('error');
  expect(outcome.reason).toMatch(/^このブロックには 25 行 × 3 列が必要ですが、1 個のセルが使われています/);
  const after = region(1, 1, bottom + 20, 8);
  expect(after[bottom + 1]![2]).toBe('someone else’s note');
  after[bottom + 1]![2] = ''; // the only change: the note we added
  expect(after).toEqual(before);
});

test('a failed refresh keeps the last good values, marks the block stale with a note, and recovers', async () => {
  const good = region(1, 1, 40, 8);
  const endpoint = gas.properties.script.get('SNAQ_ENDPOINT')!;
  gas.properties.script.set('SNAQ_ENDPOINT', 'http://127.0.0.1:9'); // nothing listens there
  const failed = await rpc<{ ok: boolean; state: { status: string; reason: string } }>('snaqRefreshBlock', id);
  expect(failed.ok).toBe(false);
  expect(failed.state.status).toBe('stale');
  expect(failed.state.reason).toBe('指標サービス（127.0.0.1:9）に接続できません。しばらくしてから再計算してください。');
  expect(region(1, 1, 40, 8)).toEqual(good);
  expect(gas.workbook.notes('Sheet1')[4]![1]).toMatch(/^SNAQ: .* の更新に失敗しました（指標サービス/);

  gas.properties.script.set('SNAQ_ENDPOINT', endpoint);
  const recovered = await rpc<{ ok: boolean; state: { status: string; history: unknown[] } }>('snaqRefreshBlock', id);
  expect(recovered.ok).toBe(true);
  expect(recovered.state.status).toBe('fresh');
  expect(recovered.state.history.length).toBeGreaterThanOrEqual(4);
  expect(gas.workbook.notes('Sheet1')[4]![1]).toBe('');
});

test('one hourly trigger per document: a due run refreshes the blocks, the next finds nothing due, and no schedule means no trigger', async () => {
  const view = await rpc<{ schedule: { kind: string }; nextRun: string }>('snaqSetSchedule', { kind: 'weekly', weekday: 1, hour: 8 });
  expect(view.schedule.kind).toBe('weekly');
  expect(new Date(view.nextRun).getUTCHours()).toBe(23); // Monday 08:00 JST is Sunday 23:00 UTC
  await rpc('snaqSetSchedule', { kind: 'weekly', weekday: 1, hour: 8 });
  expect(gas.triggers.list().filter((trigger) => trigger.handler === 'snaqScheduledRefresh')).toHaveLength(1);

  // Pretend last Monday's run never happened, then let the trigger fire.
  const record = JSON.parse(gas.properties.document.get('SNAQ_SCHEDULE')!);
  gas.properties.document.set('SNAQ_SCHEDULE', JSON.stringify({ ...record, completedSlot: 0 }));
  const [trigger] = gas.triggers.list();
  const run = await gas.triggers.fire(trigger!.uid);
  expect(run.error).toBeUndefined();
  expect(run.value).toMatchObject({ due: true, remaining: 0 });
  expect((run.value as { refreshed: number; failed: number }).refreshed + (run.value as { failed: number }).failed).toBe(1);
  const again = await gas.triggers.fire(trigger!.uid);
  expect(again.value).toMatchObject({ due: false });

  await rpc('snaqSetSchedule', null);
  expect(gas.triggers.list()).toHaveLength(0);
});

describe('a scheduled run cut by the execution limit', () => {
  test('saves its progress after every block and the next hourly run finishes the rest', async () => {
    const slow = new CountingEngine(await DuckDbEngine.open({ lakeDir: lake.dir, connections: 2 }));
    const execute = slow.execute.bind(slow);
    slow.execute = async (statement, options) => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      return execute(statement, options);
    };
    // A new lake snapshot lands before the scheduled run, so no refresh is a server-cache hit.
    let snapshotVersion = 1;
    const snapshot = slow.snapshot.bind(slow);
    slow.snapshot = async () => ({ ...(await snapshot()), snapshotId: `export-${snapshotVersion}` });
    const slowApi = await startLocalApi(lake.dir, { engine: slow });
    const env = await createAppsScriptEnv({
      codePath: CODE_PATH,
      scriptProperties: connectionProperties(slowApi.server.url),
      workbook: { sheets: { Sheet1: Array.from({ length: 60 }, () => Array.from({ length: 12 }, () => null)) } },
      otherExecutionLimitMs: 2_500,
    });
    try {
      const ids: string[] = [];
      const blocks: Array<[string, string]> = [
        ['A1', 'shop_revenue'],
        ['E1', 'box_revenue'],
        ['I1', 'revenue'],
        ['A20', 'new_subscribers'],
      ];
      for (const [cell, metric] of blocks) {
        env.workbook.select('Sheet1', cell);
        const inserted = await env.run('snaqInsertBlock', [{ metric, from: '2024-01', to: '2024-03', grain: 'month' }], { mode: 'rpc' });
        expect(inserted.error).toBeUndefined();
        ids.push((inserted.value as { id: string }).id);
      }
      await env.run('snaqSetSchedule', [{ kind: 'daily', hour: 8 }], { mode: 'rpc' });
      snapshotVersion = 2;
      const record = JSON.parse(env.properties.document.get('SNAQ_SCHEDULE')!);
      env.properties.document.set('SNAQ_SCHEDULE', JSON.stringify({ ...record, completedSlot: 0 }));
      const [trigger] = env.triggers.list();
      const runs = [];
      for (let i = 0; i < 6; i++) {
        const run = await env.triggers.fire(trigger!.uid);
        runs.push(run);
        if ((run.value as { remaining?: number } | undefined)?.remaining === 0) break;
      }
      expect(runs[0]!.error).toBe('Exceeded maximum execution time');
      expect(runs.at(-1)!.value).toMatchObject({ due: true, remaining: 0 });
      for (const id of ids) {
        const state = JSON.parse(env.properties.document.get(`SNAQ_BLOCK_${id}`)!);
        expect(state.history.filter((run: { by: string; ok: boolean }) => run.by === 'schedule' && run.ok)).toHaveLength(1);
      }
      expect((await env.triggers.fire(trigger!.uid)).value).toMatchObject({ due: false });
    } finally {
      await env.close();
      await slowApi.close();
    }
  }, 120_000);
});
