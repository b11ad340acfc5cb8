/**
 * How the workbench page draws a column or bar chart (a KPI dashboard's): one bar per row of the
 * chart's range, from zero, in the page's own SVG. A script for the page, kept apart from its line
 * charts so either can change alone. `window.snaqBars(plot, chart, width, height, svg)` fills `plot`.
 */
export const BAR_CHART_SCRIPT = `<script>
window.snaqBars = function (plot, chart, width, height, svg) {
  var values = (chart.series[0] || { values: [] }).values, n = Math.max(1, values.length);
  var max = Math.max.apply(null, values.concat([0])) || 1, min = Math.min.apply(null, values.concat([0]));
  var horizontal = chart.type === 'BAR', pad = 8, label = horizontal ? 150 : 0, bottom = horizontal ? 0 : 18;
  var length = (horizontal ? width - label : height - bottom) - 2 * pad, step = ((horizontal ? height : width) - 2 * pad) / n;
  values.forEach(function (v, i) {
    var size = v === null ? 0 : (Math.abs(v) / (max - min || 1)) * length, zero = (-min / (max - min || 1)) * length;
    var bar = horizontal
      ? svg('rect', { x: label + pad + zero - (v < 0 ? size : 0), y: pad + i * step + step * 0.15, width: size, height: step * 0.7 })
      : svg('rect', { x: pad + i * step + step * 0.15, y: height - bottom - pad - zero - (v < 0 ? 0 : size), width: step * 0.7, height: size });
    bar.setAttribute('fill', '#1a73e8');
    bar.setAttribute('data-label', chart.labels[i] || '');
    plot.appendChild(bar);
    var text = svg('text', horizontal
      ? { x: label, y: pad + (i + 0.6) * step, 'text-anchor': 'end', 'font-size': 11 }
      : { x: pad + (i + 0.5) * step, y: height - 4, 'text-anchor': 'middle', 'font-size': 11 });
    text.textContent = chart.labels[i] || '';
    plot.appendChild(text);
  });
};
</script>`;
