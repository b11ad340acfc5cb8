/** The weekly refresh a KPI dashboard offers (schedule.ts): when it is offered, and that any answer ends the offer. */
import { nextSlot, offerWeeklyRefresh, saveSchedule, scheduleView, type Schedule } from '../../src/addon/server/schedule';
import type { PropertiesLike } from '../../src/addon/server/platform';

function properties(initial: Record<string, string> = {}): PropertiesLike & { map: Map<string, string> } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getProperty: (key) => map.get(key) ?? null,
    setProperty: (key, value) => void map.set(key, value),
    deleteProperty: (key) => void map.delete(key),
  };
}

const NOW = Date.parse('2026-11-30T04:00:00Z'); // Monday 13:00 JST
const MONDAY_8: Schedule = { kind: 'weekly', hour: 8, weekday: 1 };

describe('the weekly refresh offered after a dashboard is inserted', () => {
  test('a document without a schedule is offered Monday 08:00 JST, whose next run is next Monday 08:00 JST', () => {
    const props = properties();
    expect(scheduleView(props, NOW, 'ja')).toEqual({ schedule: null });
    offerWeeklyRefresh(props);
    const view = scheduleView(props, NOW, 'ja');
    expect(view).toEqual({ schedule: null, offer: MONDAY_8 });
    expect(new Date(nextSlot(view.offer!, NOW)).toISOString()).toBe('2026-12-06T23:00:00.000Z');
  });

  test.each<[string, Schedule | null]>([
    ['accepting it', MONDAY_8],
    ['saving another schedule', { kind: 'daily', hour: 6 }],
    ['declining it (saving none)', null],
  ])('%s ends the offer', (_name, answer) => {
    const props = properties();
    offerWeeklyRefresh(props);
    saveSchedule(props, answer, NOW);
    expect(scheduleView(props, NOW, 'ja').offer).toBeUndefined();
    expect(scheduleView(props, NOW, 'ja').schedule).toEqual(answer);
  });

  test('a document that has a schedule, even one that cannot be read, is offered nothing and keeps it', () => {
    const saved = properties();
    saveSchedule(saved, { kind: 'daily', hour: 6 }, NOW);
    offerWeeklyRefresh(saved);
    expect(scheduleView(saved, NOW, 'ja')).toMatchObject({ schedule: { kind: 'daily', hour: 6 } });
    expect(scheduleView(saved, NOW, 'ja').offer).toBeUndefined();
    const damaged = properties({ SNAQ_SCHEDULE: '{not json' });
    offerWeeklyRefresh(damaged);
    expect(scheduleView(damaged, NOW, 'ja')).toEqual({ schedule: null, problem: expect.any(String) });
    expect(damaged.map.get('SNAQ_SCHEDULE')).toBe('{not json');
  });
});
