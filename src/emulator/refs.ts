/**
 * What Sheets does to formulas' A1 references when rows or columns are inserted or deleted:
 * references at or after an insertion move by the count, ranges that straddle it grow; references
 * into deleted rows/columns become `#REF!`, ranges that lose part of their rows/columns shrink.
 * Absolute (`$`) references move too. References to other sheets are adjusted when that sheet
 * changes. Text inside string literals is left alone.
 */
import { columnLetters, columnNumber } from './a1';

export interface DimensionEdit {
  /** The sheet whose rows or columns changed. */
  sheet: string;
  dimension: 'ROWS' | 'COLUMNS';
  kind: 'insert' | 'delete';
  /** First inserted / deleted index (1-based). */
  at: number;
  count: number;
}

const PREFIX = `(?:'((?:[^']|'')+)'|([A-Za-z_][A-Za-z0-9_.]*))!`;
const CELL = '\\$?[A-Za-z]{1,3}\\$?\\d+';
const COL = '\\$?[A-Za-z]{1,3}';
const ROW = '\\$?\\d+';
const REF = new RegExp(`(?:${PREFIX})?(?:(${CELL})(?::(${CELL}))?|(${COL}):(${COL})|(${ROW}):(${ROW}))(?![A-Za-z0-9_.!(])`, 'y');

interface Part {
  col?: number;
  row?: number;
  colAbs: boolean;
  rowAbs: boolean;
}

function parsePart(text: string): Part {
  const m = /^(\$?)([A-Za-z]*)(\$?)(\d*)$/.exec(text) as RegExpExecArray;
  const part: Part = { colAbs: false, rowAbs: false };
  if (m[2]) {
    part.col = columnNumber(m[2]);
    part.colAbs = m[1] === '$';
  }
  if (m[4]) {
    part.row = Number(m[4]);
    part.rowAbs = m[2] ? m[3] === '$' : m[1] === '$';
  }
  return part;
}

function partText(p: Part): string {
  let out = '';
  if (p.col !== undefined) out += `${p.colAbs ? '$' : ''}${columnLetters(p.col)}`;
  if (p.row !== undefined) out += `${p.rowAbs ? '$' : ''}${p.row}`;
  return out;
}

/** The new [start, end] of an interval of indexes, or null when all of it was deleted (also moves charts' ranges). */
export function moveInterval(start: number, end: number, edit: DimensionEdit): [number, number] | null {
  if (edit.kind === 'insert') {
    return [start >= edit.at ? start + edit.count : start, end >= edit.at ? end + edit.count : end];
  }
  const last = edit.at + edit.count - 1;
  if (start >= edit.at && end <= last) return null;
  const newStart = start < edit.at ? start : start > last ? start - edit.count : edit.at;
  const newEnd = end > last ? end - edit.count : end < edit.at ? end : edit.at - 1;
  return [newStart, newEnd];
}

/** The reference text after the edit, or '#REF!'. */
function adjustRef(a: string, b: string | undefined, edit: DimensionEdit): string {
  const p1 = parsePart(a);
  const p2 = b === undefined ? undefined : parsePart(b);
  const key = edit.dimension === 'ROWS' ? 'row' : 'col';
  const v1 = p1[key];
  if (v1 === undefined) return b === undefined ? a : `${a}:${b}`;
  const v2 = p2?.[key] ?? v1;
  const [lo, hi] = v1 <= v2 ? [v1, v2] : [v2, v1];
  const moved = moveInterval(lo, hi, edit);
  if (!moved) return '#REF!';
  const [first, second] = v1 <= v2 ? [p1, p2] : [p2 as Part, p1];
  first[key] = moved[0];
  if (second) second[key] = moved[1];
  return p2 === undefined ? partText(p1) : `${partText(p1)}:${partText(p2)}`;
}

/** `formula` (in a cell of `formulaSheet`) after the edit; unchanged text when nothing refers to the edited sheet. */
export function adjustFormula(formula: string, formulaSheet: string, edit: DimensionEdit): string {
  let out = '';
  let i = 0;
  const target = edit.sheet.toLowerCase();
  while (i < formula.length) {
    const ch = formula[i] as string;
    if (ch === '"') {
      let j = i + 1;
      while (j < formula.length) {
        if (formula[j] === '"') {
          if (formula[j + 1] === '"') {
            j += 2;
            continue;
          }
          break;
        }
        j += 1;
      }
      out += formula.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const prev = i === 0 ? '' : (formula[i - 1] as string);
    const boundary = !/[A-Za-z0-9_.$]/.test(prev);
    if (boundary && /[A-Za-z0-9$'_]/.test(ch)) {
      REF.lastIndex = i;
      const m = REF.exec(formula);
      if (m) {
        const [text, quoted, bare, c1, c2, k1, k2, r1, r2] = m;
        const prefixSheet = quoted !== undefined ? quoted.replace(/''/g, "'") : bare;
        const refSheet = (prefixSheet ?? formulaSheet).toLowerCase();
        if (refSheet !== target) out += text;
        else {
          const prefix = text.slice(0, text.length - (c1 ?? k1 ?? r1 ?? '').length - ((c2 ?? k2 ?? r2) ? 1 + (c2 ?? k2 ?? r2 ?? '').length : 0));
          const adjusted = adjustRef((c1 ?? k1 ?? r1) as string, c2 ?? k2 ?? r2, edit);
          out += adjusted === '#REF!' ? '#REF!' : prefix + adjusted;
        }
        i += text.length;
        continue;
      }
      const word = /^[A-Za-z0-9_.$]+/.exec(formula.slice(i))?.[0] ?? ch;
      out += word;
      i += word.length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
}
