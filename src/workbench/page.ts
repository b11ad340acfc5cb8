/** The workbench page: a grid standing in for the spreadsheet, and the real sidebar beside it. */
export function workbenchPage(): string {
  return `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>SNAQ workbench</title>
<style>
  body { font: 13px/1.4 "Hiragino Sans", "Noto Sans JP", Arial, sans-serif; margin: 0; display: flex; height: 100vh; color: #202124; }
  #sheet { flex: 1; overflow: auto; padding: 8px; position: relative; }
  #bar { display: flex; gap: 6px; align-items: center; margin-bottom: 6px; flex-wrap: wrap; }
  #bar input { flex: 1; min-width: 200px; padding: 4px; font: inherit; }
  button { font: inherit; padding: 3px 8px; }
  table { border-collapse: collapse; }
  th { background: #f1f3f4; color: #5f6368; font-weight: 400; min-width: 28px; border: 1px solid #dadce0; }
  td { border: 1px solid #e8eaed; min-width: 88px; height: 20px; padding: 0 4px; white-space: nowrap; text-align: right; cursor: cell; position: relative; }
  td.text { text-align: left; }
  td.selected { outline: 2px solid #1a73e8; outline-offset: -2px; }
  td.header { font-weight: 600; background: #f8fbff; }
  td.note::after { content: ""; position: absolute; top: 0; right: 0; border: 5px solid transparent; border-top-color: #d93025; border-right-color: #d93025; }
  iframe { width: 320px; border: 0; border-left: 1px solid #dadce0; }
  #log { color: #5f6368; font-size: 12px; }
  figure.chart { margin: 0; border: 1px solid #dadce0; padding: 8px; background: #fff; position: absolute; box-shadow: 0 1px 3px rgba(60, 64, 67, .3); }
  figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
  .legend span { margin-right: 10px; font-size: 12px; }
</style>
</head>
<body>
<div id="sheet">
  <div id="bar">
    <strong id="cell-name">A1</strong>
    <input id="formula" aria-label="formula" placeholder='=SNAQ_METRIC("revenue", "2024-01", "2024-12", "month")'>
    <button id="insert-row">Insert row above</button>
    <button id="fire-trigger">Run scheduled refresh now</button>
    <label>あなたは / You are <select id="person" aria-label="person"></select></label>
    <span id="log" role="status"></span>
  </div>
  <table id="grid"></table>
  <div id="charts" aria-label="charts"></div>
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
  function render(grid) {
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
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attributes) { var e = document.createElementNS(SVG, tag); for (var k in attributes) e.setAttribute(k, attributes[k]); return e; }
  // Embedded charts, drawn from the cells they cover (the emulator keeps ranges and options, not pictures).
  function renderCharts(charts) {
    var box = document.getElementById('charts');
    box.textContent = '';
    (charts || []).forEach(function (chart) {
      var figure = document.createElement('figure');
      figure.className = 'chart';
      figure.id = 'chart-' + chart.chartId;
      // Floating over the grid at its anchor cell, as Sheets draws an embedded chart.
      var anchor = document.getElementById('cell-' + a1(chart.anchor.row, chart.anchor.column));
      var sheet = document.getElementById('sheet');
      if (anchor) {
        var at = anchor.getBoundingClientRect(), origin = sheet.getBoundingClientRect();
        figure.style.left = at.left - origin.left + sheet.scrollLeft + 'px';
        figure.style.top = at.top - origin.top + sheet.scrollTop + 'px';
      }
      var caption = document.createElement('figcaption');
      caption.textContent = chart.title + ' (' + a1(chart.anchor.row, chart.anchor.column) + ')';
      figure.appendChild(caption);
      var width = 520, height = 220, all = [];
      chart.series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) all.push(v); }); });
      var min = Math.min.apply(null, all), max = Math.max.apply(null, all), span = (max - min) || 1, n = Math.max(1, chart.labels.length - 1);
      var plot = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': chart.title });
      chart.series.forEach(function (s, i) {
        var points = [], path = '';
        s.values.forEach(function (v, t) {
          if (v === null) { if (points.length) { path += 'M' + points.join('L'); points = []; } return; }
          points.push((8 + t / n * (width - 16)).toFixed(1) + ',' + (height - 8 - (v - min) / span * (height - 16)).toFixed(1));
        });
        if (points.length) path += 'M' + points.join('L');
        var line = svg('path', { d: path || 'M0,0', fill: 'none', stroke: s.color || ['#1a73e8', '#e8710a', '#f6b26b', '#f6b26b'][i % 4], 'stroke-width': i < 2 ? 2 : 1, 'data-series': s.name });
        if (s.dashed) line.setAttribute('stroke-dasharray', '6 4');
        plot.appendChild(line);
      });
      figure.appendChild(plot);
      var legend = document.createElement('div');
      legend.className = 'legend';
      chart.series.forEach(function (s) { var item = document.createElement('span'); item.textContent = '— ' + s.name; item.style.color = s.color || '#202124'; legend.appendChild(item); });
      figure.appendChild(legend);
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
  window.addEventListener('message', function (event) { if (event.data === 'snaq-changed') fetch('/workbench/grid').then(function (r) { return r.json(); }).then(render); });
  fetch('/workbench/grid').then(function (r) { return r.json(); }).then(render);
})();
</script>
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
