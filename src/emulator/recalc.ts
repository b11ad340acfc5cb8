/**
 * Recalculation as Sheets does it for custom functions: every formula cell (of one sheet or all),
 * in waves so that a formula reading another formula's cell runs after it; each call is an
 * execution in customFunction mode, at most 30 at once. Results are written in row order after
 * each wave: a scalar in the cell, a 2-D array spilling right and down (a 1-D array spills down),
 * `#REF!` when the spill would overwrite data. An error in an argument cell propagates unchanged.
 */
import { cellA1, toBox, type Box } from './a1';
import { CUSTOM_FUNCTION_CONCURRENCY } from './limits';
import type { RunResult } from './executor';
import { parseFormula, type FormulaArg, type ParsedFormula } from './formula';
import { MSG } from './messages';
import type { CallerCell } from './protocol';
import { Semaphore } from './semaphore';
import { SheetModel, type CellValue, type ErrorCode, type Workbook } from './services/spreadsheet';

export interface CellOutcome {
  sheet: string;
  a1: string;
  /** A scalar, or a 2-D array for a result that spilled. */
  value?: unknown;
  /** The message Sheets shows on hover. */
  error?: string;
  /** '#ERROR!', '#REF!', '#NAME?'… when there is an error. */
  code?: ErrorCode;
}

interface Job {
  sheet: SheetModel;
  row: number;
  col: number;
  formula: string;
  parsed: ParsedFormula;
  refs: Array<{ sheet: SheetModel; box: Box }>;
}

type Result = { matrix: CellValue[][] } | { code: ErrorCode; message: string };

function inBox(box: Box, row: number, col: number): boolean {
  return row >= box.row && row < box.row + box.numRows && col >= box.col && col < box.col + box.numCols;
}

/** A custom function's return value as rows of cell values. */
function toMatrix(value: unknown): Result {
  const cell = (v: unknown): CellValue | null => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
    return null;
  };
  if (!Array.isArray(value)) {
    const v = cell(value);
    return v === null ? { code: '#ERROR!', message: 'emulator: the result is an object; return a value or an array' } : { matrix: [[v]] };
  }
  if (value.length === 0) return { matrix: [['']] };
  const rows: unknown[][] = value.every((r) => Array.isArray(r)) ? (value as unknown[][]) : value.map((v) => [v]);
  const width = Math.max(1, ...rows.map((r) => r.length));
  const matrix: CellValue[][] = [];
  for (const r of rows) {
    const out: CellValue[] = [];
    for (let c = 0; c < width; c += 1) {
      const v = cell(r[c]);
      if (v === null) return { code: '#ERROR!', message: 'emulator: the result contains an object; return values' };
      out.push(v);
    }
    matrix.push(out);
  }
  return { matrix };
}

export async function recalculate(
  workbook: Workbook,
  run: (fn: string, args: unknown[], caller: CallerCell) => Promise<RunResult>,
  opts: { sheet?: string; concurrency?: number } = {},
): Promise<CellOutcome[]> {
  const sheets = opts.sheet === undefined ? workbook.sheets : [workbook.sheet(opts.sheet)];
  const limit = new Semaphore(Math.max(1, Math.min(opts.concurrency ?? CUSTOM_FUNCTION_CONCURRENCY, CUSTOM_FUNCTION_CONCURRENCY)));
  const outcomes = new Map<string, CellOutcome>();
  const order: string[] = [];
  const pending: Job[] = [];

  const keyOf = (sheet: SheetModel, row: number, col: number) => `${sheet.name}!${cellA1(row, col)}`;

  const apply = (job: { sheet: SheetModel; row: number; col: number }, result: Result) => {
    const { sheet, row, col } = job;
    const anchor = sheet.ensure(row, col);
    sheet.clearSpill(row, col);
    delete anchor.error;
    const key = keyOf(sheet, row, col);
    const fail = (code: ErrorCode, message: string) => {
      anchor.value = '';
      anchor.error = { code, message };
      outcomes.set(key, { sheet: sheet.name, a1: cellA1(row, col), error: message, code });
    };
    if ('code' in result) return fail(result.code, result.message);
    const { matrix } = result;
    for (let r = 0; r < matrix.length; r += 1) {
      for (let c = 0; c < (matrix[r] as CellValue[]).length; c += 1) {
        if (r === 0 && c === 0) continue;
        if (SheetModel.hasContent(sheet.get(row + r, col + c))) return fail('#REF!', MSG.spill(cellA1(row + r, col + c)));
      }
    }
    sheet.maxRows = Math.max(sheet.maxRows, row + matrix.length - 1);
    sheet.maxCols = Math.max(sheet.maxCols, col + (matrix[0]?.length ?? 1) - 1);
    matrix.forEach((cells, r) =>
      cells.forEach((value, c) => {
        const target = sheet.ensure(row + r, col + c);
        target.value = value;
        if (r !== 0 || c !== 0) target.spillOf = SheetModel.key(row, col);
      }),
    );
    const single = matrix.length === 1 && matrix[0]?.length === 1;
    outcomes.set(key, { sheet: sheet.name, a1: cellA1(row, col), value: single ? matrix[0]?.[0] : matrix });
  };

  for (const sheet of sheets) {
    const cells = sheet.entries().filter(([, , cell]) => cell.formula !== undefined);
    cells.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [row, col, cell] of cells) {
      order.push(keyOf(sheet, row, col));
      const parsed = parseFormula(cell.formula as string);
      if (!parsed) {
        // A reference whose rows or columns were deleted reads #REF! (see refs.ts).
        const deleted = /#REF!/.test((cell.formula as string).replace(/"(?:[^"]|"")*"/g, ''));
        apply({ sheet, row, col }, deleted ? { code: '#REF!', message: MSG.referenceDeleted } : { code: '#ERROR!', message: MSG.parseError });
        continue;
      }
      const refs: Job['refs'] = [];
      let bad = false;
      for (const arg of parsed.args) {
        if (arg.kind !== 'ref') continue;
        const target = arg.ref.sheet === undefined ? sheet : workbook.find(arg.ref.sheet);
        if (!target) bad = true;
        else refs.push({ sheet: target, box: toBox(arg.ref, target.maxRows, target.maxCols) });
      }
      if (bad) apply({ sheet, row, col }, { code: '#REF!', message: 'Unresolved sheet name.' });
      else pending.push({ sheet, row, col, formula: cell.formula as string, parsed, refs });
    }
  }

  const argValue = (job: Job, arg: FormulaArg, index: number): { value: unknown } | { code: ErrorCode; message: string } => {
    if (arg.kind === 'literal') return { value: arg.value };
    const ref = job.refs[job.parsed.args.slice(0, index).filter((a) => a.kind === 'ref').length] as Job['refs'][number];
    const rows: unknown[][] = [];
    for (let r = 0; r < ref.box.numRows; r += 1) {
      const row: unknown[] = [];
      for (let c = 0; c < ref.box.numCols; c += 1) {
        const cell = ref.sheet.get(ref.box.row + r, ref.box.col + c);
        if (cell?.error) return { ...cell.error };
        row.push(cell?.value ?? '');
      }
      rows.push(row);
    }
    return { value: arg.single ? rows[0]?.[0] : rows };
  };

  while (pending.length > 0) {
    const ready = pending.filter((job) => !job.refs.some((ref) => pending.some((other) => other.sheet === ref.sheet && inBox(ref.box, other.row, other.col))));
    if (ready.length === 0) {
      for (const job of pending.splice(0)) apply(job, { code: '#REF!', message: MSG.circular });
      break;
    }
    const results = await Promise.all(
      ready.map(async (job): Promise<Result> => {
        const args: unknown[] = [];
        for (const [i, arg] of job.parsed.args.entries()) {
          const v = argValue(job, arg, i);
          if ('code' in v) return v;
          args.push(v.value);
        }
        const res = await limit.use(() => run(job.parsed.name, args, { sheet: job.sheet.name, row: job.row, col: job.col }));
        if (res.error !== undefined) return { code: res.errorName === 'UnknownFunction' ? '#NAME?' : '#ERROR!', message: res.error };
        return toMatrix(res.value);
      }),
    );
    ready.forEach((job, i) => {
      pending.splice(pending.indexOf(job), 1);
      apply(job, results[i] as Result);
    });
  }

  return order.map((key) => outcomes.get(key)).filter((o): o is CellOutcome => o !== undefined);
}
