/** The sample lake's made-up export history (src/lake/syntheticHistory.ts): plausible, labelled, deterministic. */
import { formatLakeStatus } from '../../src/cli/lakeCommands';
import { historyEntrySchema } from '../../src/lake/lakeHistory';
import { statusOf } from '../../src/lake/lakeStatus';
import { SYNTHETIC_NIGHTS, syntheticExportHistory } from '../../src/lake/syntheticHistory';
import { LAKE_TABLES } from '../../src/contract/lakeSchema';

const AS_OF = new Date('2026-11-01T00:00:00Z'); // 09:00 JST
const ROWS = Object.fromEntries(LAKE_TABLES.map((table, i) => [table, 1_000 * (i + 1)]));
const lines = syntheticExportHistory({ seed: 42, asOf: AS_OF, rows: ROWS });
const jstHour = (iso: string) => new Date(Date.parse(iso) + 9 * 3_600_000).getUTCHours();

test('35 nightly export lines, oldest first, every one valid and marked synthetic, all finished before asOf', () => {
  expect(lines).toHaveLength(SYNTHETIC_NIGHTS);
  for (const line of lines) {
    expect(historyEntrySchema.parse(line)).toEqual(line);
    expect(line).toMatchObject({ kind: 'export', synthetic: true });
    expect(Date.parse(line.at)).toBeLessThanOrEqual(AS_OF.getTime());
    expect(Object.keys(line.tables!).sort()).toEqual([...LAKE_TABLES].sort());
  }
  const ats = lines.map((line) => Date.parse(line.at));
  expect(ats).toEqual([...ats].sort((a, b) => a - b));
  // One per JST night: 2026-09-27 … 2026-10-31, and 2026-11-01's run (03:00 JST) too, which finished before 09:00.
  expect(new Date(Date.parse(lines.at(-1)!.tables!.users!.snapshotAt) + 9 * 3_600_000).toISOString().slice(0, 10)).toBe('2026-11-01');
});

test('mostly on time, two late, one refused by the gate naming its failed check; the last nights are healthy', () => {
  const refused = lines.filter((line) => line.outcome === 'refused');
  expect(refused).toHaveLength(1);
  expect(refused[0]!.quality).toEqual({ passed: false, report: `quality/${refused[0]!.runId}.json`, failed: [{ table: 'shop_orders', check: 'row_count' }] });
  expect(refused[0]!.snapshotId).toBeUndefined();
  const published = lines.filter((line) => line.outcome === 'published');
  expect(published).toHaveLength(SYNTHETIC_NIGHTS - 1);
  expect(published.every((line) => line.quality?.passed === true && line.snapshotId === line.runId)).toBe(true);
  // On time: the snapshot taken in the 03:00 JST hour; late: five hours or more after it.
  const late = published.filter((line) => jstHour(line.tables!.users!.snapshotAt) !== 3);
  expect(late).toHaveLength(2);
  expect(late.every((line) => jstHour(line.tables!.users!.snapshotAt) >= 8)).toBe(true);
  expect(lines.slice(-3).every((line) => line.outcome === 'published' && jstHour(line.tables!.users!.snapshotAt) === 3)).toBe(true);
});

test('each publish names the one before it; a refused run names what was served', () => {
  let served: string | null = null;
  for (const line of lines) {
    expect(line.previousSnapshotId).toBe(served);
    if (line.outcome === 'published') served = line.snapshotId!;
  }
});

test('deterministic for a seed and asOf; another seed picks other nights', () => {
  expect(syntheticExportHistory({ seed: 42, asOf: AS_OF, rows: ROWS })).toEqual(lines);
  const other = syntheticExportHistory({ seed: 7, asOf: AS_OF, rows: ROWS });
  const picked = (history: typeof lines) =>
    history.filter((line) => line.outcome === 'refused' || jstHour(line.tables!.users!.snapshotAt) !== 3).map((line) => line.runId.slice(10, 18));
  expect(picked(other)).not.toEqual(picked(lines));
});

test('its 30-day attainment is high but not perfect for nightly tables, perfect for the weekly product master; lake status says it is synthetic', () => {
  const status = statusOf({ manifest: undefined, history: lines }, new Date(AS_OF.getTime() + 3_600_000));
  const users = status.tables.find((table) => table.table === 'users')!;
  expect(users.attainment30d).toBeGreaterThan(0.9);
  expect(users.attainment30d).toBeLessThan(1);
  expect(status.tables.find((table) => table.table === 'products')!.attainment30d).toBe(1);
  expect(status.syntheticHistory).toBe(true);
  expect(formatLakeStatus('/lake', status, 'ja')).toContain('サンプルの合成履歴');
  expect(formatLakeStatus('/lake', status, 'en')).toContain('synthetic sample history');
  const real = statusOf({ manifest: undefined, history: lines.map(({ synthetic: _synthetic, ...line }) => line) }, AS_OF);
  expect(real.syntheticHistory).toBe(false);
  expect(formatLakeStatus('/lake', real, 'en')).not.toContain('synthetic sample history');
});
