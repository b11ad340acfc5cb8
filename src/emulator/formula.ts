/**
 * The formulas the emulator evaluates: `=NAME(arg, …)` where an argument is a string ("a""b"),
 * number, TRUE/FALSE, a cell (`B2`, `$B$2`, `Sheet2!B2`, `'My sheet'!B2`) or a range (`A1:C3`,
 * `A:A`). Nested calls and operators are not supported (the cell gets "Formula parse error.").
 */
import { parseA1, type ParsedA1 } from './a1';

export type FormulaArg = { kind: 'literal'; value: string | number | boolean } | { kind: 'ref'; ref: ParsedA1; single: boolean };

export interface ParsedFormula {
  name: string;
  args: FormulaArg[];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const REF = /^(?:'(?:[^']|'')+'!|[A-Za-z_][\w.]*!)?\$?[A-Za-z]{0,3}\$?\d*(?::\$?[A-Za-z]{0,3}\$?\d*)?/;

export function parseFormula(text: string): ParsedFormula | null {
  const m = /^=\s*([A-Za-z_][\w.]*)\s*\(([\s\S]*)\)\s*$/.exec(text);
  if (!m) return null;
  const name = m[1] as string;
  let rest = (m[2] as string).trim();
  const args: FormulaArg[] = [];
  if (rest === '') return { name, args };
  for (;;) {
    rest = rest.trimStart();
    let arg: FormulaArg;
    let used: number;
    if (rest.startsWith('"')) {
      let i = 1;
      let value = '';
      for (; i < rest.length; i += 1) {
        if (rest[i] === '"') {
          if (rest[i + 1] === '"') {
            value += '"';
            i += 1;
            continue;
          }
          break;
        }
        value += rest[i];
      }
      if (i >= rest.length) return null;
      arg = { kind: 'literal', value };
      used = i + 1;
    } else if (/^(TRUE|FALSE)\b(?![!:(])/i.test(rest)) {
      const word = /^(TRUE|FALSE)/i.exec(rest)?.[0] ?? '';
      arg = { kind: 'literal', value: word.toUpperCase() === 'TRUE' };
      used = word.length;
    } else if (NUMBER.test(rest) && !/^\d+:/.test(rest)) {
      const num = NUMBER.exec(rest)?.[0] ?? '';
      arg = { kind: 'literal', value: Number(num) };
      used = num.length;
    } else {
      const refText = REF.exec(rest)?.[0] ?? '';
      const ref = refText ? parseA1(refText) : null;
      if (!ref) return null;
      const single = ref.r1 !== undefined && ref.r1 === ref.r2 && ref.c1 !== undefined && ref.c1 === ref.c2;
      arg = { kind: 'ref', ref, single };
      used = refText.length;
    }
    args.push(arg);
    rest = rest.slice(used).trimStart();
    if (rest === '') return { name, args };
    if (!rest.startsWith(',')) return null;
    rest = rest.slice(1);
  }
}
