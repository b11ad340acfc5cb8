/**
 * The local workbench: an emulated spreadsheet grid beside the real built Sidebar.html, whose
 * google.script.run is shimmed over HTTP to the real add-on bundle running in the Apps Script
 * emulation, which calls the local metrics API. Loopback only, like the rest of the local stack.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { createAppsScriptEnv, type AppsScriptEnv, type ChartEntry } from '../emulator';
import { parseA1, toBox } from '../emulator/a1';
import { DEFAULT_REGION, DEV_CREDENTIALS } from '../contract/devCredentials';
import { WORKBENCH_USER } from './localUser';
import { workbenchPage } from './page';

export interface WorkbenchOptions {
  /** The metrics API the add-on calls. */
  apiUrl: string;
  /** dist/addon, as built. */
  addonDir: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  rows?: number;
  columns?: number;
}

export interface Workbench {
  env: AppsScriptEnv;
  /** Handles `/` and `/workbench/…`; returns false for anything else. */
  handle(request: http.IncomingMessage, response: http.ServerResponse): boolean;
  close(): Promise<void>;
}

const SHEET = 'Sheet1';

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

function json(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}

function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      } catch {
        resolve({});
      }
    });
  });
}

/** What the page draws for an embedded chart: its first range's header, labels and numeric series. */
interface ChartView {
  chartId: number;
  title: string;
  anchor: { row: number; column: number };
  labels: string[];
  series: Array<{ name: string; values: Array<number | null>; color?: string; dashed: boolean }>;
}

function chartView(chart: ChartEntry, values: unknown[][], display: string[][]): ChartView | null {
  const parsed = chart.ranges[0] === undefined ? null : parseA1(chart.ranges[0]);
  if (!parsed || parsed.sheet !== undefined) return null;
  const box = toBox(parsed, values.length, values[0]?.length ?? 0);
  const headers = Math.max(0, chart.numHeaders);
  const column = (c: number) => Array.from({ length: box.numRows - headers }, (_, r) => box.row - 1 + headers + r).map((row) => ({ row, c }));
  const style = (chart.options.series ?? {}) as Record<string, { color?: string; lineDashStyle?: unknown }>;
  return {
    chartId: chart.chartId,
    title: String(chart.options.title ?? ''),
    anchor: { row: chart.anchor.row, column: chart.anchor.column },
    labels: column(box.col - 1).map(({ row, c }) => display[row]?.[c] ?? ''),
    series: Array.from({ length: box.numCols - 1 }, (_, i) => {
      const c = box.col + i;
      return {
        name: headers ? String(values[box.row - 1]?.[c] ?? '') : `#${i + 1}`,
        values: column(c).map(({ row }) => (typeof values[row]?.[c] === 'number' ? (values[row]![c] as number) : null)),
        color: style[i]?.color,
        dashed: Array.isArray(style[i]?.lineDashStyle),
      };
    }),
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
    workbook: { timeZone: 'Asia/Tokyo', locale: 'ja_JP', name: 'SNAQ workbench', sheets: { [SHEET]: Array.from({ length: rows }, () => Array.from({ length: columns }, () => null)) } },
  });
  await env.run('onOpen', [{ authMode: 'FULL' }]);

  const sidebar = () => readFileSync(path.join(options.addonDir, 'Sidebar.html'), 'utf8').replace('<script>', () => `${RPC_SHIM}<script>`);

  // Show what is used (a block may have grown the sheet), never less than the starting grid.
  const shown = (used: number, margin: number, least: number, most: number) => Math.min(most, Math.max(least, used + margin));
  const grid = () => {
    const display = env.workbook.displayValues(SHEET);
    const size = env.workbook.size(SHEET);
    const charts = env.workbook.charts(SHEET);
    const values = charts.length ? env.workbook.values(SHEET) : [];
    const usedColumns = Math.max(0, ...display.map((row) => row.length), ...charts.map((chart) => chart.anchor.column));
    return {
      display,
      formulas: env.workbook.formulas(SHEET),
      notes: env.workbook.notes(SHEET),
      // A block's header row carries its query (an anchor without an `edge`): shown bold.
      headerRows: env.workbook
        .metadata()
        .filter((entry) => entry.key === 'snaq.block' && entry.locationType === 'ROW' && !String(entry.value ?? '').includes('"edge"'))
        .map((entry) => entry.index),
      triggers: env.triggers.list().map((trigger) => ({ uid: trigger.uid, handler: trigger.handler })),
      charts: charts.map((chart) => chartView(chart, values, display)).filter((view) => view !== null),
      rows: shown(display.length, 5, rows, size.maxRows),
      columns: shown(usedColumns, 1, columns, size.maxColumns),
    };
  };

  const routes: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    'POST /workbench/rpc': async (body) => {
      const result = await env.run(String(body.fn), Array.isArray(body.args) ? body.args : [], { mode: 'rpc' });
      return result.error ? { error: result.error } : { value: result.value ?? null };
    },
    'GET /workbench/grid': async () => grid(),
    'POST /workbench/select': async (body) => {
      env.workbook.select(SHEET, String(body.a1));
      return grid();
    },
    'POST /workbench/cell': async (body) => {
      env.workbook.setCell(SHEET, String(body.a1), body.value);
      if (typeof body.value === 'string' && body.value.startsWith('=')) await env.recalculate({ sheet: SHEET });
      return grid();
    },
    'POST /workbench/insert-rows': async (body) => {
      env.workbook.insertRows(SHEET, Number(body.before ?? 1), Number(body.count ?? 1));
      return grid();
    },
    'POST /workbench/fire-trigger': async () => {
      const outcomes = await Promise.all(env.triggers.list().map((trigger) => env.triggers.fire(trigger.uid)));
      return { outcomes: outcomes.map((outcome) => outcome.value ?? { error: outcome.error }), grid: grid() };
    },
  };

  return {
    env,
    handle(request, response) {
      const url = (request.url ?? '/').split('?')[0]!;
      if (request.method === 'GET' && url === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(workbenchPage());
        return true;
      }
      if (request.method === 'GET' && url === '/workbench/sidebar') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(sidebar());
        return true;
      }
      const route = routes[`${request.method} ${url}`];
      if (!route) return false;
      void readJson(request)
        .then(route)
        .then(
          (body) => json(response, 200, body),
          (error: Error) => json(response, 500, { error: error.message }),
        );
      return true;
    },
    close: () => env.close(),
  };
}
