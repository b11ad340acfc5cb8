/**
 * The workbook's embedded charts, per sheet, in insertion order: type, data ranges (on any sheet),
 * options (JSON data), header count, transpose flag and anchor. Inserting or deleting rows/columns
 * moves anchors and adjusts ranges the way formulas' references are adjusted (refs.ts): a range
 * straddling an insert grows, one losing some rows shrinks, one losing all of them is dropped.
 */
import { boxA1, sheetPrefix, type Box } from '../a1';
import { GasException, MSG } from '../messages';
import type { ChartAnchor, ChartInfo, ChartSpec } from '../protocol';
import { moveInterval, type DimensionEdit } from '../refs';

/** What the store needs of a sheet (a SheetModel; structural, so this module does not import the workbook). */
export interface ChartSheet {
  readonly id: number;
  readonly name: string;
  readonly maxRows: number;
  readonly maxCols: number;
}

export interface ChartSheets {
  /** Throws when there is no such sheet. */
  byName(name: string): ChartSheet;
  byId(id: number): ChartSheet | undefined;
}

interface ChartRecord {
  chartId: number;
  sheetId: number;
  type: string | null;
  /** Sheets are kept by id, as metadata's are. */
  ranges: Array<{ sheetId: number; box: Box }>;
  options: Record<string, unknown>;
  numHeaders: number;
  transpose: boolean;
  anchor: ChartAnchor;
}

/** One chart as the test sees it (`env.workbook.charts(sheet)`). */
export interface ChartEntry {
  chartId: number;
  /** EmbeddedChart.getId(). */
  id: string;
  /** A Charts.ChartType name ('LINE'), or null when none was set. */
  type: string | null;
  /** A1 ranges, prefixed with their sheet when not the chart's own ('Other!A1:B5'). */
  ranges: string[];
  options: Record<string, unknown>;
  /** -1 when never set. */
  numHeaders: number;
  transpose: boolean;
  anchor: ChartAnchor;
}

/** A copy of JSON data, so neither side can change the other's. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class ChartStore {
  private readonly records: ChartRecord[] = [];
  private nextId = 0;

  constructor(private readonly sheets: ChartSheets) {}

  private info(r: ChartRecord): ChartInfo {
    return {
      chartId: r.chartId,
      id: `u${r.chartId}`,
      type: r.type,
      ranges: r.ranges.map((range) => ({ sheet: this.sheets.byId(range.sheetId)?.name ?? '', box: { ...range.box } })),
      options: copy(r.options),
      numHeaders: r.numHeaders,
      transpose: r.transpose,
      anchor: { ...r.anchor },
    };
  }

  /** The record's fields from a spec, its ranges' sheets resolved (an unknown sheet throws). */
  private fields(spec: ChartSpec): Omit<ChartRecord, 'chartId' | 'sheetId'> {
    return {
      type: spec.type,
      ranges: spec.ranges.map((r) => ({ sheetId: this.sheets.byName(r.sheet).id, box: { ...r.box } })),
      options: copy(spec.options),
      numHeaders: Math.floor(spec.numHeaders),
      transpose: spec.transpose,
      anchor: {
        row: Math.floor(spec.anchor.row),
        column: Math.floor(spec.anchor.column),
        offsetX: Math.floor(spec.anchor.offsetX),
        offsetY: Math.floor(spec.anchor.offsetY),
      },
    };
  }

  /** Unique positive ids that do not look like positions (the Sheets API's are arbitrary int32s). */
  private newId(): number {
    this.nextId += 1;
    return 1_000_000_000 + ((this.nextId * 7_919) % 1_000_003);
  }

  private find(sheetName: string, chartId: number): ChartRecord {
    const sheet = this.sheets.byName(sheetName);
    const record = this.records.find((r) => r.chartId === chartId && r.sheetId === sheet.id);
    if (!record) throw new GasException(MSG.chartNotFound);
    return record;
  }

  list(sheetName: string): ChartInfo[] {
    const sheet = this.sheets.byName(sheetName);
    return this.records.filter((r) => r.sheetId === sheet.id).map((r) => this.info(r));
  }

  insert(sheetName: string, spec: ChartSpec): ChartInfo {
    const sheet = this.sheets.byName(sheetName);
    if (spec.ranges.length === 0) throw new GasException(MSG.chartNeedsRange);
    const record: ChartRecord = { chartId: this.newId(), sheetId: sheet.id, ...this.fields(spec) };
    this.records.push(record);
    return this.info(record);
  }

  /** Replaces the chart in place (it keeps its id and its place in getCharts()). */
  update(sheetName: string, chartId: number, spec: ChartSpec): ChartInfo {
    const record = this.find(sheetName, chartId);
    Object.assign(record, this.fields(spec));
    return this.info(record);
  }

  remove(sheetName: string, chartId: number): void {
    const record = this.find(sheetName, chartId);
    this.records.splice(this.records.indexOf(record), 1);
  }

  /**
   * After `sheet` (already resized) had rows/columns inserted or deleted: anchors on it at or after
   * an insert move; an anchor in deleted rows/columns goes to the first one after them (the last
   * of the sheet when they were at its end); ranges on it move, grow, shrink or are dropped.
   */
  adjust(sheet: ChartSheet, edit: DimensionEdit): void {
    const rows = edit.dimension === 'ROWS';
    for (const record of this.records) {
      if (record.sheetId === sheet.id) {
        const key = rows ? 'row' : 'column';
        const at = record.anchor[key];
        const last = edit.at + edit.count - 1;
        if (edit.kind === 'insert') {
          if (at >= edit.at) record.anchor[key] = at + edit.count;
        } else if (at > last) record.anchor[key] = at - edit.count;
        else if (at >= edit.at) record.anchor[key] = Math.min(edit.at, rows ? sheet.maxRows : sheet.maxCols);
      }
      record.ranges = record.ranges.flatMap((range) => {
        if (range.sheetId !== sheet.id) return [range];
        const { box } = range;
        const start = rows ? box.row : box.col;
        const moved = moveInterval(start, start + (rows ? box.numRows : box.numCols) - 1, edit);
        if (!moved) return [];
        const [first, end] = moved;
        const next: Box = rows ? { ...box, row: first, numRows: end - first + 1 } : { ...box, col: first, numCols: end - first + 1 };
        return [{ sheetId: range.sheetId, box: next }];
      });
    }
  }

  /** The test's view of a sheet's charts. */
  entries(sheetName: string): ChartEntry[] {
    return this.list(sheetName).map((c) => ({
      chartId: c.chartId,
      id: c.id,
      type: c.type,
      ranges: c.ranges.map((r) => (r.sheet === sheetName ? boxA1(r.box) : `${sheetPrefix(r.sheet)}!${boxA1(r.box)}`)),
      options: c.options,
      numHeaders: c.numHeaders,
      transpose: c.transpose,
      anchor: c.anchor,
    }));
  }
}
