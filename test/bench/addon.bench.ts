/**
 * The add-on in the Apps Script emulator against the local server on a scale-1 lake:
 *  - the recalculation storm: 500 cells, 100 distinct queries — requests sent and wall time, first
 *    open and reopen;
 *  - one custom-function execution, median: cold (a new query) next to the same query sent
 *    directly with aws4fetch, and cached next to an execution that does no work (the emulator's
 *    own cost of starting an execution);
 *  - the bundle: its size, and how long it takes to load into a fresh context.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { AwsClient } from 'aws4fetch';
import { DEV_CREDENTIALS } from '../../src/contract/devCredentials';
import { addDays } from '../../src/contract/dates';
import { generateLake } from '../../src/lake/generate';
import { lakeExists } from '../../src/lake/manifest';
import { addonEnv, CODE_PATH } from '../support/addonEnv';
import { startLocalApi } from '../support/localApi';
import { median, round } from './stats';

const LAKE_DIR = path.resolve('.snaq', 'bench', 'lake-scale1');
const ROUNDS = 20;

function stormSheet(): string[][] {
  const metrics = ['revenue', 'box_revenue', 'shop_revenue', 'new_subscribers', 'boxes_shipped'];
  const rows: string[][] = [];
  for (let i = 0; i < 100; i++) {
    const month = Math.floor(i / metrics.length);
    const from = `${2023 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
    for (let copy = 0; copy < 5; copy++) rows.push([`=SNAQ_VALUE("${metrics[i % metrics.length]}", "${from}", "${from}")`]);
  }
  return rows;
}

export async function runAddonBench(): Promise<void> {
  if (!lakeExists(LAKE_DIR)) await generateLake({ outDir: LAKE_DIR, scale: 1, seed: 42, asOf: new Date('2026-11-01T00:00:00Z') });
  const api = await startLocalApi(LAKE_DIR);
  const lines: string[] = ['Add-on benchmark (Apps Script emulator, scale-1 lake)'];
  try {
    // Storm.
    const storm = await addonEnv({ endpoint: api.server.url, workbook: { timeZone: 'Asia/Tokyo', locale: 'ja_JP', sheets: { Storm: stormSheet() } } });
    try {
      let started = performance.now();
      await storm.recalculate({ sheet: 'Storm' });
      const firstMs = performance.now() - started;
      const firstRequests = storm.fetchLog.length;
      storm.clock.advance(60_000);
      started = performance.now();
      await storm.recalculate({ sheet: 'Storm' });
      const reopenMs = performance.now() - started;
      lines.push(
        `storm: 500 cells / 100 distinct queries — first open ${firstRequests} requests in ${round(firstMs / 1000, 1)} s; ` +
          `reopen ${storm.fetchLog.length - firstRequests} requests in ${round(reopenMs / 1000, 1)} s; max ${storm.stats.maxRunning} executions at once`,
      );
    } finally {
      await storm.close();
    }

    // Per call.
    const gas = await addonEnv({ endpoint: api.server.url });
    const client = new AwsClient({ ...DEV_CREDENTIALS, service: 'execute-api', region: 'ap-northeast-1', retries: 0 });
    try {
      const cold: number[] = [];
      const direct: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const from = addDays('2024-01-01', i);
        const cell = await gas.run('SNAQ_METRIC', ['revenue', from, '2024-12-31', 'month'], { mode: 'customFunction' });
        if (cell.error) throw new Error(cell.error);
        cold.push(cell.elapsedMs);
        const body = JSON.stringify({ metric: 'revenue', from: addDays('2023-01-01', i), to: '2024-01-01', grain: 'month' });
        const t = performance.now();
        await (await client.fetch(`${api.server.url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
        direct.push(performance.now() - t);
      }
      const cached: number[] = [];
      const idle: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        cached.push((await gas.run('SNAQ_METRIC', ['revenue', '2024-01-01', '2024-12-31', 'month'], { mode: 'customFunction' })).elapsedMs);
        idle.push((await gas.run('snaqGetSettings', [], { mode: 'rpc' })).elapsedMs);
      }
      lines.push(
        `one execution (median of ${ROUNDS}): cold ${round(median(cold))} ms vs the same query via aws4fetch ${round(median(direct))} ms; ` +
          `cached ${round(median(cached))} ms vs an execution doing nothing ${round(median(idle))} ms (emulator start-up + bundle load)`,
      );
    } finally {
      await gas.close();
    }

    // Bundle.
    const code = readFileSync(CODE_PATH, 'utf8');
    const loads: number[] = [];
    for (let i = 0; i < 50; i++) {
      const context = vm.createContext({ console });
      const t = performance.now();
      vm.runInContext(code, context);
      loads.push(performance.now() - t);
    }
    lines.push(
      `bundle: Code.js ${round(Buffer.byteLength(code) / 1024, 1)} KB; loading it into a fresh context takes ${round(median(loads), 3)} ms (median of 50)`,
    );
  } finally {
    await api.close();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
