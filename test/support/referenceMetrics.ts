/**
 * An independent reference implementation of every governed metric, in plain TypeScript over the
 * raw lake rows (see lakeRows.ts). It is written from each metric's definition text, NOT from the
 * catalog's SQL fragments or the compiler: nothing in src/ is imported here except types.
 *
 * Semantics implemented (the documented contract of the metrics API):
 *   - Lake timestamps are naive UTC; business days are JST (UTC+9, no DST). DATE columns already
 *     hold JST days.
 *   - A flow metric counts events whose JST day is in [from, to), grouped by the start of the
 *     period (day, ISO week from Monday, month, quarter, year) holding that JST day.
 *   - A snapshot ("active subscriptions") counts subscriptions with started_at < T and
 *     (canceled_at IS NULL or canceled_at >= T), where T is JST midnight of
 *     min(next period start, to) at period end, or of max(period start, from) at period start.
 *   - No grain: one row for the whole range, without a period column.
 *   - No dimensions: every period of the range appears; empty ones are 0 for sums and counts and
 *     null for averages and ratios. With dimensions, only groups that have data appear.
 *   - Ratios are null when the denominator is 0.
 *   - The data ends when the lake's fact tables were snapshotted (`dataEnd`, epoch microseconds):
 *     nothing is known of a period that begins at or after it, nor of a count taken at the end of a
 *     period that ends after it. Such a period has no value (null without dimensions, no rows with
 *     them), and is not counted as suppressed. The period holding the end keeps what came before it.
 *   - Rows formed by 1..minGroupSize-1 records are suppressed (records: the number of rows summed
 *     or counted, of ratings for averages, of the denominator for ratios, or of the numerator when
 *     the denominator has none) and counted. Without dimensions the period stays, with value null.
 *   - The person floor (issue 14): when `minPeople` is given and a dimension or filter describes who
 *     people are (PERSON_ATTRIBUTES), a row with records is also suppressed when it has fewer than
 *     minPeople distinct people (a total: its largest source's; a ratio: the numerator's when it
 *     has records and the denominator has at least as many, else the denominator's), or — for totals
 *     with filters — when, for some filter, the rows failing only that filter come from 1..minPeople-1
 *     people (the people of the largest source). Then, for totals, complementary suppression: over
 *     the axes (period with a grain, each dimension), any line (all other coordinates equal, records
 *     > 0) with exactly one suppressed row suppresses its unsuppressed row with the fewest people,
 *     then fewest records, then smallest |value|, then smallest coordinates JSON; until none changes.
 */
import type { BoxRow, LakeRows, PersonId, ProductRow, ShopOrderRow, SubscriptionRow, UserRow } from './lakeRows';

export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';
export type RefCell = string | number | null;
export type DimValues = Readonly<Record<string, string | null>>;

export interface RefQuery {
  metric: string;
  from: string;
  to: string;
  grain?: Grain;
  dimensions?: string[];
  filters?: Record<string, string | string[]>;
  compare?: 'previous_period' | 'previous_year';
}

export interface RefResult {
  /** Column names: 'period' (with a grain), the dimensions, 'value'. */
  columns: string[];
  rows: RefCell[][];
  suppressedGroups: number;
  /** Of those, suppressed because of the person floor (not complementary). */
  personFloorGroups: number;
  /** Of those, suppressed only to protect another (complementary suppression). */
  complementaryGroups: number;
  /** True for sums and counts (compare exactly); false for averages and ratios (compare with a tolerance). */
  exact: boolean;
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic, on 'YYYY-MM-DD' strings and day numbers since 1970-01-01.

const MS_PER_DAY = 86_400_000;
const MICROS_PER_DAY = 86_400_000_000;
const JST_OFFSET_MICROS = 9 * 3_600_000_000;

const isoByDayNumber = new Map<number, string>();

export function isoOfDayNumber(dayNumber: number): string {
  let iso = isoByDayNumber.get(dayNumber);
  if (iso === undefined) {
    iso = new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
    isoByDayNumber.set(dayNumber, iso);
  }
  return iso;
}

function parts(iso: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error(`Not a day: ${iso}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function dayNumberOf(iso: string): number {
  const [y, m, d] = parts(iso);
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

function firstOfMonth(year: number, month1: number): string {
  // month1 may overflow 12; normalise.
  const y = year + Math.floor((month1 - 1) / 12);
  const m = ((((month1 - 1) % 12) + 12) % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
}

/** The JST calendar day of a naive-UTC instant given in epoch microseconds. */
export function jstDayOfMicros(micros: number): string {
  return isoOfDayNumber(Math.floor((micros + JST_OFFSET_MICROS) / MICROS_PER_DAY));
}

/** The UTC instant (epoch microseconds) at which the JST day `iso` begins. */
export function jstMidnightMicros(iso: string): number {
  return dayNumberOf(iso) * MICROS_PER_DAY - JST_OFFSET_MICROS;
}

export function periodStartOf(iso: string, grain: Grain): string {
  const [y, m] = parts(iso);
  switch (grain) {
    case 'day':
      return iso;
    case 'week': {
      const n = dayNumberOf(iso);
      const weekday = (((n + 4) % 7) + 7) % 7; // 0 = Sunday; 1970-01-01 was a Thursday
      const sinceMonday = (weekday + 6) % 7;
      return isoOfDayNumber(n - sinceMonday);
    }
    case 'month':
      return firstOfMonth(y, m);
    case 'quarter':
      return firstOfMonth(y, m - ((m - 1) % 3));
    case 'year':
      return firstOfMonth(y, 1);
  }
}

export function nextPeriodStartOf(start: string, grain: Grain): string {
  const [y, m] = parts(start);
  switch (grain) {
    case 'day':
      return isoOfDayNumber(dayNumberOf(start) + 1);
    case 'week':
      return isoOfDayNumber(dayNumberOf(start) + 7);
    case 'month':
      return firstOfMonth(y, m + 1);
    case 'quarter':
      return firstOfMonth(y, m + 3);
    case 'year':
      return firstOfMonth(y + 1, m);
  }
}

/** Starts of the periods that overlap [from, to). */
export function periodsOf(from: string, to: string, grain: Grain): string[] {
  const periods: string[] = [];
  for (let p = periodStartOf(from, grain); p < to; p = nextPeriodStartOf(p, grain)) periods.push(p);
  return periods;
}

// ---------------------------------------------------------------------------------------------
// Reference building blocks.

/** Something that happened on a JST day (at an instant, epoch microseconds, unless only its day is known), worth `amount` (1 for counts), to a person. */
interface Event {
  day: string;
  at?: number;
  amount: number;
  dims: DimValues;
  person: PersonId;
}

/** Something in a state during [from, until) (epoch microseconds, until null = still is), of a person. */
interface Interval {
  from: number;
  until: number | null;
  dims: DimValues;
  person: PersonId;
}

/** What the issue names as describing who people are: a split or filter by one brings the person floor. */
export const PERSON_ATTRIBUTES: readonly string[] = ['prefecture', 'gender', 'acquisition_channel', 'plan', 'cancel_reason', 'age_band', 'texture_pref'];

type Source = { kind: 'events'; events: readonly Event[] } | { kind: 'active'; at: 'period_end' | 'period_start'; intervals: readonly Interval[] };

type Definition =
  /** Σ amount over all sources (sums and counts; a snapshot source adds 1 per active row). */
  | { type: 'total'; sources: readonly Source[] }
  /** Σ amount ÷ number of events. */
  | { type: 'mean'; source: Source & { kind: 'events' } }
  | { type: 'ratio'; numerator: Source; denominator: Source };

interface Tally {
  sum: number;
  count: number;
  people: Set<PersonId>;
  /** Per filter: the rows failing that filter only, and their people. */
  removed: Array<{ rows: number; people: Set<PersonId> }>;
}

function keyOf(period: string, dims: DimValues, names: readonly string[], metric: string): string {
  const values = names.map((name) => {
    if (!Object.prototype.hasOwnProperty.call(dims, name)) {
      throw new Error(`The reference for "${metric}" does not know dimension "${name}".`);
    }
    return dims[name]!;
  });
  return JSON.stringify([period, ...values]);
}

/** The indexes of the filters a row fails (filters in name order). */
function failedFilters(dims: DimValues, filters: Array<[string, readonly string[]]>, metric: string): number[] {
  const failed: number[] = [];
  filters.forEach(([name, allowed], index) => {
    if (!Object.prototype.hasOwnProperty.call(dims, name)) {
      throw new Error(`The reference for "${metric}" does not know dimension "${name}" (filter).`);
    }
    const value = dims[name];
    if (value === null || value === undefined || !allowed.includes(value)) failed.push(index);
  });
  return failed;
}

/** Tallies per group key; only rows passing every filter count, rows failing exactly one are kept apart per filter. */
function tallySource(source: Source, query: RefQuery, clip?: number): Map<string, Tally> {
  const names = query.dimensions ?? [];
  const filters = Object.entries(query.filters ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]): [string, readonly string[]] => [name, Array.isArray(value) ? value : [value]]);
  const tallies = new Map<string, Tally>();
  const add = (key: string, amount: number, person: PersonId, failed: number[]): void => {
    let tally = tallies.get(key);
    if (!tally) {
      tally = { sum: 0, count: 0, people: new Set(), removed: filters.map(() => ({ rows: 0, people: new Set<PersonId>() })) };
      tallies.set(key, tally);
    }
    if (failed.length === 0) {
      tally.sum += amount;
      tally.count += 1;
      tally.people.add(person);
    } else {
      tally.removed[failed[0]!]!.rows += 1;
      tally.removed[failed[0]!]!.people.add(person);
    }
  };

  if (source.kind === 'events') {
    const periodCache = new Map<string, string>();
    const periodOf = (day: string): string => {
      if (!query.grain) return query.from;
      let period = periodCache.get(day);
      if (period === undefined) {
        period = periodStartOf(day, query.grain);
        periodCache.set(day, period);
      }
      return period;
    };
    for (const event of source.events) {
      if (event.day < query.from || event.day >= query.to) continue;
      // The earlier side of a comparison stops where the period's data does: at the instant, or (a day without a time) that day.
      if (clip !== undefined && (event.at !== undefined ? event.at >= clip : event.day > jstDayOfMicros(clip))) continue;
      const failed = failedFilters(event.dims, filters, query.metric);
      if (failed.length > 1) continue;
      add(keyOf(periodOf(event.day), event.dims, names, query.metric), event.amount, event.person, failed);
    }
    return tallies;
  }

  const windows = query.grain
    ? periodsOf(query.from, query.to, query.grain).map((period) => {
        const next = nextPeriodStartOf(period, query.grain!);
        const day = source.at === 'period_end' ? (next < query.to ? next : query.to) : period > query.from ? period : query.from;
        return { period, moment: jstMidnightMicros(day) };
      })
    : [{ period: query.from, moment: jstMidnightMicros(source.at === 'period_end' ? query.to : query.from) }];
  for (const { period, moment } of windows) {
    for (const interval of source.intervals) {
      if (!(interval.from < moment && (interval.until === null || interval.until >= moment))) continue;
      const failed = failedFilters(interval.dims, filters, query.metric);
      if (failed.length > 1) continue;
      add(keyOf(period, interval.dims, names, query.metric), 1, interval.person, failed);
    }
  }
  return tallies;
}

interface Combined {
  value: number | null;
  records: number;
  people: number;
  /** Per filter: the people of the rows failing only it, null when there were none. */
  removed: Array<number | null>;
}

/** Tallies of groups with at least one counted row (rows only failing a filter form no group by themselves). */
function counted(tallies: Map<string, Tally>): Map<string, Tally> {
  return new Map([...tallies].filter(([, tally]) => tally.count > 0));
}

function combine(definition: Definition, query: RefQuery, clip?: number): Map<string, Combined> {
  const combined = new Map<string, Combined>();
  switch (definition.type) {
    case 'total': {
      for (const source of definition.sources) {
        for (const [key, tally] of tallySource(source, query, clip)) {
          const previous = combined.get(key);
          const removed = tally.removed.map((part, i) => {
            const before = previous?.removed[i] ?? null;
            return part.rows === 0 ? before : Math.max(before ?? 0, part.people.size);
          });
          combined.set(key, {
            value: (previous?.value ?? 0) + tally.sum,
            records: (previous?.records ?? 0) + tally.count,
            people: Math.max(previous?.people ?? 0, tally.people.size),
            removed,
          });
        }
      }
      return new Map([...combined].filter(([, group]) => group.records > 0));
    }
    case 'mean': {
      for (const [key, tally] of counted(tallySource(definition.source, query, clip))) {
        combined.set(key, { value: tally.sum / tally.count, records: tally.count, people: tally.people.size, removed: [] });
      }
      return combined;
    }
    case 'ratio': {
      const numerator = counted(tallySource(definition.numerator, query, clip));
      const denominator = counted(tallySource(definition.denominator, query, clip));
      for (const key of new Set([...numerator.keys(), ...denominator.keys()])) {
        const top = numerator.get(key);
        const bottom = denominator.get(key);
        combined.set(key, {
          value: bottom && bottom.sum !== 0 ? (top?.sum ?? 0) / bottom.sum : null,
          // A group the denominator lacks is still formed by its numerator's records.
          records: bottom?.count || top?.count || 0,
          // A few people's numerator tells their share: the fewer side counts, or the denominator alone.
          people: top ? Math.min(top.people.size, bottom?.people.size ?? top.people.size) : (bottom?.people.size ?? 0),
          removed: [],
        });
      }
      return combined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The metrics, from their definitions.

type Candidate = Combined & { period: string; dims: RefCell[] };

/** Calendar months later (negative: earlier), a day past the month's end clamped to it (2024-02-29 − 12 months = 2023-02-28). */
function addCalendarMonths(iso: string, months: number): string {
  const [y, m, d] = parts(iso);
  const first = firstOfMonth(y, m + months);
  const [fy, fm] = parts(first);
  const lastDay = new Date(Date.UTC(fy, fm, 0)).getUTCDate();
  return `${first.slice(0, 8)}${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/**
 * The earlier period of a comparison, from the API's documented rule: previous_year is one calendar
 * year back (52 weeks by week); previous_period one period of the grain back, or, without a grain,
 * the range of the same length just before.
 */
function earlierDay(iso: string, query: RefQuery, direction: -1 | 1 = -1): string {
  const days = (n: number) => isoOfDayNumber(dayNumberOf(iso) + direction * n);
  const months = (n: number) => addCalendarMonths(iso, direction * n);
  if (query.compare === 'previous_year') return query.grain === 'week' ? days(364) : months(12);
  switch (query.grain) {
    case undefined:
      return days(dayNumberOf(query.to) - dayNumberOf(query.from));
    case 'day':
      return days(1);
    case 'week':
      return days(7);
    case 'month':
      return months(1);
    case 'quarter':
      return months(3);
    case 'year':
      return months(12);
  }
}

/** The same JST time of day on the earlier day: where the earlier side's data is cut to match the period's. */
function earlierInstant(micros: number, query: RefQuery): number {
  const day = jstDayOfMicros(micros);
  return jstMidnightMicros(earlierDay(day, query)) + (micros - jstMidnightMicros(day));
}

type Side = Candidate & { absent: boolean };

/**
 * Each row with the earlier period beside it: both sides judged and complemented on their own (by the
 * row's coordinates), a hidden side emptied, a dimensioned row left out when no side is shown;
 * change and change ratio from what is shown.
 */
function compared(
  query: RefQuery,
  definition: Definition,
  current: readonly Candidate[],
  known: (period: string) => boolean,
  rules: Parameters<typeof hiddenCandidates>[1],
  dataEnd: number,
): RefResult {
  const names = query.dimensions ?? [];
  const earlierQuery: RefQuery = { ...query, from: earlierDay(query.from, query), to: earlierDay(query.to, query) };
  const clip = dataEnd < jstMidnightMicros(query.to) ? earlierInstant(dataEnd, query) : undefined;
  const earlier = combine(definition, earlierQuery, clip);
  const empty = definition.type === 'total' ? 0 : null;
  const nothing = (period: string, dims: RefCell[], value: number | null): Side => ({ period, dims, value, records: 0, people: 0, removed: [], absent: true });
  const rows: Array<[Side, Side]> = [];
  if (names.length === 0) {
    for (const now of current) {
      const found = known(now.period) ? earlier.get(JSON.stringify([earlierDay(now.period, query)])) : undefined;
      const before: Side = found ? { ...found, period: now.period, dims: [], absent: false } : nothing(now.period, [], known(now.period) ? empty : null);
      rows.push([{ ...now, absent: false }, before]);
    }
  } else {
    const byKey = new Map(current.map((now) => [JSON.stringify([now.period, ...now.dims]), now]));
    const seen = new Set<string>();
    for (const now of current) {
      const key = JSON.stringify([now.period, ...now.dims]);
      seen.add(key);
      const found = earlier.get(JSON.stringify([earlierDay(now.period, query), ...now.dims]));
      rows.push([{ ...now, absent: false }, found ? { ...found, period: now.period, dims: now.dims, absent: false } : nothing(now.period, now.dims, empty)]);
    }
    for (const [key, found] of earlier) {
      const [earlierPeriod, ...dims] = JSON.parse(key) as [string, ...RefCell[]];
      const period = earlierDay(earlierPeriod, query, 1);
      const rowKey = JSON.stringify([period, ...dims]);
      if (seen.has(rowKey) || byKey.has(rowKey) || !known(period)) continue;
      seen.add(rowKey);
      rows.push([nothing(period, dims, empty), { ...found, period, dims, absent: false }]);
    }
  }
  const hiddenNow = hiddenCandidates(
    rows.map(([now]) => now),
    rules,
  );
  const hiddenBefore = hiddenCandidates(
    rows.map(([, before]) => before),
    rules,
  );
  const reasons = [...hiddenNow.values(), ...hiddenBefore.values()];
  const output: RefCell[][] = [];
  for (const [now, before] of rows) {
    const nowHidden = hiddenNow.has(now);
    const beforeHidden = hiddenBefore.has(before);
    if (names.length > 0 && (nowHidden || beforeHidden) && (nowHidden || now.records <= 0) && (beforeHidden || before.records <= 0)) continue;
    const value = nowHidden ? null : now.value;
    const comparison = beforeHidden ? null : before.value;
    const change = value !== null && comparison !== null ? value - comparison : null;
    output.push([
      ...(query.grain ? [now.period] : []),
      ...now.dims,
      value,
      comparison,
      change,
      change !== null && comparison !== 0 ? change / comparison! : null,
    ]);
  }
  return {
    columns: [...(query.grain ? ['period'] : []), ...names, 'value', 'comparison', 'change', 'change_ratio'],
    rows: output,
    suppressedGroups: hiddenNow.size + hiddenBefore.size,
    personFloorGroups: reasons.filter((reason) => reason === 'people').length,
    complementaryGroups: reasons.filter((reason) => reason === 'complementary').length,
    exact: definition.type === 'total',
  };
}
type HiddenBecause = 'records' | 'people' | 'complementary';

/** Which rows are suppressed, and why (see the header: record floor, person floor, complementary). */
function hiddenCandidates(
  candidates: readonly Candidate[],
  rules: { minGroupSize: number; minPeople?: number; total: boolean; grain: boolean },
): Map<Candidate, HiddenBecause> {
  const hidden = new Map<Candidate, HiddenBecause>();
  for (const candidate of candidates) {
    if (candidate.records <= 0) continue;
    const { minPeople } = rules;
    if (minPeople !== undefined && (candidate.people < minPeople || candidate.removed.some((people) => people !== null && people < minPeople))) {
      hidden.set(candidate, 'people');
    } else if (candidate.records < rules.minGroupSize) {
      hidden.set(candidate, 'records');
    }
  }
  if (!rules.total || hidden.size === 0) return hidden;
  const coordinates = (candidate: Candidate): RefCell[] => (rules.grain ? [candidate.period, ...candidate.dims] : candidate.dims);
  const axisCount = coordinates(candidates[0]!).length;
  const textOf = (candidate: Candidate) => JSON.stringify(coordinates(candidate));
  // Without the floor, people are not counted: records stand in for them, as in the service.
  const peopleOf = (candidate: Candidate) => (rules.minPeople !== undefined ? candidate.people : candidate.records);
  const before = (a: Candidate, b: Candidate) =>
    peopleOf(a) - peopleOf(b) ||
    a.records - b.records ||
    Math.abs(a.value ?? 0) - Math.abs(b.value ?? 0) ||
    (textOf(a) < textOf(b) ? -1 : textOf(a) > textOf(b) ? 1 : 0);
  let changed = true;
  while (changed) {
    changed = false;
    for (let axis = 0; axis < axisCount; axis++) {
      const lines = new Map<string, Candidate[]>();
      for (const candidate of candidates) {
        if (candidate.records <= 0) continue;
        const line = JSON.stringify(coordinates(candidate).filter((_, index) => index !== axis));
        lines.set(line, [...(lines.get(line) ?? []), candidate]);
      }
      for (const line of lines.values()) {
        if (line.filter((candidate) => hidden.has(candidate)).length !== 1) continue;
        const next = line.filter((candidate) => !hidden.has(candidate)).sort(before)[0];
        if (next) {
          hidden.set(next, 'complementary');
          changed = true;
        }
      }
    }
  }
  return hidden;
}

export interface ReferenceMetrics {
  /** Metric names the reference implements. */
  readonly names: readonly string[];
  has(metric: string): boolean;
  /** Dimensions every part of the metric's reference can group and filter by. */
  dimensionsOf(metric: string): string[];
  /** `dataEnd`: when the data ends (epoch microseconds, UTC); omitted, the data never ends. `minPeople`: the metric's person floor. */
  compute(query: RefQuery, floors: { minGroupSize: number; minPeople?: number }, dataEnd?: number): RefResult;
  /** Raw helpers for fixture sanity checks. */
  readonly rows: LakeRows;
}

function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

const SHIPPED_OR_DELIVERED = new Set(['shipped', 'delivered']);

export function createReferenceMetrics(rows: LakeRows): ReferenceMetrics {
  // --- dimension lookups (left-join semantics: a missing row gives null values) -----------
  const usersById = new Map<PersonId, UserRow>(rows.users.map((user) => [user.user_id, user]));
  const subscriptionsById = new Map<number, SubscriptionRow>(rows.subscriptions.map((s) => [s.subscription_id, s]));
  const productsById = new Map<number, ProductRow>(rows.products.map((p) => [p.product_id, p]));
  const boxesById = new Map<number, BoxRow>(rows.boxes.map((b) => [b.box_id, b]));
  const ordersById = new Map<number, ShopOrderRow>(rows.shop_orders.map((o) => [o.order_id, o]));

  const customerCache = new Map<PersonId, DimValues>();
  /** Who the customer is: prefecture, gender, age band (at the snapshot), acquisition channel of the user. */
  const customer = (userId: PersonId): DimValues => {
    let dims = customerCache.get(userId);
    if (!dims) {
      const user = usersById.get(userId);
      dims = {
        prefecture: user?.prefecture ?? null,
        gender: user?.gender ?? null,
        age_band: user?.age_band ?? null,
        acquisition_channel: user?.acquisition_channel ?? null,
      };
      customerCache.set(userId, dims);
    }
    return dims;
  };
  const productCache = new Map<number, DimValues>();
  /** The snack: its name, category, maker and maker's prefecture. */
  const product = (productId: number): DimValues => {
    let dims = productCache.get(productId);
    if (!dims) {
      const p = productsById.get(productId);
      dims = { product: p?.name ?? null, category: p?.category ?? null, maker: p?.maker ?? null, maker_prefecture: p?.maker_prefecture ?? null };
      productCache.set(productId, dims);
    }
    return dims;
  };
  /** A box's customer plus the plan of the subscription it belongs to. */
  const boxDims = (box: BoxRow): DimValues => ({
    ...customer(box.user_id),
    plan: subscriptionsById.get(box.subscription_id)?.plan ?? null,
  });
  const subscriptionDims = (s: SubscriptionRow): DimValues => ({ ...customer(s.user_id), plan: s.plan, cancel_reason: s.cancel_reason });

  const isShipped = (box: BoxRow | undefined): box is BoxRow & { shipped_at: number } =>
    box !== undefined && box.status !== null && SHIPPED_OR_DELIVERED.has(box.status) && box.shipped_at !== null;
  const isCompleted = (order: ShopOrderRow | undefined): order is ShopOrderRow & { ordered_at: number } =>
    order !== undefined && order.status === 'completed' && order.ordered_at !== null;

  // --- event lists -------------------------------------------------------------------------
  /** Price minus discount of shipped or delivered boxes, on the JST ship date. */
  const boxRevenue = lazy((): Event[] =>
    rows.boxes
      .filter(isShipped)
      .map((b) => ({ day: jstDayOfMicros(b.shipped_at), at: b.shipped_at, amount: b.price_jpy - b.discount_jpy, dims: boxDims(b), person: b.user_id })),
  );
  /** Total of completed shop orders, on the JST order date. */
  const shopRevenue = lazy((): Event[] =>
    rows.shop_orders
      .filter(isCompleted)
      .map((o) => ({ day: jstDayOfMicros(o.ordered_at), at: o.ordered_at, amount: o.total_jpy, dims: customer(o.user_id), person: o.user_id })),
  );
  /** Shipped or delivered boxes, on their JST ship date. */
  const boxesShipped = lazy((): Event[] => boxRevenue().map((event) => ({ ...event, amount: 1 })));
  /** Subscriptions, on the JST day they started. */
  const subscriptionStarts = lazy((): Event[] =>
    rows.subscriptions
      .filter((s) => s.started_at !== null)
      .map((s) => ({ day: jstDayOfMicros(s.started_at!), at: s.started_at!, amount: 1, dims: subscriptionDims(s), person: s.user_id })),
  );
  /** Subscriptions, on the JST day they were canceled. */
  const subscriptionCancels = lazy((): Event[] =>
    rows.subscriptions
      .filter((s) => s.canceled_at !== null)
      .map((s) => ({ day: jstDayOfMicros(s.canceled_at!), at: s.canceled_at!, amount: 1, dims: subscriptionDims(s), person: s.user_id })),
  );
  /** A subscription is active from its start until (and not at) the moment it is canceled. */
  const subscriptionLives = lazy((): Interval[] =>
    rows.subscriptions
      .filter((s) => s.started_at !== null)
      .map((s) => ({ from: s.started_at!, until: s.canceled_at, dims: subscriptionDims(s), person: s.user_id })),
  );
  /** Boxes due on their scheduled (JST) date, with their status. */
  const boxesDue = (statuses: readonly string[]): Event[] =>
    rows.boxes
      .filter((b) => b.scheduled_date !== null && b.status !== null && statuses.includes(b.status))
      .map((b) => ({ day: b.scheduled_date!, amount: 1, dims: boxDims(b), person: b.user_id }));
  const skippedDue = lazy(() => boxesDue(['skipped']));
  const decidedDue = lazy(() => boxesDue(['skipped', 'shipped', 'delivered']));
  /** Quantity in shipped or delivered boxes, on the box's JST ship date. */
  const boxUnits = lazy((): Event[] => {
    const events: Event[] = [];
    for (const item of rows.box_items) {
      const box = boxesById.get(item.box_id);
      if (!isShipped(box)) continue;
      events.push({
        day: jstDayOfMicros(box.shipped_at),
        at: box.shipped_at,
        amount: item.quantity,
        dims: { ...product(item.product_id), assigned_by: item.assigned_by },
        person: box.user_id,
      });
    }
    return events;
  });
  /** What the snacks of shipped or delivered boxes cost (today's unit cost × quantity), negated, on the box's JST ship date. */
  const boxCostNegated = lazy((): Event[] => {
    const events: Event[] = [];
    for (const item of rows.box_items) {
      const box = boxesById.get(item.box_id);
      if (!isShipped(box)) continue;
      const cost = productsById.get(item.product_id)?.unit_cost_jpy;
      // An unknown cost adds nothing (SQL's SUM skips a NULL product).
      events.push({
        day: jstDayOfMicros(box.shipped_at),
        at: box.shipped_at,
        amount: cost === null || cost === undefined ? 0 : -cost * item.quantity,
        dims: product(item.product_id),
        person: box.user_id,
      });
    }
    return events;
  });
  /** Quantity in completed shop orders, on the JST order date. */
  const shopUnits = lazy((): Event[] => {
    const events: Event[] = [];
    for (const item of rows.shop_order_items) {
      const order = ordersById.get(item.order_id);
      if (!isCompleted(order)) continue;
      events.push({
        day: jstDayOfMicros(order.ordered_at),
        at: order.ordered_at,
        amount: item.quantity,
        dims: product(item.product_id),
        person: order.user_id,
      });
    }
    return events;
  });
  /** Ratings, on the JST day they were given. */
  const ratings = lazy((): Event[] =>
    rows.ratings
      .filter((r) => r.rated_at !== null && r.rating !== null)
      .map((r) => ({
        day: jstDayOfMicros(r.rated_at!),
        at: r.rated_at!,
        amount: r.rating!,
        dims: { ...product(r.product_id), ...customer(r.user_id) },
        person: r.user_id,
      })),
  );
  const snackRequests = lazy((): Event[] =>
    rows.snack_requests
      .filter((q) => q.requested_at !== null)
      .map((q) => ({
        day: jstDayOfMicros(q.requested_at!),
        at: q.requested_at!,
        amount: 1,
        dims: { ...product(q.product_id), ...customer(q.user_id) },
        person: q.user_id,
      })),
  );
  const diagnoses = lazy((): Event[] =>
    rows.diagnoses
      .filter((d) => d.answered_at !== null)
      .map((d) => ({
        day: jstDayOfMicros(d.answered_at!),
        at: d.answered_at!,
        amount: 1,
        dims: { ...customer(d.user_id), texture_pref: d.texture_pref },
        person: d.user_id,
      })),
  );

  const events = (list: () => readonly Event[]) => (): Source => ({ kind: 'events', events: list() });
  const active = (at: 'period_end' | 'period_start') => (): Source => ({ kind: 'active', at, intervals: subscriptionLives() });

  const revenue = (): Definition => ({ type: 'total', sources: [events(boxRevenue)(), events(shopRevenue)()] });
  const definitions: Record<string, () => Definition> = {
    // Box revenue (price − discount, shipped/delivered, JST ship date) + completed shop orders (JST order date).
    revenue,
    // Deprecated; same definition text as revenue.
    total_sales: revenue,
    box_revenue: () => ({ type: 'total', sources: [events(boxRevenue)()] }),
    // Box revenue less Σ unit cost × quantity of the snacks in those boxes, on the JST ship date; may be negative.
    gross_margin: () => ({ type: 'total', sources: [events(boxRevenue)(), events(boxCostNegated)()] }),
    shop_revenue: () => ({ type: 'total', sources: [events(shopRevenue)()] }),
    // box_revenue ÷ subscriptions active at the end of the same period.
    arpu: () => ({ type: 'ratio', numerator: events(boxRevenue)(), denominator: active('period_end')() }),
    active_subscribers: () => ({ type: 'total', sources: [active('period_end')()] }),
    new_subscribers: () => ({ type: 'total', sources: [events(subscriptionStarts)()] }),
    churned_subscribers: () => ({ type: 'total', sources: [events(subscriptionCancels)()] }),
    // churned in the period ÷ active when the period begins.
    churn_rate: () => ({ type: 'ratio', numerator: events(subscriptionCancels)(), denominator: active('period_start')() }),
    diagnoses_completed: () => ({ type: 'total', sources: [events(diagnoses)()] }),
    boxes_shipped: () => ({ type: 'total', sources: [events(boxesShipped)()] }),
    // skipped ÷ (skipped + shipped + delivered), by scheduled (JST) date; boxes being prepared are left out.
    skip_rate: () => ({ type: 'ratio', numerator: events(skippedDue)(), denominator: events(decidedDue)() }),
    product_units: () => ({ type: 'total', sources: [events(boxUnits)(), events(shopUnits)()] }),
    avg_rating: () => ({ type: 'mean', source: { kind: 'events', events: ratings() } }),
    snack_requests: () => ({ type: 'total', sources: [events(snackRequests)()] }),
  };

  const definitionOf = (metric: string): Definition => {
    const build = definitions[metric];
    if (!build) {
      throw new Error(`No reference implementation for metric "${metric}": add one to test/support/referenceMetrics.ts.`);
    }
    return build();
  };

  const sourcesOf = (definition: Definition): Source[] => {
    switch (definition.type) {
      case 'total':
        return [...definition.sources];
      case 'mean':
        return [definition.source];
      case 'ratio':
        return [definition.numerator, definition.denominator];
    }
  };

  return {
    names: Object.keys(definitions),
    rows,
    has: (metric) => Object.prototype.hasOwnProperty.call(definitions, metric),
    dimensionsOf(metric) {
      let common: Set<string> | undefined;
      for (const source of sourcesOf(definitionOf(metric))) {
        const first = source.kind === 'events' ? source.events[0] : source.intervals[0];
        const names = new Set(first ? Object.keys(first.dims) : []);
        common = common ? new Set([...common].filter((name) => names.has(name))) : names;
      }
      return [...(common ?? [])].sort();
    },
    compute(query, floors, dataEnd = Number.POSITIVE_INFINITY) {
      const definition = definitionOf(query.metric);
      const names = query.dimensions ?? [];
      const combined = combine(definition, query);
      const countsAtEnd = sourcesOf(definition).some((source) => source.kind === 'active' && source.at === 'period_end');
      /** Whether the data says anything about the period starting at `period` (clipped to the range). */
      const known = (period: string): boolean => {
        const begin = jstMidnightMicros(period > query.from ? period : query.from);
        const next = query.grain ? nextPeriodStartOf(period, query.grain) : query.to;
        const end = jstMidnightMicros(next < query.to ? next : query.to);
        return begin < dataEnd && (!countsAtEnd || end <= dataEnd);
      };
      const nothing: Combined = { value: null, records: 0, people: 0, removed: [] };
      let candidates: Candidate[];
      if (names.length === 0) {
        const periods = query.grain ? periodsOf(query.from, query.to, query.grain) : [query.from];
        const empty = definition.type === 'total' ? 0 : null;
        candidates = periods.map((period) => {
          const found = combined.get(JSON.stringify([period]));
          if (!known(period)) return { period, dims: [], ...nothing };
          return { period, dims: [], ...(found ?? { ...nothing, value: empty }) };
        });
      } else {
        candidates = [...combined].flatMap(([key, found]) => {
          const [period, ...dims] = JSON.parse(key) as [string, ...RefCell[]];
          return known(period) ? [{ period, dims, ...found }] : [];
        });
      }
      const describesPeople = [...names, ...Object.keys(query.filters ?? {})].some((name) => PERSON_ATTRIBUTES.includes(name));
      const minPeople = floors.minPeople !== undefined && describesPeople ? floors.minPeople : undefined;
      const rules = { minGroupSize: floors.minGroupSize, minPeople, total: definition.type === 'total', grain: query.grain !== undefined };
      if (query.compare) return compared(query, definition, candidates, known, rules, dataEnd);
      const hidden = hiddenCandidates(candidates, rules);
      // Without dimensions a hidden period keeps its row, emptied, so the series stays whole.
      const kept =
        names.length === 0
          ? candidates.map((candidate) => (hidden.has(candidate) ? { ...candidate, value: null } : candidate))
          : candidates.filter((candidate) => !hidden.has(candidate));
      const reasons = [...hidden.values()];
      return {
        columns: [...(query.grain ? ['period'] : []), ...names, 'value'],
        rows: kept.map((candidate) => [...(query.grain ? [candidate.period] : []), ...candidate.dims, candidate.value]),
        suppressedGroups: hidden.size,
        personFloorGroups: reasons.filter((reason) => reason === 'people').length,
        complementaryGroups: reasons.filter((reason) => reason === 'complementary').length,
        exact: definition.type === 'total',
      };
    },
  };
}
