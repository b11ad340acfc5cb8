/**
 * The workbench in a real browser (Debian's chromium, driven by playwright-core): the real sidebar
 * on an emulated sheet, calling the real bundle in the Apps Script emulator, calling the real API.
 */
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { ARTIFACTS, openWorkbenchInChromium, type BrowserWorkbench } from '../support/browserWorkbench';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { CHROMIUM, describeIfAvailable } from '../support/requirements';
import { suppressionText } from '../../src/contract/suppressionText';
import type { QueryResult } from '../../src/contract/types';

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
    expect(await ja.locator('table.preview th').allInnerTexts()).toEqual(['期間', '売上（定期便＋ショップ）', '前年同期', '増減', '増減率']);
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
    expect(await page.locator('#cell-D33').innerText()).toBe('前年同期');
    for (const [i, row] of answer.rows.entries()) {
      const shown = await Promise.all(['D', 'E', 'F'].map((column) => page.locator(`#cell-${column}${34 + i}`).innerText()));
      expect(shown).toEqual([yen(row[2] as number), `${(row[3] as number) > 0 ? '+' : ''}${yen(row[3] as number)}`, signedPercent(row[4] as number)]);
    }
    await page.locator('#cell-F39').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare-block-ja.png') });

    const english = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })).newPage();
    await english.goto(url);
    const en = await previewIn(english, 'Same period last year');
    expect(await en.locator('table.preview th').allInnerTexts()).toEqual(['Period', 'Revenue (boxes + shop)', 'Same period last year', 'Change', 'Change (%)']);
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
    expect(await chart.locator('figcaption').innerText()).toBe('売上（定期便＋ショップ）：実績と予測（80% 予測区間） (H12)');
    expect(await chart.locator('path[data-series]').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-series')))).toEqual([
      '実績',
      '予測',
      '下限',
      '上限',
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'workbench-forecast-ja.png'), fullPage: true });
  }, 120_000);

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
