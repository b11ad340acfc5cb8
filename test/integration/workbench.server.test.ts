/**
 * The workbench over the real local server, mounted as `snaq serve` mounts it: it answers only
 * its own origin (DNS rebinding), checks content types and JSON, bounds every operation, and
 * answers a page (not the API's JSON 401) from the moment the server listens.
 */
import http from 'node:http';
import path from 'node:path';
import { WORKBENCH_USER } from '../../src/workbench/localUser';
import { startWorkbench, WORKBENCH_LIMITS, type Workbench } from '../../src/workbench/workbench';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';

const ADDON_DIR = path.resolve(__dirname, '../../dist/addon');

let lake: TestLake;
let api: LocalApi;
let workbench: Workbench;
let port: number;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  port = Number(new URL(api.server.url).port);
  workbench = await startWorkbench((handler) => api.server.mount(handler), { apiUrl: api.server.url, addonDir: ADDON_DIR });
}, 120_000);

afterAll(async () => {
  await api?.close();
  await workbench?.close();
  lake?.remove();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A raw request, so a test can send any Host and Origin (fetch will not let it). */
function send(method: string, target: string, options: { headers?: Record<string, string>; body?: string | Buffer; serverPort?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: options.serverPort ?? port, method, path: target, headers: options.headers, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const postJson = (target: string, body: unknown, headers: Record<string, string> = {}) =>
  send('POST', target, { headers: { ...JSON_TYPE, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** What the grid shows in A1 (the cell the attacks try to write). */
async function a1(): Promise<string> {
  const grid = JSON.parse((await send('GET', '/workbench/grid')).text) as { display: string[][] };
  return grid.display[0]?.[0] ?? '';
}

function errorOf(reply: Reply): string {
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(reply.text) as { error: unknown };
  expect(typeof body.error).toBe('string');
  return body.error as string;
}

describe('only its own origin (DNS rebinding)', () => {
  test('a page on another host cannot write a cell, read the grid or change the settings', async () => {
    const before = await a1();
    for (const headers of <Array<Record<string, string>>>[
      { host: `evil.example:${port}` },
      { host: `127.0.0.1.evil.example:${port}` },
      { host: 'localhost' },
      { host: `127.0.0.1:${port + 1}` },
      { origin: 'http://evil.example' },
      { origin: `http://evil.example:${port}` },
      { origin: 'null' },
      { origin: `https://127.0.0.1:${port}` },
    ]) {
      // The classic attack: a text/plain "simple" POST, which needs no CORS preflight.
      const write = await send('POST', '/workbench/cell', {
        headers: { 'content-type': 'text/plain', ...headers },
        body: JSON.stringify({ a1: 'A1', value: 'pwned' }),
      });
      expect([write.status, headers]).toEqual([403, headers]);
      expect(errorOf(write)).toMatch(/host|origin/i);
      const writeJson = await postJson('/workbench/cell', { a1: 'A1', value: 'pwned' }, headers);
      expect([writeJson.status, headers]).toEqual([403, headers]);
      const settings = await postJson('/workbench/rpc', { fn: 'saveSettings', args: [{ endpoint: 'https://evil.example' }] }, headers);
      expect([settings.status, headers]).toEqual([403, headers]);
      const read = await send('GET', '/workbench/grid', { headers });
      expect([read.status, headers]).toEqual([403, headers]);
      expect(read.text).not.toContain('display');
      expect((await send('GET', '/', { headers })).status).toBe(403);
      expect((await send('GET', '/workbench/sidebar', { headers })).status).toBe(403);
    }
    expect(await a1()).toBe(before);
  });

  test('127.0.0.1:PORT and localhost:PORT are served, with or without a same-origin Origin', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect((await send('GET', '/', { headers: { host } })).status).toBe(200);
      expect((await send('GET', '/workbench/grid', { headers: { host } })).status).toBe(200);
      const write = await postJson('/workbench/cell', { a1: 'J1', value: host }, { host, origin: `http://${host}` });
      expect(write.status).toBe(200);
    }
  });

  test('the API beside it still answers signed requests on the same port', async () => {
    const response = await api.client.fetch(`${api.server.url}/v1/health`);
    expect(response.status).toBe(200);
  });
});

describe('content types, JSON and sizes', () => {
  test('JSON endpoints require application/json (415)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const reply = await send('POST', '/workbench/cell', { headers: { 'content-type': type }, body: JSON.stringify({ a1: 'A1', value: 'x' }) });
      expect([reply.status, type]).toEqual([415, type]);
      expect(errorOf(reply)).toMatch(/application\/json/);
    }
    const none = await send('POST', '/workbench/insert-rows', { body: '{}' });
    expect(none.status).toBe(415);
    expect(
      (await send('POST', '/workbench/cell', { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ a1: 'J2', value: 1 }) }))
        .status,
    ).toBe(200);
  });

  test('bad JSON is a 400, not an empty object', async () => {
    for (const body of ['{"a1": "A1",', 'not json', '[]', '"A1"', 'null', '']) {
      const reply = await postJson('/workbench/cell', body);
      expect([reply.status, body]).toEqual([400, body]);
      errorOf(reply);
    }
  });

  test('a body over the limit is refused with 413 before it is read whole', async () => {
    const body = JSON.stringify({ fn: 'listBlocks', args: ['x'.repeat(WORKBENCH_LIMITS.maxBodyBytes)] });
    const declared = await postJson('/workbench/rpc', body);
    expect(declared.status).toBe(413);
    errorOf(declared);
    // Streamed without a Content-Length: counted as it arrives.
    const streamed = await send('POST', '/workbench/rpc', { headers: { ...JSON_TYPE, 'transfer-encoding': 'chunked' }, body });
    expect(streamed.status).toBe(413);
    errorOf(streamed);
  });
});

describe('operations are bounded and user mistakes are 4xx', () => {
  test('inserting a million rows is refused at once, and the API stays responsive', async () => {
    const started = performance.now();
    const reply = await postJson('/workbench/insert-rows', { before: 1, count: 1_000_000 });
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toContain(String(WORKBENCH_LIMITS.maxInsertRows));
    expect(performance.now() - started).toBeLessThan(1_000);
    const grid = JSON.parse((await send('GET', '/workbench/grid')).text) as { rows: number };
    expect(grid.rows).toBeLessThan(100);
    expect((await api.client.fetch(`${api.server.url}/v1/health`)).status).toBe(200);
  });

  test.each<[string, string, unknown]>([
    ['a1 that is not a cell', '/workbench/cell', { a1: 'nope' }],
    ['no a1', '/workbench/cell', { value: 1 }],
    ['a1 as a number', '/workbench/cell', { a1: 1, value: 1 }],
    ['a range instead of a cell', '/workbench/cell', { a1: 'A1:B2', value: 1 }],
    ['another sheet', '/workbench/cell', { a1: 'Other!A1', value: 1 }],
    ['a cell outside the sheet', '/workbench/cell', { a1: 'ZZZ9999999', value: 1 }],
    ['an object as a value', '/workbench/cell', { a1: 'A1', value: { $ne: 1 } }],
    ['a value over the cell limit', '/workbench/cell', { a1: 'A1', value: 'x'.repeat(WORKBENCH_LIMITS.maxCellTextLength + 1) }],
    ['a selection that is not a range', '/workbench/select', { a1: 'nope' }],
    ['a selection outside the sheet', '/workbench/select', { a1: 'A1:ZZZ9999999' }],
    ['no rows to insert', '/workbench/insert-rows', { before: 1, count: 0 }],
    ['a fractional count', '/workbench/insert-rows', { before: 1, count: 1.5 }],
    ['a count as text', '/workbench/insert-rows', { before: 1, count: 'many' }],
    ['rows before row 0', '/workbench/insert-rows', { before: 0, count: 1 }],
    ['rows far below the sheet', '/workbench/insert-rows', { before: 10_000_000, count: 1 }],
    ['an rpc without a function name', '/workbench/rpc', { args: [] }],
    ['an rpc whose args are not a list', '/workbench/rpc', { fn: 'listBlocks', args: 'x' }],
    ['an rpc whose name is not an identifier', '/workbench/rpc', { fn: 'constructor.constructor("return process")', args: [] }],
    ['a function that is no item of the add-on menu', '/workbench/menu', { fn: 'snaqSaveSettings' }],
    ['a menu item that is not a name', '/workbench/menu', { fn: ['snaqInsertDashboard'] }],
    ['a sheet the workbook does not have', '/workbench/select', { a1: 'A1', sheet: 'Nope' }],
    ['a sheet that is not a name', '/workbench/select', { a1: 'A1', sheet: ['Sheet1'] }],
  ])('%s → 400', async (_name, target, body) => {
    const before = await a1();
    const reply = await postJson(target, body);
    expect(reply.status).toBe(400);
    expect(errorOf(reply).length).toBeLessThan(300);
    expect(reply.text).not.toMatch(/\n\s+at /);
    expect(await a1()).toBe(before);
  });

  test('unknown workbench paths and methods are the workbench’s own 404/405, not the API’s 401', async () => {
    expect((await send('GET', '/workbench/nothing')).status).toBe(404);
    expect((await send('GET', '/workbench/cell')).status).toBe(405);
    expect((await send('DELETE', '/workbench/grid')).status).toBe(405);
  });

  test('a good write still works', async () => {
    const reply = await postJson('/workbench/cell', { a1: 'A1', value: 'hello' });
    expect(reply.status).toBe(200);
    expect(await a1()).toBe('hello');
  });
});

test('right after the server starts, / answers a starting page, then the workbench', async () => {
  const other = await startLocalApi(lake.dir);
  const otherPort = Number(new URL(other.server.url).port);
  try {
    const starting = startWorkbench((handler) => other.server.mount(handler), { apiUrl: other.server.url, addonDir: ADDON_DIR });
    const early = await send('GET', '/', { serverPort: otherPort });
    expect(early.headers['content-type']).toMatch(/^text\/html/);
    expect(early.status).toBe(503);
    expect(early.headers['retry-after']).toBe('1');
    expect(early.text).toMatch(/起動中/);
    expect(early.text).toMatch(/starting/i);
    const earlyGrid = await send('GET', '/workbench/grid', { serverPort: otherPort });
    expect(earlyGrid.status).toBe(503);
    errorOf(earlyGrid);
    const ready = await starting;
    try {
      const page = await send('GET', '/', { serverPort: otherPort });
      expect([page.status, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
      expect(page.text).toContain('<iframe id="sidebar"');
    } finally {
      await ready.close();
    }
  } finally {
    await other.close();
  }
}, 120_000);

test('the workbench’s local user is an admin of the bundle `npm start` builds: its Settings tab saves', async () => {
  // dist/addon is built as `npm start` builds it (esbuild.config.ts --workbench, test/globalSetup.ts).
  const view = JSON.parse((await postJson('/workbench/rpc', { fn: 'snaqGetSettings', args: [] })).text) as {
    value: { canEdit: boolean; admins: string[]; endpoint: string };
  };
  expect(view.value).toMatchObject({ canEdit: true, endpoint: api.server.url });
  expect(view.value.admins).toContain(WORKBENCH_USER);
  const saved = await postJson('/workbench/rpc', {
    fn: 'snaqSaveSettings',
    args: [{ endpoint: api.server.url, region: 'ap-northeast-1', accessKeyId: 'AKIDSNAQLOCALDEV0001', secretAccessKey: '' }],
  });
  expect(saved.status).toBe(200);
  expect(JSON.parse(saved.text)).toMatchObject({ value: { canEdit: true, hasSecret: true } });
});
