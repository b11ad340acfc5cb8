/**
 * A sheet with 500 SNAQ formulas holding 100 distinct queries, recalculated as Sheets does it
 * (up to 30 executions at once): at most one request per distinct query, none on reopening within
 * the cache's time, and a fresh round after "Refresh SNAQ formulas".
 */
import type { AppsScriptEnv } from '../../src/emulator';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv } from '../support/addonEnv';

const METRICS = ['revenue', 'box_revenue', 'shop_revenue', 'new_subscribers', 'boxes_shipped'];
const DISTINCT = 100;
const COPIES = 5;

/** 100 distinct queries: 5 metrics × 20 months of 2023–2024, each placed 5 times, shuffled. */
function stormSheet(): string[][] {
  const formulas: string[] = [];
  for (let i = 0; i < DISTINCT; i++) {
    const metric = METRICS[i % METRICS.length]!;
    const month = Math.floor(i / METRICS.length);
    const year = 2023 + Math.floor(month / 12);
    const from = `${year}-${String((month % 12) + 1).padStart(2, '0')}`;
    for (let copy = 0; copy < COPIES; copy++) formulas.push(`=SNAQ_VALUE("${metric}", "${from}", "${from}")`);
  }
  // Deterministic shuffle so copies of one query land in parallel executions.
  let seed = 7;
  for (let i = formulas.length - 1; i > 0; i--) {
    seed = (seed * 48271) % 2147483647;
    const j = seed % (i + 1);
    [formulas[i], formulas[j]] = [formulas[j]!, formulas[i]!];
  }
  return formulas.map((formula) => [formula]);
}

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({ endpoint: api.server.url, workbook: { timeZone: 'Asia/Tokyo', locale: 'ja_JP', sheets: { Storm: stormSheet() } } });
});
afterAll(async () => {
  await gas.close();
  await api.close();
  lake.remove();
});

const queryRequests = () => gas.fetchLog.filter((entry) => entry.method.toLowerCase() === 'post' && entry.url.endsWith('/v1/query')).length;

test('the first recalculation sends at most one request per distinct query, and every cell gets a number', async () => {
  const started = Date.now();
  const outcomes = await gas.recalculate({ sheet: 'Storm' });
  expect(outcomes).toHaveLength(DISTINCT * COPIES);
  expect(outcomes.filter((outcome) => outcome.error)).toEqual([]);
  for (const outcome of outcomes) expect(typeof outcome.value).toBe('number');
  expect(queryRequests()).toBeLessThanOrEqual(DISTINCT);
  expect(gas.stats.maxRunning).toBeLessThanOrEqual(30);
  expect(gas.stats.maxRunning).toBeGreaterThan(1);
  // Equal formulas show equal numbers.
  const byFormula = new Map<string, unknown>();
  gas.workbook.formulas('Storm').forEach((row, i) => {
    const value = gas.workbook.values('Storm')[i]![0];
    if (byFormula.has(row[0]!)) expect(value).toBe(byFormula.get(row[0]!));
    byFormula.set(row[0]!, value);
  });
  expect(byFormula.size).toBe(DISTINCT);
  process.stdout.write(`storm: ${outcomes.length} cells, ${queryRequests()} requests, ${Date.now() - started} ms\n`);
});

test('reopening the sheet within the cache time sends no request at all', async () => {
  const before = gas.fetchLog.length;
  gas.clock.advance(2 * 60_000);
  const outcomes = await gas.recalculate({ sheet: 'Storm' });
  expect(outcomes.filter((outcome) => outcome.error)).toEqual([]);
  expect(gas.fetchLog.length - before).toBe(0);
});

test('"Refresh SNAQ formulas" rewrites every formula and the next round asks the server again', async () => {
  const epochBefore = gas.properties.document.get('SNAQ_REFRESH_EPOCH');
  const result = await gas.run('snaqRefreshFormulas', []);
  expect(result.error).toBeUndefined();
  expect(result.value).toBe(DISTINCT * COPIES);
  expect(gas.ui.alerts.at(-1)!.prompt).toContain(`${DISTINCT * COPIES} 個の SNAQ 数式を更新しました。`);
  expect(gas.properties.document.get('SNAQ_REFRESH_EPOCH')).not.toBe(epochBefore);
  expect(
    gas.workbook
      .formulas('Storm')
      .flat()
      .filter((formula) => formula.startsWith('=SNAQ_VALUE')),
  ).toHaveLength(DISTINCT * COPIES);
  const before = queryRequests();
  await gas.recalculate({ sheet: 'Storm' });
  const sent = queryRequests() - before;
  expect(sent).toBeGreaterThan(0);
  expect(sent).toBeLessThanOrEqual(DISTINCT);
});
