/**
 * Which groups of an answer are hidden, and why (docs/PRIVACY.md). Pure: the service runs it on the
 * engine's rows, whose hidden columns (compile.ts) say how many records and people formed each.
 *
 *   1. `min_group_size`: fewer records than the metric's minGroupSize.
 *   2. `person_floor`: under the floor, fewer distinct people than minPeople, or a filter took out of
 *      the group between 1 and minPeople − 1 people (the same split without that filter, minus this
 *      group, would be them).
 *   3. Complementary suppression, on additive metrics: a total minus the visible groups must not give
 *      one hidden group. The answer is a table over its axes (each dimension, and the periods when
 *      there is a grain). Along each axis, a line (every other coordinate fixed) that hides exactly
 *      one group hides one more: the visible group of the fewest people (then records, then the
 *      smallest |value|, then the group's coordinates as text). Repeated until no line changes.
 *      Empty groups (no records) are never chosen: hiding a zero reveals nothing.
 *
 * With a comparison (`compare`), each row holds two groups, one per side (the period and the earlier
 * one): each side is judged and complemented on its own, a hidden side's value is emptied, and a
 * row with dimensions is left out only when no side is shown.
 */
import type { Cell, Suppressed } from '../contract/types';

/** One group per row: its value, and where its hidden columns start (GROUP_SIZE_COLUMN, then people…). */
export interface GroupSide {
  valueIndex: number;
  sizeIndex: number;
}

export interface GroupLayout {
  /** Where each row's coordinates are: the period (with a grain) and the dimensions, in order. */
  axes: readonly number[];
  /** The value and its hidden columns; a comparison adds the earlier period's as a second side. */
  sides: readonly GroupSide[];
  /** Without dimensions every period keeps its row, emptied, so the series has no holes. */
  keepsEveryPeriod: boolean;
}

export interface SuppressionRules {
  minGroupSize: number;
  /** The person floor, when it applies: PEOPLE_COLUMN and `removedColumns` REMOVED_PEOPLE_COLUMNs follow sizeIndex. */
  personFloor?: { minPeople: number; removedColumns: number };
  /** Whether groups add up to a total that could be asked for (sums and counts). */
  additive: boolean;
}

export interface SuppressedRows {
  /** The rows to show, without the hidden columns. */
  rows: Cell[][];
  /** Present when a group was hidden. */
  suppressed?: Suppressed;
  /** Present when a group was hidden: every row (hidden columns dropped, values kept) and which are hidden. */
  beforeSuppression?: { rows: Cell[][]; hidden: boolean[] };
}

type Hidden = 'records' | 'people' | 'complementary';

interface Group {
  row: Cell[];
  side: GroupSide;
  records: number;
  people: number;
  key: string;
  hidden?: Hidden;
}

const numberAt = (row: readonly Cell[], index: number): number => Number(row[index] ?? 0);

function firstHidden(row: readonly Cell[], side: GroupSide, rules: SuppressionRules): Hidden | undefined {
  const records = numberAt(row, side.sizeIndex);
  if (records <= 0) return undefined;
  const floor = rules.personFloor;
  if (floor) {
    const people = numberAt(row, side.sizeIndex + 1);
    const removed = Array.from({ length: floor.removedColumns }, (_, i) => row[side.sizeIndex + 2 + i]);
    if (people < floor.minPeople || removed.some((taken) => taken !== null && taken !== undefined && Number(taken) < floor.minPeople)) return 'people';
  }
  return records < rules.minGroupSize ? 'records' : undefined;
}

/** The order complementary suppression picks in: fewest people, then records, then smallest |value|, then coordinates. */
function pickOrder(a: Group, b: Group): number {
  return (
    a.people - b.people ||
    a.records - b.records ||
    Math.abs(Number(a.row[a.side.valueIndex] ?? 0)) - Math.abs(Number(b.row[b.side.valueIndex] ?? 0)) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/** Hides one more group in every line (of one side) that hides exactly one, until none does. */
function suppressComplements(groups: Group[], layout: GroupLayout): void {
  const lineKey = (group: Group, axis: number) => JSON.stringify(layout.axes.filter((index) => index !== axis).map((index) => group.row[index] ?? null));
  for (let changed = true; changed;) {
    changed = false;
    for (const axis of layout.axes) {
      const lines = new Map<string, Group[]>();
      for (const group of groups) {
        if (group.records <= 0) continue;
        const key = lineKey(group, axis);
        const line = lines.get(key);
        if (line) line.push(group);
        else lines.set(key, [group]);
      }
      for (const line of lines.values()) {
        if (line.filter((group) => group.hidden).length !== 1) continue;
        const candidate = line.filter((group) => !group.hidden).sort(pickOrder)[0];
        if (!candidate) continue;
        candidate.hidden = 'complementary';
        changed = true;
      }
    }
  }
}

export function suppressGroups(rows: readonly Cell[][], layout: GroupLayout, rules: SuppressionRules): SuppressedRows {
  const firstHiddenColumn = Math.min(...layout.sides.map((side) => side.sizeIndex));
  const bySide = layout.sides.map((side) =>
    rows.map((row): Group => ({
      row,
      side,
      records: numberAt(row, side.sizeIndex),
      people: rules.personFloor ? numberAt(row, side.sizeIndex + 1) : numberAt(row, side.sizeIndex),
      key: JSON.stringify(layout.axes.map((index) => row[index] ?? null)),
      hidden: firstHidden(row, side, rules),
    })),
  );
  if (rules.additive) for (const groups of bySide) if (groups.some((group) => group.hidden)) suppressComplements(groups, layout);
  const groups = bySide.flat();
  const hidden = groups.filter((group) => group.hidden);
  const visibleRows = rows.flatMap((row, index) => {
    const sides = bySide.map((groups) => groups[index]!);
    // With dimensions a row goes when none of its groups is shown (a side with no records is not shown).
    if (!layout.keepsEveryPeriod && sides.some((group) => group.hidden) && sides.every((group) => group.hidden || group.records <= 0)) return [];
    const visible = row.slice(0, firstHiddenColumn);
    for (const group of sides) if (group.hidden) visible[group.side.valueIndex] = null;
    return [visible];
  });
  if (hidden.length === 0) return { rows: visibleRows };
  const complementary = hidden.filter((group) => group.hidden === 'complementary').length;
  const byPeople = hidden.some((group) => group.hidden === 'people');
  return {
    rows: visibleRows,
    beforeSuppression: { rows: rows.map((row) => row.slice(0, firstHiddenColumn)), hidden: bySide[0]!.map((group) => group.hidden !== undefined) },
    suppressed: {
      groups: hidden.length,
      minGroupSize: rules.minGroupSize,
      reason: byPeople ? 'person_floor' : 'min_group_size',
      ...(rules.personFloor ? { minPeople: rules.personFloor.minPeople } : {}),
      ...(complementary ? { complementary } : {}),
    },
  };
}
