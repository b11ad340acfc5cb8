/** A1 notation: `B3`, `$B$3`, `A1:C4`, `A:C` (whole columns), `2:4` (whole rows), with an optional `Sheet!` or `'My sheet'!` prefix. */

export interface Box {
  row: number;
  col: number;
  numRows: number;
  numCols: number;
}

export interface ParsedA1 {
  sheet?: string;
  /** 1-based; `undefined` bounds mean "to the edge of the sheet" (whole rows or columns). */
  r1?: number;
  c1?: number;
  r2?: number;
  c2?: number;
}

export function columnLetters(col: number): string {
  let n = col;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function cellA1(row: number, col: number): string {
  return `${columnLetters(col)}${row}`;
}

export function boxA1(box: Box): string {
  const start = cellA1(box.row, box.col);
  if (box.numRows === 1 && box.numCols === 1) return start;
  return `${start}:${cellA1(box.row + box.numRows - 1, box.col + box.numCols - 1)}`;
}

/** A sheet's name as an A1 prefix (before the `!`): quoted unless it is a plain identifier. */
export function sheetPrefix(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

const PART = /^\$?([A-Za-z]{1,3})?\$?(\d+)?$/;

function parsePart(part: string): { row?: number; col?: number } | null {
  const m = PART.exec(part);
  if (!m || (!m[1] && !m[2])) return null;
  const out: { row?: number; col?: number } = {};
  if (m[1]) out.col = columnNumber(m[1]);
  if (m[2]) out.row = Number(m[2]);
  return out;
}

/** Splits a leading `Sheet!` / `'It''s'!` prefix. */
export function splitSheet(text: string): { sheet?: string; rest: string } {
  const quoted = /^'((?:[^']|'')+)'!(.*)$/.exec(text);
  if (quoted) return { sheet: (quoted[1] ?? '').replace(/''/g, "'"), rest: quoted[2] ?? '' };
  const bang = text.lastIndexOf('!');
  if (bang > 0) return { sheet: text.slice(0, bang), rest: text.slice(bang + 1) };
  return { rest: text };
}

export function parseA1(text: string): ParsedA1 | null {
  const { sheet, rest } = splitSheet(text.trim());
  const [a, b, extra] = rest.split(':');
  if (a === undefined || extra !== undefined) return null;
  const start = parsePart(a);
  const end = b === undefined ? start : parsePart(b);
  if (!start || !end) return null;
  // "A1" needs both parts; "A:B" and "2:3" need the same kind on both sides.
  if (b === undefined && (start.row === undefined || start.col === undefined)) return null;
  const out: ParsedA1 = {};
  if (sheet !== undefined) out.sheet = sheet;
  const rows = [start.row, end.row];
  const cols = [start.col, end.col];
  if ((rows[0] === undefined) !== (rows[1] === undefined) || (cols[0] === undefined) !== (cols[1] === undefined)) return null;
  if (rows[0] !== undefined && rows[1] !== undefined) {
    out.r1 = Math.min(rows[0], rows[1]);
    out.r2 = Math.max(rows[0], rows[1]);
  }
  if (cols[0] !== undefined && cols[1] !== undefined) {
    out.c1 = Math.min(cols[0], cols[1]);
    out.c2 = Math.max(cols[0], cols[1]);
  }
  if (out.r1 === 0 || out.c1 === 0) return null;
  return out;
}

/** Resolves open bounds against a sheet's size. */
export function toBox(parsed: ParsedA1, maxRows: number, maxCols: number): Box {
  const r1 = parsed.r1 ?? 1;
  const r2 = parsed.r2 ?? maxRows;
  const c1 = parsed.c1 ?? 1;
  const c2 = parsed.c2 ?? maxCols;
  return { row: r1, col: c1, numRows: r2 - r1 + 1, numCols: c2 - c1 + 1 };
}
