/**
 * The add-on's shared cache and a new version of a metric, end to end: the real bundle in the
 * emulator, the real signed API on a fresh lake (so answers may be cached for hours), and the
 * metric's version raised on the running service, as a deploy of a new definition would.
 */
import { loadCatalog } from '../../src/catalog/catalog';
import type { AppsScriptEnv } from '../../src/emulator';
import { addonEnv, cellValue } from '../support/addonEnv';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;
const metric = loadCatalog().get('box_revenue')! as { version: number };
/** The version deployed now; the test raises it by one on the running service. */
const deployed = metric.version;

beforeAll(async () => {
  // A snapshot taken now: its data stays fresh for hours, so the add-on caches answers for hours.
  lake = await createTestLake({ scale: 0.02, asOf: new Date() });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({ endpoint: api.server.url });
}, 120_000);

afterAll(async () => {
  metric.version = deployed;
  await gas?.close();
  await api?.close();
  lake?.remove();
});

const queries = () => gas.fetchLog.filter((entry) => entry.method.toLowerCase() === 'post' && entry.url.endsWith('/v1/query')).length;
const catalogs = () => gas.fetchLog.filter((entry) => entry.method.toLowerCase() === 'get' && entry.url.endsWith('/v1/metrics')).length;
/** The metric versions of the answers in the script cache. */
const cachedVersions = () =>
  gas.caches.script
    .keys()
    .map((key) => gas.caches.script.peek(key) ?? '')
    .filter((value) => value.startsWith('v:{"columns"'))
    .map((value) => (JSON.parse(value.slice(2)) as { meta: { metricVersion?: number } }).meta.metricVersion)
    .sort();

test('a raised version is answered anew once the version the add-on knows lapses, never from the old entry', async () => {
  const args = ['box_revenue', '2024-01-01', '2024-03-31'];
  const first = await cellValue(gas, 'SNAQ_VALUE', args);
  expect(typeof first).toBe('number');
  await cellValue(gas, 'SNAQ_VALUE', args);
  expect([queries(), catalogs()]).toEqual([1, 0]);

  metric.version = deployed + 1; // the service now answers with the next version
  gas.clock.advance(60_000);
  // Within 5 minutes of the last answer, the deployed version is still taken as current: served from the cache.
  await cellValue(gas, 'SNAQ_VALUE', args);
  expect(queries()).toBe(1);

  gas.clock.advance(5 * 60_000);
  // The entry (hours) outlives the known version (5 minutes): the catalog is asked, says the next one, and the query is sent.
  expect(await cellValue(gas, 'SNAQ_VALUE', args)).toBe(first);
  expect([queries(), catalogs()]).toEqual([2, 1]);
  expect(cachedVersions()).toEqual([deployed, deployed + 1]);
  await cellValue(gas, 'SNAQ_VALUE', args);
  expect([queries(), catalogs()]).toEqual([2, 1]);
}, 60_000);
