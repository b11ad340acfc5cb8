/** Finds blocks through their row and column anchors, wherever inserts have moved them. */
import { BLOCK_KEY, isBlockSpec, parseAnchor, type BlockSpec } from './blockSpec';
import type { DeveloperMetadataLike, SheetLike, SpreadsheetLike } from './sheetTypes';

export interface LocatedBlock {
  spec: BlockSpec;
  sheet: SheetLike;
  /** 1-based top-left cell. */
  row: number;
  column: number;
  rowAnchor: DeveloperMetadataLike;
  columnAnchor: DeveloperMetadataLike;
}

/** A block whose anchor row or column was deleted can no longer be placed. */
export interface BrokenBlock {
  id: string;
  spec?: BlockSpec;
  /** Which anchor is gone. */
  lost: 'row' | 'column';
}

function kind(metadata: DeveloperMetadataLike): string {
  return String(metadata.getLocation().getLocationType());
}

export function locateBlocks(spreadsheet: SpreadsheetLike): { blocks: LocatedBlock[]; broken: BrokenBlock[] } {
  const rows = new Map<string, DeveloperMetadataLike>();
  const columns = new Map<string, DeveloperMetadataLike>();
  for (const metadata of spreadsheet.createDeveloperMetadataFinder().withKey(BLOCK_KEY).find()) {
    const id = parseAnchor(metadata.getValue()).id;
    if (!id) continue;
    // Keys are not unique and copies can appear (e.g. a duplicated sheet): keep the first of each.
    const target = kind(metadata) === 'ROW' ? rows : kind(metadata) === 'COLUMN' ? columns : undefined;
    if (target && !target.has(id)) target.set(id, metadata);
  }
  const blocks: LocatedBlock[] = [];
  const broken: BrokenBlock[] = [];
  for (const [id, rowAnchor] of rows) {
    const spec = parseAnchor(rowAnchor.getValue());
    const columnAnchor = columns.get(id);
    const rowRange = rowAnchor.getLocation().getRow();
    const columnRange = columnAnchor?.getLocation().getColumn();
    const sheet = rowAnchor.getLocation().getSheet() ?? rowRange?.getSheet();
    if (!isBlockSpec(spec) || !rowRange || !sheet) continue;
    if (!columnAnchor || !columnRange) {
      broken.push({ id, spec, lost: 'column' });
      continue;
    }
    blocks.push({ spec, sheet, row: rowRange.getRow(), column: columnRange.getColumn(), rowAnchor, columnAnchor });
  }
  for (const id of columns.keys()) if (!rows.has(id)) broken.push({ id, lost: 'row' });
  blocks.sort((a, b) => a.sheet.getName().localeCompare(b.sheet.getName()) || a.row - b.row || a.column - b.column);
  return { blocks, broken };
}
