/**
 * How an answer's columns and cells read to people: one wording for cells, blocks, the sidebar and
 * the CLI. The labels come with the answer (`Column.valueLabels`), so no client holds a table of them.
 */
import type { Cell, Column, Lang, LocalizedText, Unit } from './types';

/**
 * The unit in a header where the title does not say it: yen. Counts, ratios and scores are named by
 * their titles (…数, …率, 平均評価), and a count's unit (people, boxes, units) is not in the contract.
 */
const UNIT_IN_HEADER: Partial<Record<Unit, LocalizedText>> = { JPY: { ja: '円', en: 'JPY' } };

/** 売上（円） / Revenue (JPY): the column's title, with its unit where it helps. */
export function columnHeader(column: Column, lang: Lang): string {
  const unit = column.unit && UNIT_IN_HEADER[column.unit];
  if (!unit) return column.title[lang];
  return lang === 'ja' ? `${column.title.ja}（${unit.ja}）` : `${column.title.en} (${unit.en})`;
}

/** A cell as people read it: a dimension value's label when the answer carries one, else the value. */
export function cellText<C extends Cell>(cell: C, column: Column | undefined, lang: Lang): C | string {
  return typeof cell === 'string' ? (column?.valueLabels?.[cell]?.[lang] ?? cell) : cell;
}
