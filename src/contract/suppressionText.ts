/**
 * What hidden groups are called, in one place: the CLI's footer, a SNAQ_METRIC footnote, a block's
 * note and the sidebar's preview all say these sentences. A series' emptied periods are "groups"
 * too, so one word covers every answer. Plain ECMAScript (no Intl), as it runs on Apps Script.
 */
import type { Lang, Suppressed } from './types';

/** What made a group too small: people (the person floor) and, when the record floor is higher, records. */
function floorOf(suppressed: Suppressed, lang: Lang): string {
  const records = lang === 'ja' ? `${suppressed.minGroupSize} 件未満` : `fewer than ${suppressed.minGroupSize} records`;
  if (suppressed.reason !== 'person_floor') return records;
  const people = suppressed.minPeople;
  // The contract names the floor whenever it applied; an answer that does not is still told apart from the record floor.
  if (people === undefined) return lang === 'ja' ? '少人数' : 'too few people';
  // A group under the record floor has fewer people than records, so a record floor at or below the person floor adds nothing.
  if (suppressed.minGroupSize <= people) return lang === 'ja' ? `${people} 人未満` : `fewer than ${people} people`;
  return lang === 'ja' ? `${people} 人未満または ${suppressed.minGroupSize} 件未満` : `fewer than ${people} people or ${suppressed.minGroupSize} records`;
}

/** How many of the hidden groups were hidden only so that none can be worked out by subtraction. */
function complementaryOf(suppressed: Suppressed): number {
  return Math.min(Math.max(0, suppressed.complementary ?? 0), suppressed.groups);
}

/**
 * "3 groups hidden: groups of fewer than 5 people, and 1 more so that none can be worked out by subtraction." /
 * 「3 グループを非表示にしました（5 人未満のグループと、差し引きで求められないようにするための 1 グループ）。」
 * An answer cached before `reason` existed is read as the record floor's.
 */
export function suppressionText(suppressed: Suppressed, lang: Lang): string {
  const { groups } = suppressed;
  const floor = floorOf(suppressed, lang);
  const complementary = complementaryOf(suppressed);
  if (lang === 'ja') {
    const why = complementary > 0 ? `${floor}のグループと、差し引きで求められないようにするための ${complementary} グループ` : floor;
    return `${groups} グループを非表示にしました（${why}）。`;
  }
  const hidden = `${groups} ${groups === 1 ? 'group' : 'groups'} hidden`;
  if (complementary === 0) return `${hidden} (${floor}).`;
  const primary = groups - complementary;
  const small = primary === 1 ? `a group of ${floor}` : `groups of ${floor}`;
  const subtraction = primary === 1 ? 'it cannot' : 'none can';
  return `${hidden}: ${small}, and ${complementary} more so that ${subtraction} be worked out by subtraction.`;
}

/** Why one value (the whole range, SNAQ_VALUE) is hidden, and what to do about it, in one sentence. */
export function hiddenValueText(suppressed: Suppressed, lang: Lang): string {
  if (complementaryOf(suppressed) >= suppressed.groups) {
    return lang === 'ja'
      ? '差し引きで小さなグループの値が求められないよう、この値を表示していません。期間を広げるか、絞り込みを外してください。'
      : 'This value is hidden so that a smaller group cannot be worked out by subtraction: widen the range or drop a filter.';
  }
  const floor = floorOf(suppressed, lang);
  return lang === 'ja'
    ? `この条件に当てはまるのは ${floor}のため、個人が特定されないよう値を表示していません。期間を広げるか、絞り込みを外してください。`
    : `${floor.charAt(0).toUpperCase()}${floor.slice(1)} match these conditions, so the value is hidden to protect individuals: widen the range or drop a filter.`;
}

/** A metric's person floor, as its page states it: 「人の属性で分けると、5 人未満のグループは表示しません」. */
export function personFloorText(minPeople: number, lang: Lang): string {
  return lang === 'ja'
    ? `人の属性で分けると、${minPeople} 人未満のグループは表示しません。`
    : `Split or filtered by who people are, groups of fewer than ${minPeople} people are hidden.`;
}
