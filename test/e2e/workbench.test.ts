/**
 * The workbench in a real browser (Debian's chromium, driven by playwright-core): the real sidebar
 * on an emulated sheet, calling the real bundle in the Apps Script emulator, calling the real API.
 */
import path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { ARTIFACTS, openWorkbenchInChromium, type BrowserWorkbench } from '../support/browserWorkbench';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { CHROMIUM, describeIfAvailable } from '../support/requirements';
import { suppressionText } from '../../src/contract/suppressionText';
import type { QueryResult } from '../../src/contract/types';
import { CATEGORY_LABELS } from '../../src/catalog/dimensionLabels';
import { columnLetters, columnNumber } from '../../src/emulator/a1';
import { WORKBENCH_PEOPLE, WORKBENCH_USER } from '../../src/workbench/localUser';

const ALEX = WORKBENCH_PEOPLE.find((person) => person.locale === 'en')!.email;

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

async function box(locator: Locator): Promise<Box> {
  // The page redraws the grid after each block's refresh: a locator may catch its element being replaced.
  for (let tries = 0; ; tries++) {
    const b = await locator.boundingBox();
    if (b) return { left: b.x, top: b.y, right: b.x + b.width, bottom: b.y + b.height };
    if (tries >= 40) throw new Error(`${String(locator)} has no box`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const intersects = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const insideOf = (inner: Box, outer: Box) =>
  inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;

/** Whether the element is what the page shows at its centre (not hidden by scrolling or under another element). */
async function isOnTop(locator: Locator): Promise<boolean> {
  const b = await box(locator);
  return shownAt(locator, (b.left + b.right) / 2, (b.top + b.bottom) / 2);
}

/** Whether the page shows the element (or something inside it) at (x, y). */
function shownAt(locator: Locator, x: number, y: number): Promise<boolean> {
  return locator.evaluate(
    (element, [px, py]) => {
      const top = element.ownerDocument.elementFromPoint(px!, py!);
      return top !== null && element.contains(top);
    },
    [x, y],
  );
}

interface BlockAt {
  firstColumn: string;
  lastColumn: string;
  headerRow: number;
}

/**
 * Brought into view, the chart is wholly inside the grid's area and visible at its corners (never
 * under the sidebar), at its anchor cell: the header row's top, to the right of the block.
 */
async function expectChartBesideBlockInView(page: Page, chart: Locator, block: BlockAt): Promise<void> {
  await chart.scrollIntoViewIfNeeded();
  const [chartBox, areaBox, sidebarBox] = await Promise.all([box(chart), box(page.locator('#grid-area')), box(page.locator('#sidebar'))]);
  expect(intersects(chartBox, sidebarBox)).toBe(false);
  expect(intersects(areaBox, sidebarBox)).toBe(false);
  expect(insideOf(chartBox, areaBox)).toBe(true);
  const blockRight = (await box(page.locator(`#cell-${block.lastColumn}${block.headerRow}`))).right;
  const anchor = await box(page.locator(`#cell-${await chart.getAttribute('data-anchor')}`));
  expect(chartBox.left).toBeGreaterThan(blockRight);
  expect(Math.abs(chartBox.left - anchor.left)).toBeLessThan(1);
  expect(Math.abs(chartBox.top - anchor.top)).toBeLessThan(1);
  const corners = [
    [chartBox.left + 3, chartBox.top + 3],
    [chartBox.right - 3, chartBox.top + 3],
    [chartBox.left + 3, chartBox.bottom - 3],
    [chartBox.right - 3, chartBox.bottom - 3],
  ];
  for (const [x, y] of corners) expect(await shownAt(chart, x!, y!)).toBe(true);
}

/** A line's points per drawn run, from its SVG path data ("Mx,yLx,y…Mx,y…"). */
function pathPoints(d: string): Array<[number, number]> {
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/**
 * The chart draws every series column of the block: one line per column, named by its header,
 * with a point for each filled cell and none for an empty one, at the same x for the same row in
 * every line (rows left to right, evenly), and every y on one value axis shared by all lines.
 */
async function expectChartDrawsBlock(page: Page, chart: Locator, block: BlockAt & { lastRow: number }): Promise<void> {
  const columns = Array.from({ length: columnNumber(block.lastColumn) - columnNumber(block.firstColumn) }, (_, i) =>
    columnLetters(columnNumber(block.firstColumn) + 1 + i),
  );
  const names = await Promise.all(columns.map((c) => page.locator(`#cell-${c}${block.headerRow}`).innerText()));
  const lines = await chart
    .locator('path[data-shape="line"]')
    .evaluateAll((paths) => paths.map((p) => ({ series: p.getAttribute('data-series'), d: p.getAttribute('d') ?? '' })));
  expect(lines.map((line) => line.series)).toEqual(names);
  expect(await chart.locator('text.legend').allTextContents()).toEqual(names);
  const xOfRow = new Map<number, number>();
  const points: Array<{ value: number; y: number }> = [];
  for (const [i, column] of columns.entries()) {
    const cells: Array<number | null> = [];
    for (let row = block.headerRow + 1; row <= block.lastRow; row++) {
      const text = await page.locator(`#cell-${column}${row}`).innerText();
      cells.push(text.trim() === '' ? null : Number(text.replace(/[^\d.-]/g, '')));
    }
    const drawn = pathPoints(lines[i]!.d);
    const filled = cells.flatMap((value, row) => (value === null ? [] : [{ value, row }]));
    expect(drawn.length).toBe(filled.length);
    expect(filled.length).toBeGreaterThan(0);
    filled.forEach(({ value, row }, k) => {
      const [x, y] = drawn[k]!;
      if (xOfRow.has(row)) expect(Math.abs(xOfRow.get(row)! - x)).toBeLessThan(0.05);
      else xOfRow.set(row, x);
      points.push({ value, y });
    });
  }
  // Every row has a point in some line (actuals, then the forecast and its interval), evenly spaced.
  const rows = block.lastRow - block.headerRow;
  expect([...xOfRow.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i));
  const step = (xOfRow.get(rows - 1)! - xOfRow.get(0)!) / (rows - 1);
  expect(step).toBeGreaterThan(0);
  for (const [row, x] of xOfRow) expect(Math.abs(x - (xOfRow.get(0)! + row * step))).toBeLessThan(0.05);
  // One value axis: y = a + b·value for every point of every line (b < 0: larger is higher).
  const low = points.reduce((m, p) => (p.value < m.value ? p : m));
  const high = points.reduce((m, p) => (p.value > m.value ? p : m));
  const b = (high.y - low.y) / (high.value - low.value);
  expect(b).toBeLessThan(0);
  for (const p of points) expect(Math.abs(low.y + b * (p.value - low.value) - p.y)).toBeLessThan(0.5);
  // And all of it inside the chart's own box.
  const { width, height } = await chart.evaluate((figure) => ({ width: figure.clientWidth, height: figure.clientHeight }));
  for (const p of points) expect(p.y > 0 && p.y < height).toBe(true);
  for (const x of xOfRow.values()) expect(x > 0 && x < width).toBe(true);
}

describeIfAvailable(CHROMIUM, 'the workbench in chromium', () => {
  let lake: TestLake;
  let api: LocalApi;
  let opened: BrowserWorkbench;
  let url: string;
  let browser: Browser;
  let page: Page;
  let sidebar: FrameLocator;

  beforeAll(async () => {
    lake = await createTestLake({ scale: 0.05 });
    api = await startLocalApi(lake.dir);
    opened = await openWorkbenchInChromium({ apiUrl: api.server.url });
    ({ url, browser } = opened);
    page = await (await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(url);
    sidebar = page.frameLocator('#sidebar');
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await api?.close().catch(() => undefined);
    lake?.remove();
  });

  const QUERY = { metric: 'box_revenue', from: '2024-01-01', to: '2024-07-01', grain: 'month' } as const;

  /** The yen amounts the grid shows in a column, as numbers. */
  async function amounts(column: string, firstRow: number, count: number): Promise<number[]> {
    const out: number[] = [];
    for (let row = firstRow; row < firstRow + count; row++) out.push(Number((await page.locator(`#cell-${column}${row}`).innerText()).replace(/[^\d-]/g, '')));
    return out;
  }

  async function apiAmounts(): Promise<number[]> {
    const outcome = await api.service.query(QUERY, 'test');
    return (outcome.body as QueryResult).rows.map((row) => row[1] as number);
  }

  test('search → pick a metric → preview → insert a block: the grid shows the API’s numbers', async () => {
    await page.locator('#cell-B2').click();
    await sidebar.locator('#search').fill('定期便');
    await sidebar.locator('button[data-metric="box_revenue"]').click();
    await sidebar.locator('#freshness').waitFor();
    await sidebar.locator('#preset').selectOption('custom');
    await sidebar.locator('#from').fill('2024-01-01');
    await sidebar.locator('#to').fill('2024-06-30');
    await sidebar.locator('#grain').selectOption('month');
    await sidebar.locator('#preview-button').click();
    await sidebar.locator('table.preview').waitFor();
    await sidebar.locator('svg.sparkline polyline').waitFor({ state: 'attached' });
    expect(await sidebar.locator('table.preview th').allInnerTexts()).toEqual(['期間', '定期便売上（円）']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'workbench-preview-ja.png') });
    await sidebar.locator('#insert-block').click();
    await sidebar.locator('#sidebar-status', { hasText: 'B2:C8' }).waitFor();
    await page.locator('#cell-C8').filter({ hasText: /¥/ }).waitFor();
    expect(await page.locator('#cell-B2').innerText()).toBe('期間');
    expect(await page.locator('#cell-B3').innerText()).toBe('2024-01-01');
    expect(await amounts('C', 3, 6)).toEqual(await apiAmounts());
    await page.screenshot({ path: path.join(ARTIFACTS, 'workbench-block-ja.png') });
  }, 120_000);

  test('a metric page shows its changelog and the lake columns it reads, in the reader’s language', async () => {
    await sidebar.locator('button.link').first().click();
    await sidebar.locator('#search').fill('解約率');
    await sidebar.locator('button[data-metric="churn_rate"]').click();
    await sidebar.locator('#changelog summary').click();
    expect(await sidebar.locator('#changelog summary').innerText()).toBe('変更履歴 (v2)');
    expect(await sidebar.locator('#changelog li[data-version="1"]').innerText()).toMatch(/^v1 · 2026-11-29 最初の定義。 理由: /);
    expect(await sidebar.locator('#changelog li[data-version="2"]').innerText()).toMatch(/^v2 · 2026-11-30 人の属性/);
    await sidebar.locator('#lineage summary').click();
    expect(await sidebar.locator('.lineage-base li').allInnerTexts()).toEqual(['subscriptions → canceled_at, started_at']);
    expect(await sidebar.locator('li[data-dimension="prefecture"] li').allInnerTexts()).toEqual(['subscriptions → user_id', 'users → prefecture, user_id']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'workbench-metric-lineage-ja.png') });
  }, 60_000);

  test('insert a row above → refresh all → the block moved and refreshed', async () => {
    await page.locator('#cell-A1').click();
    await page.locator('#insert-row').click();
    await page.locator('#cell-B3', { hasText: '期間' }).waitFor();
    await sidebar.locator('#tab-blocks').click();
    await sidebar.locator('#refresh-all').click();
    await sidebar.locator('#progress', { hasText: '1 / 1' }).waitFor();
    await sidebar.locator('li.block.fresh').waitFor();
    expect(await sidebar.locator('li.block .range').innerText()).toBe('Sheet1!B3:C9');
    expect(await amounts('C', 4, 6)).toEqual(await apiAmounts());
  });

  test('times read in JST, and a preview that runs past the data names its partial period', async () => {
    // The test lake is snapshotted at 2026-11-01T00:00Z, which staff read as 2026-11-01 09:00 JST.
    await sidebar.locator('#tab-find').click();
    await sidebar.locator('#search').fill('定期便');
    await sidebar.locator('button[data-metric="box_revenue"]').click();
    await sidebar.locator('#freshness', { hasText: '2026-11-01 09:00 JST' }).waitFor();
    await sidebar.locator('#preset').selectOption('custom');
    await sidebar.locator('#from').fill('2026-09-01');
    await sidebar.locator('#to').fill('2026-12-31');
    await sidebar.locator('#grain').selectOption('month');
    await sidebar.locator('#preview-button').click();
    await sidebar.locator('table.preview').waitFor();
    expect(await sidebar.locator('#preview-data-as-of').innerText()).toContain('2026-11-01 09:00 JST');
    expect(await sidebar.locator('#partial-period').innerText()).toBe('※ 2026-11-01 は途中までの値です（データは 2026-11-01 09:00 JST まで）');
  });

  test('a preview that hid groups says how many and why under its table, as the API counted them; one that hid none says nothing', async () => {
    const preview = async (from: string, to: string, grain: string) => {
      await sidebar.locator('#tab-find').click();
      await sidebar.locator('#search').fill('平均評価');
      await sidebar.locator('button[data-metric="avg_rating"]').click();
      await sidebar.locator('#freshness').waitFor();
      await sidebar.locator('#preset').selectOption('custom');
      await sidebar.locator('#from').fill(from);
      await sidebar.locator('#to').fill(to);
      await sidebar.locator('#grain').selectOption(grain);
      await sidebar.locator('#preview-button').click();
      await sidebar.locator('table.preview').waitFor();
    };
    // The first weeks of ratings are under avg_rating's record floor (10).
    const early = (await api.service.query({ metric: 'avg_rating', from: '2018-01-01', to: '2018-03-01', grain: 'week' }, 'test')).body as QueryResult;
    expect(early.meta.suppressed?.groups).toBeGreaterThan(0);
    await preview('2018-01-01', '2018-02-28', 'week');
    expect(await sidebar.locator('#preview-suppressed').innerText()).toBe(`※ ${early.meta.suppressed!.groups} グループを非表示にしました（10 件未満）。`);

    const later = (await api.service.query({ metric: 'avg_rating', from: '2024-01-01', to: '2025-01-01', grain: 'quarter' }, 'test')).body as QueryResult;
    expect(later.meta.suppressed).toBeUndefined();
    await preview('2024-01-01', '2024-12-31', 'quarter');
    expect(await sidebar.locator('#preview-suppressed').count()).toBe(0);
  });

  test('a metric page states its person floor, and a preview split by who people are says what the floor hid', async () => {
    await sidebar.locator('#tab-find').click();
    await sidebar.locator('#search').fill('churned_subscribers');
    await sidebar.locator('button[data-metric="churned_subscribers"]').click();
    await sidebar.locator('#freshness').waitFor();
    expect(await sidebar.locator('#person-floor').innerText()).toBe('人の属性で分けると、5 人未満のグループは表示しません。');
    // Revenue by age band in one month: some bands shown, one under the floor and one more hidden beside it.
    await sidebar.locator('#tab-find').click();
    await sidebar.locator('#search').fill('revenue');
    await sidebar.locator('button[data-metric="revenue"]').click();
    await sidebar.locator('#freshness').waitFor();
    const request = { metric: 'revenue', from: '2024-03-01', to: '2024-04-01', dimensions: ['age_band'] };
    const answer = (await api.service.query(request, 'test')).body as QueryResult;
    expect(answer.meta.suppressed).toMatchObject({ reason: 'person_floor', minPeople: 5, complementary: 1 });
    expect(answer.rows.length).toBeGreaterThan(0);
    await sidebar.locator('#preset').selectOption('custom');
    await sidebar.locator('#from').fill('2024-03-01');
    await sidebar.locator('#to').fill('2024-03-31');
    await sidebar.locator('#grain').selectOption('');
    await sidebar.locator('input[name="dimension"][value="age_band"]').check();
    await sidebar.locator('#preview-button').click();
    await sidebar.locator('table.preview').waitFor();
    expect(await sidebar.locator('table.preview tbody tr').count()).toBe(answer.rows.length);
    expect(await sidebar.locator('#preview-suppressed').innerText()).toBe(`※ ${suppressionText(answer.meta.suppressed!, 'ja')}`);
    await sidebar.locator('#preview-suppressed').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'person-floor-preview-ja.png') });
  });

  test('the sidebar speaks English to an English browser, has a CSP, and is reachable from the keyboard', async () => {
    const english = await (await browser.newContext({ locale: 'en-US', viewport: { width: 320, height: 700 } })).newPage();
    await english.goto(`${url}/workbench/sidebar`);
    await english.locator('nav button', { hasText: 'Metrics' }).waitFor();
    await english.locator('button[data-metric="revenue"] .title', { hasText: 'Revenue (boxes + shop)' }).waitFor();
    expect(await english.locator('script[src]').count()).toBe(0); // one file: scripts are inlined
    expect(await english.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(1);
    await english.keyboard.press('Tab'); // everything is reachable from the keyboard
    expect(await english.evaluate('document.activeElement && document.activeElement.tagName')).toMatch(/BUTTON|INPUT/);
    await english.screenshot({ path: path.join(ARTIFACTS, 'sidebar-en.png') });
    await page.locator('#sidebar').screenshot({ path: path.join(ARTIFACTS, 'sidebar-ja.png') });
  });

  test('words, not codes: the range reads 過去12か月, the grain 月, and a preview by category and its filter show the labels (ja and en)', async () => {
    const words = {
      ja: {
        locale: 'ja-JP',
        search: '商品出荷',
        range: '過去12か月',
        grain: '月',
        grains: ['日', '週', '月', '四半期', '年', '合計のみ'],
        header: ['期間', 'カテゴリ', '商品出荷個数'],
      },
      en: {
        locale: 'en-US',
        search: 'units',
        range: 'Last 12 months',
        grain: 'Month',
        grains: ['Day', 'Week', 'Month', 'Quarter', 'Year', 'Total only'],
        header: ['Period', 'Category', 'Product units'],
      },
    };
    for (const lang of ['ja', 'en'] as const) {
      const want = words[lang];
      const labels = Object.values(CATEGORY_LABELS).map((label) => label[lang]);
      const tab = await (await browser.newContext({ locale: want.locale, viewport: { width: 360, height: 900 } })).newPage();
      await tab.goto(`${url}/workbench/sidebar`);
      await tab.locator('#search').fill(want.search);
      await tab.locator('button[data-metric="product_units"]').click();
      await tab.locator('#freshness').waitFor();
      // The selects speak words; their values stay the codes a block's query keeps.
      expect(await tab.locator('#preset option:checked').innerText()).toBe(want.range);
      expect(await tab.locator('#preset').inputValue()).toBe('last_12_months');
      expect(await tab.locator('#grain option:checked').innerText()).toBe(want.grain);
      expect(await tab.locator('#grain').inputValue()).toBe('month');
      expect(await tab.locator('#grain option').allInnerTexts()).toEqual(want.grains);
      await tab.locator('input[name="dimension"][value="category"]').check();
      await tab.locator('#preview-button').click();
      await tab.locator('table.preview').waitFor();
      expect(await tab.locator('table.preview th').allInnerTexts()).toEqual(want.header);
      const shown = await tab.locator('table.preview tbody tr td:nth-child(2)').allInnerTexts();
      expect(shown.length).toBeGreaterThan(0);
      for (const category of shown) expect(labels).toContain(category);
      // The filter picker lists words, and filters by the code.
      await tab.locator('#filters summary').click();
      await tab.locator('#filter-category').focus();
      const dried = tab.locator('#filter-category option', { hasText: CATEGORY_LABELS.dried_fruit![lang] });
      await dried.waitFor({ state: 'attached' });
      expect(await dried.getAttribute('value')).toBe('dried_fruit');
      await tab.evaluate('window.scrollTo(0, 0)'); // the tab bar is sticky: shoot from the top
      await tab.screenshot({ path: path.join(ARTIFACTS, `labels-sidebar-${lang}.png`), fullPage: true });
      await tab.context().close();
    }
  }, 120_000);

  test('a SNAQ formula typed into a cell spills its result into the grid', async () => {
    await page.locator('#cell-F2').click();
    await page.locator('#formula').fill('=SNAQ_METRIC("box_revenue", "2024-01-01", "2024-06-30", "month")');
    await page.locator('#formula').press('Enter');
    await page.locator('#cell-G8').filter({ hasText: /\d/ }).waitFor();
    expect(await page.locator('#cell-F3').innerText()).toMatch(/^2024-01-01/);
    expect(await amounts('G', 3, 6)).toEqual(await apiAmounts());
  });

  test('choose 前年比: the preview adds the earlier period, the change and the change ratio, formatted; in English too', async () => {
    const request = { metric: 'revenue', from: '2025-01-01', to: '2025-07-01', grain: 'month', compare: 'previous_year' } as const;
    const answer = (await api.service.query(request, 'test')).body as QueryResult;
    expect(answer.columns.map((column) => column.role)).toEqual(['period', 'value', 'comparison', 'change', 'changeRatio']);
    const signedPercent = (ratio: number) => `${ratio > 0 ? '+' : ratio < 0 ? '-' : ''}${(Math.abs(ratio) * 100).toFixed(1)}%`;
    const yen = (amount: number) => `${amount < 0 ? '-' : ''}¥${Math.abs(amount).toLocaleString('en-US')}`;
    const previewIn = async (on: Page, compare: string) => {
      const frame = on.frameLocator('#sidebar');
      await frame.locator('#tab-find').click();
      await frame.locator('#search').fill('revenue');
      await frame.locator('button[data-metric="revenue"]').click();
      await frame.locator('#freshness').waitFor();
      await frame.locator('#preset').selectOption('custom');
      await frame.locator('#from').fill('2025-01-01');
      await frame.locator('#to').fill('2025-06-30');
      await frame.locator('#grain').selectOption('month');
      await frame.locator('#compare').selectOption({ label: compare });
      await frame.locator('#preview-button').click();
      await frame.locator('#preview-comparison').waitFor();
      await frame.locator('#preview-comparison').scrollIntoViewIfNeeded();
      return frame;
    };
    const ja = await previewIn(page, '前年比');
    expect(await ja.locator('table.preview th').allInnerTexts()).toEqual(['期間', '売上（定期便＋ショップ）（円）', '前年同期（円）', '増減（円）', '増減率']);
    const rows = ja.locator('table.preview tbody tr');
    expect(await rows.count()).toBe(answer.rows.length);
    for (const [i, row] of answer.rows.entries()) {
      const cells = await rows.nth(i).locator('td').allInnerTexts();
      expect(cells.slice(2)).toEqual([yen(row[2] as number), `${(row[3] as number) > 0 ? '+' : ''}${yen(row[3] as number)}`, signedPercent(row[4] as number)]);
    }
    expect(await ja.locator('#preview-comparison').innerText()).toBe('※ 比較する期間: 2024-01-01〜2024-06-30');
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare-preview-ja.png') });

    // Inserted as a block (below the others): the same numbers, formatted by the sheet with their signs.
    await page.locator('#cell-B33').click();
    await ja.locator('#insert-block').click();
    await ja.locator('#sidebar-status', { hasText: 'B33:F39' }).waitFor();
    expect(await page.locator('#cell-D33').innerText()).toBe('前年同期（円）');
    for (const [i, row] of answer.rows.entries()) {
      const shown = await Promise.all(['D', 'E', 'F'].map((column) => page.locator(`#cell-${column}${34 + i}`).innerText()));
      expect(shown).toEqual([yen(row[2] as number), `${(row[3] as number) > 0 ? '+' : ''}${yen(row[3] as number)}`, signedPercent(row[4] as number)]);
    }
    await page.locator('#cell-F39').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare-block-ja.png') });

    const english = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })).newPage();
    await english.goto(url);
    const en = await previewIn(english, 'Same period last year');
    expect(await en.locator('table.preview th').allInnerTexts()).toEqual([
      'Period',
      'Revenue (boxes + shop) (JPY)',
      'Same period last year (JPY)',
      'Change (JPY)',
      'Change (%)',
    ]);
    expect(await en.locator('table.preview tbody tr').first().locator('td').last().innerText()).toBe(signedPercent(answer.rows[0]![4] as number));
    await english.screenshot({ path: path.join(ARTIFACTS, 'compare-preview-en.png') });
    await english.close();
  }, 120_000);

  test('a block with a forecast: the preview shows the forecast, the block its table and a line chart beside it', async () => {
    await page.locator('#cell-B12').click();
    await sidebar.locator('#tab-find').click();
    await sidebar.locator('#search').fill('revenue');
    await sidebar.locator('button[data-metric="revenue"]').click();
    await sidebar.locator('#freshness').waitFor();
    await sidebar.locator('#grain').selectOption('month');
    await sidebar.locator('#forecast-on').check();
    expect(await sidebar.locator('input[name="dimension"]').first().isDisabled()).toBe(true);
    await sidebar.locator('#horizon').fill('6');
    await sidebar.locator('#preview-button').click();
    await sidebar.locator('table.preview th', { hasText: '予測' }).first().waitFor();
    expect(await sidebar.locator('#forecast-model').innerText()).toMatch(/^モデル: [a-z-]+ \(季節周期 \d+\) · 過去検証の MASE/);
    await sidebar.locator('#insert-block').click();
    await sidebar.locator('#sidebar-status', { hasText: 'B12:F30' }).waitFor();
    expect(await page.locator('#cell-D12').innerText()).toBe('予測');
    expect(await page.locator('#cell-D30').innerText()).toMatch(/¥[\d,]+/);
    const chart = page.locator('#charts figure.chart');
    await chart.waitFor();
    expect(await chart.getAttribute('data-anchor')).toBe('H12');
    expect(await chart.locator('text.title').textContent()).toBe('売上（定期便＋ショップ）：実績と予測（80% 予測区間）');
    expect(await chart.locator('path[data-series]').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-series')))).toEqual([
      '実績',
      '予測',
      '下限',
      '上限',
    ]);
    // The value axis in the block's own number format, as Sheets labels it.
    expect(await chart.locator('text.value').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^¥\d{1,3}(,\d{3})+$/)]));
    await page.screenshot({ path: path.join(ARTIFACTS, 'workbench-forecast-ja.png'), fullPage: true });
    await expectChartBesideBlockInView(page, chart, { firstColumn: 'B', lastColumn: 'F', headerRow: 12 });
    await expectChartDrawsBlock(page, chart, { firstColumn: 'B', lastColumn: 'F', headerRow: 12, lastRow: 30 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'workbench-forecast-chart-ja.png') });
  }, 120_000);

  test('the grid scrolls horizontally to its far columns (the chart’s too), in its own area left of the sidebar', async () => {
    const area = page.locator('#grid-area');
    await area.evaluate((e) => e.scrollTo(0, 0));
    const grid = (await (await fetch(`${url}/workbench/grid`)).json()) as { columns: number; charts: Array<{ anchor: { column: number }; width: number }> };
    // The grid is drawn under the whole chart (100 px columns from its anchor), and a column beyond.
    const chart = grid.charts[0]!;
    expect(grid.columns).toBe(chart.anchor.column + Math.ceil(chart.width / 100));
    const { scrollWidth, clientWidth } = await area.evaluate((e) => ({ scrollWidth: e.scrollWidth, clientWidth: e.clientWidth }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    const far = page.locator('#grid tr').first().locator('th').last();
    expect(await far.innerText()).toBe(columnLetters(grid.columns));
    const areaBox = await box(area);
    expect(intersects(areaBox, await box(page.locator('#sidebar')))).toBe(false);
    expect((await box(far)).left).toBeGreaterThanOrEqual(areaBox.right);
    expect(await isOnTop(far)).toBe(false);
    await area.evaluate((e) => e.scrollTo(e.scrollWidth, 0));
    expect(insideOf(await box(far), areaBox)).toBe(true);
    expect(await isOnTop(far)).toBe(true);
    expect((await box(page.locator('#grid tr').first().locator('th').nth(1))).right).toBeLessThanOrEqual(areaBox.left);
    await area.evaluate((e) => e.scrollTo(0, 0));
  });

  test('in English: refreshed by an English reader, the forecast block and its chart speak English, beside the block, drawing all four columns', async () => {
    const english = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })).newPage();
    try {
      await english.goto(url);
      await english.locator('#cell-B12', { hasText: '期間' }).waitFor();
      // Alex reads English: the sidebar reloads as Alex, and a refresh rewrites the blocks in Alex's language.
      await Promise.all([english.waitForEvent('framenavigated', (frame) => frame !== english.mainFrame()), english.locator('#person').selectOption(ALEX)]);
      const side = english.frameLocator('#sidebar');
      await side.locator('#tab-blocks').click();
      await side.locator('#refresh-all').click();
      // Every block of the sheet (the tests before this one inserted them): done when the count reaches the total.
      await side.locator('#progress', { hasText: /^(\d+) \/ \1$/ }).waitFor();
      // The last block refreshed (the comparison's, inserted by an earlier test) is drawn in English: the grid has settled.
      await english.locator('#cell-B33', { hasText: 'Period' }).waitFor();
      const chart = english.locator('#charts figure.chart');
      await chart.locator('text.title', { hasText: 'actual and forecast' }).waitFor();
      expect(await chart.locator('text.title').textContent()).toBe('Revenue (boxes + shop): actual and forecast (80% interval)');
      expect(await english.locator('#cell-B12').innerText()).toBe('Period');
      await expectChartBesideBlockInView(english, chart, { firstColumn: 'B', lastColumn: 'F', headerRow: 12 });
      await expectChartDrawsBlock(english, chart, { firstColumn: 'B', lastColumn: 'F', headerRow: 12, lastRow: 30 });
      await english.screenshot({ path: path.join(ARTIFACTS, 'workbench-forecast-chart-en.png') });
    } finally {
      await english.locator('#person').selectOption(WORKBENCH_USER);
      await english.context().close();
    }
    await page.reload();
    await page.locator('#cell-B12').waitFor();
  }, 90_000);

  test('stop the API → refresh all → the values stay and the blocks show stale with a reason', async () => {
    const before = await amounts('C', 4, 6);
    await api.close();
    await sidebar.locator('#tab-blocks').click();
    await sidebar.locator('#refresh-all').click();
    await sidebar.locator('li.block.stale').nth(1).waitFor({ timeout: 60_000 });
    expect(await sidebar.locator('li.block .reason').first().innerText()).toMatch(/接続できません/);
    expect(await page.locator('#charts figure.chart').count()).toBe(1);
    expect(await amounts('C', 4, 6)).toEqual(before);
    await page.screenshot({ path: path.join(ARTIFACTS, 'workbench-stale-ja.png') });
  }, 90_000);

  test('set a weekly schedule → exactly one trigger exists, however often it is saved', async () => {
    await sidebar.locator('#tab-schedule').click();
    await sidebar.locator('#kind').selectOption('weekly');
    await sidebar.locator('#weekday').selectOption('1');
    await sidebar.locator('#hour').selectOption('8');
    await sidebar.locator('#schedule button[type="submit"]').click();
    await sidebar.locator('#schedule-next', { hasText: '次回' }).waitFor();
    await sidebar.locator('#schedule button[type="submit"]').click();
    await sidebar.locator('#sidebar-status', { hasText: '保存しました' }).waitFor();
    const grid = (await (await fetch(`${url}/workbench/grid`)).json()) as { triggers: Array<{ handler: string }>; rows: number; columns: number };
    expect(grid.triggers).toEqual([expect.objectContaining({ handler: 'snaqScheduledRefresh' })]);
    // The page draws the used area (with a margin), not all 1000 × 26 cells of a new sheet.
    expect(grid.rows).toBeLessThan(60);
    expect(grid.columns).toBeLessThan(15);
    await sidebar.locator('body').screenshot({ path: path.join(ARTIFACTS, 'sidebar-schedule-ja.png') });
  });
});
