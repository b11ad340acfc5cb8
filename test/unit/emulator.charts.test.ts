/**
 * The emulator's embedded charts, against a small hand-written bundle: building (newChart, asLineChart,
 * options, ranges, position), insertChart/getCharts/updateChart/removeChart, the `Charts` enums, the
 * test-side view (`env.workbook.charts`), anchors and ranges following inserted and deleted
 * rows/columns, and Apps Script's refusals (custom functions, wrong types, unknown charts).
 */
import { runValue as value, useScriptBundle } from '../support/scriptBundle';
import { createAppsScriptEnv, type AppsScriptEnv } from '../../src/emulator';

const BUNDLE = `
var Charting = (function () {
  function sheet(name) { return SpreadsheetApp.getActive().getSheetByName(name || 'Data'); }
  function a1(range) { return range.getSheet().getName() + '!' + range.getA1Notation(); }
  function describe(chart) {
    var c = chart.getContainerInfo();
    var o = chart.getOptions();
    return {
      chartId: chart.getChartId(), id: chart.getId(), type: String(chart.modify().getChartType()),
      ranges: chart.getRanges().map(a1),
      title: o.get('title'), colors: o.get('colors'), legend: o.get('legend.position'), duration: o.get('animation.duration'),
      vAxisTitle: o.get('vAxis.title'), missing: o.get('nope'), fallback: o.getOrDefault('nope'),
      numHeaders: chart.getNumHeaders(), transpose: chart.getTransposeRowsAndColumns(),
      anchor: [c.getAnchorRow(), c.getAnchorColumn(), c.getOffsetX(), c.getOffsetY()]
    };
  }
  return { sheet: sheet, a1: a1, describe: describe };
})();

function lineChart() {
  var sh = Charting.sheet();
  var builder = sh.newChart().asLineChart();
  var chained = builder
    .addRange(sh.getRange('A1:B10'))
    .addRange(sh.getRange('A1:B10'))
    .addRange(sh.getRange('D1:D10'))
    .addRange(Charting.sheet('Other').getRange('A1:A5'))
    .removeRange(sh.getRange('Z1'))
    .setTitle('Revenue')
    .setColors(['#ff0000', '#00ff00'])
    .setLegendPosition(Charts.Position.BOTTOM)
    .setOption('animation.duration', 500)
    .setOption('vAxis', { title: 'JPY', minValue: 0 })
    .setOption('since', new Date(Date.UTC(2024, 0, 1)))
    .setNumHeaders(1)
    .setTransposeRowsAndColumns(false)
    .setPosition(5, 3, 10, 20);
  var chart = builder.build();
  var before = chart.getChartId();
  var idBefore = chart.getId();
  sh.insertChart(chart);
  return {
    chainable: chained === builder,
    builderClass: String(builder),
    builderType: builder.getChartType() === Charts.ChartType.LINE,
    builderRanges: builder.getRanges().map(Charting.a1),
    container: [builder.getContainer().getAnchorRow(), builder.getContainer().getAnchorColumn()],
    before: before, idBefore: idBefore,
    after: chart.getChartId(), id: chart.getId(),
    listed: sh.getCharts().map(Charting.describe)
  };
}
function columnChart() {
  var sh = Charting.sheet();
  var builder = sh.newChart();
  var untyped = builder.getChartType();
  sh.insertChart(builder.setChartType(Charts.ChartType.COLUMN).addRange(sh.getRange('F1:G4')).build());
  return [untyped, sh.getCharts().map(function (c) { return String(c.modify().getChartType()); })];
}
function modifyFirst() {
  var sh = Charting.sheet();
  var first = sh.getCharts()[0];
  var built = first.modify().clearRanges().addRange(sh.getRange('A1:C20')).setOption('title', 'Changed').setOption('colors', null)
    .setChartType(Charts.ChartType.AREA).setPosition(2, 2, 0, 0).build();
  var sameId = built.getChartId() === first.getChartId();
  var beforeUpdate = sh.getCharts()[0].getOptions().get('title');
  sh.updateChart(built);
  return { sameId: sameId, beforeUpdate: beforeUpdate, after: sh.getCharts().map(Charting.describe) };
}
function removeFirst() {
  var sh = Charting.sheet();
  var first = sh.getCharts()[0];
  sh.removeChart(first);
  var errors = [];
  try { sh.updateChart(first); } catch (e) { errors.push(String(e)); }
  try { sh.removeChart(first); } catch (e) { errors.push(String(e)); }
  return { left: sh.getCharts().map(function (c) { return c.getChartId(); }), errors: errors };
}
function anchoredAt(row, column) {
  var sh = Charting.sheet();
  sh.insertChart(sh.newChart().setChartType(Charts.ChartType.PIE).addRange(sh.getRange('A1:A3')).setPosition(row, column, 0, 0).build());
  return sh.getCharts().length;
}
function charts() { return Charting.sheet().getCharts().map(Charting.describe); }
function countCharts() { return Charting.sheet().getCharts().length; }
function insertFromScript() { Charting.sheet().insertRowsBefore(1, 2); return charts(); }
function chartErrors(kind) {
  var sh = Charting.sheet();
  switch (kind) {
    case 'noRange': sh.insertChart(sh.newChart().asLineChart().setTitle('empty').build()); break;
    case 'notInserted': sh.updateChart(sh.newChart().addRange(sh.getRange('A1')).build()); break;
    case 'otherSheet': Charting.sheet('Other').updateChart(sh.getCharts()[0]); break;
    case 'removeOtherSheet': Charting.sheet('Other').removeChart(sh.getCharts()[0]); break;
    case 'insertString': sh.insertChart('chart'); break;
    case 'updateNumber': sh.updateChart(42); break;
    case 'addRangeString': sh.newChart().addRange('A1:B2'); break;
    case 'typeString': sh.newChart().setChartType('LINE'); break;
    case 'position': sh.newChart().setPosition(1, 2); break;
    case 'colors': sh.newChart().asLineChart().setColors('red'); break;
    case 'legendString': sh.newChart().asLineChart().setLegendPosition('bottom'); break;
  }
  return 'ok';
}
`;

const bundle = useScriptBundle('gas-charts-', BUNDLE);

const SHEETS = { Data: [[null]], Other: [[null]] };

const LINE_OPTIONS = {
  title: 'Revenue',
  colors: ['#ff0000', '#00ff00'],
  'legend.position': 'bottom',
  'animation.duration': 500,
  vAxis: { title: 'JPY', minValue: 0 },
  since: '2024-01-01T00:00:00.000Z',
};

describe('embedded charts', () => {
  let env: AppsScriptEnv;
  beforeEach(async () => {
    env = await createAppsScriptEnv({ codePath: bundle.codePath, workbook: { sheets: SHEETS } });
  });
  afterEach(() => env.close());

  test('build + insertChart + getCharts round trip: ranges, options, headers, position; chartId assigned on insert', async () => {
    const result = (await value(env, 'lineChart')) as Record<string, unknown>;
    const [entry] = env.workbook.charts('Data');
    expect(entry).toBeDefined();
    const chartId = entry?.chartId as number;
    expect(Number.isInteger(chartId)).toBe(true);
    expect(result).toEqual({
      chainable: true,
      builderClass: 'EmbeddedLineChartBuilder',
      builderType: true,
      builderRanges: ['Data!A1:B10', 'Data!D1:D10', 'Other!A1:A5'],
      container: [5, 3],
      before: null,
      idBefore: null,
      after: chartId,
      id: `u${chartId}`,
      listed: [
        {
          chartId,
          id: `u${chartId}`,
          type: 'LINE',
          ranges: ['Data!A1:B10', 'Data!D1:D10', 'Other!A1:A5'],
          title: 'Revenue',
          colors: ['#ff0000', '#00ff00'],
          legend: 'bottom',
          duration: 500,
          vAxisTitle: 'JPY',
          missing: null,
          fallback: null,
          numHeaders: 1,
          transpose: false,
          anchor: [5, 3, 10, 20],
        },
      ],
    });
    expect(env.workbook.charts('Data')).toEqual([
      {
        chartId,
        id: `u${chartId}`,
        type: 'LINE',
        ranges: ['A1:B10', 'D1:D10', 'Other!A1:A5'],
        options: LINE_OPTIONS,
        numHeaders: 1,
        transpose: false,
        anchor: { row: 5, column: 3, offsetX: 10, offsetY: 20 },
      },
    ]);
    expect(env.workbook.charts('Other')).toEqual([]);

    // A second chart comes after the first, with its own id; a builder has no type until one is set.
    expect(await value(env, 'columnChart')).toEqual([null, ['LINE', 'COLUMN']]);
    const ids = env.workbook.charts('Data').map((c) => c.chartId);
    expect(new Set(ids).size).toBe(2);
    expect(env.workbook.charts('Data')[1]).toMatchObject({
      type: 'COLUMN',
      ranges: ['F1:G4'],
      options: {},
      numHeaders: -1,
      anchor: { row: 1, column: 1, offsetX: 0, offsetY: 0 },
    });
  });

  test('modify() + updateChart keeps the chartId and replaces ranges, options, type and position in place', async () => {
    await value(env, 'lineChart');
    await value(env, 'columnChart');
    const [first, second] = env.workbook.charts('Data');
    const result = (await value(env, 'modifyFirst')) as { sameId: boolean; beforeUpdate: string; after: Array<Record<string, unknown>> };
    expect(result.sameId).toBe(true);
    expect(result.beforeUpdate).toBe('Revenue');
    expect(result.after.map((c) => [c.chartId, c.type, c.ranges, c.title, c.colors, c.anchor])).toEqual([
      [first?.chartId, 'AREA', ['Data!A1:C20'], 'Changed', null, [2, 2, 0, 0]],
      [second?.chartId, 'COLUMN', ['Data!F1:G4'], null, null, [1, 1, 0, 0]],
    ]);
    const { title: _title, colors: _colors, ...kept } = LINE_OPTIONS;
    expect(env.workbook.charts('Data')[0]).toEqual({
      chartId: first?.chartId,
      id: first?.id,
      type: 'AREA',
      ranges: ['A1:C20'],
      options: { ...kept, title: 'Changed' },
      numHeaders: 1,
      transpose: false,
      anchor: { row: 2, column: 2, offsetX: 0, offsetY: 0 },
    });
  });

  test('removeChart removes it; updating or removing it again throws', async () => {
    await value(env, 'lineChart');
    await value(env, 'columnChart');
    const second = env.workbook.charts('Data')[1]?.chartId;
    expect(await value(env, 'removeFirst')).toEqual({
      left: [second],
      errors: ['Exception: The chart is not on this sheet.', 'Exception: The chart is not on this sheet.'],
    });
    expect(env.workbook.charts('Data').map((c) => c.chartId)).toEqual([second]);
  });

  test('anchors and ranges follow rows and columns inserted and deleted by the user and by the script', async () => {
    await value(env, 'lineChart');
    const view = () => {
      const [c] = env.workbook.charts('Data');
      return [c?.ranges, c?.anchor];
    };
    const at = (row: number, column: number) => ({ row, column, offsetX: 10, offsetY: 20 });

    env.workbook.insertRows('Data', 3, 2); // inside the ranges, above the anchor: ranges grow, anchor moves down
    expect(view()).toEqual([['A1:B12', 'D1:D12', 'Other!A1:A5'], at(7, 3)]);
    env.workbook.insertRows('Data', 100, 5); // below everything: nothing moves
    expect(view()).toEqual([['A1:B12', 'D1:D12', 'Other!A1:A5'], at(7, 3)]);
    env.workbook.insertRows('Data', 1); // at the top: everything moves
    expect(view()).toEqual([['A2:B13', 'D2:D13', 'Other!A1:A5'], at(8, 3)]);
    env.workbook.insertColumns('Data', 'B'); // splits A:B, left of the anchor column
    expect(view()).toEqual([['A2:C13', 'E2:E13', 'Other!A1:A5'], at(8, 4)]);
    env.workbook.insertColumns('Data', 'A');
    expect(view()).toEqual([['B2:D13', 'F2:F13', 'Other!A1:A5'], at(8, 5)]);
    env.workbook.deleteColumns('Data', 'F'); // the whole of one range goes: it is dropped
    expect(view()).toEqual([['B2:D13', 'Other!A1:A5'], at(8, 5)]);
    env.workbook.deleteRows('Data', 1);
    expect(view()).toEqual([['B1:D12', 'Other!A1:A5'], at(7, 5)]);
    env.workbook.deleteRows('Data', 6, 3); // rows 6-8, the anchor's among them: it goes to the first row after them
    expect(view()).toEqual([['B1:D9', 'Other!A1:A5'], at(6, 5)]);
    env.workbook.insertRows('Other', 1); // a range on another sheet follows that sheet
    expect(view()).toEqual([['B1:D9', 'Other!A2:A6'], at(6, 5)]);

    // The script sees the same, and its own inserts move charts too.
    const listed = (await value(env, 'insertFromScript')) as Array<Record<string, unknown>>;
    expect(listed.map((c) => [c.ranges, c.anchor])).toEqual([
      [
        ['Data!B3:D11', 'Other!A2:A6'],
        [8, 5, 10, 20],
      ],
    ]);
    expect(view()).toEqual([['B3:D11', 'Other!A2:A6'], at(8, 5)]);
  });

  test('an anchor in rows deleted at the end of the sheet goes to the new last row', async () => {
    expect(await value(env, 'anchoredAt', [1000, 26])).toBe(1);
    env.workbook.deleteRows('Data', 990, 11);
    env.workbook.deleteColumns('Data', 'Z');
    expect(env.workbook.charts('Data')[0]?.anchor).toEqual({ row: 989, column: 25, offsetX: 0, offsetY: 0 });
  });

  test('custom functions may read charts but not insert, update or remove them', async () => {
    await value(env, 'lineChart');
    const asCustom = (fn: string) => env.run(fn, [], { mode: 'customFunction' });
    expect((await asCustom('lineChart')).error).toBe('Exception: You do not have permission to call Sheet.insertChart');
    expect((await asCustom('modifyFirst')).error).toBe('Exception: You do not have permission to call Sheet.updateChart');
    expect((await asCustom('removeFirst')).error).toBe('Exception: You do not have permission to call Sheet.removeChart');
    expect((await asCustom('countCharts')).value).toBe(1);
    expect(env.workbook.charts('Data')).toHaveLength(1);
  });

  test('unknown charts, charts without ranges and wrong argument types are refused', async () => {
    await value(env, 'lineChart');
    const error = async (kind: string) => (await env.run('chartErrors', [kind])).error;
    expect(await error('noRange')).toBe('Exception: A chart needs at least one data range.');
    expect(await error('notInserted')).toBe('Exception: The chart is not on this sheet.');
    expect(await error('otherSheet')).toBe('Exception: The chart is not on this sheet.');
    expect(await error('removeOtherSheet')).toBe('Exception: The chart is not on this sheet.');
    expect(await error('insertString')).toBe("Exception: The parameters (String) don't match the method signature for Sheet.insertChart.");
    expect(await error('updateNumber')).toBe("Exception: The parameters (number) don't match the method signature for Sheet.updateChart.");
    expect(await error('addRangeString')).toBe("Exception: The parameters (String) don't match the method signature for EmbeddedChartBuilder.addRange.");
    expect(await error('typeString')).toBe("Exception: The parameters (String) don't match the method signature for EmbeddedChartBuilder.setChartType.");
    expect(await error('position')).toBe("Exception: The parameters (number,number) don't match the method signature for EmbeddedChartBuilder.setPosition.");
    expect(await error('colors')).toBe("Exception: The parameters (String) don't match the method signature for EmbeddedLineChartBuilder.setColors.");
    expect(await error('legendString')).toBe(
      "Exception: The parameters (String) don't match the method signature for EmbeddedLineChartBuilder.setLegendPosition.",
    );
    expect(env.workbook.charts('Data')).toHaveLength(1);
    expect(env.workbook.charts('Other')).toEqual([]);
  });
});
