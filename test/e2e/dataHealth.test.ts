/**
 * The sidebar's data-health view in a real browser (Debian's chromium via playwright-core), over the
 * workbench, the add-on bundle in the emulator and the real API on a lake with the sample's
 * synthetic history: every lake table with its snapshot in JST, its quality result and a bar chart of
 * 30 days; the synthetic label; a metric page naming late tables. Screenshots in test/artifacts/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, openWorkbenchInChromium, type BrowserWorkbench } from '../support/browserWorkbench';
import { generateLake } from '../../src/lake/generate';
import { LAKE_TABLES } from '../../src/contract/lakeSchema';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { CHROMIUM, describeIfAvailable } from '../support/requirements';

const AS_OF = new Date('2026-11-01T00:00:00Z');
const H = 3_600_000;

describeIfAvailable(CHROMIUM, 'the data-health view in chromium', () => {
  let root: string;
  let api: LocalApi;
  let opened: BrowserWorkbench;
  let url: string;
  let browser: Browser;
  let clock = AS_OF.getTime() + 3 * H;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'snaq-e2e-health-'));
    const lakeDir = path.join(root, 'lake');
    await generateLake({ outDir: lakeDir, scale: 0.02, seed: 42, asOf: AS_OF, syntheticHistory: true });
    api = await startLocalApi(lakeDir, { service: { now: () => clock } });
    opened = await openWorkbenchInChromium({ apiUrl: api.server.url });
    ({ url, browser } = opened);
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
    await api?.close().catch(() => undefined);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  for (const [locale, lang] of [
    ['ja-JP', 'ja'],
    ['en-US', 'en'],
  ] as const) {
    test(`${lang}: every lake table with its snapshot, quality result, 30-day figure and a chart of 30 days; the synthetic label`, async () => {
      const report = await api.service.freshness();
      const page = await (await browser.newContext({ locale, viewport: { width: 1280, height: 1500 } })).newPage();
      try {
        await page.goto(url);
        const sidebar = page.frameLocator('#sidebar');
        await sidebar.locator('#tab-health').click();
        await sidebar.locator('#data-health').waitFor();
        const cards = sidebar.locator('li.health-table');
        expect(await cards.count()).toBe(LAKE_TABLES.length);
        expect(await cards.evaluateAll((items) => items.map((item) => item.getAttribute('data-table')))).toEqual([...LAKE_TABLES]);
        for (const table of report.tables) {
          const card = sidebar.locator(`li.health-table[data-table="${table.table}"]`);
          expect(await card.locator('.snapshot').innerText()).toBe('2026-11-01 09:00 JST');
          expect(await card.locator('.quality').innerText()).toContain(lang === 'ja' ? '合格' : 'passed');
          expect(await card.locator('.attainment').innerText()).toContain(`${(table.attainment30d! * 100).toFixed(1)}%`);
          const bars = card.locator('svg.share-bars rect');
          expect(await bars.count()).toBe(30);
          // Each bar carries its day's share: the chart is the API's daily series, not a drawing.
          const shares = await bars.evaluateAll((rects) => rects.map((rect) => rect.getAttribute('data-share')));
          expect(shares).toEqual(table.daily.map((point) => (point.attainment === null ? '' : String(point.attainment))));
        }
        expect(await sidebar.locator('#synthetic-history').innerText()).toContain(lang === 'ja' ? 'サンプルの合成履歴' : 'synthetic sample history');
        await page.screenshot({ path: path.join(ARTIFACTS, `data-health-${lang}.png`) });
      } finally {
        await page.close();
      }
    }, 120_000);
  }

  test('a metric page names the source tables that are late', async () => {
    clock = AS_OF.getTime() + 30 * H; // past the nightly tables' 26 h SLO
    const page = await (await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } })).newPage();
    try {
      await page.goto(url);
      const sidebar = page.frameLocator('#sidebar');
      await sidebar.locator('#search').fill('出荷');
      await sidebar.locator('button[data-metric="boxes_shipped"]').click();
      const note = sidebar.locator('#metric-health');
      await note.waitFor();
      expect(await note.innerText()).toContain('遅れているテーブル: boxes');
    } finally {
      clock = AS_OF.getTime() + 3 * H;
      await page.close();
    }
  }, 60_000);
});
