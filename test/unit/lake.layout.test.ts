/** The lake's layout of schema version 2: paths, ids that become paths, run ids, and the history file. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendHistory, historyTablesOf, oneLineError, readHistory, type HistoryEntry } from '../../src/lake/lakeHistory';
import {
  checkLakeId,
  cursorsFile,
  isLakeId,
  lakePaths,
  newRunId,
  qualityReportFile,
  qualityReportPath,
  snapshotDir,
  snapshotTablePath,
} from '../../src/lake/lakeLayout';
import { LakeError } from '../../src/lake/manifest';
import { lakeErrorSentence } from '../../src/cli/messages';

describe('lakePaths and helpers', () => {
  test('every part has its place under the lake root', () => {
    expect(lakePaths('/data/lake')).toEqual({
      root: '/data/lake',
      manifest: '/data/lake/manifest.json',
      snapshots: '/data/lake/snapshots',
      history: '/data/lake/history/runs.jsonl',
      cursors: '/data/lake/cursors',
      quality: '/data/lake/quality',
      staging: '/data/lake/staging',
      lock: '/data/lake/export.lock',
    });
    expect(snapshotDir('/data/lake', 'S1')).toBe('/data/lake/snapshots/S1');
    expect(snapshotTablePath('S1', 'users')).toBe('snapshots/S1/users');
    expect(cursorsFile('/data/lake', 'S1')).toBe('/data/lake/cursors/S1.json');
    expect(qualityReportFile('/data/lake', 'R1')).toBe('/data/lake/quality/R1.json');
    expect(qualityReportPath('R1')).toBe('quality/R1.json');
  });
});

describe('ids that become paths', () => {
  test.each(['abc', '0f3a9c1e2b4d5a6f', 'A1.b_c-d', '20261130T071500123Z-1a2b', 'a'.repeat(81)])('%s is valid', (id) => {
    expect(isLakeId(id)).toBe(true);
    expect(checkLakeId(id)).toBe(id);
  });

  test.each(['', '..', '../x', 'x/../y', '.hidden', '-flag', 'a/b', 'a\\b', 'a b', 'snap\n', 'ü', 'a'.repeat(82)])('%j is refused', (id) => {
    expect(isLakeId(id)).toBe(false);
    expect(() => checkLakeId(id)).toThrow(LakeError);
    expect(() => snapshotDir('/data/lake', id)).toThrow(/not a valid snapshot id/);
    expect(() => cursorsFile('/data/lake', id)).toThrow(LakeError);
    expect(() => qualityReportPath(id)).toThrow(/not a valid run id/);
  });

  test('the refusal is one line in English and in Japanese', () => {
    let error: unknown;
    try {
      checkLakeId('../x');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ reason: 'invalid_id' });
    expect((error as LakeError).message.split('\n')).toHaveLength(1);
    expect(lakeErrorSentence(error as LakeError, 'ja')).toContain('"../x" はスナップショットの ID として使えません');
  });
});

describe('newRunId', () => {
  test('sortable, filesystem-safe and a valid id', () => {
    const id = newRunId(new Date('2026-11-30T07:15:00.123Z'));
    expect(id).toMatch(/^20261130T071500123Z-[0-9a-f]{4}$/);
    expect(isLakeId(id)).toBe(true);
  });

  test('ids sort as their start times do', () => {
    const times = Array.from({ length: 500 }, (_, i) => new Date(Date.parse('2026-01-01T00:00:00Z') + i * 997_331));
    const ids = times.map((time) => newRunId(time));
    expect([...ids].sort()).toEqual(ids);
  });

  test('two runs started in the same millisecond get different ids', () => {
    const now = new Date();
    const ids = new Set(Array.from({ length: 50 }, () => newRunId(now)));
    expect(ids.size).toBeGreaterThan(45); // 4 hex digits: a collision among 50 is possible, rare
  });
});

describe('the history file', () => {
  let lake: string;
  beforeEach(() => {
    lake = mkdtempSync(join(tmpdir(), 'snaq-history-'));
  });
  afterEach(() => rmSync(lake, { recursive: true, force: true }));

  const entry = (runId: string, outcome: HistoryEntry['outcome'] = 'published'): HistoryEntry => ({
    at: '2026-11-01T00:00:00.000Z',
    kind: 'export',
    runId,
    outcome,
    snapshotId: `S-${runId}`,
    previousSnapshotId: null,
    tables: { users: { snapshotAt: '2026-11-01T00:00:00.000Z', rows: 10, strategy: 'merge', rowsRead: 3, keysRead: 10, rowsChanged: 2 } },
    quality: { passed: true, report: `quality/${runId}.json` },
    elapsedMs: 1234,
  });

  test('no file: no history', () => {
    expect(readHistory(lake)).toEqual([]);
  });

  test('appends one line per entry and reads them back in order', () => {
    appendHistory(lake, entry('r1'));
    appendHistory(lake, entry('r2', 'refused'));
    const text = readFileSync(lakePaths(lake).history, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(readHistory(lake)).toEqual([entry('r1'), entry('r2', 'refused')]);
  });

  test('a torn last line is skipped, and the next append does not glue onto it', () => {
    appendHistory(lake, entry('r1'));
    appendFileSync(lakePaths(lake).history, '{"at":"2026-11-01T00:00:00.000Z","kind":"exp');
    expect(readHistory(lake)).toEqual([entry('r1')]);
    appendHistory(lake, entry('r3'));
    expect(readHistory(lake)).toEqual([entry('r1'), entry('r3')]);
  });

  test('a line that is JSON but not a history entry is skipped too', () => {
    appendHistory(lake, entry('r1'));
    appendFileSync(lakePaths(lake).history, '{"at":"yesterday","kind":"export"}\n');
    appendHistory(lake, entry('r2'));
    expect(readHistory(lake).map((e) => e.runId)).toEqual(['r1', 'r2']);
  });

  test('an entry that does not fit (an error over two lines) is refused before anything is written', () => {
    expect(() => appendHistory(lake, { ...entry('r1'), error: 'one\ntwo' })).toThrow();
    expect(readHistory(lake)).toEqual([]);
    expect(oneLineError(new Error('The source\n  went away'))).toBe('The source went away');
  });

  test('historyTablesOf keeps everything of a table but its folder', () => {
    expect(historyTablesOf({ tables: { users: { snapshotAt: 'T', rows: 1, path: 'snapshots/S/users', strategy: 'full' } } })).toEqual({
      users: { snapshotAt: 'T', rows: 1, strategy: 'full' },
    });
  });
});
