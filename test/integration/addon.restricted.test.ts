/**
 * A restricted metric through the built add-on in the emulator, against the real signed server
 * trusting a local issuer: the emulated user's ID token (ScriptApp.getIdentityToken) goes with the
 * sidebar's and the blocks' requests, never with a cell's. A cell answers one sentence; a block made
 * by finance is refreshed for finance, and left as it was (marked with the reason) when another
 * editor, outside the groups, refreshes it by hand or by their scheduled run.
 */
import type { AppsScriptEnv } from '../../src/emulator';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv, jstDate, tokyoWorkbook } from '../support/addonEnv';
import { OPERATOR } from '../../src/catalog/accessPolicy';
import type { QueryResult } from '../../src/contract/types';

const FINANCE = 'hanako.sato@snaq.me';
const OUTSIDER = 'jiro.suzuki@snaq.me';
const QUERY = { metric: 'gross_margin', from: '2024-01-01', to: '2024-06-30', grain: 'month' };

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({ endpoint: api.server.url, workbook: tokyoWorkbook(40, 8), user: FINANCE, identityTokenFor: (email) => api.issuer.tokenFor(email) });
}, 60_000);
afterAll(async () => {
  await gas?.close();
  await api?.close();
  lake?.remove();
});

async function rpc<T>(fn: string, ...args: unknown[]): Promise<T> {
  const result = await gas.run(fn, args, { mode: 'rpc' });
  if (result.error) throw new Error(`${fn}: ${result.error}`);
  return result.value as T;
}

/** Every value in the script cache, which all users of the add-on share. */
const sharedCacheText = () =>
  gas.caches.script
    .keys()
    .map((key) => gas.caches.script.peek(key) ?? '')
    .join('\n');

test('a cell cannot show it, even for finance: one sentence saying where it can be seen, and nothing cached for everyone', async () => {
  const cell = await gas.run('SNAQ_METRIC', ['gross_margin', '2024-01-01', '2024-06-30', 'month'], { mode: 'customFunction' });
  expect(cell.error).toBe('指標 "gross_margin" は閲覧できる人が限られているため、セルの関数では表示できません。ブロックかサイドバーを使ってください。');
  const english = await gas.run('SNAQ_METRIC', ['gross_margin', '2024-01-01', '2024-06-30', 'month', '', '', 'lang=en'], { mode: 'customFunction' });
  expect(english.error).toBe('Metric "gross_margin" is restricted: use a block or the sidebar.');
  const list = await gas.run('SNAQ_METRICS', [], { mode: 'customFunction' });
  expect(JSON.stringify(list.value)).not.toContain('gross_margin');
  expect(JSON.stringify(list.value)).toContain('box_revenue');
  expect(sharedCacheText()).not.toContain('gross_margin');
});

test('the sidebar lists it for finance and not for someone outside the groups', async () => {
  const names = async () => (await rpc<{ metrics: Array<{ name: string }> }>('snaqListMetrics')).metrics.map((metric) => metric.name);
  expect(await names()).toContain('gross_margin');
  gas.setUser(OUTSIDER);
  try {
    expect(await names()).not.toContain('gross_margin');
  } finally {
    gas.setUser(FINANCE);
  }
});

describe('a block of it', () => {
  let id: string;
  let values: unknown[][];

  test('finance inserts it: the values equal the API’s, and none of it enters the shared cache', async () => {
    gas.workbook.select('Sheet1', 'B2');
    const block = await rpc<{ id: string; state: { status: string } }>('snaqInsertBlock', QUERY);
    id = block.id;
    expect(block.state.status).toBe('fresh');
    const outcome = await api.service.query({ ...QUERY, to: '2024-07-01' }, OPERATOR);
    const rows = (outcome.body as QueryResult).rows;
    values = gas.workbook.values('Sheet1');
    expect(values[1]!.slice(1, 3)).toEqual(['期間', '粗利（円）']);
    expect(rows.map(([period, value]) => [jstDate(period as string), value])).toEqual(values.slice(2, 2 + rows.length).map((row) => row.slice(1, 3)));
    expect(sharedCacheText()).not.toContain('gross_margin');
  });

  test('another editor outside the groups refreshes it by hand: refused, the values stay, the block says why', async () => {
    gas.setUser(OUTSIDER);
    try {
      const refused = await rpc<{ ok: boolean; state: { status: string; reason: string } }>('snaqRefreshBlock', id);
      expect(refused.ok).toBe(false);
      expect(refused.state.reason).toBe('指標 "gross_margin" は閲覧できる人が限られています。必要な場合はデータチームに相談してください。');
      expect(gas.workbook.values('Sheet1')).toEqual(values);
    } finally {
      gas.setUser(FINANCE);
    }
    const again = await rpc<{ ok: boolean; state: { status: string } }>('snaqRefreshBlock', id);
    expect([again.ok, again.state.status]).toEqual([true, 'fresh']);
  });

  test('their scheduled run uses their identity: the block stays as it was, marked with the reason', async () => {
    gas.setUser(OUTSIDER);
    try {
      await rpc('snaqSetSchedule', { kind: 'daily', hour: 8 });
      const record = JSON.parse(gas.properties.document.get('SNAQ_SCHEDULE')!);
      gas.properties.document.set('SNAQ_SCHEDULE', JSON.stringify({ ...record, completedSlot: 0 }));
      const [trigger] = gas.triggers.list().filter((t) => t.handler === 'snaqScheduledRefresh');
      const run = await gas.triggers.fire(trigger!.uid);
      expect(run.error).toBeUndefined();
      expect(run.value).toMatchObject({ due: true, failed: 1, refreshed: 0 });
      expect(gas.workbook.values('Sheet1')).toEqual(values);
      const [listed] = await rpc<Array<{ id: string; state: { reason?: string } }>>('snaqListBlocks');
      expect(listed!.state.reason).toMatch(/gross_margin.*限られています/);
      await rpc('snaqSetSchedule', null);
    } finally {
      gas.setUser(FINANCE);
    }
  });
});
