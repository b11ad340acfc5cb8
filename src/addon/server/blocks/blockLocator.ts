/** Finds blocks through their row and column anchors, wherever inserts have moved them. */
import { BLOCK_KEY, isBlockSpec, parseAnchor, type BlockSpec } from './blockSpec';
import type { DeveloperMetadataLike, SheetLike, SpreadsheetLike } from './sheetTypes';

export interface LocatedBlock {
  spec: BlockSpec;
  sheet: SheetLike;
  /** 1-based top-left cell. */
  row: number;
  column: number;
  /** What the block occupies now: its last extent, stretched by rows or columns inserted inside. */
  rows: number;
  columns: number;
  rowAnchor: DeveloperMetadataLike;
  /** The first-column, last-row and last-column anchors. */
  edges: DeveloperMetadataLike[];
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
  const edges = new Map<string, Map<string, DeveloperMetadataLike>>();
  for (const metadata of spreadsheet.createDeveloperMetadataFinder().withKey(BLOCK_KEY).find()) {
    const anchor = parseAnchor(metadata.getValue()) as { id?: string; edge?: string };
    if (!anchor.id) continue;
    // Keys are not unique and copies can appear (e.g. a duplicated sheet): keep the first of each.
    if (kind(metadata) === 'ROW' && !anchor.edge) {
      if (!rows.has(anchor.id)) rows.set(anchor.id, metadata);
    } else if (anchor.edge) {
      const byEdge = edges.get(anchor.id) ?? new Map<string, DeveloperMetadataLike>();
      if (!byEdge.has(anchor.edge)) byEdge.set(anchor.edge, metadata);
      edges.set(anchor.id, byEdge);
    }
  }
  const blocks: LocatedBlock[] = [];
  const broken: BrokenBlock[] = [];
  for (const [id, rowAnchor] of rows) {
    const spec = parseAnchor(rowAnchor.getValue());
    const byEdge = edges.get(id);
    const rowRange = rowAnchor.getLocation().getRow();
    const column = byEdge?.get('first-column')?.getLocation().getColumn()?.getColumn();
    const sheet = rowAnchor.getLocation().getSheet() ?? rowRange?.getSheet();
    if (!isBlockSpec(spec) || !rowRange || !sheet) continue;
    if (column === undefined) {
      broken.push({ id, spec, lost: 'column' });
      continue;
    }
    const row = rowRange.getRow();
    const lastRow = byEdge?.get('last-row')?.getLocation().getRow()?.getRow();
    const lastColumn = byEdge?.get('last-column')?.getLocation().getColumn()?.getColumn();
    blocks.push({
      spec,
      sheet,
      row,
      column,
      rows: lastRow !== undefined && lastRow >= row ? Math.max(spec.rows, lastRow - row + 1) : spec.rows,
      columns: lastColumn !== undefined && lastColumn >= column ? Math.max(spec.columns, lastColumn - column + 1) : spec.columns,
      rowAnchor,
      edges: [...(byEdge?.values() ?? [])],
    });
  }
  for (const id of edges.keys()) if (!rows.has(id)) broken.push({ id, lost: 'row' });
  blocks.sort((a, b) => a.sheet.getName().localeCompare(b.sheet.getName()) || a.row - b.row || a.column - b.column);
  return { blocks, broken };
}
