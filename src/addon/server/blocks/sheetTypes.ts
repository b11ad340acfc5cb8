/**
 * The parts of Sheets' object model blocks use, as structural interfaces: entry.ts passes the real
 * Spreadsheet objects, tests pass the emulator's. Enum values are compared by name (`String(x)`),
 * because the enums themselves are globals only entry.ts may touch.
 */
export type SheetCell = Date | string | number | boolean;

export interface RangeLike {
  getRow(): number;
  getColumn(): number;
  getNumRows(): number;
  getNumColumns(): number;
  getValues(): unknown[][];
  getFormulas(): string[][];
  setValues(values: SheetCell[][]): RangeLike;
  setNumberFormats(formats: string[][]): RangeLike;
  setFontWeight(weight: string | null): RangeLike;
  setNote(note: string | null): RangeLike;
  getNote(): string;
  clearNote(): RangeLike;
  clearContent(): RangeLike;
  clearFormat(): RangeLike;
  getSheet(): SheetLike;
  getA1Notation(): string;
  addDeveloperMetadata(key: string, value: string): RangeLike;
  activate(): RangeLike;
}

export interface DeveloperMetadataLike {
  getId(): number;
  getKey(): string;
  getValue(): string | null;
  setValue(value: string): DeveloperMetadataLike;
  remove(): void;
  getLocation(): {
    getLocationType(): unknown;
    getRow(): RangeLike | null;
    getColumn(): RangeLike | null;
    getSheet(): SheetLike | null;
  };
}

/** The chart builder methods blocks use; `asLineChart()` and the like set the type without the Charts enum. */
export interface ChartBuilderLike {
  asLineChart(): ChartBuilderLike;
  asColumnChart(): ChartBuilderLike;
  asBarChart(): ChartBuilderLike;
  addRange(range: RangeLike): ChartBuilderLike;
  clearRanges(): ChartBuilderLike;
  setNumHeaders(headers: number): ChartBuilderLike;
  setPosition(anchorRowPos: number, anchorColPos: number, offsetX: number, offsetY: number): ChartBuilderLike;
  setOption(option: string, value: unknown): ChartBuilderLike;
  build(): ChartLike;
}

export interface ChartLike {
  getChartId(): number | null;
  modify(): ChartBuilderLike;
}

export interface SheetLike {
  getName(): string;
  getSheetId(): number;
  getMaxRows(): number;
  getMaxColumns(): number;
  getRange(row: number, column: number, numRows?: number, numColumns?: number): RangeLike;
  insertRowsAfter(afterPosition: number, howMany: number): SheetLike;
  insertColumnsAfter(afterPosition: number, howMany: number): SheetLike;
  newChart(): ChartBuilderLike;
  insertChart(chart: ChartLike): void;
  updateChart(chart: ChartLike): void;
  removeChart(chart: ChartLike): void;
  getCharts(): ChartLike[];
}

export interface SpreadsheetLike {
  getId(): string;
  getSheets(): SheetLike[];
  /** A new sheet of that name, which becomes the active one. */
  insertSheet(name: string): SheetLike;
  createDeveloperMetadataFinder(): {
    withKey(key: string): { find(): DeveloperMetadataLike[] };
  };
}
