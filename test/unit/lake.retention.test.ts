/**
 * Which snapshots retention deletes (src/lake/snapshotRetention.ts): the newest `keep` and the
 * current one always stay; on S3 an older one goes only once it has been superseded for longer than
 * Athena's longest query, counted from the serving event that replaced it.
 */
import { SNAPSHOT_RETIRE_AFTER_MS } from '../../src/contract/exportJob';
import { snapshotsToRetire, supersededAt } from '../../src/lake/snapshotRetention';

const MIN = 60_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const snapshot = (id: string, minutes: number) => ({ snapshotId: id, generatedAt: at(minutes) });
const published = (id: string, minutes: number) => ({ at: at(minutes), outcome: 'published', snapshotId: id });
const rolledBack = (id: string, minutes: number) => ({ at: at(minutes), outcome: 'rolled_back', snapshotId: id });

describe('snapshotsToRetire', () => {
  const snapshots = [snapshot('s1', 0), snapshot('s2', 60), snapshot('s3', 120), snapshot('s4', 180)];
  const history = [published('s1', 1), published('s2', 61), { at: at(100), outcome: 'refused' }, published('s3', 121), published('s4', 181)];

  test('without a grace (a local lake), everything beyond keep but the current one goes at once', () => {
    expect(snapshotsToRetire(snapshots, 's4', history, T0 + 182 * MIN, { keep: 2, retireAfterMs: 0 })).toEqual(['s2', 's1']);
    expect(snapshotsToRetire(snapshots, 's1', history, T0 + 182 * MIN, { keep: 2, retireAfterMs: 0 })).toEqual(['s2']);
  });

  test('on S3 a snapshot goes only once superseded for longer than the grace, counted from the publish that replaced it', () => {
    // s2 was replaced by s3 at minute 121: deletable after minute 181 with a 60-minute grace, not at 181 itself.
    expect(snapshotsToRetire(snapshots, 's4', history, T0 + 181 * MIN, { keep: 2, retireAfterMs: 60 * MIN })).toEqual(['s1']);
    expect(snapshotsToRetire(snapshots, 's4', history, T0 + 181 * MIN + 1, { keep: 2, retireAfterMs: 60 * MIN })).toEqual(['s2', 's1']);
    expect(SNAPSHOT_RETIRE_AFTER_MS).toBeGreaterThanOrEqual(60 * MIN);
  });

  test('a rollback serves an old snapshot again: it is superseded only from the next event after that', () => {
    const withRollback = [...history, rolledBack('s1', 200), published('s5', 230)];
    expect(supersededAt('s1', at(0), withRollback)).toBe(T0 + 230 * MIN);
    expect(supersededAt('s4', at(180), withRollback)).toBe(T0 + 200 * MIN);
    const all = [...snapshots, snapshot('s5', 229)];
    expect(snapshotsToRetire(all, 's5', withRollback, T0 + 261 * MIN, { keep: 2, retireAfterMs: 60 * MIN })).toEqual(['s3', 's2']);
  });

  test('a snapshot the history never mentions is superseded by the first event after it was made; with none, never', () => {
    expect(supersededAt('old', at(-10), history)).toBe(T0 + 1 * MIN);
    expect(supersededAt('newest', at(500), history)).toBeUndefined();
    expect(snapshotsToRetire([snapshot('a', 0), snapshot('b', 10)], undefined, [], T0 + 1e9, { keep: 1, retireAfterMs: 60 * MIN })).toEqual([]);
  });

  test('keep must be a whole number of at least 1', () => {
    expect(() => snapshotsToRetire(snapshots, 's4', history, T0, { keep: 0, retireAfterMs: 0 })).toThrow(/at least 1/);
  });
});
