/**
 * Scheduled refreshes, manual refreshes and block edits running at the same time, in the emulator:
 * a fake API holds chosen requests so a trigger run is caught between two blocks while a colleague's
 * trigger fires, rows are inserted, the schedule is changed, a block is refreshed by hand and
 * another edited. No block may be refreshed twice, no cell outside the blocks may change, no edit
 * or setting may be lost.
 */
import { createAppsScriptEnv, type AppsScriptEnv } from '../../src/emulator';
import { CODE_PATH, connectionProperties, tokyoWorkbook } from '../support/addonEnv';
import { scriptedRows, startScriptedApi, type ScriptedApi } from '../support/scriptedApi';

let api: ScriptedApi;
let gas: AppsScriptEnv;

beforeEach(async () => {
  api = await startScriptedApi();
  gas = await createAppsScriptEnv({
    codePath: CODE_PATH,
    scriptProperties: connectionProperties(api.url),
    workbook: tokyoWorkbook(40, 6),
  });
});
afterEach(async () => {
  await gas.close();
  await api.close();
});

async function rpc<T>(fn: string, ...args: unknown[]): Promise<T> {
  const result = await gas.run(fn, args, { mode: 'rpc' });
  if (result.error) throw new Error(`${fn}: ${result.error}`);
  return result.value as T;
}

interface Summary {
  id: string;
  range: string;
  metric: string;
  state: { history: Array<{ by: string; ok: boolean }> };
}

/** Waits for a held request, failing clearly if the run never sends it. */
function arrival(hold: { arrived: Promise<void> }, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`the run never asked for ${what}`)), 15_000)));
  return Promise.race([hold.arrived, late]).finally(() => clearTimeout(timer));
}

const query = (metric: string) => ({ metric, from: '2024-01', to: '2024-03' });

/** Every non-empty cell of the sheet, as A1 → value. */
function filledCells(): Map<string, unknown> {
  const cells = new Map<string, unknown>();
  gas.workbook.values('Sheet1').forEach((row, r) =>
    row.forEach((value, c) => {
      if (value !== '' && value !== null) cells.set(`${String.fromCharCode(65 + c)}${r + 1}`, value);
    }),
  );
  return cells;
}

/** What a block of `metric` served for the n-th time holds, at its top-left cell B<row>. */
function blockCells(row: number, metric: string, n: number): Array<[string, unknown]> {
  return [
    [`B${row}`, 'ラベル'],
    [`C${row}`, metric],
    ...scriptedRows(metric, n).flatMap(([label, value], i): Array<[string, unknown]> => [
      [`B${row + 1 + i}`, label],
      [`C${row + 1 + i}`, value],
    ]),
  ];
}

test('two triggers, inserted rows, a manual refresh, an edit and a new schedule during one run: nothing is lost or done twice', async () => {
  gas.workbook.setCell('Sheet1', 'A1', 'Weekly report');
  gas.workbook.setCell('Sheet1', 'E5', 'side note');
  const ids: Record<string, string> = {};
  for (const [cell, metric] of [
    ['B2', 'm1'],
    ['B10', 'm2'],
    ['B18', 'm3'],
    ['B26', 'm4'],
  ] as const) {
    gas.workbook.select('Sheet1', cell);
    ids[metric] = (await rpc<Summary>('snaqInsertBlock', query(metric))).id;
  }
  await rpc('snaqSetSchedule', { kind: 'daily', hour: 8 });
  const [mine] = gas.triggers.list();
  const colleagues = gas.triggers.seed({ handler: 'snaqScheduledRefresh', eventType: 'CLOCK', clock: { everyHours: 1 }, user: 'colleague@example.com' });
  // Today's slot has not run yet.
  const record = JSON.parse(gas.properties.document.get('SNAQ_SCHEDULE')!);
  gas.properties.document.set('SNAQ_SCHEDULE', JSON.stringify({ ...record, completedSlot: 0 }));

  // 1. The run waits for block 1's answer: the colleague's trigger fires, rows are inserted above
  //    block 2 and typed in, and someone saves a new schedule.
  const first = api.hold('m1');
  const run = gas.triggers.fire(mine!.uid);
  await arrival(first, 'block 1');
  const second = await gas.triggers.fire(colleagues.uid);
  gas.workbook.insertRows('Sheet1', 10, 3);
  gas.workbook.setCell('Sheet1', 'B10', 'typed during the run');
  const newSchedule = { kind: 'weekly', weekday: 3, hour: 9 };
  await rpc('snaqSetSchedule', newSchedule);

  // 2. The run waits for block 2's answer (it has found block 2 already): rows are inserted above it
  //    again, and block 4 is refreshed by hand.
  const blockTwo = api.hold('m2');
  first.release();
  await arrival(blockTwo, 'block 2');
  gas.workbook.insertRows('Sheet1', 13, 2);
  gas.workbook.setCell('Sheet1', 'B13', 'typed again');
  expect((await rpc<{ ok: boolean }>('snaqRefreshBlock', ids.m4)).ok).toBe(true);

  // 3. The run waits for block 3's answer: someone edits block 3 to another metric.
  const blockThree = api.hold('m3');
  blockTwo.release();
  await arrival(blockThree, 'block 3');
  expect((await rpc<{ ok: boolean }>('snaqEditBlock', ids.m3, query('m3b'))).ok).toBe(true);
  blockThree.release();
  const done = await run;

  expect(done.error).toBeUndefined();
  expect(done.value).toMatchObject({ due: true, refreshed: 2, failed: 0, skipped: 2, remaining: 0 });
  // The colleague's run found this one busy and left the work to it.
  expect(second.error).toBeUndefined();
  expect(second.value).toMatchObject({ busy: true, refreshed: 0 });

  // No block refreshed twice: blocks 1 and 2 by the run; 3 (edited) and 4 (by hand) are left alone.
  const blocks = await rpc<Summary[]>('snaqListBlocks');
  const scheduled = Object.fromEntries(blocks.map((block) => [block.metric, block.state.history.filter((entry) => entry.by === 'schedule').length]));
  expect(scheduled).toEqual({ m1: 1, m2: 1, m3b: 0, m4: 0 });
  expect(Object.fromEntries(api.served)).toEqual({ m1: 2, m2: 2, m3: 2, m3b: 1, m4: 2 });

  // The edit survived, every block sits where the inserts moved it, and no other cell changed.
  expect(blocks.map((block) => [block.id, block.range])).toEqual([
    [ids.m1, 'B2:C5'],
    [ids.m2, 'B15:C18'],
    [ids.m3, 'B23:C26'],
    [ids.m4, 'B31:C34'],
  ]);
  expect(filledCells()).toEqual(
    new Map<string, unknown>([
      ['A1', 'Weekly report'],
      ...blockCells(2, 'm1', 2),
      ['E5', 'side note'],
      ['B10', 'typed during the run'],
      ['B13', 'typed again'],
      ...blockCells(15, 'm2', 2),
      ...blockCells(23, 'm3b', 1),
      ...blockCells(31, 'm4', 2),
    ]),
  );

  // The schedule saved mid-run is the schedule now; the slot the run finished is not run again.
  expect((await rpc<{ schedule: unknown }>('snaqGetSchedule')).schedule).toEqual(newSchedule);
  expect((await gas.triggers.fire(mine!.uid)).value).toMatchObject({ due: false });
}, 60_000);

test('a live marker of another run makes a run leave the work; a dead run’s marker (past the 6-minute limit) does not', async () => {
  gas.workbook.select('Sheet1', 'B2');
  await rpc('snaqInsertBlock', query('m1'));
  await rpc('snaqSetSchedule', { kind: 'daily', hour: 8 });
  const [mine] = gas.triggers.list();
  const record = JSON.parse(gas.properties.document.get('SNAQ_SCHEDULE')!);
  gas.properties.document.set('SNAQ_SCHEDULE', JSON.stringify({ ...record, completedSlot: 0 }));

  gas.properties.document.set('SNAQ_SCHEDULE_RUN', JSON.stringify({ runner: { id: 'a colleague’s trigger', until: Date.now() + 60_000 } }));
  expect((await gas.triggers.fire(mine!.uid)).value).toMatchObject({ busy: true, refreshed: 0 });
  expect(api.served.get('m1')).toBe(1);

  gas.properties.document.set('SNAQ_SCHEDULE_RUN', JSON.stringify({ runner: { id: 'a colleague’s trigger', until: Date.now() - 1 } }));
  expect((await gas.triggers.fire(mine!.uid)).value).toMatchObject({ due: true, refreshed: 1, remaining: 0 });
  expect(api.served.get('m1')).toBe(2);
  expect(JSON.parse(gas.properties.document.get('SNAQ_SCHEDULE_RUN')!).runner).toBeUndefined();
});
