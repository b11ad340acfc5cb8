import { MENU_SCRIPT, MENU_STYLE } from './menuBar';

/**
 * A grid cell's size in pixels, as Sheets draws a new sheet's columns and rows: the server uses it
 * to draw enough of the grid under a chart, the page's CSS to size the cells.
 */
export const CELL_PX = { width: 100, height: 21 } as const;

/** The sidebar's fixed width, as Sheets gives an add-on's sidebar. */
const SIDEBAR_PX = 320;

/**
 * The workbench page: a grid standing in for the spreadsheet, and the real sidebar beside it. The
 * sidebar is a fixed panel on the right; the grid is a scrolling area to its left (both ways), and
 * charts float in the grid's own coordinates at their anchor cells, so they scroll with it and
 * never sit under the sidebar.
 */
export function workbenchPage(): string {
  return `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>SNAQ workbench</title>
<style>
  body { font: 13px/1.4 "Hiragino Sans", "Noto Sans JP", Arial, sans-serif; margin: 0; display: flex; height: 100vh; overflow: hidden; color: #202124; }
  #sheet { flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; }
  #bar { flex: none; display: flex; gap: 6px; align-items: center; padding: 8px 8px 6px; flex-wrap: wrap; }
  #bar input { flex: 1; min-width: 200px; padding: 4px; font: inherit; }
  #grid-area { flex: 1 1 0; min-height: 0; overflow: auto; position: relative; border-top: 1px solid #dadce0; }
  button { font: inherit; padding: 3px 8px; }
  table { border-collapse: collapse; }
  th { background: #f1f3f4; color: #5f6368; font-weight: 400; min-width: 28px; border: 1px solid #dadce0; }
  /* Frozen like Sheets' own headers: the column letters stay on top and the row numbers on the left while the grid scrolls (and charts pass under them). */
  #grid tr:first-child th { position: sticky; top: 0; z-index: 3; }
  #grid th:first-child { position: sticky; left: 0; z-index: 3; }
  #grid tr:first-child th:first-child { z-index: 4; }
  td { border: 1px solid #e8eaed; width: ${CELL_PX.width - 9}px; min-width: ${CELL_PX.width - 9}px; height: ${CELL_PX.height - 1}px; padding: 0 4px; white-space: nowrap; text-align: right; cursor: cell; position: relative; }
  td.text { text-align: left; }
  td.selected { outline: 2px solid #1a73e8; outline-offset: -2px; }
  td.header { font-weight: 600; background: #f8fbff; }
  td.note::after { content: ""; position: absolute; top: 0; right: 0; border: 5px solid transparent; border-top-color: #d93025; border-right-color: #d93025; }
  iframe#sidebar { flex: 0 0 ${SIDEBAR_PX}px; width: ${SIDEBAR_PX}px; height: 100%; border: 0; border-left: 1px solid #dadce0; }
  #log { color: #5f6368; font-size: 12px; }
  figure.chart { margin: 0; padding: 0; position: absolute; z-index: 2; background: #fff; outline: 1px solid #dadce0; box-shadow: 0 1px 3px rgba(60, 64, 67, .3); }
  figure.chart svg { display: block; }
  figure.chart text { font-size: 12px; fill: #5f6368; }
  figure.chart text.title { font-size: 14px; font-weight: 600; fill: #202124; }
  figure.chart text.legend { fill: #202124; }
${MENU_STYLE}
</style>
</head>
<body>
<div id="sheet">
  <div id="bar">
    <details id="menu"><summary>SNAQ</summary><div id="menu-items" role="menu"></div></details>
    <strong id="cell-name">A1</strong>
    <input id="formula" aria-label="formula" placeholder='=SNAQ_METRIC("revenue", "2024-01", "2024-12", "month")'>
    <button id="insert-row">Insert row above</button>
    <button id="fire-trigger">Run scheduled refresh now</button>
    <label>あなたは / You are <select id="person" aria-label="person"></select></label>
    <span id="log" role="status"></span>
  </div>
  <div id="grid-area">
    <table id="grid"></table>
    <div id="charts" aria-label="charts"></div>
  </div>
  <nav id="sheet-tabs" aria-label="sheets"></nav>
</div>
<iframe id="sidebar" title="SNAQ sidebar" src="/workbench/sidebar"></iframe>
<script>
(function () {
  var selected = { row: 1, column: 1 };
  var state = null;
  function a1(row, column) { var s = ''; for (var c = column; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + (c - 1) % 26) + s; return s + row; }
  // A refused call (4xx) shows its sentence, in the browser's language, instead of drawing the grid.
  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) }).then(function (r) {
      return r.json().then(function (out) {
        if (r.ok) return out;
        document.getElementById('log').textContent = /^ja/.test(navigator.language) && out.ja ? out.ja : out.error;
        throw new Error(out.error);
      });
    });
  }
  function renderPeople(grid) {
    var chooser = document.getElementById('person');
    if (chooser.options.length === 0) {
      grid.people.forEach(function (p) { var option = document.createElement('option'); option.value = p.email; option.textContent = p.label; chooser.appendChild(option); });
      chooser.addEventListener('change', function () {
        post('/workbench/person', { email: chooser.value }).then(function (next) {
          render(next);
          // The sidebar asks again as the new person.
          document.getElementById('sidebar').contentWindow.location.reload();
        });
      });
    }
    chooser.value = grid.person;
  }
  var drawn = '';
  function render(grid) {
    // Every sidebar call asks for the grid again: redraw only what changed, so charts stay put.
    var key = JSON.stringify(grid);
    if (key === drawn) return;
    drawn = key;
    state = grid;
    if (grid.people) renderPeople(grid);
    var headerRows = {};
    grid.headerRows.forEach(function (row) { headerRows[row] = true; });
    var table = document.getElementById('grid');
    table.textContent = '';
    var head = table.insertRow();
    head.appendChild(document.createElement('th'));
    for (var c = 1; c <= grid.columns; c++) { var th = document.createElement('th'); th.textContent = a1(1, c).replace(/\\d+$/, ''); head.appendChild(th); }
    for (var r = 1; r <= grid.rows; r++) {
      var tr = table.insertRow();
      var rh = document.createElement('th'); rh.textContent = r; tr.appendChild(rh);
      for (var c2 = 1; c2 <= grid.columns; c2++) {
        var td = tr.insertCell();
        var value = (grid.display[r - 1] || [])[c2 - 1];
        var note = (grid.notes[r - 1] || [])[c2 - 1];
        td.textContent = value == null ? '' : String(value);
        td.id = 'cell-' + a1(r, c2);
        if (!/^[-+¥$0-9.,%]+(pt)?$/.test(td.textContent)) td.classList.add('text');
        if (note) { td.classList.add('note'); td.title = note; }
        if (headerRows[r] && td.textContent) td.classList.add('header');
        if (r === selected.row && c2 === selected.column) td.classList.add('selected');
        (function (row, column) { td.addEventListener('click', function () { select(row, column); }); })(r, c2);
      }
    }
    renderCharts(grid.charts);
    if (window.snaqMenu) window.snaqMenu(grid, post, render);
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attributes) { var e = document.createElementNS(SVG, tag); for (var k in attributes) if (attributes[k] !== null && attributes[k] !== undefined) e.setAttribute(k, attributes[k]); return e; }
  // Embedded charts, drawn from the cells they cover (chartView.ts) as laid out by chartLayout.ts:
  // the page only turns its primitives into SVG, at the anchor cell plus the chart's offset.
  function renderCharts(charts) {
    var box = document.getElementById('charts');
    var area = document.getElementById('grid-area');
    box.textContent = '';
    (charts || []).forEach(function (chart) {
      var d = chart.drawing, at = a1(chart.anchor.row, chart.anchor.column);
      var figure = document.createElement('figure');
      figure.className = 'chart';
      figure.id = 'chart-' + chart.chartId;
      figure.setAttribute('data-anchor', at);
      figure.setAttribute('data-type', chart.type);
      figure.style.width = d.width + 'px';
      figure.style.height = d.height + 'px';
      // In the grid area's own coordinates (it scrolls), where Sheets puts the chart's top-left corner.
      var anchor = document.getElementById('cell-' + at);
      var left = chart.anchor.offsetX, top = chart.anchor.offsetY;
      if (anchor) {
        var cell = anchor.getBoundingClientRect(), origin = area.getBoundingClientRect();
        left += cell.left - origin.left - area.clientLeft + area.scrollLeft;
        top += cell.top - origin.top - area.clientTop + area.scrollTop;
      }
      figure.style.left = Math.round(left) + 'px';
      figure.style.top = Math.round(top) + 'px';
      var plot = svg('svg', { width: d.width, height: d.height, viewBox: '0 0 ' + d.width + ' ' + d.height, role: 'img', 'aria-label': chart.title });
      d.gridlines.forEach(function (g) {
        plot.appendChild(svg('line', { x1: g.x1, y1: g.y1, x2: g.x2, y2: g.y2, stroke: g.baseline ? '#9aa0a6' : '#e8eaed', 'stroke-width': 1, class: 'gridline' }));
      });
      d.marks.forEach(function (m) {
        plot.appendChild(svg('path', {
          d: m.d || 'M0,0', 'data-series': m.series, 'data-shape': m.shape, class: 'mark', fill: m.fill, 'fill-opacity': m.fillOpacity,
          stroke: m.stroke, 'stroke-width': m.strokeWidth, 'stroke-dasharray': m.dash, 'stroke-linejoin': 'round',
        }));
      });
      d.legendSwatches.forEach(function (s) {
        plot.appendChild(svg('line', { x1: s.x1, y1: s.y, x2: s.x2, y2: s.y, stroke: s.color, 'stroke-width': s.strokeWidth, 'stroke-dasharray': s.dash, class: 'swatch', 'data-series': s.series }));
      });
      d.texts.forEach(function (t) {
        var text = svg('text', { x: t.x, y: t.y, 'text-anchor': t.anchor, class: t.role, 'data-series': t.series });
        text.textContent = t.text;
        plot.appendChild(text);
      });
      figure.appendChild(plot);
      box.appendChild(figure);
    });
  }
  function select(row, column) {
    selected = { row: row, column: column };
    document.getElementById('cell-name').textContent = a1(row, column);
    document.getElementById('formula').value = (state && (state.formulas[row - 1] || [])[column - 1]) || (state && (state.display[row - 1] || [])[column - 1]) || '';
    post('/workbench/select', { a1: a1(row, column) }).then(render);
  }
  document.getElementById('formula').addEventListener('keydown', function (event) {
    if (event.key !== 'Enter') return;
    document.getElementById('log').textContent = '…';
    post('/workbench/cell', { a1: a1(selected.row, selected.column), value: event.target.value }).then(function (grid) { document.getElementById('log').textContent = ''; render(grid); });
  });
  document.getElementById('insert-row').addEventListener('click', function () { post('/workbench/insert-rows', { before: selected.row, count: 1 }).then(render); });
  document.getElementById('fire-trigger').addEventListener('click', function () {
    post('/workbench/fire-trigger').then(function (out) { document.getElementById('log').textContent = JSON.stringify(out.outcomes); render(out.grid); });
  });
  // Each sidebar call asks for the grid again; answers may come back out of order, so only the newest is drawn.
  var asked = 0, shown = 0;
  window.addEventListener('message', function (event) {
    if (event.data !== 'snaq-changed') return;
    var ask = ++asked;
    fetch('/workbench/grid').then(function (r) { return r.json(); }).then(function (grid) {
      if (ask < shown) return;
      shown = ask;
      render(grid);
    });
  });
  fetch('/workbench/grid').then(function (r) { return r.json(); }).then(render);
})();
</script>
${MENU_SCRIPT}
</body>
</html>`;
}

/** What `/` shows while the workbench starts (it reloads itself), or why it could not start. */
export function placeholderPage(state: 'starting' | 'unavailable', reason: string): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const [ja, en] =
    state === 'starting'
      ? ['SNAQ ワークベンチを起動中です…', 'The SNAQ workbench is starting…']
      : [`SNAQ ワークベンチを起動できませんでした: ${escape(reason)}`, `The SNAQ workbench could not start: ${escape(reason)}`];
  return `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
${state === 'starting' ? '<meta http-equiv="refresh" content="1">' : ''}
<title>SNAQ workbench</title>
</head>
<body style="font: 14px/1.6 'Hiragino Sans', 'Noto Sans JP', Arial, sans-serif; margin: 2em; color: #202124">
<p>${ja}</p>
<p lang="en">${en}</p>
</body>
</html>`;
}
