/**
 * The KPI dashboard (menu SNAQ › KPI ダッシュボードを挿入): the built bundle in the emulator against
 * the real server. A new sheet with a title and a freshness line, six ordinary blocks holding the
 * API's numbers, each with its chart beside it and nothing overlapping; the sidebar's offer of the
 * weekly refresh; rows inserted above, then every block refreshed: blocks, charts and the line moved
 * and rewritten. The revenue block asks for `previous_year` and charts the value against the
 * comparison, never the change columns.
 */
import { createAppsScriptEnv, type AppsScriptEnv } from '../../src/emulator';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv, CODE_PATH, connectionProperties, jstDate, tokyoWorkbook } from '../support/addonEnv';
import { startScriptedApi, type ScriptedApi } from '../support/scriptedApi';
import { parseRange } from '../../src/addon/server/sheetArguments';
import { CHART_ROWS, DASHBOARD } from '../../src/addon/server/dashboard';
import type { QueryRequest, QueryResult } from '../../src/contract/types';
import { cellText, columnHeader } from '../../src/contract/columnText';

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

const SHEET = 'KPI ダッシュボード';
/** What each entry compares with: revenue with the same month a year earlier. */
const compareOf = (metric: string) => DASHBOARD.find(([name]) => name === metric)?.[6];
const LINE = /^データ時点 2026-11-01 09:00 JST · 最終更新 \d{4}-\d\d-\d\d \d\d:\d\d JST$/;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({ endpoint: api.server.url, workbook: tokyoWorkbook(10, 4) });
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

interface Summary {
  id: string;
  sheet: string;
  range: string;
  metric: string;
  query: { metric: string; from: string; grain?: string; dimensions?: string[]; limit?: number; compare?: string };
  state: { status: string; lastRefreshAt?: string; history: Array<{ by: string; ok: boolean }> };
}

/** Today in JST, as the add-on's Tokyo spreadsheet evaluates period keywords. */
const todayJst = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

/** What the API answers for a dashboard entry, as the block's cells (header in Japanese, periods as Dates). */
async function expectedCells(entry: (typeof DASHBOARD)[number]): Promise<unknown[][]> {
  const [metric, from, , grain, dimension, limit] = entry;
  const request: QueryRequest = {
    metric,
    ...parseRange(from, '', { lang: 'ja', today: todayJst(), dayOf: (d) => d.toISOString().slice(0, 10) }),
    ...(grain ? { grain } : {}),
    ...(dimension ? { dimensions: [dimension] } : {}),
    ...(limit ? { limit } : {}),
    ...(compareOf(metric) ? { compare: compareOf(metric) } : {}),
  };
  const body = (await api.service.query(request, 'test')).body as QueryResult;
  return [
    body.columns.map((column) => columnHeader(column, 'ja')),
    ...body.rows.map((row) =>
      row.map((cell, i) => (cell === null ? '' : body.columns[i]!.type === 'date' ? jstDate(cell as string) : cellText(cell, body.columns[i], 'ja'))),
    ),
  ];
}

/** [top, bottom, left, right] of an A1 range such as A4:B28. */
function box(a1: string): [number, number, number, number] {
  const [, l, t, r, b] = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(a1)!;
  const column = (letters: string) => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
  return [Number(t), Number(b), column(l!), column(r!)];
}

function region(sheet: string, a1: string): unknown[][] {
  const [top, bottom, left, right] = box(a1);
  const values = gas.workbook.values(sheet);
  return Array.from({ length: bottom - top + 1 }, (_, r) => Array.from({ length: right - left + 1 }, (_, c) => values[top - 1 + r]?.[left - 1 + c] ?? ''));
}

describe('inserting the KPI dashboard', () => {
  let blocks: Summary[];

  test('the menu item adds a new, active sheet with the title, the freshness line and six blocks of the API’s numbers', async () => {
    await gas.run('onOpen', [{ authMode: 'FULL' }]);
    const before = gas.ui.sidebars.length;
    const run = await gas.run('snaqInsertDashboard', [], { mode: 'menu' });
    expect(run.error).toBeUndefined();
    expect(run.value).toMatchObject({ sheet: SHEET, failed: [] });
    expect(gas.workbook.activeRange().sheet).toBe(SHEET);
    expect(gas.workbook.values(SHEET)[0]![0]).toBe(SHEET);
    expect(gas.workbook.cell(SHEET, 'A1').fontWeight).toBe('bold');
    expect(gas.workbook.values(SHEET)[1]![0]).toMatch(LINE);
    // The sidebar opens to offer the weekly refresh.
    expect(gas.ui.sidebars.length).toBe(before + 1);
    expect(gas.ui.menus[0]!.items).toContainEqual({ caption: 'KPI ダッシュボードを挿入', functionName: 'snaqInsertDashboard' });

    blocks = (await rpc<Summary[]>('snaqListBlocks')).filter((block) => block.sheet === SHEET);
    expect(blocks.map((block) => [block.metric, block.query.from])).toEqual(DASHBOARD.map(([metric, from]) => [metric, from]));
    expect(blocks.map((block) => [block.state.status, block.query.compare])).toEqual(DASHBOARD.map(([metric]) => ['fresh', compareOf(metric)]));
    for (const [i, block] of blocks.entries()) expect(region(SHEET, block.range)).toEqual(await expectedCells(DASHBOARD[i]!));
    // The top 10 products of last month: ten rows, largest first.
    const top = region(SHEET, blocks[4]!.range).slice(1);
    expect(top).toHaveLength(10);
    expect(top.map((row) => row[1])).toEqual([...top.map((row) => row[1] as number)].sort((a, b) => b - a));
  }, 60_000);

  test('blocks are laid out down column A from row 4, each with room for its chart, none overlapping', () => {
    const spans = blocks.map((block) => box(block.range));
    expect(spans[0]!.slice(0, 1)).toEqual([4]);
    for (const [i, [top, , left]] of spans.entries()) {
      expect(left).toBe(1);
      if (i > 0) expect(top).toBe(spans[i - 1]![0] + Math.max(spans[i - 1]![1] - spans[i - 1]![0] + 1, CHART_ROWS) + 2);
    }
  });

  test('each block has its chart of the kind it asks for, over its cells, beside it, titled with its metric and range', () => {
    const charts = gas.workbook.charts(SHEET);
    expect(charts.map((chart) => chart.type)).toEqual(['LINE', 'LINE', 'LINE', 'COLUMN', 'BAR', 'COLUMN']);
    for (const [i, chart] of charts.entries()) {
      const [top, bottom, left, right] = box(blocks[i]!.range);
      // The labels, the value and (compared) the earlier value: never the change columns.
      const charted = String.fromCharCode(64 + left + Math.min(3, right - left + 1) - 1);
      expect(chart.ranges).toEqual([`A${top}:${charted}${bottom}`]);
      expect(chart.numHeaders).toBe(1);
      expect(chart.anchor).toMatchObject({ row: top, column: right + 2 });
      // A chart (CHART_ROWS high) ends before the next one begins.
      if (i > 0) expect(chart.anchor.row).toBeGreaterThanOrEqual(charts[i - 1]!.anchor.row + CHART_ROWS);
    }
    const october = parseRange('last_month', '', { lang: 'ja', today: todayJst(), dayOf: (d) => d.toISOString().slice(0, 10) });
    const lastDay = new Date(Date.parse(`${october.to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(charts[4]!.options.title).toBe(`商品出荷個数 × 商品 ${october.from} – ${lastDay}`);
    expect(charts[0]!.options.title).toMatch(/^売上（定期便＋ショップ） \d{4}-\d\d-01 – \d{4}-\d\d-\d\d$/);
  });

  test('the sidebar offers the weekly refresh on Monday at 8:00 JST; accepting saves that schedule and its one trigger', async () => {
    const view = await rpc<{ schedule: unknown; offer?: unknown }>('snaqGetSchedule');
    expect(view).toMatchObject({ schedule: null, offer: { kind: 'weekly', weekday: 1, hour: 8 } });
    const saved = await rpc<{ schedule: unknown; offer?: unknown; nextRun: string }>('snaqSetSchedule', view.offer);
    expect(saved.schedule).toEqual({ kind: 'weekly', weekday: 1, hour: 8 });
    expect(saved.offer).toBeUndefined();
    // The next run is a Monday, 08:00 JST (23:00 UTC on Sunday).
    expect(new Date(saved.nextRun).getUTCDay()).toBe(0);
    expect(new Date(saved.nextRun).getUTCHours()).toBe(23);
    expect(gas.triggers.list().filter((trigger) => trigger.handler === 'snaqScheduledRefresh')).toHaveLength(1);
    expect((await rpc<{ offer?: unknown }>('snaqGetSchedule')).offer).toBeUndefined();
  });

  test('rows inserted above, then every block refreshed: blocks, charts and the freshness line moved and were rewritten', async () => {
    const chartsBefore = gas.workbook.charts(SHEET);
    gas.workbook.insertRows(SHEET, 1, 2);
    expect(gas.workbook.values(SHEET)[3]![0]).toMatch(LINE); // the line moved to row 4 with its row
    gas.workbook.setCell(SHEET, 'A4', 'stale text'); // a refresh must rewrite it
    const served = api.log.length;
    for (const block of blocks) expect((await rpc<{ ok: boolean }>('snaqRefreshBlock', block.id)).ok).toBe(true);
    expect(api.log.length).toBe(served + blocks.length);
    expect(gas.workbook.values(SHEET)[3]![0]).toMatch(LINE);
    const moved = (await rpc<Summary[]>('snaqListBlocks')).filter((block) => block.sheet === SHEET);
    for (const [i, block] of moved.entries()) {
      const [top, bottom, left, right] = box(blocks[i]!.range);
      expect(box(block.range)).toEqual([top + 2, bottom + 2, left, right]);
      expect(block.state.lastRefreshAt! >= blocks[i]!.state.lastRefreshAt!).toBe(true);
      expect(region(SHEET, block.range)).toEqual(await expectedCells(DASHBOARD[i]!));
    }
    const charts = gas.workbook.charts(SHEET);
    expect(charts.map((chart) => chart.chartId)).toEqual(chartsBefore.map((chart) => chart.chartId));
    expect(charts.map((chart) => box(chart.ranges[0]!).slice(0, 2))).toEqual(moved.map((block) => box(block.range).slice(0, 2)));
    expect(charts.map((chart) => chart.anchor.row)).toEqual(chartsBefore.map((chart) => chart.anchor.row + 2));
  }, 60_000);

  test('the scheduled Monday run refreshes every block of the dashboard and rewrites its line', async () => {
    // Pretend last Monday's run never happened, then let the trigger fire.
    const record = JSON.parse(gas.properties.document.get('SNAQ_SCHEDULE')!);
    gas.properties.document.set('SNAQ_SCHEDULE', JSON.stringify({ ...record, completedSlot: 0 }));
    gas.workbook.setCell(SHEET, 'A4', 'before the run');
    const [trigger] = gas.triggers.list();
    const run = await gas.triggers.fire(trigger!.uid);
    expect(run.value).toMatchObject({ due: true, refreshed: DASHBOARD.length, failed: 0, remaining: 0 });
    expect(gas.workbook.values(SHEET)[3]![0]).toMatch(LINE);
    const states = (await rpc<Summary[]>('snaqListBlocks')).map((block) => block.state.history.at(-1)!.by);
    expect(states).toEqual(DASHBOARD.map(() => 'schedule'));
  }, 60_000);

  test('a refresh that fails leaves the block’s values, marks it stale with a note, and leaves the line as it was', async () => {
    const [block] = (await rpc<Summary[]>('snaqListBlocks')).filter((candidate) => candidate.sheet === SHEET);
    const cells = region(SHEET, block!.range);
    const line = gas.workbook.values(SHEET)[3]![0];
    const endpoint = gas.properties.script.get('SNAQ_ENDPOINT')!;
    gas.properties.script.set('SNAQ_ENDPOINT', 'http://127.0.0.1:9');
    try {
      const outcome = await rpc<{ ok: boolean; state: { status: string } }>('snaqRefreshBlock', block!.id);
      expect(outcome).toMatchObject({ ok: false, state: { status: 'stale' } });
    } finally {
      gas.properties.script.set('SNAQ_ENDPOINT', endpoint);
    }
    expect(region(SHEET, block!.range)).toEqual(cells);
    const [top, , left] = box(block!.range);
    expect(gas.workbook.notes(SHEET)[top - 1]![left - 1]).toMatch(/^SNAQ: .* の更新に失敗しました/);
    expect(gas.workbook.values(SHEET)[3]![0]).toBe(line);
    expect((await rpc<{ ok: boolean }>('snaqRefreshBlock', block!.id)).ok).toBe(true);
    // The stale note is gone: the compared revenue block's header says again what it is compared with.
    expect(gas.workbook.notes(SHEET)[top - 1]?.[left - 1] ?? '').toMatch(/^前年同期（.+）と比較しています。$/);
  }, 60_000);

  test('a second dashboard gets a sheet of its own; the document keeps its one schedule and no new offer', async () => {
    const run = await gas.run('snaqInsertDashboard', [], { mode: 'menu' });
    expect(run.value).toMatchObject({ sheet: `${SHEET} 2`, failed: [] });
    expect((await rpc<Summary[]>('snaqListBlocks')).filter((block) => block.sheet === `${SHEET} 2`)).toHaveLength(6);
    expect(await rpc('snaqGetSchedule')).toMatchObject({ schedule: { kind: 'weekly', weekday: 1, hour: 8 } });
    expect((await rpc<{ offer?: unknown }>('snaqGetSchedule')).offer).toBeUndefined();
    // Refreshing a block of one dashboard leaves the other's line alone.
    gas.workbook.setCell(SHEET, 'A4', 'untouched');
    const second = (await rpc<Summary[]>('snaqListBlocks')).find((block) => block.sheet === `${SHEET} 2`)!;
    expect((await rpc<{ ok: boolean }>('snaqRefreshBlock', second.id)).ok).toBe(true);
    expect(gas.workbook.values(SHEET)[3]![0]).toBe('untouched');
    expect(gas.workbook.values(`${SHEET} 2`)[1]![0]).toMatch(LINE);
  }, 60_000);

  test('for an English-speaking user the sheet, its line and the menu are in English', async () => {
    const english = await createAppsScriptEnv({
      codePath: CODE_PATH,
      scriptProperties: connectionProperties(api.server.url),
      user: { locale: 'en' },
      workbook: tokyoWorkbook(5, 3),
    });
    try {
      await english.run('onOpen', [{ authMode: 'FULL' }]);
      expect(english.ui.menus[0]!.items).toContainEqual({ caption: 'Insert KPI dashboard', functionName: 'snaqInsertDashboard' });
      const run = await english.run('snaqInsertDashboard', [], { mode: 'menu' });
      expect(run.value).toMatchObject({ sheet: 'KPI dashboard', failed: [] });
      expect(english.workbook.values('KPI dashboard')[1]![0]).toMatch(/^Data as of 2026-11-01 09:00 JST · refreshed \d{4}-\d\d-\d\d \d\d:\d\d JST$/);
      expect(english.workbook.values('KPI dashboard')[3]!.slice(0, 2)).toEqual(['Period', 'Revenue (boxes + shop) (JPY)']);
    } finally {
      await english.close();
    }
  }, 60_000);
});

describe('the dashboard against a scripted API', () => {
  let scripted: ScriptedApi;
  beforeAll(async () => {
    scripted = await startScriptedApi();
  });
  afterAll(async () => {
    await scripted?.close();
  });

  const bodies = () => scripted.requests.map((request) => JSON.parse(request.body) as QueryRequest);

  test('when the API is down, no block is half-written and one alert names each block and why', async () => {
    const down = await startScriptedApi();
    const env = await addonEnv({ endpoint: down.url });
    down.failWith(503, { error: { code: 'ENGINE_UNAVAILABLE', message: 'down', details: { retryable: false } } });
    try {
      const run = await env.run('snaqInsertDashboard', [], { mode: 'menu' });
      expect((run.value as { failed: string[] }).failed.map((line) => line.split(':')[0])).toEqual(DASHBOARD.map(([metric]) => metric));
      expect(env.ui.alerts.map((alert) => alert.prompt)).toEqual([(run.value as { failed: string[] }).failed.join('\n')]);
      expect(env.workbook.metadata().filter((entry) => entry.key === 'snaq.block')).toEqual([]);
      expect(env.workbook.charts(SHEET)).toEqual([]);
    } finally {
      await env.close();
      await down.close();
    }
  }, 60_000);

  test('revenue asks for previous_year, and its chart draws the value against the comparison, not the change', async () => {
    const env = await addonEnv({ endpoint: scripted.url });
    scripted.reshape((result) =>
      result.meta.metric !== 'revenue'
        ? result
        : {
            columns: [
              { name: 'period', type: 'date', role: 'period', title: { ja: '期間', en: 'Period' } },
              { name: 'value', type: 'number', role: 'value', title: { ja: '売上', en: 'Revenue' }, unit: 'JPY' },
              { name: 'comparison', type: 'number', role: 'comparison', title: { ja: '前年', en: 'Previous year' }, unit: 'JPY' },
              { name: 'change', type: 'number', role: 'change', title: { ja: '増減', en: 'Change' }, unit: 'JPY' },
              { name: 'change_ratio', type: 'number', role: 'changeRatio', title: { ja: '増減率', en: 'Change ratio' }, unit: 'ratio' },
            ],
            rows: [
              ['2026-09-01', 120, 100, 20, 0.2],
              ['2026-10-01', 90, 100, -10, -0.1],
            ],
            meta: { ...result.meta, comparison: { compare: 'previous_year', from: '2025-09-01', to: '2025-11-01' } },
          },
    );
    try {
      scripted.requests.length = 0;
      const run = await env.run('snaqInsertDashboard', [], { mode: 'menu' });
      expect(run.value).toMatchObject({ failed: [] });
      expect(bodies().map((body) => [body.metric, body.compare])).toEqual(
        DASHBOARD.map(([metric]) => [metric, metric === 'revenue' ? 'previous_year' : undefined]),
      );
      expect(
        env.workbook
          .values(SHEET)
          .slice(3, 6)
          .map((row) => row.slice(0, 5)),
      ).toEqual([
        ['期間', '売上（円）', '前年（円）', '増減（円）', '増減率'],
        [jstDate('2026-09-01'), 120, 100, 20, 0.2],
        [jstDate('2026-10-01'), 90, 100, -10, -0.1],
      ]);
      const [revenue] = env.workbook.charts(SHEET);
      expect(revenue).toMatchObject({ type: 'LINE', ranges: ['A4:C6'], anchor: { row: 4, column: 7 } });
      expect(revenue!.options.legend).toEqual({ position: 'bottom' });
    } finally {
      scripted.reshape(undefined);
      await env.close();
    }
  }, 60_000);
});
