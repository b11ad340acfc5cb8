/**
 * The KPI dashboard in a real browser: the workbench's SNAQ menu inserts it (a new sheet, its tab
 * shown), the sidebar opens offering the weekly refresh, accepting saves the schedule and its
 * trigger; a row inserted above and "refresh all" move and refresh every block. Screenshots in both
 * languages: test/artifacts/kpi-dashboard-ja.png and kpi-dashboard-en.png.
 */
import path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { ARTIFACTS, openWorkbenchInChromium, type BrowserWorkbench } from '../support/browserWorkbench';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { CHROMIUM, describeIfAvailable } from '../support/requirements';
import { DASHBOARD } from '../../src/addon/server/dashboard';

describeIfAvailable(CHROMIUM, 'the KPI dashboard in the workbench', () => {
  let lake: TestLake;
  let api: LocalApi;
  let opened: BrowserWorkbench;
  let browser: Browser;

  beforeAll(async () => {
    lake = await createTestLake({ scale: 0.05 });
    api = await startLocalApi(lake.dir);
    opened = await openWorkbenchInChromium({ apiUrl: api.server.url });
    browser = opened.browser;
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await api?.close().catch(() => undefined);
    lake?.remove();
  });

  /** Waits until `locator` matches exactly `n` elements (the page and sidebar render asynchronously). */
  async function expectCount(locator: Locator, n: number): Promise<void> {
    if (n === 0) await locator.first().waitFor({ state: 'detached' });
    else await locator.nth(n - 1).waitFor({ state: 'attached' });
    expect(await locator.count()).toBe(n);
  }

  async function openPage(locale: string): Promise<{ page: Page; sidebar: FrameLocator }> {
    const page = await (await browser.newContext({ locale, viewport: { width: 1600, height: 1000 } })).newPage();
    await page.goto(opened.url);
    await page.locator('#menu-items button[data-fn="snaqInsertDashboard"]').waitFor({ state: 'attached' });
    return { page, sidebar: page.frameLocator('#sidebar') };
  }

  async function insertFromMenu(page: Page, caption: string): Promise<void> {
    await page.locator('#menu summary').click();
    const item = page.locator('#menu-items button[data-fn="snaqInsertDashboard"]');
    expect(await item.innerText()).toBe(caption);
    await item.click();
  }

  /** The dashboard's blocks, listed as the sidebar lists them. A call racing the sidebar's own may fail like any execution: it is tried again, and a lasting error fails the test with its message. */
  const dashboardBlocks = async (sheet: string): Promise<Array<{ sheet: string; range: string }>> => {
    for (let attempt = 1; ; attempt++) {
      const run = await opened.workbench.env.run('snaqListBlocks', [], { mode: 'rpc' });
      if (!run.error) return (run.value as Array<{ sheet: string; range: string }>).filter((b) => b.sheet === sheet);
      if (attempt === 5) throw new Error(`snaqListBlocks failed: ${run.error}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  };

  test('日本語: SNAQ › KPI ダッシュボードを挿入, the weekly refresh offered and accepted, then a row inserted above and refresh all', async () => {
    const { page, sidebar } = await openPage('ja-JP');
    await insertFromMenu(page, 'KPI ダッシュボードを挿入');
    await page.locator('#sheet-tabs button[aria-selected="true"]', { hasText: 'KPI ダッシュボード' }).waitFor();
    expect(await page.locator('#cell-A1').innerText()).toBe('KPI ダッシュボード');
    expect(await page.locator('#cell-A2').innerText()).toMatch(/^データ時点 2026-11-01 09:00 JST · 最終更新 \d{4}-\d\d-\d\d \d\d:\d\d JST$/);
    expect(await page.locator('#cell-A4').innerText()).toBe('期間');
    // Six charts: three lines, and the bars of categories, the top 10 products and channels.
    await expectCount(page.locator('#charts figure.chart'), DASHBOARD.length);
    // The top 10 products: one bar each (the series' path draws one closed box per product).
    const bars = await page.locator('#charts figure.chart').nth(4).locator('path[data-shape="bar"]').first().getAttribute('d');
    expect(bars?.match(/M/g)).toHaveLength(10);
    const offer = sidebar.locator('#schedule-offer');
    await offer.waitFor();
    expect(await offer.locator('.question').innerText()).toBe('毎週月曜 8:00 に更新しますか？');
    await page.screenshot({ path: path.join(ARTIFACTS, 'kpi-dashboard-ja.png') });
    // Further down: units by category, the top 10 products and new subscribers by channel, as bars.
    await page.locator('#cell-A66').evaluate((cell) => cell.scrollIntoView());
    await page.screenshot({ path: path.join(ARTIFACTS, 'kpi-dashboard-bars-ja.png') });
    await page.locator('#cell-A1').evaluate((cell) => cell.scrollIntoView());

    await sidebar.locator('#accept-schedule').click();
    await sidebar.locator('#sidebar-status', { hasText: '保存しました。' }).waitFor();
    await expectCount(sidebar.locator('#schedule-offer'), 0);
    expect(opened.workbench.env.triggers.list().filter((trigger) => trigger.handler === 'snaqScheduledRefresh')).toHaveLength(1);
    await sidebar.locator('#tab-schedule').click();
    expect(await sidebar.locator('#kind').inputValue()).toBe('weekly');
    expect(await sidebar.locator('#weekday').inputValue()).toBe('1');
    expect(await sidebar.locator('#hour').inputValue()).toBe('8');

    const before = await dashboardBlocks('KPI ダッシュボード');
    await page.locator('#cell-A1').click();
    await page.locator('#insert-row').click();
    await page.locator('#cell-A2', { hasText: 'KPI ダッシュボード' }).waitFor();
    await sidebar.locator('#tab-blocks').click();
    await sidebar.locator('#refresh-all').click();
    await sidebar.locator('#progress', { hasText: `${DASHBOARD.length} / ${DASHBOARD.length}` }).waitFor();
    await expectCount(sidebar.locator('li.block.fresh'), DASHBOARD.length);
    const after = await dashboardBlocks('KPI ダッシュボード');
    expect(after.map((block) => block.range)).toEqual(before.map((block) => block.range.replace(/\d+/g, (row) => String(Number(row) + 1))));
    expect(await page.locator('#cell-A5').innerText()).toBe('期間');
    expect(await page.locator('#cell-A3').innerText()).toMatch(/^データ時点 /);
  }, 180_000);

  test('English: Insert KPI dashboard, offered the weekly refresh in English', async () => {
    const { page, sidebar } = await openPage('en-US');
    // Alex reads English; the document has no schedule again, so the dashboard offers one.
    await page.locator('#person').selectOption('alex.brown@snaq.me');
    await page.locator('#menu-items button[data-fn="snaqInsertDashboard"]', { hasText: 'Insert KPI dashboard' }).waitFor({ state: 'attached' });
    await opened.workbench.env.run('snaqSetSchedule', [null], { mode: 'rpc' });
    await insertFromMenu(page, 'Insert KPI dashboard');
    await page.locator('#sheet-tabs button[aria-selected="true"]', { hasText: 'KPI dashboard' }).waitFor();
    expect(await page.locator('#cell-A1').innerText()).toBe('KPI dashboard');
    expect(await page.locator('#cell-A2').innerText()).toMatch(/^Data as of 2026-11-01 09:00 JST · refreshed /);
    expect(await page.locator('#cell-A4').innerText()).toBe('Period');
    await expectCount(page.locator('#charts figure.chart'), DASHBOARD.length);
    const offer = sidebar.locator('#schedule-offer');
    await offer.waitFor();
    expect(await offer.locator('.question').innerText()).toBe('Refresh every Monday at 8:00 JST?');
    await page.screenshot({ path: path.join(ARTIFACTS, 'kpi-dashboard-en.png') });
    await sidebar.locator('#decline-schedule').click();
    await expectCount(sidebar.locator('#schedule-offer'), 0);
    expect((await opened.workbench.env.run('snaqGetSchedule', [], { mode: 'rpc' })).value).toEqual({ schedule: null });
    expect(await dashboardBlocks('KPI dashboard')).toHaveLength(DASHBOARD.length);
  }, 180_000);
});
