/**
 * A restricted metric in the workbench, in chromium: pick who you are, insert a gross_margin block
 * as a finance member, then become someone outside the groups (Japanese, then English): the metric
 * is not offered, and refreshing the block leaves it as it was, with the reason. Screenshots of the
 * refusal in test/artifacts/restricted-metric-refused-{ja,en}.png.
 */
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { ARTIFACTS, openWorkbenchInChromium, type BrowserWorkbench } from '../support/browserWorkbench';
import { WORKBENCH_PEOPLE } from '../../src/workbench/localUser';
import { ACCESS_POLICY } from '../../src/catalog/accessPolicy';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { CHROMIUM, describeIfAvailable } from '../support/requirements';

const FINANCE = 'hanako.sato@snaq.me';
const OUTSIDER = 'jiro.suzuki@snaq.me';
const OUTSIDER_EN = 'alex.brown@snaq.me';

describeIfAvailable(CHROMIUM, 'a restricted metric in the workbench', () => {
  let lake: TestLake;
  let api: LocalApi;
  let opened: BrowserWorkbench;
  let browser: Browser;
  let page: Page;
  let sidebar: FrameLocator;

  beforeAll(async () => {
    // The sample people are who the policy says they are.
    expect(ACCESS_POLICY.groups.finance).toContain(FINANCE);
    for (const email of [OUTSIDER, OUTSIDER_EN]) expect(Object.values(ACCESS_POLICY.groups).flat()).not.toContain(email);
    expect(WORKBENCH_PEOPLE.map((person) => person.email)).toEqual(expect.arrayContaining([FINANCE, OUTSIDER, OUTSIDER_EN]));
    lake = await createTestLake({ scale: 0.05 });
    api = await startLocalApi(lake.dir);
    opened = await openWorkbenchInChromium({ apiUrl: api.server.url, identityTokenFor: (email) => api.issuer.tokenFor(email) });
    browser = opened.browser;
    page = await (await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(opened.url);
    sidebar = page.frameLocator('#sidebar');
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await api?.close();
    lake?.remove();
  });

  /** Becomes another sample person; the sidebar reloads and asks again as them. */
  async function become(email: string): Promise<void> {
    await Promise.all([page.waitForResponse((response) => response.url().endsWith('/workbench/sidebar')), page.locator('#person').selectOption(email)]);
    await sidebar.locator('#search').waitFor();
  }

  test('finance finds gross_margin and inserts a block of it', async () => {
    await become(FINANCE);
    await page.locator('#cell-B2').click();
    // Who else may see it is said before anyone builds a sheet on it; an open metric says nothing.
    await sidebar.locator('button[data-metric="revenue"]').waitFor();
    expect(await sidebar.locator('.badge.restricted').count()).toBe(1);
    await sidebar.locator('#search').fill('粗利');
    expect(await sidebar.locator('button[data-metric="gross_margin"] .badge.restricted').innerText()).toBe('限定: finance, management');
    await sidebar.locator('button[data-metric="gross_margin"]').click();
    await sidebar.locator('#freshness').waitFor();
    expect(await sidebar.locator('.badge.restricted').innerText()).toBe('限定: finance, management');
    await sidebar.locator('#preset').selectOption('custom');
    await sidebar.locator('#from').fill('2024-01-01');
    await sidebar.locator('#to').fill('2024-06-30');
    await sidebar.locator('#grain').selectOption('month');
    await sidebar.locator('#insert-block').click();
    await sidebar.locator('#sidebar-status', { hasText: 'B2:C8' }).waitFor();
    expect(await page.locator('#cell-C2').innerText()).toBe('粗利（円）');
    await page.locator('#cell-C8').filter({ hasText: /¥/ }).waitFor();
  }, 120_000);

  test('someone outside the groups is not offered it, and their refresh leaves the block as it was, with the reason (ja)', async () => {
    const before = await page.locator('#grid').innerText();
    await become(OUTSIDER);
    await sidebar.locator('#search').fill('粗利');
    await sidebar.locator('button[data-metric]').first().waitFor({ state: 'detached' });
    expect(await sidebar.locator('button[data-metric="gross_margin"]').count()).toBe(0);
    await sidebar.locator('#tab-blocks').click();
    await sidebar.locator('#refresh-all').click();
    await sidebar.locator('li.block.stale .reason').waitFor({ timeout: 60_000 });
    expect(await sidebar.locator('li.block .reason').innerText()).toBe(
      '指標 "gross_margin" は閲覧できる人が限られています。必要な場合はデータチームに相談してください。',
    );
    expect(await page.locator('#grid').innerText()).toBe(before);
    await page.screenshot({ path: path.join(ARTIFACTS, 'restricted-metric-refused-ja.png') });
  }, 90_000);

  test('the same refusal for an English reader', async () => {
    await become(OUTSIDER_EN);
    const english = await (await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })).newPage();
    try {
      await english.goto(page.url());
      const englishSidebar = english.frameLocator('#sidebar');
      await englishSidebar.locator('#search').waitFor();
      await englishSidebar.locator('#tab-blocks').click();
      await englishSidebar.locator('#refresh-all').click();
      const reason = englishSidebar.locator('li.block.stale .reason', { hasText: /restricted/ });
      await reason.waitFor({ timeout: 60_000 });
      expect(await reason.innerText()).toMatch(/^Metric "gross_margin" is restricted to named people/);
      await english.screenshot({ path: path.join(ARTIFACTS, 'restricted-metric-refused-en.png') });
    } finally {
      await english.close();
    }
  }, 90_000);
});
