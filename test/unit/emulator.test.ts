/**
 * The Apps Script emulator (src/emulator) against small hand-written bundles: no Node or browser
 * globals, custom-function restrictions, the execution time limit, UrlFetchApp over real HTTP,
 * Utilities, Cache/Properties/Lock limits, recalculation with spills and 30 parallel executions,
 * triggers and UI.
 */
import { createHash, createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vm from 'node:vm';
import { useScriptBundle } from '../support/scriptBundle';
import { createAppsScriptEnv, type AppsScriptEnv } from '../../src/emulator';

const FORBIDDEN = [
  'require',
  'module',
  'exports',
  'process',
  'Buffer',
  'global',
  'fetch',
  'URL',
  'URLSearchParams',
  'TextEncoder',
  'TextDecoder',
  'crypto',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'queueMicrotask',
  'atob',
  'btoa',
  'Blob',
  'FormData',
  'window',
  'structuredClone',
  'performance',
  'navigator',
  'document',
  '__dirname',
];
const SERVICES = [
  'console',
  'Logger',
  'Utilities',
  'UrlFetchApp',
  'CacheService',
  'PropertiesService',
  'LockService',
  'SpreadsheetApp',
  'Charts',
  'Session',
  'ScriptApp',
  'HtmlService',
];

/** A bundle shaped like the add-on's: top-level functions over an esbuild-style IIFE. */
const BUNDLE = `
var Addon = (function () {
  function describe(v) {
    if (v instanceof Date) return 'Date:' + v.toISOString();
    if (Array.isArray(v)) return 'Array:' + JSON.stringify(v);
    return typeof v + ':' + String(v);
  }
  return { describe: describe, greeting: 'hello' };
})();

${FORBIDDEN.map((name) => `function touch_${name}() { return ${name}; }`).join('\n')}

function globalNames() { return Object.getOwnPropertyNames(globalThis); }
function greet(name) { return Addon.greeting + ' ' + name; }
function logSomething() {
  console.log('console %s', 'works', { a: 1 });
  console.error('oops');
  Logger.log('logger %s and %s', 'one', 2);
  return Logger.getLog();
}
function roundTrip(date, rows) {
  return {
    isDate: date instanceof Date, time: date.getTime(), isArray: rows instanceof Array, rowIsArray: rows[0] instanceof Array,
    back: new Date(Date.UTC(2024, 0, 2)), nested: [[1, 'a'], [true, null]]
  };
}
function privateHelper_() { return 'private'; }
function returnsPromise() { return Promise.resolve(42); }

function restricted(kind) {
  var ss = SpreadsheetApp.getActive();
  var range = ss.getSheetByName('Data').getRange('A1');
  switch (kind) {
    case 'Session.getActiveUserLocale': return Session.getActiveUserLocale();
    case 'Session.getEffectiveUser': return Session.getEffectiveUser().getEmail();
    case 'Session.getScriptTimeZone': return Session.getScriptTimeZone();
    case 'ScriptApp.getProjectTriggers': return ScriptApp.getProjectTriggers().length;
    case 'HtmlService.createHtmlOutput': return HtmlService.createHtmlOutput('<b>x</b>').getContent();
    case 'SpreadsheetApp.getUi': return String(SpreadsheetApp.getUi());
    case 'SpreadsheetApp.flush': SpreadsheetApp.flush(); return 'flushed';
    case 'Range.setValue': range.setValue(1); return 'set';
    case 'Range.setValues': range.setValues([[1]]); return 'set';
    case 'Range.setFormula': range.setFormula('=X()'); return 'set';
    case 'Range.clearContent': range.clearContent(); return 'cleared';
    case 'Range.setNumberFormat': range.setNumberFormat('0.0%'); return 'formatted';
    case 'Spreadsheet.insertSheet': return ss.insertSheet().getName();
    case 'Properties.setProperty': PropertiesService.getUserProperties().setProperty('k', 'v'); return 'set';
  }
  throw new Error('unknown kind ' + kind);
}
function allowedInCustomFunction() {
  var cache = CacheService.getDocumentCache();
  cache.put('cf', 'yes');
  PropertiesService.getDocumentProperties().setProperty('cf', 'yes');
  var lock = LockService.getDocumentLock();
  var locked = lock.tryLock(1000);
  lock.releaseLock();
  var sheet = SpreadsheetApp.getActive().getSheetByName('Data');
  return [cache.get('cf'), PropertiesService.getUserProperties().getProperty('owner'), locked, Utilities.base64Encode('ok'),
    sheet.getRange(1, 1, 1, 2).getValues()[0].join(','), sheet.getLastRow(), SpreadsheetApp.getActive().getSpreadsheetTimeZone()];
}

function spin() { while (true) {} }
function sleepFor(ms) { var t = Date.now(); Utilities.sleep(ms); return Date.now() - t; }
function lockThenSpin() { LockService.getScriptLock().waitLock(1000); while (true) {} }
function tryScriptLock() { return LockService.getScriptLock().tryLock(0); }

function httpGet(url, params) {
  var res = params ? UrlFetchApp.fetch(url, params) : UrlFetchApp.fetch(url);
  return { code: res.getResponseCode(), text: res.getContentText(), headers: res.getHeaders(), all: res.getAllHeaders(),
    blob: res.getBlob().getDataAsString(), bytes: res.getContent().length };
}
function httpAll(urls) {
  return UrlFetchApp.fetchAll(urls.map(function (u) { return { url: u, muteHttpExceptions: true }; })).map(function (r) { return r.getResponseCode(); });
}
function manyHeaders(url, count, size) {
  var headers = {};
  for (var i = 0; i < count; i++) headers['X-H' + i] = new Array(size + 1).join('v');
  return UrlFetchApp.fetch(url, { headers: headers }).getResponseCode();
}

function digests(input, bytes) {
  var U = Utilities;
  return {
    sha256: U.computeDigest(U.DigestAlgorithm.SHA_256, input, U.Charset.UTF_8),
    md5: U.computeDigest(U.DigestAlgorithm.MD5, input),
    sha1Bytes: U.computeDigest(U.DigestAlgorithm.SHA_1, bytes),
    hmacStrings: U.computeHmacSha256Signature(input, 'key'),
    hmacBytes: U.computeHmacSha256Signature(bytes, bytes),
    b64: U.base64Encode(input),
    b64Bytes: U.base64Encode(bytes),
    b64Safe: U.base64EncodeWebSafe(bytes),
    decoded: U.base64Decode(U.base64Encode(input)),
    decodedSafe: U.base64DecodeWebSafe(U.base64EncodeWebSafe(bytes)),
    blob: U.newBlob(input).getBytes(),
    blobText: U.newBlob(U.newBlob(input).getBytes()).getDataAsString(),
    uuid: U.getUuid()
  };
}
function hmacMixed() { return Utilities.computeHmacSha256Signature('value', [1, 2, 3]); }
function formatDates(ms) {
  var d = new Date(ms);
  return [
    Utilities.formatDate(d, 'Asia/Tokyo', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"),
    Utilities.formatDate(d, 'Asia/Tokyo', 'yyyy/MM/dd HH:mm Z'),
    Utilities.formatDate(d, 'UTC', "yyyy-MM-dd'T'HH:mm:ssX"),
    Utilities.formatDate(d, 'America/New_York', 'EEE, d MMM yyyy hh:mm a'),
    Utilities.formatDate(d, 'Not/AZone', 'HH:mm')
  ];
}

function cachePut(key, value, ttl) { var c = CacheService.getScriptCache(); if (ttl === undefined) c.put(key, value); else c.put(key, value, ttl); return c.get(key); }
function cacheGet(key) { return CacheService.getScriptCache().get(key); }
function cacheFill(n, prefix) {
  var c = CacheService.getUserCache();
  var values = {};
  for (var i = 0; i < n; i++) values[prefix + i] = 'v' + i;
  c.putAll(values);
  c.put(prefix + 'last', 'last');
  return [c.get(prefix + '0'), c.get(prefix + '100'), c.get(prefix + 'last'), Object.keys(c.getAll([prefix + '0', prefix + '500', prefix + 'last'])).length];
}
function propSet(key, value) { PropertiesService.getScriptProperties().setProperty(key, value); return PropertiesService.getScriptProperties().getProperty(key).length; }
function propSetMany(n, size) {
  var values = {};
  for (var i = 0; i < n; i++) values['p' + i] = new Array(size + 1).join('x');
  PropertiesService.getDocumentProperties().setProperties(values);
  return PropertiesService.getDocumentProperties().getKeys().length;
}
function propsRoundTrip() {
  var p = PropertiesService.getUserProperties();
  p.setProperties({ a: '1', b: '2' });
  p.setProperties({ c: 3 }, true);
  var keys = p.getKeys();
  p.deleteProperty('c');
  return [keys, p.getProperties(), p.getProperty('c')];
}
function criticalSection(ms) {
  var lock = LockService.getDocumentLock();
  lock.waitLock(10000);
  var start = Date.now();
  Utilities.sleep(ms);
  var end = Date.now();
  var had = lock.hasLock();
  lock.releaseLock();
  return [start, end, had, lock.hasLock()];
}
function holdDocumentLock(ms) { LockService.getDocumentLock().waitLock(1000); Utilities.sleep(ms); return 'done'; }
function contend(mode) {
  var lock = LockService.getDocumentLock();
  if (mode === 'try') return lock.tryLock(100);
  lock.waitLock(100);
  return 'got it';
}

function ARGS() { return Array.prototype.map.call(arguments, Addon.describe).join(' | '); }
function DOUBLE(x) { return x * 2; }
function GRID(rows, cols) {
  var out = [];
  for (var r = 0; r < rows; r++) { var row = []; for (var c = 0; c < cols; c++) row.push(r * 10 + c); out.push(row); }
  return out;
}
function COLUMN(n) { var out = []; for (var i = 0; i < n; i++) out.push('c' + i); return out; }
function FAIL(msg) { throw new Error(msg); }
function WHEN(d) { return new Date(d.getTime() + 86400000); }
function BARRIER(url, i) { return UrlFetchApp.fetch(url + '?i=' + i).getContentText(); }

function setupTrigger(kind) {
  var b = ScriptApp.newTrigger('tick').timeBased();
  if (kind === 'minutes') b.everyMinutes(5);
  else if (kind === 'hours3') b.everyHours(3);
  else if (kind === 'daily') b.atHour(6).everyDays(1);
  else b.everyHours(1);
  return b.create().getUniqueId();
}
function listTriggers() { return ScriptApp.getProjectTriggers().map(function (t) { return t.getHandlerFunction() + ':' + t.getEventType(); }); }
function deleteAllTriggers() { ScriptApp.getProjectTriggers().forEach(function (t) { ScriptApp.deleteTrigger(t); }); return ScriptApp.getProjectTriggers().length; }
function tick(e) {
  var ui;
  try { SpreadsheetApp.getUi(); ui = 'ui'; } catch (err) { ui = String(err); }
  return [e.triggerUid, e.authMode, ui, SpreadsheetApp.getActive() === null];
}

function onOpen(e) {
  var ui = SpreadsheetApp.getUi();
  ui.createAddonMenu().addItem('Open sidebar', 'showSidebar').addSeparator()
    .addSubMenu(ui.createMenu('More').addItem('Settings', 'showSettings')).addToUi();
  return e && e.authMode;
}
function showSidebar() {
  SpreadsheetApp.getUi().showSidebar(HtmlService.createHtmlOutputFromFile('Sidebar').setTitle('Metrics'));
}
function showSettings() {
  var t = HtmlService.createTemplateFromFile('Settings');
  t.endpoint = 'https://example.com/<api>';
  t.items = ['a', 'b'];
  var html = t.evaluate().setWidth(400).setHeight(300);
  SpreadsheetApp.getUi().showModalDialog(html, 'Settings');
  return html.getContent();
}
function askUser() {
  var ui = SpreadsheetApp.getUi();
  var button = ui.alert('Title', 'Proceed?', ui.ButtonSet.YES_NO);
  var answer = ui.prompt('Your name?');
  return [button, answer.getResponseText(), answer.getSelectedButton()];
}
function missingHtml() { return HtmlService.createHtmlOutputFromFile('Nope').getContent(); }
function formatted() {
  var range = SpreadsheetApp.getActive().getSheetByName('Data').getRange('D1:F1');
  range.setValues([[1234.5, 0.256, '0042']]);
  range.setNumberFormats([['[$¥]#,##0', '0.0%', '0']]);
  return [range.getDisplayValues()[0], range.getValues()[0], range.getA1Notation(), range.getNumberFormat()];
}
function rangeErrors(which) {
  var sheet = SpreadsheetApp.getActive().getSheetByName('Data');
  if (which === 'row') return sheet.getRange(0, 1).getValue();
  if (which === 'outside') return sheet.getRange(1001, 1).getValue();
  if (which === 'shape') return sheet.getRange('A1:B2').setValues([[1, 2]]);
  return null;
}
`;

const bundle = useScriptBundle('gas-emulator-', BUNDLE, {
  'Sidebar.html': '<!DOCTYPE html><html><body><h1>Metrics</h1></body></html>',
  'Settings.html': '<p><?= endpoint ?></p><? for (var i = 0; i < items.length; i++) { ?><i><?!= items[i] ?></i><? } ?>',
});

const DATA = [
  [1, 'x', null],
  [new Date(Date.UTC(2024, 0, 31, 15)), true, 2.5],
  [null, null, null],
];

/** A local HTTP server in this (the main) thread: the emulator must keep serving it while workers block. */
function startServer(handler: http.RequestListener): Promise<{ server: http.Server; base: string }> {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

function signed(buffer: Buffer): number[] {
  return Array.from(buffer, (b) => (b > 127 ? b - 256 : b));
}

describe('runtime', () => {
  let env: AppsScriptEnv;
  beforeAll(async () => {
    env = await createAppsScriptEnv({ codePath: bundle.codePath, workbook: { sheets: { Data: DATA } }, userProperties: { owner: 'owner-value' } });
  });
  afterAll(() => env.close());

  test('each Node or browser global is a ReferenceError in the bundle', async () => {
    const results = await Promise.all(FORBIDDEN.map((name) => env.run(`touch_${name}`)));
    results.forEach((result, i) => {
      expect({ name: FORBIDDEN[i], errorName: result.errorName, error: result.error }).toEqual({
        name: FORBIDDEN[i],
        errorName: 'ReferenceError',
        error: `${FORBIDDEN[i]} is not defined`,
      });
    });
  });

  test('the global object holds ECMAScript built-ins, the services and the bundle, nothing else', async () => {
    const ecmascript = (vm.runInContext('Object.getOwnPropertyNames(globalThis)', vm.createContext({})) as string[]).filter((n) => n !== 'console');
    const bundle = ['Addon', ...[...BUNDLE.matchAll(/^function (\w+)\(/gm)].map((m) => m[1])];
    const { value } = await env.run('globalNames');
    const extra = (value as string[]).filter((n) => !ecmascript.includes(n) && !SERVICES.includes(n) && !bundle.includes(n));
    expect(extra).toEqual([]);
    for (const service of SERVICES) expect(value).toContain(service);
  });

  test('loads the IIFE bundle; console and Logger work and are collected', async () => {
    expect((await env.run('greet', ['Sheets'])).value).toBe('hello Sheets');
    const result = await env.run('logSomething');
    expect(result.value).toBe('logger one and 2\n');
    expect(result.logs).toEqual(['console works { a: 1 }', 'oops', 'logger one and 2']);
    expect(env.logs.filter((l) => l.execution === result.execution).map((l) => l.level)).toEqual(['log', 'error', 'Logger']);
  });

  test('Dates and arrays cross realms both ways', async () => {
    const when = new Date(Date.UTC(2024, 5, 1));
    const { value } = await env.run('roundTrip', [when, [[1, 2]]]);
    const v = value as Record<string, unknown>;
    expect(v).toMatchObject({ isDate: true, time: when.getTime(), isArray: true, rowIsArray: true });
    expect(v.back).toBeInstanceOf(Date);
    expect((v.back as Date).toISOString()).toBe('2024-01-02T00:00:00.000Z');
    expect(v.nested).toBeInstanceOf(Array);
    expect(v.nested).toEqual([
      [1, 'a'],
      [true, null],
    ]);
  });

  test('unknown and private functions', async () => {
    expect((await env.run('nope')).error).toBe('Script function not found: nope');
    expect((await env.run('privateHelper_', [], { mode: 'menu' })).value).toBe('private');
    expect((await env.run('privateHelper_', [], { mode: 'rpc' })).error).toBe('Script function not found: privateHelper_');
    expect((await env.run('double', [2], { mode: 'customFunction' })).value).toBe(4);
    expect((await env.run('returnsPromise', [], { mode: 'customFunction' })).error).toMatch(/^emulator: a custom function returned a Promise/);
    expect((await env.run('returnsPromise', [], { mode: 'menu' })).value).toBe(42);
  });

  test('custom functions may not call Session, ScriptApp, HtmlService, the UI or write; menus may', async () => {
    const kinds = [
      'Session.getActiveUserLocale',
      'Session.getEffectiveUser',
      'Session.getScriptTimeZone',
      'ScriptApp.getProjectTriggers',
      'HtmlService.createHtmlOutput',
      'SpreadsheetApp.getUi',
      'SpreadsheetApp.flush',
      'Range.setValue',
      'Range.setValues',
      'Range.setFormula',
      'Range.clearContent',
      'Range.setNumberFormat',
      'Spreadsheet.insertSheet',
      'Properties.setProperty',
    ];
    const custom = await Promise.all(kinds.map((k) => env.run('restricted', [k], { mode: 'customFunction' })));
    custom.forEach((r, i) => expect(r.error).toBe(`Exception: You do not have permission to call ${kinds[i]}`));
    const menu = await Promise.all(kinds.map((k) => env.run('restricted', [k], { mode: 'menu' })));
    menu.forEach((r, i) => expect({ kind: kinds[i], error: r.error }).toEqual({ kind: kinds[i], error: undefined }));
    expect(menu[0]?.value).toBe('ja');
    expect(menu[1]?.value).toBe('user@example.com');
    expect(menu[5]?.value).toBe('Ui');
  });

  test('custom functions may use Cache, Properties, Lock, Utilities and read the spreadsheet', async () => {
    env.workbook.setCell('Data', 'A1', 1);
    env.workbook.setCell('Data', 'B1', 'x');
    const r = await env.run('allowedInCustomFunction', [], { mode: 'customFunction' });
    expect(r.error).toBeUndefined();
    expect(r.value).toEqual(['yes', 'owner-value', true, 'b2s=', '1,x', 2, 'Asia/Tokyo']);
    expect(env.properties.document.get('cf')).toBe('yes');
  });

  test('spreadsheet writes, number formats and range errors (menu mode)', async () => {
    const r = await env.run('formatted');
    expect(r.value).toEqual([['¥1,235', '25.6%', '42'], [1234.5, 0.256, 42], 'D1:F1', '[$¥]#,##0']);
    expect((await env.run('rangeErrors', ['row'])).error).toBe('Exception: The starting row of the range is too small.');
    expect((await env.run('rangeErrors', ['outside'])).error).toBe('Exception: The coordinates of the range are outside the dimensions of the sheet.');
    expect((await env.run('rangeErrors', ['shape'])).error).toBe(
      'Exception: The number of rows in the data does not match the number of rows in the range. The data has 1 but the range has 2.',
    );
  });

  test('the tsx bootstrap (worker.js) starts workers too', async () => {
    const tsxEnv = await createAppsScriptEnv({ codePath: bundle.codePath, workerLoader: 'tsx' });
    try {
      expect((await tsxEnv.run('greet', ['tsx'])).value).toBe('hello tsx');
    } finally {
      await tsxEnv.close();
    }
  });
});

describe('execution time limit', () => {
  let env: AppsScriptEnv;
  beforeAll(async () => {
    env = await createAppsScriptEnv({ codePath: bundle.codePath, executionLimitMs: 500, otherExecutionLimitMs: 500 });
  });
  afterAll(() => env.close());

  test("a run past the limit is terminated with Apps Script's message", async () => {
    const [loop, sleep] = await Promise.all([env.run('spin'), env.run('sleepFor', [10_000])]);
    for (const r of [loop, sleep]) {
      expect(r.error).toBe('Exceeded maximum execution time');
      expect(r.elapsedMs).toBeGreaterThanOrEqual(490);
      expect(r.elapsedMs).toBeLessThan(2500);
    }
  });

  test('locks held by a terminated execution are released', async () => {
    const held = env.run('lockThenSpin');
    // Wait for the execution to take the lock: a loaded machine may start its worker later than any fixed pause.
    for (let waited = 0; env.locks.holder('script') === undefined && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(env.locks.holder('script')).toBeDefined();
    expect((await env.run('tryScriptLock')).value).toBe(false);
    expect((await held).error).toBe('Exceeded maximum execution time');
    expect(env.locks.holder('script')).toBeUndefined();
    expect((await env.run('tryScriptLock')).value).toBe(true);
  });
});

describe('UrlFetchApp', () => {
  let env: AppsScriptEnv;
  let server: http.Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    ({ server, base } = await startServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.url?.startsWith('/missing')) {
          res.writeHead(404, { 'Content-Type': 'text/plain' });
          res.end('not here: ' + 'x'.repeat(300));
        } else if (req.url === '/redirect') {
          res.writeHead(302, { Location: '/ok' });
          res.end();
        } else {
          res.setHeader('Content-Type', 'application/json; charset=utf-8');
          res.setHeader('X-Custom', 'yes');
          res.setHeader('Set-Cookie', ['a=1', 'b=2']);
          res.end(JSON.stringify({ path: req.url, method: req.method, body, note: '日本語' }));
        }
      });
    }));
    env = await createAppsScriptEnv({ codePath: bundle.codePath, urlFetchDailyQuota: 40 });
  });
  afterAll(async () => {
    await env.close();
    await new Promise((resolve) => server.close(resolve));
  });

  test('GET: status, body, headers as the server spelled them', async () => {
    const r = await env.run('httpGet', [`${base}/ok`]);
    const v = r.value as { code: number; text: string; headers: Record<string, string>; all: Record<string, unknown>; blob: string; bytes: number };
    expect(v.code).toBe(200);
    expect(JSON.parse(v.text)).toEqual({ path: '/ok', method: 'GET', body: '', note: '日本語' });
    expect(v.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(v.headers['X-Custom']).toBe('yes');
    expect(v.all['Set-Cookie']).toEqual(['a=1', 'b=2']);
    expect(v.blob).toBe(v.text);
    expect(v.bytes).toBe(Buffer.byteLength(v.text));
    const last = env.fetchLog[env.fetchLog.length - 1];
    expect(last).toMatchObject({ url: `${base}/ok`, method: 'GET', status: 200, execution: r.execution });
  });

  test('POST: the service sets Host and Content-Length itself', async () => {
    const payload = JSON.stringify({ q: 'サブスク' });
    const r = await env.run('httpGet', [
      `${base}/echo`,
      { method: 'post', payload, contentType: 'application/json', headers: { Host: 'evil.example', 'Content-Length': '1', 'X-Amz-Date': '20240101T000000Z' } },
    ]);
    expect((r.value as { code: number }).code).toBe(200);
    const req = seen[seen.length - 1];
    expect(req?.headers.host).toBe(base.replace('http://', ''));
    expect(req?.headers['content-length']).toBe(String(Buffer.byteLength(payload)));
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-amz-date']).toBe('20240101T000000Z');
    expect(req?.headers['user-agent']).toMatch(/Google-Apps-Script/);
    expect(req?.body).toBe(payload);
  });

  test('non-2xx throws unless muteHttpExceptions; redirects', async () => {
    const thrown = await env.run('httpGet', [`${base}/missing`]);
    expect(thrown.error).toBe(
      `Exception: Request failed for ${base} returned code 404. Truncated server response: not here: ${'x'.repeat(190)}... (use muteHttpExceptions option to examine full response)`,
    );
    const muted = await env.run('httpGet', [`${base}/missing`, { muteHttpExceptions: true }]);
    expect(muted.value).toMatchObject({ code: 404, text: `not here: ${'x'.repeat(300)}` });
    expect((await env.run('httpGet', [`${base}/redirect`])).value).toMatchObject({ code: 200 });
    const manual = await env.run('httpGet', [`${base}/redirect`, { followRedirects: false }]);
    expect(manual.value).toMatchObject({ code: 302, headers: { Location: '/ok' } });
    expect((await env.run('httpAll', [[`${base}/ok`, `${base}/missing`, `${base}/redirect`]])).value).toEqual([200, 404, 200]);
  });

  test('connection refused, invalid URL, URL and header limits', async () => {
    const closed = await startServer(() => undefined);
    const deadUrl = `${closed.base}/`;
    await new Promise((resolve) => closed.server.close(resolve));
    expect((await env.run('httpGet', [deadUrl])).error).toBe(`Exception: Address unavailable: ${deadUrl}`);
    expect(env.fetchLog[env.fetchLog.length - 1]).toMatchObject({ url: deadUrl, status: 'error' });
    expect((await env.run('httpGet', ['ftp://example.com/x'])).error).toBe('Exception: Invalid argument: ftp://example.com/x');

    const longPath = (n: number) => `${base}/ok?q=${'a'.repeat(n - `${base}/ok?q=`.length)}`;
    expect((await env.run('httpGet', [longPath(2048)])).value).toMatchObject({ code: 200 });
    expect((await env.run('httpGet', [longPath(2049)])).error).toBe('Exception: Limit Exceeded: URLFetch URL Length.');

    expect((await env.run('manyHeaders', [`${base}/ok`, 100, 10])).value).toBe(200);
    expect((await env.run('manyHeaders', [`${base}/ok`, 101, 1])).error).toBe('Exception: Limit Exceeded: URLFetch header count.');
    expect((await env.run('manyHeaders', [`${base}/ok`, 2, 4100])).error).toBe('Exception: Limit Exceeded: URLFetch header size.');
  });

  test('daily quota, reset a day later on the emulator clock', async () => {
    const quotaEnv = await createAppsScriptEnv({ codePath: bundle.codePath, urlFetchDailyQuota: 3 });
    try {
      const results = [];
      for (let i = 0; i < 4; i += 1) results.push(await quotaEnv.run('httpGet', [`${base}/ok`]));
      expect(results.slice(0, 3).map((r) => r.error)).toEqual([undefined, undefined, undefined]);
      expect(results[3]?.error).toBe('Exception: Service invoked too many times for one day: urlfetch.');
      expect(quotaEnv.fetchLog.map((e) => e.status)).toEqual([200, 200, 200, 'error']);
      quotaEnv.clock.advance(24 * 3600 * 1000);
      expect((await quotaEnv.run('httpGet', [`${base}/ok`])).error).toBeUndefined();
    } finally {
      await quotaEnv.close();
    }
  });
});

describe('Utilities', () => {
  let env: AppsScriptEnv;
  beforeAll(async () => {
    env = await createAppsScriptEnv({ codePath: bundle.codePath });
  });
  afterAll(() => env.close());

  test('digests and HMACs return signed Java bytes equal to node:crypto; base64; blobs', async () => {
    const input = 'Grüße, 売上 🍣';
    const bytes = [0, 1, 127, 128, 200, 255, -1, -128];
    const unsigned = Buffer.from(bytes.map((b) => b & 0xff));
    const r = await env.run('digests', [input, bytes]);
    expect(r.error).toBeUndefined();
    const v = r.value as Record<string, unknown>;
    expect(v.sha256).toEqual(signed(createHash('sha256').update(input, 'utf8').digest()));
    expect((v.sha256 as number[]).some((b) => b < 0)).toBe(true);
    expect(v.md5).toEqual(signed(createHash('md5').update(input, 'utf8').digest()));
    expect(v.sha1Bytes).toEqual(signed(createHash('sha1').update(unsigned).digest()));
    expect(v.hmacStrings).toEqual(signed(createHmac('sha256', 'key').update(input, 'utf8').digest()));
    expect(v.hmacBytes).toEqual(signed(createHmac('sha256', unsigned).update(unsigned).digest()));
    expect(v.b64).toBe(Buffer.from(input, 'utf8').toString('base64'));
    expect(v.b64Bytes).toBe(unsigned.toString('base64'));
    expect(v.b64Safe).toBe(unsigned.toString('base64').replace(/\+/g, '-').replace(/\//g, '_'));
    expect(v.decoded).toEqual(signed(Buffer.from(input, 'utf8')));
    expect(v.decodedSafe).toEqual(signed(unsigned));
    expect(v.blob).toEqual(signed(Buffer.from(input, 'utf8')));
    expect(v.blobText).toBe(input);
    expect(v.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await env.run('hmacMixed')).error).toBe(
      "Exception: The parameters (String,number[]) don't match the method signature for Utilities.computeHmacSha256Signature.",
    );
  });

  test('sleep really blocks the worker; over 300000 ms throws', async () => {
    const r = await env.run('sleepFor', [100]);
    expect(r.value).toBeGreaterThanOrEqual(99);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(99);
    expect((await env.run('sleepFor', [300_001])).error).toBe('Exception: Argument too large: milliseconds');
  });

  test('formatDate with Java patterns and time zones', async () => {
    const ms = Date.UTC(2024, 0, 31, 15, 4, 5, 6);
    expect((await env.run('formatDates', [ms])).value).toEqual([
      '2024-02-01T00:04:05.006+09:00',
      '2024/02/01 00:04 +0900',
      '2024-01-31T15:04:05Z',
      'Wed, 31 Jan 2024 10:04 AM',
      '15:04',
    ]);
  });
});

describe('CacheService, PropertiesService, LockService', () => {
  let env: AppsScriptEnv;
  beforeAll(async () => {
    env = await createAppsScriptEnv({ codePath: bundle.codePath, now: Date.UTC(2024, 0, 1) });
  });
  afterAll(() => env.close());

  test('cache key and value limits', async () => {
    expect((await env.run('cachePut', ['k'.repeat(250), 'v'])).value).toBe('v');
    expect((await env.run('cachePut', ['k'.repeat(251), 'v'])).error).toBe('Exception: Argument too large: key');
    expect((await env.run('cachePut', ['big', 'x'.repeat(100 * 1024)])).error).toBeUndefined();
    expect((await env.run('cachePut', ['big', 'x'.repeat(100 * 1024 + 1)])).error).toBe('Exception: Argument too large: value');
    // 34,134 three-byte characters: fewer than 100 K characters, more than 100 KB.
    expect((await env.run('cachePut', ['kana', 'あ'.repeat(34_134)])).error).toBe('Exception: Argument too large: value');
  });

  test('TTL: default 600 s, capped at 21600 s, expiry on the emulator clock', async () => {
    await env.run('cachePut', ['default', 'd']);
    await env.run('cachePut', ['long', 'l', 999_999]);
    await env.run('cachePut', ['short', 's', 60]);
    expect(env.caches.script.ttlOf('default')).toBe(600);
    expect(env.caches.script.ttlOf('long')).toBe(21_600);
    env.clock.advance(59_000);
    expect((await env.run('cacheGet', ['short'])).value).toBe('s');
    env.clock.advance(2_000);
    expect((await env.run('cacheGet', ['short'])).value).toBeNull();
    expect(env.caches.script.peek('default')).toBe('d');
    env.clock.advance(600_000);
    expect((await env.run('cacheGet', ['default'])).value).toBeNull();
    expect(env.caches.script.peek('long')).toBe('l');
    env.clock.advance(21_600_000);
    expect(env.caches.script.peek('long')).toBeNull();
  });

  test('about 1,000 items per cache: the oldest 100 go in one batch', async () => {
    const r = await env.run('cacheFill', [1000, 'item']);
    expect(r.value).toEqual([null, 'v100', 'last', 2]);
    expect(env.caches.user.size).toBe(901);
    expect(env.caches.user.evicted).toBe(100);
  });

  test('properties: 9 KB per property (key + value bytes), 500 KB per store', async () => {
    expect((await env.run('propSet', ['k', 'x'.repeat(9 * 1024 - 1)])).value).toBe(9 * 1024 - 1);
    expect((await env.run('propSet', ['k', 'x'.repeat(9 * 1024)])).error).toBe(
      'Exception: You have exceeded the property storage quota. Please remove some properties and try again.',
    );
    expect(env.properties.script.get('k')?.length).toBe(9 * 1024 - 1);
    expect((await env.run('propSetMany', [55, 9000])).value).toBe(55);
    expect((await env.run('propSetMany', [57, 9000])).error).toBe(
      'Exception: You have exceeded the property storage quota. Please remove some properties and try again.',
    );
    expect(env.properties.document.size).toBe(55);
    expect((await env.run('propsRoundTrip')).value).toEqual([['c'], {}, null]);
  });

  test('two parallel executions exclude each other on the document lock', async () => {
    const [a, b] = await Promise.all([env.run('criticalSection', [300]), env.run('criticalSection', [300])]);
    const [aStart, aEnd, aHad, aAfter] = a.value as [number, number, boolean, boolean];
    const [bStart, bEnd] = b.value as [number, number];
    expect(aEnd <= bStart || bEnd <= aStart).toBe(true);
    expect([aHad, aAfter]).toEqual([true, false]);
  });

  test('tryLock and waitLock time out while another execution holds the lock', async () => {
    const holder = env.run('holdDocumentLock', [1500]);
    for (let i = 0; i < 100 && env.locks.holder('document') === undefined; i += 1) await new Promise((r) => setTimeout(r, 20));
    const [tried, waited] = await Promise.all([env.run('contend', ['try']), env.run('contend', ['wait'])]);
    expect(tried.value).toBe(false);
    expect(waited.error).toBe('Exception: Lock timeout: another process was holding the lock for too long.');
    expect((await holder).value).toBe('done');
    expect((await env.run('contend', ['wait'])).value).toBe('got it');
  });
});

describe('recalculate', () => {
  test('arguments, Dates, spills, collisions and errors like Sheets', async () => {
    const env = await createAppsScriptEnv({
      codePath: bundle.codePath,
      workbook: {
        sheets: {
          Data: DATA,
          Calc: [
            ['=ARGS("a""b", -12.5, TRUE, Data!A1, Data!A2, Data!C1, Data!A1:B2)', '=double(Data!A1)', '=WHEN(Data!A2)'],
            ['=GRID(2, 3)', null, null, null, '=COLUMN(2)'],
            [null, null, null, null, null],
            ['=GRID(2,2)', 'blocker', '=NOSUCH(1)', '=FAIL("boom")', '=DOUBLE(B1)'],
            [null, null, '=DOUBLE(Calc!C4)', '=DOUBLE(', null],
          ],
        },
      },
    });
    try {
      const outcomes = await env.recalculate();
      const by = Object.fromEntries(outcomes.map((o) => [`${o.sheet}!${o.a1}`, o]));
      expect(by['Calc!A1']?.value).toBe(
        'string:a"b | number:-12.5 | boolean:true | number:1 | Date:2024-01-31T15:00:00.000Z | string: | Array:[[1,"x"],["2024-01-31T15:00:00.000Z",true]]',
      );
      expect(by['Calc!B1']?.value).toBe(2);
      expect(by['Calc!C1']?.value).toEqual(new Date(Date.UTC(2024, 1, 1, 15)));
      expect(by['Calc!C1']?.value).toBeInstanceOf(Date);
      expect(by['Calc!A2']?.value).toEqual([
        [0, 1, 2],
        [10, 11, 12],
      ]);
      expect(by['Calc!E2']?.value).toEqual([['c0'], ['c1']]);
      expect(by['Calc!A4']).toEqual({ sheet: 'Calc', a1: 'A4', code: '#REF!', error: 'Array result was not expanded because it would overwrite data in B4.' });
      expect(by['Calc!C4']).toMatchObject({ code: '#NAME?', error: "Unknown function: 'NOSUCH'." });
      expect(by['Calc!D4']).toMatchObject({ code: '#ERROR!', error: 'boom' });
      expect(by['Calc!E4']?.value).toBe(4);
      expect(by['Calc!D5']).toMatchObject({ code: '#ERROR!', error: 'Formula parse error.' });
      expect(by['Calc!C5']).toMatchObject({ code: '#NAME?', error: "Unknown function: 'NOSUCH'." });
      expect(env.workbook.values('Calc').slice(1, 5)).toEqual([
        [0, 1, 2, '', 'c0'],
        [10, 11, 12, '', 'c1'],
        ['#REF!', 'blocker', '#NAME?', '#ERROR!', 4],
        ['', '', '#NAME?', '#ERROR!', ''],
      ]);
      expect(env.workbook.formulas('Calc')[1]).toEqual(['=GRID(2, 3)', '', '', '', '=COLUMN(2)']);

      // Clearing the blocker lets the spill through; a smaller result clears the old spill.
      env.workbook.setCell('Calc', 'B4', null);
      env.workbook.setCell('Calc', 'A2', '=GRID(1, 1)');
      await env.recalculate({ sheet: 'Calc' });
      expect(
        env.workbook
          .values('Calc')
          .slice(1, 5)
          .map((r) => r.slice(0, 3)),
      ).toEqual([
        [0, '', ''],
        ['', '', ''],
        [0, 1, '#NAME?'],
        [10, 11, '#NAME?'],
      ]);
    } finally {
      await env.close();
    }
  });

  test('60 formula cells run with at most 30 executions at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let waiting: Array<() => void> = [];
    let timer: NodeJS.Timeout | undefined;
    const releaseAll = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const batch = waiting;
      waiting = [];
      batch.forEach((release) => release());
    };
    // A barrier: hold every request until 30 are in flight (or 5 s pass), then answer them all.
    const { server, base } = await startServer((req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      waiting.push(() => {
        inFlight -= 1;
        res.end(`ok ${new URL(req.url ?? '/', 'http://x').searchParams.get('i')}`);
      });
      if (waiting.length >= 30) releaseAll();
      else if (!timer) timer = setTimeout(releaseAll, 5000);
    });
    const rows = Array.from({ length: 60 }, (_, i) => [`=BARRIER("${base}/barrier", ${i})`]);
    const env = await createAppsScriptEnv({ codePath: bundle.codePath, workbook: { sheets: { Sheet1: rows } } });
    try {
      const started = Date.now();
      const outcomes = await env.recalculate();
      expect(outcomes.map((o) => o.value)).toEqual(Array.from({ length: 60 }, (_, i) => `ok ${i}`));
      expect(maxInFlight).toBe(30);
      expect(env.stats.maxByMode.customFunction).toBe(30);
      expect(env.stats.running).toBe(0);
      expect(Date.now() - started).toBeLessThan(9000);
    } finally {
      releaseAll();
      await env.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('triggers and UI', () => {
  let env: AppsScriptEnv;
  beforeAll(async () => {
    env = await createAppsScriptEnv({ codePath: bundle.codePath, addonName: 'Snaq Metrics', now: Date.UTC(2024, 0, 1, 0, 0) });
  });
  afterAll(() => env.close());

  test('one time-driven trigger per user and document, at most hourly', async () => {
    expect((await env.run('setupTrigger', ['minutes'])).error).toBe(
      "Exception: Add-ons can't create time-driven triggers that run more frequently than once per hour.",
    );
    expect((await env.run('setupTrigger', ['hours3'])).error).toBe('Exception: The value passed to everyHours() must be one of 1, 2, 4, 6, 8 or 12.');
    const first = await env.run('setupTrigger', ['hourly']);
    expect(first.error).toBeUndefined();
    expect((await env.run('setupTrigger', ['daily'])).error).toBe(
      'Exception: This add-on has created too many time-based triggers in this document for this Google user account.',
    );
    expect((await env.run('listTriggers')).value).toEqual(['tick:CLOCK']);
    expect((await env.run('setupTrigger', ['hourly'], { mode: 'customFunction' })).error).toBe(
      'Exception: You do not have permission to call ScriptApp.newTrigger',
    );
    expect(env.triggers.list()).toHaveLength(1);
    expect(env.triggers.list()[0]?.nextRunAt).toBe(Date.UTC(2024, 0, 1, 1, 0));

    expect(await env.triggers.runDue()).toEqual([]);
    env.clock.advance(3600 * 1000);
    const due = await env.triggers.runDue();
    expect(due.map((d) => d.result.value)).toEqual([[first.value, 'FULL', 'Exception: Cannot call SpreadsheetApp.getUi() from this context.', false]]);
    expect(env.triggers.list()[0]?.nextRunAt).toBe(Date.UTC(2024, 0, 1, 2, 0));

    expect((await env.run('deleteAllTriggers')).value).toBe(0);
    expect((await env.run('setupTrigger', ['daily'])).error).toBeUndefined();
    // 06:00 in Asia/Tokyo is 21:00 UTC.
    expect(env.triggers.list()[0]?.nextRunAt).toBe(Date.UTC(2024, 0, 1, 21, 0));
  });

  test('menus, sidebars from files, templates, dialogs, alerts and prompts are recorded', async () => {
    expect((await env.run('onOpen', [{ authMode: 'LIMITED' }])).value).toBe('LIMITED');
    expect(env.ui.menus).toEqual([
      {
        name: 'Snaq Metrics',
        addon: true,
        items: [
          { caption: 'Open sidebar', functionName: 'showSidebar' },
          { separator: true },
          { subMenu: { name: 'More', addon: false, items: [{ caption: 'Settings', functionName: 'showSettings' }] } },
        ],
      },
    ]);
    await env.run('showSidebar');
    expect(env.ui.sidebars).toEqual(['<!DOCTYPE html><html><body><h1>Metrics</h1></body></html>']);
    expect(env.ui.shown[0]).toMatchObject({ kind: 'sidebar', title: 'Metrics' });
    const settings = await env.run('showSettings');
    expect(settings.value).toBe('<p>https://example.com/&lt;api&gt;</p><i>a</i><i>b</i>');
    expect(env.ui.dialogs).toEqual([{ kind: 'modalDialog', html: settings.value, title: 'Settings', width: 400, height: 300 }]);
    env.ui.answerAlert('NO');
    env.ui.answerPrompt('Ada');
    expect((await env.run('askUser')).value).toEqual(['NO', 'Ada', 'OK']);
    expect(env.ui.alerts).toEqual([{ title: 'Title', prompt: 'Proceed?', buttons: 'YES_NO' }]);
    expect((await env.run('missingHtml')).error).toBe('Exception: No HTML file named Nope was found.');
  });
});
