/**
 * The shared result cache is script-wide: two documents of the same add-on (two document locks,
 * one script cache) asking the same question at once still send it to the API once, and every
 * cell of both gets the number.
 */
import { createAppsScriptEnv, type AppsScriptEnv } from '../../src/emulator';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { CODE_PATH, connectionProperties } from '../support/addonEnv';

// Real CacheService calls take tens of milliseconds; that is the window two claims can share.
const CACHE_LATENCY_MS = 40;
const workbook = (name: string) => ({ timeZone: 'Asia/Tokyo', locale: 'ja_JP', name, sheets: { Sheet1: [[null]] } });

let lake: TestLake;
let api: LocalApi;
let first: AppsScriptEnv;
let second: AppsScriptEnv;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  first = await createAppsScriptEnv({
    codePath: CODE_PATH,
    scriptProperties: connectionProperties(api.server.url),
    workbook: workbook('first'),
    cacheLatencyMs: CACHE_LATENCY_MS,
  });
  second = await createAppsScriptEnv({ codePath: CODE_PATH, script: first.script, workbook: workbook('second'), cacheLatencyMs: CACHE_LATENCY_MS });
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await api?.close();
  lake?.remove();
});

const queryRequests = () => [...first.fetchLog, ...second.fetchLog].filter((entry) => entry.method.toLowerCase() === 'post' && entry.url.endsWith('/v1/query'));

test.each(['2024-01', '2024-02', '2024-03'])('both documents ask for revenue in %s at once: one request, every cell answered', async (month) => {
  const before = queryRequests().length;
  const ask = (env: AppsScriptEnv) => env.run('SNAQ_VALUE', ['revenue', month, month], { mode: 'customFunction' });
  const outcomes = await Promise.all([first, second, first, second, first, second].map(ask));
  expect(outcomes.map((outcome) => outcome.error)).toEqual(outcomes.map(() => undefined));
  const values = outcomes.map((outcome) => outcome.value);
  expect(typeof values[0]).toBe('number');
  expect(new Set(values).size).toBe(1);
  expect(queryRequests().length - before).toBe(1);
});
