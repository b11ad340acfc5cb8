/**
 * Do the analyst's SQL on the source and the metric on the lake give the same numbers? A speed-up
 * is only worth reporting between two answers to the same question. Rows are keyed by every cell
 * but the last (period, dimension), the last is the value. An empty period reads 0 in the API and
 * is absent from a GROUP BY, so a missing value equals 0 or null; a group the API hides (fewer
 * records than the metric's minimum group size, `meta.suppressed`) is counted apart.
 */
import type { Cell, QueryResult } from '../../src/contract/types';

export interface AnswerComparison {
  /** Keys (period × dimension) seen on either side. */
  keys: number;
  /** Keys whose values differ beyond the tolerance. */
  differences: number;
  /** Keys with a value in the source and none in the API while the API says it suppressed groups. */
  suppressed: number;
  /** The first few differences, for the report. */
  examples: string[];
}

type Answer = Map<string, number | null>;

function keyed(rows: ReadonlyArray<readonly unknown[]>): Answer {
  const answer: Answer = new Map();
  for (const row of rows) {
    const value = row[row.length - 1];
    answer.set(row.slice(0, -1).map(String).join(' | '), value === null || value === undefined ? null : Number(value));
  }
  return answer;
}

const emptyish = (value: number | null | undefined) => value === null || value === undefined || value === 0;

export function compareAnswers(sourceRows: ReadonlyArray<readonly unknown[]>, api: QueryResult, tolerance: number): AnswerComparison {
  const source = keyed(sourceRows);
  const lake = keyed(api.rows as Cell[][]);
  const apiSuppressed = (api.meta.suppressed?.groups ?? 0) > 0;
  const result: AnswerComparison = { keys: 0, differences: 0, suppressed: 0, examples: [] };
  for (const key of new Set([...source.keys(), ...lake.keys()])) {
    result.keys += 1;
    const a = source.get(key);
    const b = lake.get(key);
    if (emptyish(a) && emptyish(b)) continue;
    if (a !== null && a !== undefined && b !== null && b !== undefined && Math.abs(a - b) <= tolerance) continue;
    if (apiSuppressed && (b === null || b === undefined)) {
      result.suppressed += 1;
      continue;
    }
    result.differences += 1;
    if (result.examples.length < 3) result.examples.push(`${key}: source ${a ?? '—'}, lake ${b ?? '—'}`);
  }
  return result;
}
