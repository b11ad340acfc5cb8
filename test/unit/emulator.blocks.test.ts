/**
 * The emulator's Sheets model for blocks, against small hand-written bundles: developer metadata
 * (whole rows and columns only, finders, following inserted and deleted rows/columns), inserting
 * and deleting rows/columns (cells, notes, formats, references), notes and formatting, selection,
 * the 6-minute limit of non-custom-function executions, and triggers that open the document by id.
 */
import { runValue as value, useScriptBundle } from '../support/scriptBundle';
import { createAppsScriptEnv, type AppsScriptEnv } from '../../src/emulator';
import { EXECUTION_LIMIT_MS, OTHER_EXECUTION_LIMIT_MS } from '../../src/emulator/limits';
import { adjustFormula } from '../../src/emulator/refs';

const ARBITRARY =
  'Exception: Adding developer metadata to arbitrary ranges is not currently supported. Developer metadata may only be added to the top-level spreadsheet, an individual sheet, or an entire row or column.';

const BUNDLE = `
var Blocks = (function () {
  function sheet() { return SpreadsheetApp.getActive().getSheetByName('Data'); }
  function describe(md) {
    var loc = md.getLocation();
    var type = String(loc.getLocationType());
    var where = type === 'ROW' ? loc.getRow().getA1Notation() : type === 'COLUMN' ? loc.getColumn().getA1Notation()
      : type === 'SHEET' ? loc.getSheet().getName() : loc.getSpreadsheet().getId();
    return md.getKey() + '=' + md.getValue() + '@' + type + ':' + where;
  }
  return { sheet: sheet, describe: describe };
})();

function addMeta(kind) {
  var sh = Blocks.sheet();
  var V = SpreadsheetApp.DeveloperMetadataVisibility;
  switch (kind) {
    case 'rowA1': sh.getRange('3:3').addDeveloperMetadata('k', 'row3'); break;
    case 'rowNumbers': sh.getRange(4, 1, 1, sh.getMaxColumns()).addDeveloperMetadata('k', 'row4', V.PROJECT); break;
    case 'columnA1': sh.getRange('C:C').addDeveloperMetadata('k'); break;
    case 'columnNumbers': sh.getRange(1, 5, sh.getMaxRows(), 1).addDeveloperMetadata('k', V.PROJECT); break;
    case 'sheet': sh.addDeveloperMetadata('k', 'sheet'); break;
    case 'spreadsheet': SpreadsheetApp.getActive().addDeveloperMetadata('k', 'book'); break;
    case 'cell': sh.getRange('B2').addDeveloperMetadata('k', 'x'); break;
    case 'partialRow': sh.getRange('A3:C3').addDeveloperMetadata('k', 'x'); break;
    case 'twoRows': sh.getRange('3:4').addDeveloperMetadata('k', 'x'); break;
    case 'almostColumn': sh.getRange(2, 3, sh.getMaxRows() - 1, 1).addDeveloperMetadata('k', 'x'); break;
    case 'tooLong': sh.getRange('7:7').addDeveloperMetadata('k', new Array(30002).join('x')); break;
    case 'longest': sh.getRange('7:7').addDeveloperMetadata('long', new Array(30001).join('x')); break;
    case 'badArgs': sh.getRange('7:7').addDeveloperMetadata(42); break;
  }
  return SpreadsheetApp.getActive().createDeveloperMetadataFinder().find().map(Blocks.describe);
}

function anchor() {
  var sh = Blocks.sheet();
  sh.getRange(5, 1, 1, sh.getMaxColumns()).addDeveloperMetadata('anchor', 'r');
  sh.getRange(1, 3, sh.getMaxRows(), 1).addDeveloperMetadata('anchor', 'c');
  return where();
}
function where() {
  return SpreadsheetApp.getActive().createDeveloperMetadataFinder().withKey('anchor').find().map(function (md) {
    var loc = md.getLocation();
    return [String(loc.getLocationType()), loc.getRow() ? loc.getRow().getRow() : loc.getColumn().getColumn(),
      (loc.getRow() || loc.getColumn()).getA1Notation(), loc.getSheet() === null];
  });
}
function insertFromScript() {
  var sh = Blocks.sheet();
  var maxBefore = sh.getMaxRows();
  var returned = sh.insertRowsBefore(1, 1);
  sh.insertColumnAfter(1);
  return [returned.getName(), maxBefore, sh.getMaxRows(), sh.getMaxColumns()];
}

function seedFinder() {
  var ss = SpreadsheetApp.getActive();
  var sh = Blocks.sheet();
  var V = SpreadsheetApp.DeveloperMetadataVisibility;
  sh.getRange('2:2').addDeveloperMetadata('k', 'a');
  sh.getRange('2:2').addDeveloperMetadata('z', 'a');
  sh.getRange('4:4').addDeveloperMetadata('k', 'b', V.PROJECT);
  sh.getRange('B:B').addDeveloperMetadata('k', 'a');
  sh.addDeveloperMetadata('k', 'a');
  ss.addDeveloperMetadata('k', 'x');
  ss.getSheetByName('Other').getRange('2:2').addDeveloperMetadata('k', 'a');
  return true;
}
function finders() {
  var ss = SpreadsheetApp.getActive();
  var sh = Blocks.sheet();
  var T = SpreadsheetApp.DeveloperMetadataLocationType;
  var V = SpreadsheetApp.DeveloperMetadataVisibility;
  var all = ss.createDeveloperMetadataFinder().find();
  var ids = all.map(function (md) { return md.getId(); });
  var first = all[0];
  var d = function (list) { return list.map(Blocks.describe); };
  return {
    count: all.length,
    distinctIds: ids.filter(function (id, i) { return ids.indexOf(id) === i && typeof id === 'number'; }).length,
    byKey: d(ss.createDeveloperMetadataFinder().withKey('k').find()),
    byKeyValue: d(ss.createDeveloperMetadataFinder().withKey('k').withValue('a').find()),
    rows: d(ss.createDeveloperMetadataFinder().withKey('k').withLocationType(T.ROW).find()),
    project: d(ss.createDeveloperMetadataFinder().withVisibility(V.PROJECT).find()),
    byId: d(ss.createDeveloperMetadataFinder().withId(first.getId()).find()),
    sheetScope: d(sh.createDeveloperMetadataFinder().withKey('k').find()),
    rangeContains: d(sh.getRange('1:3').createDeveloperMetadataFinder().find()),
    rangeInside: d(sh.getRange('A1:C3').createDeveloperMetadataFinder().find()),
    rangeIntersecting: d(sh.getRange('A1:C3').createDeveloperMetadataFinder().onIntersectingLocations().find()),
    exactRow: d(sh.getRange('2:2').getDeveloperMetadata()),
    exactCell: d(sh.getRange('B2').getDeveloperMetadata()),
    exactSheet: d(sh.getDeveloperMetadata()),
    exactBook: d(ss.getDeveloperMetadata()),
    enumIdentity: ss.createDeveloperMetadataFinder().withKey('k').withValue('b').find()[0].getVisibility() === V.PROJECT,
    enumText: String(T.COLUMN) + '/' + T.COLUMN.name(),
    noValue: sh.getRange('2:2').getDeveloperMetadata()[0].getVisibility() == 'DOCUMENT'
  };
}
function editMeta() {
  var ss = SpreadsheetApp.getActive();
  var sh = Blocks.sheet();
  var md = ss.createDeveloperMetadataFinder().withKey('z').find()[0];
  md.setKey('y').setValue('changed');
  md.moveToRow(sh.getRange('B9:C9'));
  var moved = Blocks.describe(ss.createDeveloperMetadataFinder().withId(md.getId()).find()[0]);
  md.moveToColumn(sh.getRange('D1:D3'));
  var movedColumn = Blocks.describe(md);
  var refused;
  try { md.moveToRow(sh.getRange('1:2')); } catch (e) { refused = String(e); }
  md.remove();
  var gone;
  try { md.getKey(); } catch (e) { gone = String(e); }
  return [moved, movedColumn, refused, gone, ss.createDeveloperMetadataFinder().withKey('y').find().length];
}
function finderWithString() { return SpreadsheetApp.getActive().createDeveloperMetadataFinder().withLocationType('ROW').find().length; }

function decorate() {
  var sh = Blocks.sheet();
  sh.getRange('B2:C3').setValues([[1, 2], [3, 0.25]]);
  sh.getRange('B2').setNote('header note').setFontWeight('bold').setBackground('#ABC');
  sh.getRange('C3').setNumberFormat('0.0%');
  sh.getRange('B3').setNotes([['row note']]);
  sh.getRange('E1').setFormula('=ECHO(B2, Data!C3, "B2", B2:C3, A:A, 2:3)');
  sh.setFrozenRows(1);
  return [sh.getRange('B2:C2').getNotes(), sh.getRange('B2').getFontWeight(), sh.getRange('B2').getBackground(), sh.getRange('C2').getBackground(),
    sh.getRange('C3').getNumberFormat(), sh.getFrozenRows()];
}
function readBack() {
  var sh = Blocks.sheet();
  var r = sh.getRange('B4:C5');
  return [r.getValues(), r.getNotes(), r.getNumberFormats(), r.getFontWeights(), sh.getRange('E3').getFormula(), sh.getFrozenRows()];
}
function clearing() {
  var sh = Blocks.sheet();
  sh.getRange('G1:H1').setValues([['a', 'b']]).setNote('n').setFontWeight('bold').setNumberFormat('0.00');
  sh.getRange('G1').clearContent();
  var afterContent = [sh.getRange('G1').getValue(), sh.getRange('G1').getNote(), sh.getRange('G1').getFontWeight()];
  sh.getRange('G1').clearFormat();
  var afterFormat = [sh.getRange('G1').getNote(), sh.getRange('G1').getFontWeight(), sh.getRange('G1').getNumberFormat()];
  sh.getRange('G1').clearNote();
  var afterNote = sh.getRange('G1').getNote();
  sh.getRange('H1').clear({ commentsOnly: true });
  var onlyNote = [sh.getRange('H1').getValue(), sh.getRange('H1').getNote(), sh.getRange('H1').getFontWeight()];
  sh.getRange('H1').clear();
  var all = [sh.getRange('H1').getValue(), sh.getRange('H1').getNote(), sh.getRange('H1').getFontWeight(), sh.getRange('H1').getNumberFormat()];
  return [afterContent, afterFormat, afterNote, onlyNote, all];
}
function offsets() {
  var r = Blocks.sheet().getRange('B2:C3');
  var out = [r.offset(1, 1).getA1Notation(), r.offset(-1, 0, 1, 1).getA1Notation(), r.getCell(2, 2).getA1Notation()];
  try { r.getCell(3, 1); } catch (e) { out.push(String(e)); }
  try { r.offset(-5, 0); } catch (e) { out.push(String(e)); }
  return out;
}
function rowErrors(which) {
  var sh = Blocks.sheet();
  if (which === 'all') sh.deleteRows(1, sh.getMaxRows());
  if (which === 'allButFrozen') sh.deleteRows(2, sh.getMaxRows() - 1);
  if (which === 'outside') sh.deleteRow(sh.getMaxRows() + 1);
  if (which === 'insertOutside') sh.insertRowsAfter(sh.getMaxRows() + 1, 1);
  if (which === 'columns') sh.deleteColumns(1, sh.getMaxColumns());
  if (which === 'zero') sh.insertRowsBefore(1, 0);
  return 'ok';
}
function selection() {
  var ss = SpreadsheetApp.getActive();
  var before = [ss.getActiveSheet().getName(), ss.getActiveRange().getA1Notation(), ss.getCurrentCell().getA1Notation()];
  ss.getSheetByName('Other').getRange('C4:D5').activate();
  var after = [SpreadsheetApp.getActiveSheet().getName(), SpreadsheetApp.getActiveRange().getA1Notation(), SpreadsheetApp.getCurrentCell().getA1Notation()];
  Blocks.sheet().activate();
  ss.setActiveRange(Blocks.sheet().getRange('A1:B1'));
  return [before, after];
}
function CALLER_CELL() {
  var r = SpreadsheetApp.getActiveRange();
  return r.getSheet().getName() + '!' + r.getA1Notation() + '/' + SpreadsheetApp.getActiveSheet().getName();
}
function ECHO() { return arguments.length; }

function spin() { for (;;) {} }
function sleepFor(ms) { Utilities.sleep(ms); return 'slept ' + ms; }
function scheduleSpin() { return ScriptApp.newTrigger('spin').timeBased().everyHours(1).create().getUniqueId(); }

function schedule() {
  var ss = SpreadsheetApp.getActive();
  PropertiesService.getDocumentProperties().setProperty('ssid', ss.getId());
  return ScriptApp.newTrigger('scheduled').timeBased().everyHours(1).create().getUniqueId();
}
function scheduled(e) {
  var active = SpreadsheetApp.getActive();
  var id = PropertiesService.getDocumentProperties().getProperty('ssid');
  var ss = active || SpreadsheetApp.openById(id);
  ss.getSheetByName('Data').getRange('A1').setValue('ran by ' + e.triggerUid);
  PropertiesService.getDocumentProperties().setProperty('lastRun', e.triggerUid);
  var wrong;
  try { SpreadsheetApp.openById('someone-elses-file'); } catch (err) { wrong = String(err); }
  return [active === null, ss.getId(), ss.getSheetByName('Data').getRange('A1').getValue(), wrong,
    ScriptApp.getUserTriggers(ss).map(function (t) {
      return [t.getHandlerFunction(), t.getUniqueId() === e.triggerUid, String(t.getEventType()), String(t.getTriggerSource())];
    })];
}
function listMine() {
  var ss = SpreadsheetApp.getActive();
  return [ScriptApp.getProjectTriggers().map(function (t) { return t.getHandlerFunction(); }),
    ScriptApp.getUserTriggers(ss).map(function (t) { return t.getHandlerFunction(); })];
}
function unschedule() {
  var ss = SpreadsheetApp.getActive();
  ScriptApp.getUserTriggers(ss).forEach(function (t) { ScriptApp.deleteTrigger(t); });
  return ScriptApp.getUserTriggers(ss).length;
}
function userTriggersOfText() { return ScriptApp.getUserTriggers('id').length; }
`;

const bundle = useScriptBundle('gas-blocks-', BUNDLE);

const SHEETS = { Data: [[null]], Other: [[null]] };

describe('developer metadata', () => {
  let env: AppsScriptEnv;
  beforeEach(async () => {
    env = await createAppsScriptEnv({ codePath: bundle.codePath, workbook: { sheets: SHEETS } });
  });
  afterEach(() => env.close());

  test("only on the spreadsheet, a sheet, or one entire row or column; anything else is refused with Apps Script's message", async () => {
    for (const kind of ['cell', 'partialRow', 'twoRows', 'almostColumn']) {
      expect((await env.run('addMeta', [kind])).error).toBe(ARBITRARY);
    }
    expect(env.workbook.metadata()).toEqual([]);
    for (const kind of ['rowA1', 'rowNumbers', 'columnA1', 'columnNumbers', 'sheet', 'spreadsheet']) await value(env, 'addMeta', [kind]);
    expect(await value(env, 'addMeta', ['none'])).toEqual([
      'k=row3@ROW:A3:Z3',
      'k=row4@ROW:A4:Z4',
      'k=null@COLUMN:C1:C1000',
      'k=null@COLUMN:E1:E1000',
      'k=sheet@SHEET:Data',
      'k=book@SPREADSHEET:emulator-spreadsheet-id',
    ]);
    const entries = env.workbook.metadata();
    expect(entries.map(({ key, value: v, visibility, locationType, sheet, index, a1 }) => [key, v, visibility, locationType, sheet, index, a1])).toEqual([
      ['k', 'row3', 'DOCUMENT', 'ROW', 'Data', 3, 'Data!3:3'],
      ['k', 'row4', 'PROJECT', 'ROW', 'Data', 4, 'Data!4:4'],
      ['k', null, 'DOCUMENT', 'COLUMN', 'Data', 3, 'Data!C:C'],
      ['k', null, 'PROJECT', 'COLUMN', 'Data', 5, 'Data!E:E'],
      ['k', 'sheet', 'DOCUMENT', 'SHEET', 'Data', null, 'Data'],
      ['k', 'book', 'DOCUMENT', 'SPREADSHEET', null, null, ''],
    ]);
    expect(new Set(entries.map((m) => m.id)).size).toBe(6);

    // Values hold at most 30,000 characters; keys must be strings; custom functions may not write.
    await value(env, 'addMeta', ['longest']);
    expect((await env.run('addMeta', ['tooLong'])).error).toBe('Exception: Developer metadata value is too long: 30001 characters (at most 30000).');
    expect((await env.run('addMeta', ['badArgs'])).error).toBe(
      "Exception: The parameters (number) don't match the method signature for Range.addDeveloperMetadata.",
    );
    expect((await env.run('addMeta', ['rowA1'], { mode: 'customFunction' })).error).toBe(
      'Exception: You do not have permission to call Range.addDeveloperMetadata',
    );
    expect(env.workbook.metadata()).toHaveLength(7);
  });

  test('row metadata follows rows inserted above, column metadata columns inserted to the left; both go with their row/column', async () => {
    expect(await value(env, 'anchor')).toEqual([
      ['ROW', 5, 'A5:Z5', true],
      ['COLUMN', 3, 'C1:C1000', true],
    ]);
    env.workbook.insertRows('Data', 2, 3); // above the anchored row
    env.workbook.insertRows('Data', 100, 10); // below it: no effect
    env.workbook.insertColumns('Data', 'A', 2); // left of the anchored column
    env.workbook.insertColumns('Data', 'Z', 1); // right of it
    expect(env.workbook.size('Data')).toMatchObject({ maxRows: 1013, maxColumns: 29 });
    expect(await value(env, 'where')).toEqual([
      ['ROW', 8, 'A8:AC8', true],
      ['COLUMN', 5, 'E1:E1013', true],
    ]);
    // The script inserts too: a row before row 1 and a column after column A.
    expect(await value(env, 'insertFromScript')).toEqual(['Data', 1013, 1014, 30]);
    expect(await value(env, 'where')).toEqual([
      ['ROW', 9, 'A9:AD9', true],
      ['COLUMN', 6, 'F1:F1014', true],
    ]);
    // Deleting rows above and columns to the left moves them back.
    env.workbook.deleteRows('Data', 1, 2);
    env.workbook.deleteColumns('Data', 1, 1);
    expect(env.workbook.metadata().map((m) => m.a1)).toEqual(['Data!7:7', 'Data!E:E']);
    // Deleting the anchored row (inside a larger deletion) deletes its metadata; the column's stays.
    env.workbook.deleteRows('Data', 6, 3);
    expect(env.workbook.metadata().map((m) => m.a1)).toEqual(['Data!E:E']);
    expect(await value(env, 'where')).toEqual([['COLUMN', 5, 'E1:E1009', true]]);
    env.workbook.deleteColumns('Data', 'E');
    expect(env.workbook.metadata()).toEqual([]);
    expect(await value(env, 'where')).toEqual([]);
  });

  test('finders by key, value, id, location type and visibility; sheet and range scopes; exact lookups; edits', async () => {
    await value(env, 'seedFinder');
    const found = (await value(env, 'finders')) as Record<string, unknown>;
    expect(found).toEqual({
      count: 7,
      distinctIds: 7,
      byKey: ['k=a@ROW:A2:Z2', 'k=b@ROW:A4:Z4', 'k=a@COLUMN:B1:B1000', 'k=a@SHEET:Data', 'k=x@SPREADSHEET:emulator-spreadsheet-id', 'k=a@ROW:A2:Z2'],
      byKeyValue: ['k=a@ROW:A2:Z2', 'k=a@COLUMN:B1:B1000', 'k=a@SHEET:Data', 'k=a@ROW:A2:Z2'],
      rows: ['k=a@ROW:A2:Z2', 'k=b@ROW:A4:Z4', 'k=a@ROW:A2:Z2'],
      project: ['k=b@ROW:A4:Z4'],
      byId: ['k=a@ROW:A2:Z2'],
      sheetScope: ['k=a@ROW:A2:Z2', 'k=b@ROW:A4:Z4', 'k=a@COLUMN:B1:B1000', 'k=a@SHEET:Data'],
      rangeContains: ['k=a@ROW:A2:Z2', 'z=a@ROW:A2:Z2'],
      rangeInside: [],
      rangeIntersecting: ['k=a@ROW:A2:Z2', 'z=a@ROW:A2:Z2', 'k=a@COLUMN:B1:B1000'],
      exactRow: ['k=a@ROW:A2:Z2', 'z=a@ROW:A2:Z2'],
      exactCell: [],
      exactSheet: ['k=a@SHEET:Data'],
      exactBook: ['k=x@SPREADSHEET:emulator-spreadsheet-id'],
      enumIdentity: true,
      enumText: 'COLUMN/COLUMN',
      noValue: true,
    });
    expect(await value(env, 'editMeta')).toEqual([
      'y=changed@ROW:A9:Z9',
      'y=changed@COLUMN:D1:D1000',
      ARBITRARY,
      'Exception: Requested entity was not found.',
      0,
    ]);
    expect((await env.run('finderWithString')).error).toBe(
      "Exception: The parameters (String) don't match the method signature for DeveloperMetadataFinder.withLocationType.",
    );
  });
});

describe('rows, columns, notes and formats', () => {
  let env: AppsScriptEnv;
  beforeEach(async () => {
    env = await createAppsScriptEnv({ codePath: bundle.codePath, workbook: { sheets: SHEETS } });
  });
  afterEach(() => env.close());

  test('values, notes, number formats, font weights and references move with inserted rows; new rows take formats, not notes', async () => {
    expect(await value(env, 'decorate')).toEqual([[['header note', '']], 'bold', '#aabbcc', '#ffffff', '0.0%', 1]);
    env.workbook.insertRows('Data', 1, 2); // two rows above everything (and inside the frozen row)
    expect(
      env.workbook
        .values('Data')
        .slice(3, 5)
        .map((r) => r.slice(1, 3)),
    ).toEqual([
      [1, 2],
      [3, 0.25],
    ]);
    expect(env.workbook.notes('Data')[3]?.[1]).toBe('header note');
    expect(env.workbook.notes('Data')[4]?.[1]).toBe('row note');
    expect(env.workbook.numberFormats('Data')[4]?.[2]).toBe('0.0%');
    expect(env.workbook.cell('Data', 'B4')).toMatchObject({ value: 1, note: 'header note', fontWeight: 'bold', background: '#aabbcc' });
    expect(env.workbook.size('Data')).toMatchObject({ maxRows: 1002, frozenRows: 3 });
    // References follow their cells (strings do not); whole columns are untouched, whole rows move.
    expect(env.workbook.cell('Data', 'E3').formula).toBe('=ECHO(B4, Data!C5, "B2", B4:C5, A:A, 4:5)');
    expect(await value(env, 'readBack')).toEqual([
      [
        [1, 2],
        [3, 0.25],
      ],
      [
        ['header note', ''],
        ['row note', ''],
      ],
      [
        ['0.###############', '0.###############'],
        ['0.###############', '0.0%'],
      ],
      [
        ['bold', 'normal'],
        ['normal', 'normal'],
      ],
      '=ECHO(B4, Data!C5, "B2", B4:C5, A:A, 4:5)',
      3,
    ]);

    // A row inserted inside the block: empty, no note, the formats of the row above; the range reference grows.
    env.workbook.insertRows('Data', 5, 1);
    expect(env.workbook.cell('Data', 'B5')).toEqual({ value: '', fontWeight: 'bold', background: '#aabbcc' });
    expect(env.workbook.notes('Data')[4]?.[1]).toBe('');
    expect(env.workbook.notes('Data')[5]?.[1]).toBe('row note');
    expect(env.workbook.numberFormats('Data')[5]?.[2]).toBe('0.0%');
    expect(env.workbook.cell('Data', 'E3').formula).toBe('=ECHO(B4, Data!C6, "B2", B4:C6, A:A, 4:6)');

    // Columns: inserted to the left move everything right.
    env.workbook.insertColumns('Data', 1, 1);
    expect(env.workbook.cell('Data', 'C4')).toMatchObject({ value: 1, note: 'header note' });
    expect(env.workbook.cell('Data', 'F3').formula).toBe('=ECHO(C4, Data!D6, "B2", C4:D6, B:B, 4:6)');

    // Deleting the row a reference points at gives #REF!; a range loses the deleted row.
    env.workbook.deleteRows('Data', 4, 1);
    expect(env.workbook.cell('Data', 'F3').formula).toBe('=ECHO(#REF!, Data!D5, "B2", C4:D5, B:B, 4:5)');
    expect(env.workbook.notes('Data')[4]?.[2]).toBe('row note');
    const outcomes = await env.recalculate();
    expect(outcomes).toEqual([{ sheet: 'Data', a1: 'F3', error: 'Reference does not exist.', code: '#REF!' }]);
  });

  test('clear, clearContent, clearFormat, clearNote; offset and getCell', async () => {
    expect(await value(env, 'clearing')).toEqual([
      ['', 'n', 'bold'],
      ['n', 'normal', '0.###############'],
      '',
      ['b', '', 'bold'],
      ['', '', 'normal', '0.###############'],
    ]);
    expect(await value(env, 'offsets')).toEqual([
      'C3:D4',
      'B1',
      'C3',
      'Exception: Cell reference out of range',
      'Exception: The starting row of the range is too small.',
    ]);
  });

  test('bounds of inserting and deleting rows and columns', async () => {
    expect((await env.run('rowErrors', ['all'])).error).toBe('Exception: Sorry, it is not possible to delete all non-frozen rows.');
    expect((await env.run('rowErrors', ['columns'])).error).toBe('Exception: Sorry, it is not possible to delete all non-frozen columns.');
    expect((await env.run('rowErrors', ['outside'])).error).toBe('Exception: Those rows are out of bounds.');
    expect((await env.run('rowErrors', ['insertOutside'])).error).toBe('Exception: Those rows are out of bounds.');
    expect((await env.run('rowErrors', ['zero'])).error).toBe('Exception: The number of rows must be at least 1.');
    expect((await env.run('rowErrors', ['allButFrozen'])).value).toBe('ok'); // row 1 (not frozen) survives
    expect(env.workbook.size('Data').maxRows).toBe(1);
    expect((await env.run('rowErrors', ['all'], { mode: 'customFunction' })).error).toBe('Exception: You do not have permission to call Sheet.deleteRows');
  });

  test('selection: the test selects, the script reads and changes it; a custom function sees its own cell', async () => {
    expect(env.workbook.activeRange()).toEqual({ sheet: 'Data', a1: 'A1', currentCell: 'A1' });
    env.workbook.select('Data', 'B2:C3');
    expect(await value(env, 'selection')).toEqual([
      ['Data', 'B2:C3', 'B2'],
      ['Other', 'C4:D5', 'C4'],
    ]);
    expect(env.workbook.activeRange()).toEqual({ sheet: 'Data', a1: 'A1:B1', currentCell: 'A1' });
    env.workbook.setCell('Other', 'C5', '=CALLER_CELL()');
    expect(await env.recalculate()).toEqual([{ sheet: 'Other', a1: 'C5', value: 'Other!C5/Other' }]);
  });
});

describe('references after inserts and deletes (refs.ts)', () => {
  const rows = (kind: 'insert' | 'delete', at: number, count: number, sheet = 'Data') => ({ sheet, dimension: 'ROWS' as const, kind, at, count });
  const cols = (kind: 'insert' | 'delete', at: number, count: number, sheet = 'Data') => ({ sheet, dimension: 'COLUMNS' as const, kind, at, count });

  test('cells, ranges, absolute parts, other sheets, strings and function names', () => {
    const f = '=F(A1, $B$5, A4:B6, \'My data\'!C7, Other!C7, "A5", LOG10(A5), TRUE, 3:9, C:D)';
    expect(adjustFormula(f, 'Data', rows('insert', 5, 2))).toBe('=F(A1, $B$7, A4:B8, \'My data\'!C7, Other!C7, "A5", LOG10(A7), TRUE, 3:11, C:D)');
    expect(adjustFormula(f, 'My data', rows('insert', 1, 1, 'my DATA'))).toBe(
      '=F(A2, $B$6, A5:B7, \'My data\'!C8, Other!C7, "A5", LOG10(A6), TRUE, 4:10, C:D)',
    );
    expect(adjustFormula(f, 'Data', cols('insert', 2, 1))).toBe('=F(A1, $C$5, A4:C6, \'My data\'!C7, Other!C7, "A5", LOG10(A5), TRUE, 3:9, D:E)');
    expect(adjustFormula('=F(Data!B2)', 'Other', rows('insert', 1, 1))).toBe('=F(Data!B3)');
  });

  test('deletes: references into deleted rows become #REF!, ranges shrink or vanish', () => {
    expect(adjustFormula('=F(A3, A6, A2:A8, A4:A5, B3:C6, B3:C4, 1:4)', 'Data', rows('delete', 3, 3))).toBe('=F(#REF!, A3, A2:A5, #REF!, B3:C3, #REF!, 1:2)');
    expect(adjustFormula('=F(Data!D1, B:D, B1:B2)', 'Data', cols('delete', 2, 2))).toBe('=F(Data!B1, B:B, #REF!)');
  });
});

describe('execution time limits by kind', () => {
  test('defaults: 30 s for custom functions, 6 min for everything else', () => {
    expect(EXECUTION_LIMIT_MS).toBe(30_000);
    expect(OTHER_EXECUTION_LIMIT_MS).toBe(360_000);
  });

  test('custom functions stop at executionLimitMs; menu, rpc and trigger runs at otherExecutionLimitMs', async () => {
    const env = await createAppsScriptEnv({ codePath: bundle.codePath, executionLimitMs: 300, otherExecutionLimitMs: 1500, workbook: { sheets: SHEETS } });
    try {
      const [custom, menu, rpc] = await Promise.all([
        env.run('sleepFor', [800], { mode: 'customFunction' }),
        env.run('sleepFor', [800]),
        env.run('sleepFor', [800], { mode: 'rpc' }),
      ]);
      expect(custom).toMatchObject({ error: 'Exceeded maximum execution time', errorName: 'Timeout' });
      expect(custom.elapsedMs).toBeLessThan(800);
      expect(menu.value).toBe('slept 800');
      expect(rpc.value).toBe('slept 800');

      const uid = (await value(env, 'scheduleSpin')) as string;
      const [trigger, loop] = await Promise.all([env.triggers.fire(uid), env.run('spin')]);
      for (const r of [trigger, loop]) {
        expect(r.error).toBe('Exceeded maximum execution time');
        expect(r.elapsedMs).toBeGreaterThanOrEqual(1450);
        expect(r.elapsedMs).toBeLessThan(4000);
      }
    } finally {
      await env.close();
    }
  });
});

describe('time-driven triggers of an editor add-on', () => {
  test("getActive() is null: the handler opens the document by the id it stored, sees only its user's triggers, and can delete them", async () => {
    const env = await createAppsScriptEnv({ codePath: bundle.codePath, activeSpreadsheetInTriggers: false, workbook: { id: 'doc-123', sheets: SHEETS } });
    try {
      const uid = (await value(env, 'schedule')) as string;
      expect(env.properties.document.get('ssid')).toBe('doc-123');
      env.triggers.seed({ handler: 'theirs', eventType: 'CLOCK', clock: { everyHours: 1 }, user: 'someone@example.com' });
      env.triggers.seed({ handler: 'elsewhere', eventType: 'CLOCK', clock: { everyHours: 1 }, documentId: 'other-doc' });
      expect(env.triggers.list().map((t) => [t.handler, t.user, t.documentId])).toEqual([
        ['scheduled', 'user@example.com', 'doc-123'],
        ['theirs', 'someone@example.com', 'doc-123'],
        ['elsewhere', 'user@example.com', 'other-doc'],
      ]);
      expect(await value(env, 'listMine')).toEqual([['scheduled', 'elsewhere'], ['scheduled']]);

      env.clock.advance(3_600_000);
      const due = await env.triggers.runDue();
      expect(due.map((d) => d.trigger.handler)).toEqual(['scheduled']);
      expect(due[0]?.result.error).toBeUndefined();
      expect(due[0]?.result.value).toEqual([
        true,
        'doc-123',
        `ran by ${uid}`,
        'Exception: Unexpected error while getting the method or property openById on object SpreadsheetApp.',
        [['scheduled', true, 'CLOCK', 'CLOCK']],
      ]);
      expect(env.workbook.values('Data')[0]?.[0]).toBe(`ran by ${uid}`);
      expect(env.properties.document.get('lastRun')).toBe(uid);

      expect(await value(env, 'unschedule')).toBe(0);
      expect(env.triggers.list().map((t) => t.handler)).toEqual(['theirs', 'elsewhere']);
      expect((await env.run('userTriggersOfText')).error).toBe(
        "Exception: The parameters (String) don't match the method signature for ScriptApp.getUserTriggers.",
      );
    } finally {
      await env.close();
    }
  });
});
