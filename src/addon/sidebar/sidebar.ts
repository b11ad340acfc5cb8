/**
 * The SNAQ sidebar: find a metric, read its definition and freshness, build a query with a
 * preview, insert it as a block or a formula; list and refresh the document's blocks; set the
 * refresh schedule; the data's health (dataHealthView.ts); and the connection settings. Everything is reachable from the keyboard.
 */
import { addDays, jstMinute } from '../../contract/dates';
import { personFloorText, suppressionText } from '../../contract/suppressionText';
import { cellText, columnHeader } from '../../contract/columnText';
import type { Cell, Column, Comparison, ForecastResult, MetricDetail, MetricSummary, QueryResult, TableColumns } from '../../contract/types';
import type { BlockSummary } from '../server/blocks/blockService';
import type { BlockQuery } from '../server/blocks/blockSpec';
import type { ScheduleView } from '../server/schedule';
import { h, replaceChildren, sparkline } from './dom';
import { callServer } from './rpc';
import { dataHealthView, metricHealthNote } from './dataHealthView';
import { settingsPanel } from './settingsPanel';
import { scheduleOffer } from './scheduleOffer';
import { browserLang, PERIOD_WORDS, TEXT, UNIT_WORDS } from './text';

const lang = browserLang();
const text = TEXT[lang];
/** A period keyword or grain in words; the option's value stays the code. */
const periodWord = (code: string): string => PERIOD_WORDS[lang][code] ?? code;
const main = h('main', { id: 'panel', tabindex: -1 });
const status = h('p', { id: 'sidebar-status', role: 'status', 'aria-live': 'polite' });

const PRESETS = ['last_month', 'this_month', 'last_12_months', 'ytd', 'last_fiscal_year', 'this_fiscal_year', 'last_7_days', 'last_30_days', 'last_week'];
const DOMAINS: Array<{ owner: string; title: string }> = [
  { owner: 'finance', title: text.domainSales },
  { owner: 'growth', title: text.domainCustomers },
  { owner: 'operations', title: text.domainOperations },
  { owner: 'merchandising', title: text.domainProducts },
];
/** The comparison choice, by its words in the builder and on a block. */
const COMPARE_LABEL: Record<Comparison, string> = { previous_period: text.comparePeriod, previous_year: text.compareYear };
const WEEKDAYS = lang === 'ja' ? ['月', '火', '水', '木', '金', '土', '日'] : ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function say(message: string, ok = true): void {
  status.textContent = message;
  status.className = ok ? 'ok' : 'error';
}

async function guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    say((error as Error).message, false);
    return undefined;
  }
}

// ── Find ────────────────────────────────────────────────────────────────────────────────────

async function showFind(search = ''): Promise<void> {
  const input = h('input', { type: 'search', id: 'search', placeholder: text.search, 'aria-label': text.search, value: search });
  const list = h('div', { id: 'metric-list' }, text.loading);
  replaceChildren(main, input, list);
  let timer: number | undefined;
  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void fill(input.value), 250);
  });
  const fill = async (query: string) => {
    const catalog = await guarded(() => callServer('snaqListMetrics', query));
    if (!catalog) return;
    replaceChildren(
      list,
      ...DOMAINS.map(({ owner, title }) => {
        const metrics = catalog.metrics.filter((metric) => metric.owner === owner);
        return metrics.length ? h('section', { class: 'domain' }, h('h2', {}, title), h('ul', {}, ...metrics.map(metricItem))) : null;
      }),
    );
  };
  await fill(search);
  input.focus();
}

function metricItem(metric: MetricSummary): HTMLLIElement {
  return h(
    'li',
    {},
    h(
      'button',
      { type: 'button', class: 'metric', 'data-metric': metric.name, onclick: () => void showMetric(metric.name) },
      h('span', { class: 'title' }, metric.title[lang]),
      h('span', { class: 'name' }, metric.name),
      metric.status === 'deprecated' ? h('span', { class: 'deprecated' }, `${text.deprecated}${metric.replacedBy ?? ''}`) : null,
      restrictedBadge(metric),
    ),
  );
}

/** Who else may see a restricted metric, so a person knows before sharing a sheet built on it. */
function restrictedBadge(metric: Pick<MetricSummary, 'restrictedTo'>): HTMLSpanElement | null {
  return metric.restrictedTo?.length ? h('span', { class: 'badge restricted' }, `${text.restrictedTo}${metric.restrictedTo.join(', ')}`) : null;
}

// ── Metric and query builder ────────────────────────────────────────────────────────────────

async function showMetric(name: string): Promise<void> {
  replaceChildren(main, text.loading);
  const metric = await guarded(() => callServer('snaqMetricDetail', name));
  if (!metric) return;
  const fresh = metric.freshness;
  replaceChildren(
    main,
    h('button', { type: 'button', class: 'link', onclick: () => void showFind() }, text.back),
    h('h2', {}, metric.title[lang]),
    restrictedBadge(metric),
    h('p', { class: 'definition' }, metric.definition[lang]),
    h(
      'dl',
      {},
      h('dt', {}, text.owner),
      h('dd', {}, metric.owner),
      h('dt', {}, text.unit),
      h('dd', {}, UNIT_WORDS[lang][metric.unit] ?? metric.unit),
      h('dt', {}, text.dimensions),
      h('dd', {}, metric.dimensions.map((dimension) => dimension.title[lang]).join(', ') || '—'),
    ),
    // Said before anyone splits by prefecture or gender and wonders where a group went.
    metric.minPeople ? h('p', { class: 'hint', id: 'person-floor' }, personFloorText(metric.minPeople, lang)) : null,
    h(
      'p',
      { class: `badge ${fresh.met ? 'ok' : 'warn'}`, id: 'freshness' },
      `${text.dataAsOf}: ${jstOrDash(fresh.dataAsOf)} · ${fresh.met ? text.sloMet : text.sloMissed}`,
    ),
    changelogSection(metric),
    lineageSection(metric),
    metricHealthNote(metric.health, text),
    queryBuilder(metric),
  );
}

/** Every version, newest first: when, what changed, and why. Folded: most visits want the numbers. */
function changelogSection(metric: MetricDetail): HTMLElement {
  return h(
    'details',
    { id: 'changelog' },
    h('summary', {}, `${text.changelog} (v${metric.version})`),
    h(
      'ol',
      { reversed: true },
      ...[...(metric.changelog ?? [])]
        .reverse()
        .map((entry) =>
          h(
            'li',
            { 'data-version': String(entry.version) },
            h('strong', {}, `v${entry.version} · ${entry.date}`),
            ` ${entry.change[lang]}`,
            h('span', { class: 'hint' }, ` ${text.changeWhy}: ${entry.why[lang]}`),
          ),
        ),
    ),
  );
}

function tableColumnItems(columns: TableColumns): HTMLLIElement[] {
  return Object.entries(columns).map(([table, names]) => h('li', { 'data-table': table }, h('code', {}, table), ` → ${names.join(', ')}`));
}

/** The lake tables and columns the metric's SQL reads, and what each dimension adds. */
function lineageSection(metric: MetricDetail): HTMLElement | null {
  if (!metric.lineage) return null; // a service older than the lineage
  const byDimension = metric.dimensions
    .filter((dimension) => metric.lineage.byDimension[dimension.name])
    .map((dimension) =>
      h('li', { 'data-dimension': dimension.name }, dimension.title[lang], h('ul', {}, ...tableColumnItems(metric.lineage.byDimension[dimension.name]!))),
    );
  return h(
    'details',
    { id: 'lineage' },
    h('summary', {}, text.lineage),
    h('ul', { class: 'lineage-base' }, ...tableColumnItems(metric.lineage.base)),
    byDimension.length ? h('p', { class: 'hint' }, text.lineageByDimension) : null,
    byDimension.length ? h('ul', { class: 'lineage-dimensions' }, ...byDimension) : null,
  );
}

function select(id: string, label: string, options: Array<[string, string]>, value = ''): HTMLElement[] {
  return [
    h('label', { for: id }, label),
    h('select', { id }, ...options.map(([optionValue, optionLabel]) => h('option', { value: optionValue, selected: optionValue === value }, optionLabel))),
  ];
}

function queryBuilder(metric: MetricDetail): HTMLElement {
  const form = h('form', { id: 'builder' });
  const previewArea = h('div', { id: 'preview' });
  const grains = metric.grains.map((grain): [string, string] => [grain, periodWord(grain)]);
  form.append(
    ...select('preset', text.range, [...PRESETS.map((preset): [string, string] => [preset, periodWord(preset)]), ['custom', text.custom]], 'last_12_months'),
    h(
      'div',
      { id: 'custom-dates', hidden: true },
      h('label', { for: 'from' }, text.from),
      h('input', { type: 'date', id: 'from' }),
      h('label', { for: 'to' }, text.to),
      h('input', { type: 'date', id: 'to' }),
    ),
    ...select('grain', text.grain, [...grains, ['', text.total]], metric.grains.includes('month') ? 'month' : metric.grains[0]),
    ...select('compare', text.compare, [['', text.compareNone], ...(Object.entries(COMPARE_LABEL) as Array<[string, string]>)]),
    h(
      'fieldset',
      { id: 'dimensions' },
      h('legend', {}, text.dimensions),
      ...metric.dimensions.map((dimension) =>
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'dimension', value: dimension.name }), dimension.title[lang]),
      ),
    ),
    h(
      'fieldset',
      { id: 'forecast' },
      h('legend', {}, text.forecast),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'forecast-on' }), text.addForecast),
      h('label', { for: 'horizon' }, text.horizon),
      h('input', { type: 'number', id: 'horizon', min: '1', max: '104', step: '1', value: '12', disabled: true }),
      ...select(
        'interval',
        text.interval,
        [
          ['0.8', '80%'],
          ['0.9', '90%'],
          ['0.95', '95%'],
        ],
        '0.8',
      ),
      h('p', { class: 'hint' }, text.forecastHint),
    ),
    // Filters are folded away: most queries need none, and each list loads only when opened.
    h(
      'details',
      { id: 'filters' },
      h('summary', {}, text.filters),
      ...metric.dimensions.map((dimension) => filterSelect(metric.name, dimension.name, dimension.title[lang])),
    ),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', id: 'preview-button' }, text.preview),
      h('button', { type: 'button', id: 'insert-block', onclick: () => void insert('block') }, text.insertBlock),
      h('button', { type: 'button', id: 'insert-formula', onclick: () => void insert('formula') }, text.insertFormula),
    ),
    previewArea,
  );
  const preset = form.querySelector<HTMLSelectElement>('#preset')!;
  preset.addEventListener('change', () => {
    form.querySelector<HTMLElement>('#custom-dates')!.hidden = preset.value !== 'custom';
  });
  // A forecast is of one series: splitting by dimensions is off while it is on.
  const forecastOn = form.querySelector<HTMLInputElement>('#forecast-on')!;
  const syncForecast = () => {
    for (const control of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('#horizon, #interval')) control.disabled = !forecastOn.checked;
    // Nor is a forecast compared with an earlier period.
    for (const control of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[name="dimension"], #compare'))
      control.disabled = forecastOn.checked;
  };
  forecastOn.addEventListener('change', syncForecast);
  syncForecast();
  const query = (): BlockQuery => {
    const value = (id: string) => form.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)!.value;
    const dimensions = [...form.querySelectorAll<HTMLInputElement>('input[name="dimension"]:checked')].map((box) => box.value);
    const filters: Record<string, string[]> = {};
    for (const choice of form.querySelectorAll<HTMLSelectElement>('select[data-filter]')) {
      const chosen = [...choice.selectedOptions].map((option) => option.value).filter(Boolean);
      if (chosen.length) filters[choice.dataset.filter!] = chosen;
    }
    const custom = preset.value === 'custom';
    const forecast = forecastOn.checked ? { horizon: Number(value('horizon')), interval: Number(value('interval')) } : undefined;
    return {
      metric: metric.name,
      from: custom ? value('from') : preset.value,
      ...(custom ? { to: value('to') } : {}),
      ...(value('grain') ? { grain: value('grain') as BlockQuery['grain'] } : {}),
      ...(dimensions.length && !forecast ? { dimensions } : {}),
      ...(Object.keys(filters).length ? { filters } : {}),
      ...(value('compare') && !forecast ? { compare: value('compare') as Comparison } : {}),
      ...(forecast ? { forecast } : {}),
    };
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replaceChildren(previewArea, text.loading);
    const started = Date.now();
    let answer = await guarded(() => callServer('snaqPreview', query()));
    // A slow query comes back running: keep asking (each call long-polls) and show the time so far.
    while (answer && 'running' in answer) {
      const { queryId } = answer;
      replaceChildren(previewArea, h('p', { class: 'hint', id: 'preview-running' }, `${text.running} ${Math.round((Date.now() - started) / 1000)} s`));
      answer = await guarded(() => callServer('snaqPollQuery', queryId));
    }
    replaceChildren(previewArea, answer ? previewTable(answer) : null);
  });
  const insert = async (how: 'block' | 'formula') => {
    if (how === 'block') {
      const block = await guarded(() => callServer('snaqInsertBlock', query()));
      if (block) say(`${text.inserted}${block.range}`);
    } else {
      const formula = await guarded(() => callServer('snaqInsertFormula', query()));
      if (formula) say(`${text.inserted}${formula}`);
    }
  };
  return form;
}

function filterSelect(metric: string, dimension: string, title: string): HTMLElement {
  const choice = h(
    'select',
    { 'data-filter': dimension, multiple: true, size: 3, 'aria-label': title, id: `filter-${dimension}` },
    h('option', { value: '' }, text.all),
  );
  const wrapper = h('div', { class: 'filter' }, h('label', { for: `filter-${dimension}` }, title), choice);
  // Values come from the API, loaded when the person reaches the list.
  const load = async () => {
    choice.removeEventListener('focus', load);
    const values = await guarded(() => callServer('snaqDimensionValues', metric, dimension));
    // The option's value is the code; people read its label when the API has one.
    for (const value of values?.values ?? []) {
      if (value !== null) choice.append(h('option', { value: String(value) }, values?.valueLabels?.[String(value)]?.[lang] ?? String(value)));
    }
  };
  choice.addEventListener('focus', load);
  return wrapper;
}

/** A number as its column's unit says (¥, %, count, score); a change with its sign, a ratio's change in points. */
function formatCell(cell: Cell, column: Column | undefined): string {
  if (cell === null) return '—';
  if (typeof cell !== 'number') return String(cell);
  const role = column?.role;
  if (role !== 'value' && role !== 'comparison' && role !== 'change' && role !== 'changeRatio') {
    return Number.isInteger(cell) ? cell.toLocaleString() : cell.toFixed(3);
  }
  const sign = (role === 'change' || role === 'changeRatio') && cell > 0 ? '+' : '';
  const size = Math.abs(cell);
  const unit = role === 'changeRatio' ? 'ratio' : column?.unit;
  const body =
    unit === 'ratio'
      ? `${(size * 100).toFixed(1)}${role === 'change' ? 'pt' : '%'}`
      : unit === 'score'
        ? size.toFixed(2)
        : `${unit === 'JPY' ? '¥' : ''}${Math.round(size).toLocaleString()}`;
  return `${cell < 0 ? '-' : sign}${body}`;
}

/** Whether a change went up or down, for its colour. */
function trend(cell: Cell, column: Column | undefined): string | undefined {
  if (typeof cell !== 'number' || (column?.role !== 'change' && column?.role !== 'changeRatio') || cell === 0) return undefined;
  return cell > 0 ? 'up' : 'down';
}

/** Instants are UTC on the wire; staff read them in JST. */
function jstOrDash(iso: string | null | undefined): string {
  return iso ? jstMinute(iso) : '—';
}

function previewTable(result: QueryResult): HTMLElement {
  // A forecast's line is its actuals, as before its columns had roles of their own.
  const valueIndex = result.columns.findIndex((column) => column.role === 'value' || column.role === 'actual');
  const hasDimensions = result.columns.some((column) => column.role === 'dimension');
  // A forecast's news is at its end: show the last rows (the latest actuals and the forecast).
  const isForecast = result.columns.some((column) => column.name === 'forecast');
  const shown = isForecast ? result.rows.slice(-10) : result.rows.slice(0, 10);
  return h(
    'div',
    {},
    hasDimensions ? null : sparkline(result.rows.map((row) => (typeof row[valueIndex] === 'number' ? (row[valueIndex] as number) : null))),
    h(
      'table',
      // Signed amounts must not wrap: a comparison makes the table wide.
      { class: result.meta.comparison ? 'preview compared' : 'preview' },
      // A query's header carries its unit, as the block it becomes does; a forecast's keeps its series names.
      h('thead', {}, h('tr', {}, ...result.columns.map((column) => h('th', {}, isForecast ? column.title[lang] : columnHeader(column, lang))))),
      h(
        'tbody',
        {},
        ...shown.map((row) =>
          h(
            'tr',
            {},
            ...row.map((cell, i) => h('td', { class: trend(cell, result.columns[i]) }, formatCell(cellText(cell, result.columns[i], lang), result.columns[i]))),
          ),
        ),
      ),
    ),
    h('p', { class: 'hint', id: 'preview-data-as-of' }, `${result.rows.length} ${text.rows} · ${text.dataAsOf} ${jstOrDash(result.meta.dataAsOf)}`),
    // Periods past the data are empty, not zero; the one holding the data's end has only its first part.
    result.meta.partialPeriod && result.meta.dataEnd
      ? h(
          'p',
          { class: 'hint', id: 'partial-period' },
          text.partialPeriod.replace('{period}', result.meta.partialPeriod).replace('{asOf}', jstMinute(result.meta.dataEnd)),
        )
      : null,
    result.meta.comparison ? comparisonHint(result) : null,
    // The same sentence as a cell's footnote, a block's note and the CLI (contract/suppressionText.ts).
    result.meta.suppressed ? h('p', { class: 'hint', id: 'preview-suppressed' }, `※ ${suppressionText(result.meta.suppressed, lang)}`) : null,
    'model' in result ? forecastHint(result as ForecastResult) : null,
  );
}

/** What the comparison columns read: the earlier range (inclusive), and that a partial period is compared like for like. */
function comparisonHint(result: QueryResult): HTMLElement {
  const { from, to } = result.meta.comparison!;
  const partial = result.meta.partialPeriod && result.meta.dataEnd ? ` ${text.comparePartial}` : '';
  return h('p', { class: 'hint', id: 'preview-comparison' }, `※ ${text.comparedWith}: ${from}〜${addDays(to, -1)}${partial}`);
}

/** How the forecast was made and how well that model did on the series' own past. */
function forecastHint(result: ForecastResult): HTMLElement {
  const mase = result.backtest.mase === null ? '—' : result.backtest.mase.toFixed(2);
  return h(
    'p',
    { class: 'hint', id: 'forecast-model' },
    `${text.model}: ${result.model.name} (${text.season} ${result.model.seasonLength}) · ${text.backtestMase} ${mase}`,
  );
}

// ── Blocks ──────────────────────────────────────────────────────────────────────────────────

const STATUS_TEXT: Record<string, string> = { fresh: text.statusFresh, stale: text.statusStale, error: text.statusError, running: text.statusRunning };
let stopRequested = false;

async function showBlocks(): Promise<void> {
  replaceChildren(main, text.loading);
  const blocks = await guarded(() => callServer('snaqListBlocks'));
  if (!blocks) return;
  const progress = h('span', { id: 'progress' });
  const stop = h('button', { type: 'button', id: 'stop', hidden: true, onclick: () => (stopRequested = true) }, text.stop);
  const refreshAll = h('button', { type: 'button', id: 'refresh-all', onclick: () => void runAll() }, text.refreshAll);
  const list = h('ul', { id: 'block-list' }, ...blocks.map(blockItem));
  replaceChildren(main, h('div', { class: 'buttons' }, refreshAll, stop, progress), blocks.length ? list : h('p', {}, text.noBlocks));
  const runAll = async () => {
    stopRequested = false;
    stop.hidden = false;
    refreshAll.setAttribute('disabled', '');
    for (let i = 0; i < blocks.length && !stopRequested; i++) {
      progress.textContent = `${i + 1} / ${blocks.length}`;
      const outcome = await guarded(() => callServer('snaqRefreshBlock', blocks[i]!.id));
      if (outcome) blocks[i] = { ...blocks[i]!, state: outcome.state };
      list.children[i]?.replaceWith(blockItem(blocks[i]!));
    }
    stop.hidden = true;
    refreshAll.removeAttribute('disabled');
  };
}

function blockItem(block: BlockSummary): HTMLLIElement {
  const state = block.state;
  return h(
    'li',
    { class: `block ${state.status}`, 'data-block': block.id },
    h('span', { class: `badge ${state.status}` }, STATUS_TEXT[state.status] ?? state.status),
    h('strong', {}, ` ${block.metric} `),
    block.query.forecast ? h('span', { class: 'badge forecast' }, `${text.forecast} +${block.query.forecast.horizon} `) : null,
    block.query.compare ? h('span', { class: 'badge compare' }, `${COMPARE_LABEL[block.query.compare]} `) : null,
    h('span', { class: 'range' }, `${block.sheet}!${block.range}`),
    h('div', { class: 'hint' }, `${text.lastRefresh}: ${jstOrDash(state.lastRefreshAt)} · ${text.dataAsOf}: ${jstOrDash(state.dataAsOf)}`),
    state.status !== 'fresh' && state.reason ? h('div', { class: 'reason error' }, state.reason) : null,
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', onclick: () => void guarded(() => callServer('snaqRefreshBlock', block.id)).then(() => showBlocks()) }, text.refresh),
      h('button', { type: 'button', onclick: () => void guarded(() => callServer('snaqGoToBlock', block.id)) }, text.jump),
    ),
  );
}

// ── Schedule ────────────────────────────────────────────────────────────────────────────────

async function showSchedule(): Promise<void> {
  replaceChildren(main, text.loading);
  const view = await guarded(() => callServer('snaqGetSchedule'));
  if (!view) return;
  const form = h('form', { id: 'schedule' });
  const describe = (current: ScheduleView) =>
    h(
      'p',
      { class: 'hint', id: 'schedule-next' },
      current.nextRun ? `${text.nextRun}: ${new Date(current.nextRun).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo' })} JST` : '',
      current.lastRun
        ? ` · ${text.lastRun}: ${current.lastRun.at.slice(0, 16).replace('T', ' ')} (${current.lastRun.refreshed}/${current.lastRun.refreshed + current.lastRun.failed})`
        : '',
    );
  const schedule = view.schedule;
  form.append(
    ...select(
      'kind',
      text.tabSchedule,
      [
        ['off', text.scheduleOff],
        ['daily', text.scheduleDaily],
        ['weekly', text.scheduleWeekly],
      ],
      schedule?.kind ?? 'off',
    ),
    ...select(
      'weekday',
      text.weekday,
      WEEKDAYS.map((day, i): [string, string] => [String(i + 1), day]),
      String(schedule?.weekday ?? 1),
    ),
    ...select(
      'hour',
      text.hour,
      Array.from({ length: 24 }, (_, i): [string, string] => [String(i), `${i}:00`]),
      String(schedule?.hour ?? 8),
    ),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, text.saveSchedule)),
    describe(view),
    // The saved schedule cannot be read: say so, rather than show "off" and lose it unnoticed.
    ...(view.problem ? [h('p', { class: 'reason error', id: 'schedule-problem', role: 'alert' }, view.problem)] : []),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (id: string) => form.querySelector<HTMLSelectElement>(`#${id}`)!.value;
    const kind = value('kind');
    const next =
      kind === 'off'
        ? null
        : kind === 'daily'
          ? { kind: 'daily' as const, hour: Number(value('hour')) }
          : { kind: 'weekly' as const, hour: Number(value('hour')), weekday: Number(value('weekday')) };
    const saved = await guarded(() => callServer('snaqSetSchedule', next));
    if (saved) {
      form.querySelector('#schedule-problem')?.remove();
      form.querySelector('#schedule-next')!.replaceWith(describe(saved));
      say(text.saved);
    }
  });
  replaceChildren(main, form);
}

// ── Data health ─────────────────────────────────────────────────────────────────────────────

async function showHealth(): Promise<void> {
  replaceChildren(main, text.loading);
  const report = await guarded(() => callServer('snaqDataHealth'));
  if (report) replaceChildren(main, dataHealthView(report, text));
}

// ── Tabs ────────────────────────────────────────────────────────────────────────────────────

const TABS: Array<[string, string, () => unknown]> = [
  ['find', text.tabFind, () => showFind()],
  ['blocks', text.tabBlocks, () => showBlocks()],
  ['schedule', text.tabSchedule, () => showSchedule()],
  ['health', text.tabHealth, () => showHealth()],
  ['settings', text.tabSettings, () => replaceChildren(main, settingsPanel(text))],
];

function tabs(): HTMLElement {
  const bar = h('nav', { role: 'tablist' });
  for (const [id, title, open] of TABS) {
    bar.append(
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `tab-${id}`,
          onclick: () => {
            for (const tab of bar.children) tab.setAttribute('aria-selected', String(tab.id === `tab-${id}`));
            say('');
            void open();
          },
        },
        title,
      ),
    );
  }
  return bar;
}

document.body.append(tabs(), status, main);
void showFind();
// A schedule the server offers (after a KPI dashboard was inserted) waits above the panel for an answer.
void guarded(() => callServer('snaqGetSchedule')).then((view) => {
  const offer = view && scheduleOffer(view, text, lang, (saved) => ('schedule' in saved ? say(text.saved) : say(saved.message, false)));
  if (offer) status.before(offer);
});
