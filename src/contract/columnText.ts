/**
 * How an answer's columns and cells read to people: one wording for cells, blocks, the sidebar and
 * the CLI. The labels come with the answer (`Column.valueLabels`), so no client holds a table of them.
 */
import type { Cell, Column, Lang } from './types';

/**
 * 売上（円） / Revenue (JPY): the column's title, with the unit where the title does not say it: yen.
 * Counts, ratios and scores are named by their titles (…数, …率, 平均評価), and what a count counts
 * (people, boxes, units) is not in the contract.
 */
export function columnHeader(column: Column, lang: Lang): string {
  const title = column.title[lang];
  return column.unit !== 'JPY' ? title : lang === 'ja' ? `${title}（円）` : `${title} (JPY)`;
}

/** A cell as people read it: a dimension value's label when the answer carries one, else the value. */
export function cellText<C extends Cell>(cell: C, column: Column | undefined, lang: Lang): C | string {
  return typeof cell === 'string' ? (column?.valueLabels?.[cell]?.[lang] ?? cell) : cell;
}
