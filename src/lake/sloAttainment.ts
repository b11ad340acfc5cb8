/**
 * Freshness SLO attainment: the share of hours in a window during which the served snapshot of a
 * table was within that table's SLO (issue 11; Orders 4 and 5 reuse it). Pure: it reads the
 * history lines it is given and nothing else.
 *
 * - What is served changes only at a publish (an export's or a sample's) or a rollback.
 * - Each whole clock hour (UTC) of the window is judged at its END: the snapshot served then is
 *   that of the last serving event at or before the hour's end, and the hour is met when
 *   `hourEnd − snapshotAt ≤ SLO`. Judging at the end is judging at the hour's stalest moment.
 * - The window starts no earlier than the hour of the first serving event: a young lake is not
 *   penalised for the hours before it existed. No serving event, or no whole hour: `null`.
 */

const HOUR_MS = 3_600_000;

/** The part of a history line attainment reads (HistoryEntry fits it). */
export interface AttainmentEvent {
  at: string;
  outcome: string;
  tables?: Readonly<Record<string, { readonly snapshotAt: string } | undefined>>;
}

export interface SloAttainment {
  /** hoursMet / hours, or null when the window holds no hour. */
  attainment: number | null;
  hoursMet: number;
  hours: number;
}

export interface AttainmentWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** Events that change what is served: everything else (refused, failed runs) leaves it as it was. */
export function isServingEvent(event: Pick<AttainmentEvent, 'outcome'>): boolean {
  return event.outcome === 'published' || event.outcome === 'rolled_back';
}

interface Served {
  atMs: number;
  /** The table's snapshot instant after the event; null when the event served no such table. */
  snapshotAtMs: number | null;
}

export function sloAttainment(events: readonly AttainmentEvent[], table: string, sloHours: number, window: AttainmentWindow): SloAttainment {
  const served = servingTimeline(events, table);
  const first = served[0];
  if (!first) return { attainment: null, hoursMet: 0, hours: 0 };
  const start = Math.max(ceilToHour(window.from.getTime()), floorToHour(first.atMs));
  const end = floorToHour(window.to.getTime());
  const sloMs = sloHours * HOUR_MS;
  let hours = 0;
  let hoursMet = 0;
  let next = 0; // index of the first event after the current hour's end
  let current: Served | undefined;
  for (let hourStart = start; hourStart + HOUR_MS <= end; hourStart += HOUR_MS) {
    const hourEnd = hourStart + HOUR_MS;
    while (next < served.length && served[next]!.atMs <= hourEnd) current = served[next++];
    hours++;
    if (current?.snapshotAtMs != null && hourEnd - current.snapshotAtMs <= sloMs) hoursMet++;
  }
  return { attainment: hours === 0 ? null : hoursMet / hours, hoursMet, hours };
}

/** Serving events in time order (a later line wins a tie: it was written after). */
function servingTimeline(events: readonly AttainmentEvent[], table: string): Served[] {
  const timeline: Array<Served & { order: number }> = [];
  events.forEach((event, order) => {
    const atMs = Date.parse(event.at);
    if (!isServingEvent(event) || Number.isNaN(atMs)) return;
    const snapshotAt = event.tables?.[table]?.snapshotAt;
    const snapshotAtMs = snapshotAt === undefined ? Number.NaN : Date.parse(snapshotAt);
    timeline.push({ atMs, snapshotAtMs: Number.isNaN(snapshotAtMs) ? null : snapshotAtMs, order });
  });
  return timeline.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
}

function floorToHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

function ceilToHour(ms: number): number {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}

/** JST (UTC+9, no daylight saving): the business's days, as the sidebar shows them. */
const JST_OFFSET_MS = 9 * HOUR_MS;
const DAY_MS = 24 * HOUR_MS;

export interface DailyAttainment extends SloAttainment {
  /** The JST day, `YYYY-MM-DD`. */
  day: string;
}

/**
 * Attainment per JST day, for a chart: the `days` JST days ending with the one holding `to` (the
 * last of them only up to `to`), oldest first, each judged hour by hour as `sloAttainment` does.
 * A day before the first serving event, or with no whole hour yet, has attainment null.
 */
export function dailySloAttainment(events: readonly AttainmentEvent[], table: string, sloHours: number, to: Date, days = 30): DailyAttainment[] {
  const end = floorToHour(to.getTime());
  const lastDayStart = Math.floor((end - 1 + JST_OFFSET_MS) / DAY_MS) * DAY_MS - JST_OFFSET_MS;
  const points: DailyAttainment[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const dayStart = lastDayStart - i * DAY_MS;
    const dayEnd = Math.min(dayStart + DAY_MS, end);
    const day = new Date(dayStart + JST_OFFSET_MS).toISOString().slice(0, 10);
    points.push({ day, ...sloAttainment(events, table, sloHours, { from: new Date(dayStart), to: new Date(dayEnd) }) });
  }
  return points;
}
