/**
 * The local workbench: an emulated spreadsheet grid beside the real built Sidebar.html, whose
 * google.script.run is shimmed over HTTP to the real add-on bundle running in the Apps Script
 * emulator, which calls the local metrics API. Loopback only, like the rest of the local stack.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { createAppsScriptEnv, type AppsScriptEnv } from '../emulator';
import { parseA1 } from '../emulator/a1';
import { DEFAULT_REGION, DEV_CREDENTIALS } from '../contract/devCredentials';
import { foreignOrigin, readJsonObject, sendError, sendJson, WorkbenchError } from './guard';
import { WORKBENCH_PEOPLE, WORKBENCH_USER } from './localUser';
import { layoutChart } from './chartLayout';
import { chartView, type ChartView, type SheetCells } from './chartView';
import { CELL_PX, placeholderPage, workbenchPage } from './page';

export interface WorkbenchOptions {
  /** The metrics API the add-on calls. */
  apiUrl: string;
  /** dist/addon, as built. */
  addonDir: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  rows?: number;
  columns?: number;
  /**
   * Mints a person's ID token (the local issuer the API trusts, `snaq serve` without Google
   * identity); absent, nobody has one. Only the sample people get one.
   */
  identityTokenFor?: (email: string) => string | null;
}

export interface Workbench {
  env: AppsScriptEnv;
  /** Handles `/` and `/workbench/…`; returns false for anything else. */
  handle: WorkbenchHandler;
  close(): Promise<void>;
}

/** The sheet the workbench starts with; it shows whichever sheet is active (a KPI dashboard adds one). */
const SHEET = 'Sheet1';

/**
 * The workbench shares the API's process, so no request may make it do unbounded work (a million
 * inserted rows once blocked the API for 26 s and took 2.7 GB). 50,000 characters is Sheets' own
 * limit for one cell.
 */
export const WORKBENCH_LIMITS = { maxBodyBytes: 256 * 1024, maxInsertRows: 1000, maxCellTextLength: 50_000 } as const;

/** Serves the workbench's paths; returns false for anything else (the API's). */
export type WorkbenchHandler = (request: http.IncomingMessage, response: http.ServerResponse) => boolean;

/** google.script.run over HTTP: each call POSTs to /workbench/rpc and settles its handlers. */
const RPC_SHIM = `<script>
(function () {
  function runner(success, failure) {
    return new Proxy({}, {
      get: function (_, name) {
        if (name === 'withSuccessHandler') return function (f) { return runner(f, failure); };
        if (name === 'withFailureHandler') return function (f) { return runner(success, f); };
        return function () {
          var args = Array.prototype.slice.call(arguments);
          fetch('/workbench/rpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fn: name, args: args }) })
            .then(function (r) { return r.json(); })
            .then(function (out) {
              if (out.error) { if (failure) failure(new Error(out.error)); }
              else if (success) success(out.value);
              if (window.parent !== window) window.parent.postMessage('snaq-changed', '*');
            }, function (e) { if (failure) failure(e); });
        };
      }
    });
  }
  window.google = { script: { run: runner() } };
})();
</script>`;

/** The last row and column a chart covers on the page's grid, so the grid is drawn under all of it (and scrolls to it). */
function chartReach(view: ChartView): { lastRow: number; lastColumn: number } {
  return {
    lastRow: view.anchor.row + Math.ceil((view.anchor.offsetY + view.height) / CELL_PX.height) - 1,
    lastColumn: view.anchor.column + Math.ceil((view.anchor.offsetX + view.width) / CELL_PX.width) - 1,
  };
}

export async function createWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const credentials = options.credentials ?? DEV_CREDENTIALS;
  const rows = options.rows ?? 40;
  const columns = options.columns ?? 10;
  const env = await createAppsScriptEnv({
    codePath: path.join(options.addonDir, 'Code.js'),
    scriptProperties: {
      SNAQ_ENDPOINT: options.apiUrl,
      SNAQ_REGION: DEFAULT_REGION,
      SNAQ_ACCESS_KEY_ID: credentials.accessKeyId,
      SNAQ_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    // An admin when the bundle was built for the workbench (npm start: esbuild.config.ts --workbench).
    user: { email: WORKBENCH_USER, locale: 'ja' },
    ...(options.identityTokenFor
      ? {
          identityTokenFor: (email: string) =>
            email !== WORKBENCH_USER && WORKBENCH_PEOPLE.some((p) => p.email === email) ? options.identityTokenFor!(email) : null,
        }
      : {}),
    workbook: {
      timeZone: 'Asia/Tokyo',
      locale: 'ja_JP',
      name: 'SNAQ workbench',
      sheets: { [SHEET]: Array.from({ length: rows }, () => Array.from({ length: columns }, () => null)) },
    },
  });
  await env.run('onOpen', [{ authMode: 'FULL' }]);

  const sidebar = () => readFileSync(path.join(options.addonDir, 'Sidebar.html'), 'utf8').replace('<script>', () => `${RPC_SHIM}<script>`);

  // A chart's ranges may be on any sheet of the workbook (undefined: the chart's own).
  const sheetCells = (name: string | undefined): SheetCells | null => {
    const sheet = name ?? shownSheet();
    if (name !== undefined && !env.workbook.model.find(name)) return null;
    return { values: env.workbook.values(sheet), display: env.workbook.displayValues(sheet), formats: env.workbook.numberFormats(sheet) };
  };
  // Show what is used (a block may have grown the sheet), never less than the starting grid.
  const shown = (used: number, margin: number, least: number, most: number) => Math.min(most, Math.max(least, used + margin));
  const grid = () => {
    const SHEET = shownSheet();
    const display = env.workbook.displayValues(SHEET);
    const size = env.workbook.size(SHEET);
    const charts = env.workbook.charts(SHEET);
    const views = charts.map((chart) => chartView(chart, sheetCells)).filter((view) => view !== null);
    const reach = views.map(chartReach);
    const usedColumns = Math.max(0, ...display.map((row) => row.length), ...reach.map((r) => r.lastColumn));
    return {
      display,
      formulas: env.workbook.formulas(SHEET),
      notes: env.workbook.notes(SHEET),
      // A block's header row carries its query (an anchor without an `edge`): shown bold.
      headerRows: env.workbook
        .metadata()
        .filter((entry) => entry.key === 'snaq.block' && entry.sheet === SHEET && entry.locationType === 'ROW' && !String(entry.value ?? '').includes('"edge"'))
        .map((entry) => entry.index),
      triggers: env.triggers.list().map((trigger) => ({ uid: trigger.uid, handler: trigger.handler })),
      person,
      people: WORKBENCH_PEOPLE.map(({ email, label }) => ({ email, label })),
      charts: views.map((view) => ({ ...view, drawing: layoutChart(view) })),
      ...sheetsAndMenu(env),
      rows: shown(Math.max(display.length, ...reach.map((r) => r.lastRow)), 5, rows, size.maxRows),
      columns: shown(usedColumns, 1, columns, size.maxColumns),
    };
  };

  const shownSheet = () => env.workbook.activeRange().sheet;
  const size = () => env.workbook.size(shownSheet());
  let person: string = WORKBENCH_USER;
  const routes = new Map<string, { method: 'GET' | 'POST'; run: (body: Record<string, unknown>) => Promise<unknown> }>([
    [
      '/workbench/rpc',
      {
        method: 'POST',
        run: async (body) => {
          const result = await env.run(functionName(body.fn), argumentList(body.args), { mode: 'rpc' });
          return result.error ? { error: result.error } : { value: result.value ?? null };
        },
      },
    ],
    ['/workbench/grid', { method: 'GET', run: async () => grid() }],
    [
      '/workbench/person',
      {
        method: 'POST',
        // Who you are from now on: their Session and ID token (restricted metrics follow the policy for them).
        run: async (body) => {
          const chosen = WORKBENCH_PEOPLE.find((p) => p.email === body.email);
          if (!chosen) throw badRequest('"email" must be one of the workbench’s sample people.', '"email" にはワークベンチのサンプルの人を指定してください。');
          env.setUser(chosen.email, chosen.locale);
          person = chosen.email;
          // Their menu, in their language, as opening the document would build it.
          await env.run('onOpen', [{ authMode: 'FULL' }]);
          return grid();
        },
      },
    ],
    [
      '/workbench/select',
      {
        method: 'POST',
        run: async (body) => {
          // `sheet` switches to another sheet (its tab), else the shown one.
          const sheet = body.sheet === undefined ? shownSheet() : sheetName(env, body.sheet);
          env.workbook.select(sheet, rangeA1(body.a1, env.workbook.size(sheet)));
          return grid();
        },
      },
    ],
    [
      '/workbench/cell',
      {
        method: 'POST',
        run: async (body) => {
          const value = cellValue(body.value);
          env.workbook.setCell(shownSheet(), cellA1(body.a1, size()), value);
          if (typeof value === 'string' && value.startsWith('=')) await env.recalculate({ sheet: shownSheet() });
          return grid();
        },
      },
    ],
    [
      '/workbench/insert-rows',
      {
        method: 'POST',
        run: async (body) => {
          const before = wholeNumber(body.before ?? 1, 'before', 1, size().maxRows + 1);
          const count = wholeNumber(body.count ?? 1, 'count', 1, WORKBENCH_LIMITS.maxInsertRows);
          env.workbook.insertRows(shownSheet(), before, count);
          return grid();
        },
      },
    ],
    [
      '/workbench/menu',
      {
        method: 'POST',
        // A menu item, as choosing it in Sheets would run it; a sidebar it opens is the page's to reload.
        run: async (body) => {
          const sidebars = env.ui.sidebars.length;
          const alerts = env.ui.alerts.length;
          const result = await env.run(menuFunction(env, body.fn), [], { mode: 'menu' });
          return {
            grid: grid(),
            sidebar: env.ui.sidebars.length > sidebars,
            alerts: env.ui.alerts.slice(alerts).map((alert) => alert.prompt),
            ...(result.error ? { error: result.error } : {}),
          };
        },
      },
    ],
    [
      '/workbench/fire-trigger',
      {
        method: 'POST',
        run: async () => {
          const outcomes = await Promise.all(env.triggers.list().map((trigger) => env.triggers.fire(trigger.uid)));
          return { outcomes: outcomes.map((outcome) => outcome.value ?? { error: outcome.error }), grid: grid() };
        },
      },
    ],
  ]);

  return {
    env,
    handle(request, response) {
      const url = (request.url ?? '/').split(/[?#]/)[0]!;
      if (!isWorkbenchPath(url)) return false;
      const refused = foreignOrigin(request);
      if (refused) return refuse(request, response, refused);
      if (url === '/' || url === '/workbench/sidebar') {
        if (request.method !== 'GET') return refuse(request, response, methodNotAllowed('GET'), { allow: 'GET' });
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(url === '/' ? workbenchPage() : sidebar());
        return true;
      }
      const route = routes.get(url);
      if (!route) return refuse(request, response, new WorkbenchError(404, `There is no workbench path ${url}.`, `ワークベンチに ${url} はありません。`));
      if (request.method !== route.method) return refuse(request, response, methodNotAllowed(route.method), { allow: route.method });
      const body = route.method === 'POST' ? readJsonObject(request, WORKBENCH_LIMITS.maxBodyBytes) : Promise.resolve({});
      void body.then(route.run).then(
        (result) => sendJson(response, 200, result),
        (error: unknown) => {
          if (error instanceof WorkbenchError) return sendError(response, error, error.status === 413 ? { connection: 'close' } : {});
          console.error('[snaq] workbench error:', error);
          sendError(
            response,
            new WorkbenchError(500, 'The workbench failed; its console has the details.', 'ワークベンチでエラーが起きました。詳細はコンソールにあります。'),
          );
        },
      );
      return true;
    },
    close: () => env.close(),
  };
}

/** The sheets' names (tabs) and the add-on menu's items, as onOpen built it. */
function sheetsAndMenu(env: AppsScriptEnv): { sheets: string[]; sheet: string; menu: Array<{ caption: string; functionName: string }> } {
  const menu = env.ui.menus.flatMap((record) => record.items).filter((item): item is { caption: string; functionName: string } => 'functionName' in item);
  return { sheets: env.workbook.model.sheets.map((sheet) => sheet.name), sheet: env.workbook.activeRange().sheet, menu };
}

function menuFunction(env: AppsScriptEnv, value: unknown): string {
  if (sheetsAndMenu(env).menu.some((item) => item.functionName === value)) return value as string;
  throw badRequest('"fn" must be an item of the add-on menu.', '"fn" にはアドオンのメニューの項目を指定してください。');
}

function sheetName(env: AppsScriptEnv, value: unknown): string {
  if (sheetsAndMenu(env).sheets.includes(value as string)) return value as string;
  throw badRequest('"sheet" must name a sheet of the workbook.', '"sheet" にはブックのシート名を指定してください。');
}

/** The paths the workbench owns: everything else is the API's. */
function isWorkbenchPath(url: string): boolean {
  return url === '/' || url.startsWith('/workbench/');
}

/** Answers a refusal without reading the body. */
function refuse(request: http.IncomingMessage, response: http.ServerResponse, error: WorkbenchError, headers: Record<string, string> = {}): true {
  request.resume();
  sendError(response, error, headers);
  return true;
}

function methodNotAllowed(method: string): WorkbenchError {
  return new WorkbenchError(405, `Use ${method} for this workbench path.`, `このパスには ${method} を使ってください。`);
}

const badRequest = (en: string, ja: string) => new WorkbenchError(400, en, ja);

function functionName(value: unknown): string {
  if (typeof value === 'string' && /^[A-Za-z_$][\w$]{0,99}$/.test(value)) return value;
  throw badRequest('"fn" must name a server function.', '"fn" にはサーバー関数の名前を入れてください。');
}

function argumentList(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw badRequest('"args" must be a list.', '"args" はリストにしてください。');
}

/** One cell of the workbench's sheet, inside its current size. */
function cellA1(value: unknown, size: { maxRows: number; maxColumns: number }): string {
  const parsed = typeof value === 'string' && value.length <= 20 ? parseA1(value) : null;
  const single =
    parsed && parsed.sheet === undefined && parsed.r1 !== undefined && parsed.r1 === parsed.r2 && parsed.c1 !== undefined && parsed.c1 === parsed.c2;
  if (!single)
    throw badRequest(
      `"a1" must be one cell such as B3, not ${JSON.stringify(value)?.slice(0, 40)}.`,
      `"a1" には B3 のようなセルを一つ入れてください（${JSON.stringify(value)?.slice(0, 40)} は使えません）。`,
    );
  return insideSheet(value as string, parsed.r1!, parsed.c1!, size);
}

/** A range of the workbench's sheet (whole rows and columns included), inside its current size. */
function rangeA1(value: unknown, size: { maxRows: number; maxColumns: number }): string {
  const parsed = typeof value === 'string' && value.length <= 40 ? parseA1(value) : null;
  if (!parsed || parsed.sheet !== undefined)
    throw badRequest(
      `"a1" must be a range such as B3 or B3:D9, not ${JSON.stringify(value)?.slice(0, 40)}.`,
      `"a1" には B3 や B3:D9 のような範囲を入れてください（${JSON.stringify(value)?.slice(0, 40)} は使えません）。`,
    );
  return insideSheet(value as string, parsed.r2 ?? 1, parsed.c2 ?? 1, size);
}

function insideSheet(a1: string, lastRow: number, lastColumn: number, size: { maxRows: number; maxColumns: number }): string {
  if (lastRow <= size.maxRows && lastColumn <= size.maxColumns) return a1;
  throw badRequest(
    `${a1} is outside the sheet (${size.maxRows} rows × ${size.maxColumns} columns).`,
    `${a1} はシートの外です（${size.maxRows} 行 × ${size.maxColumns} 列）。`,
  );
}

/** What a person can type into a cell: text (a formula too), a number, true/false, or nothing. */
function cellValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (typeof value === 'string' && value.length <= WORKBENCH_LIMITS.maxCellTextLength) return value;
  throw badRequest(
    `"value" must be text of at most ${WORKBENCH_LIMITS.maxCellTextLength} characters, a number, true or false.`,
    `"value" は ${WORKBENCH_LIMITS.maxCellTextLength} 文字までのテキスト、数値、true か false にしてください。`,
  );
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw badRequest(`"${field}" must be a whole number from ${min} to ${max}.`, `"${field}" は ${min} から ${max} までの整数にしてください。`);
}

/** Before the workbench is ready (or when it cannot start): a page that says so, and 503 for its calls. */
function placeholder(state: 'starting' | 'unavailable', reason = ''): WorkbenchHandler {
  return (request, response) => {
    const url = (request.url ?? '/').split(/[?#]/)[0]!;
    if (!isWorkbenchPath(url)) return false;
    const refused = foreignOrigin(request);
    if (refused) return refuse(request, response, refused);
    request.resume();
    const retry: Record<string, string> = state === 'starting' ? { 'retry-after': '1' } : {};
    if (url === '/') {
      response.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...retry });
      response.end(placeholderPage(state, reason));
    } else {
      const error =
        state === 'starting'
          ? new WorkbenchError(503, 'The workbench is starting; try again in a moment.', 'ワークベンチを起動中です。少し待ってからもう一度お試しください。')
          : new WorkbenchError(503, `The workbench is unavailable: ${reason}`, `ワークベンチは使えません: ${reason}`);
      sendError(response, error, retry);
    }
    return true;
  };
}

/**
 * Mounts the workbench on a server that is already listening: a "starting" page at once (the
 * add-on's first run takes a few seconds, and `/` must not fall through to the API's JSON 401),
 * then the workbench, or a page that says why it could not start.
 */
export async function startWorkbench(mount: (handler: WorkbenchHandler) => void, options: WorkbenchOptions): Promise<Workbench> {
  mount(placeholder('starting'));
  try {
    const workbench = await createWorkbench(options);
    mount(workbench.handle);
    return workbench;
  } catch (error) {
    mount(placeholder('unavailable', error instanceof Error ? error.message : String(error)));
    throw error;
  }
}
