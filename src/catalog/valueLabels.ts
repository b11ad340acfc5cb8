/**
 * Dimension values as people read them: the labels a dimension declares (vocabulary.ts
 * `valueLabels`), which typed text names which code, and the labels an answer carries beside its
 * codes (only for the values it holds, so answers stay small).
 */
import type { Cell, Column, LocalizedText } from '../contract/types';
import type { DimensionDef } from './vocabulary';

/** How typed text is compared with codes and labels: full-width folded (NFKC), trimmed, any case. */
export const labelKey = (text: string): string => text.normalize('NFKC').trim().toLowerCase();

/** Every spelling a dimension accepts (code, Japanese, English) → the codes it names (more than one is a catalog error). */
export function spellingsOf(dimension: DimensionDef): Map<string, Set<string>> {
  const spellings = new Map<string, Set<string>>();
  const add = (text: string, code: string) => spellings.set(labelKey(text), (spellings.get(labelKey(text)) ?? new Set<string>()).add(code));
  for (const code of dimension.values ?? []) add(code, code);
  for (const [code, label] of Object.entries(dimension.valueLabels ?? {})) for (const text of [code, label.ja, label.en]) add(text, code);
  return spellings;
}

const indexes = new WeakMap<DimensionDef, Map<string, string>>();

/** The code `text` names: the code itself, or either of its labels; undefined when it names none. */
export function codeFor(dimension: DimensionDef, text: string): string | undefined {
  if (dimension.values?.includes(text)) return text;
  let index = indexes.get(dimension);
  if (!index) {
    // The catalog refuses a spelling shared by two codes, so each names one.
    index = new Map([...spellingsOf(dimension)].map(([spelling, codes]) => [spelling, [...codes][0]!]));
    indexes.set(dimension, index);
  }
  return index.get(labelKey(text));
}

/** The labels of those of `values` the dimension has words for; undefined when none has. */
export function labelsOf(dimension: DimensionDef | undefined, values: Iterable<Cell>): Record<string, LocalizedText> | undefined {
  const labels = dimension?.valueLabels;
  if (!labels) return undefined;
  const found: Record<string, LocalizedText> = {};
  for (const value of values) {
    if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(labels, value)) found[value] = labels[value]!;
  }
  return Object.keys(found).length ? found : undefined;
}

/** A contributor (or anything naming a dimension's value) with the value's words, when there are any. */
export function withValueLabel<T extends { value: Cell }>(named: T, dimension: DimensionDef | undefined): T & { valueLabel?: LocalizedText } {
  const valueLabel = labelsOf(dimension, [named.value])?.[String(named.value)];
  return valueLabel ? { ...named, valueLabel } : named;
}

/** The columns with each dimension column's `valueLabels`: the labels of the values in its rows. */
export function withValueLabels(columns: readonly Column[], rows: readonly Cell[][], dimensionOf: (name: string) => DimensionDef | undefined): Column[] {
  return columns.map((column, index) => {
    if (column.role !== 'dimension') return column;
    const valueLabels = labelsOf(
      dimensionOf(column.name),
      rows.map((row) => row[index] ?? null),
    );
    return valueLabels ? { ...column, valueLabels } : column;
  });
}
