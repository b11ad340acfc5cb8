/**
 * The history as the Lambda reads it: `parseHistoryLines` (no zod) keeps exactly the lines the zod
 * schema keeps, and `s3HistoryReader` reads `<prefix>history/runs.jsonl` like the manifest (15 s,
 * conditional, shared), a missing object being an empty history; AthenaEngine.history maps a failure to 503.
 */
import { AthenaEngine } from '../../src/engine/athena';
import { ApiError } from '../../src/contract/errors';
import { s3HistoryReader } from '../../src/engine/s3History';
import type { ManifestObjectReader } from '../../src/engine/s3Manifest';
import { LAKE_TABLES } from '../../src/contract/lakeSchema';
import { parseHistoryLines } from '../../src/lake/historyLines';
import { parseHistory } from '../../src/lake/lakeHistory';
import { LAKE_RELATIVE } from '../../src/lake/lakeLayout';
import { MANIFEST_FILE } from '../../src/lake/manifest';
import { syntheticExportHistory } from '../../src/lake/syntheticHistory';

const synthetic = syntheticExportHistory({ seed: 3, asOf: new Date('2026-11-01T00:00:00Z'), rows: Object.fromEntries(LAKE_TABLES.map((t) => [t, 100])) });
const good = synthetic.slice(0, 5).map((line) => JSON.stringify(line));
const base = synthetic[0]!;
const bad: unknown[] = [
  { ...base, at: 'yesterday' },
  { ...base, kind: 'import' },
  { ...base, outcome: 'maybe' },
  { ...base, runId: '' },
  { ...base, snapshotId: '' },
  { ...base, previousSnapshotId: 3 },
  { ...base, tables: { users: { snapshotAt: 'never', rows: 1 } } },
  { ...base, tables: { users: { snapshotAt: base.at, rows: -1 } } },
  { ...base, tables: { users: { snapshotAt: base.at, rows: 1, strategy: 'guess' } } },
  { ...base, tables: { users: { snapshotAt: base.at, rows: 1, keysRead: 1.5 } } },
  { ...base, tables: [] },
  { ...base, quality: { passed: 'yes', report: 'quality/x.json' } },
  { ...base, quality: { passed: true, report: '' } },
  { ...base, quality: { passed: false, report: 'quality/x.json', failed: [{ table: 'users' }] } },
  { ...base, error: 'two\nlines' },
  { ...base, elapsedMs: -5 },
  { ...base, synthetic: false },
  [base],
  'a string',
  null,
];

test('keeps exactly the lines the zod schema keeps, torn and malformed ones skipped', () => {
  const text = [...good.slice(0, 2), ...bad.map((line) => JSON.stringify(line)), '{"at":"2026-', '', ...good.slice(2), '{"torn'].join('\n');
  expect(parseHistory(text)).toHaveLength(5);
  expect(parseHistoryLines(text)).toEqual(parseHistory(text));
  for (const line of bad)
    expect({ line, kept: parseHistoryLines(JSON.stringify(line)).length }).toEqual({ line, kept: parseHistory(JSON.stringify(line)).length });
});

test('LAKE_RELATIVE (lakeRelative.ts) still names the manifest file manifest.ts reads', () => {
  expect(LAKE_RELATIVE.manifest).toBe(MANIFEST_FILE);
});

describe('s3HistoryReader', () => {
  function fakeS3(text: string | undefined) {
    const state = { text, version: 1, failing: false, calls: [] as Array<{ bucket: string; key: string; ifNoneMatch?: string }> };
    const client: ManifestObjectReader = {
      async getObject(bucket, key, options) {
        state.calls.push({ bucket, key, ...(options?.ifNoneMatch ? { ifNoneMatch: options.ifNoneMatch } : {}) });
        await new Promise((resolve) => setImmediate(resolve));
        if (state.failing) throw new Error('GetObject: no answer');
        if (state.text === undefined) return undefined;
        const etag = `"h${state.version}"`;
        if (options?.ifNoneMatch === etag) return 'not-modified';
        return { body: new TextEncoder().encode(state.text), etag };
      },
    };
    return { state, client };
  }
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000_000));

  test('reads history/runs.jsonl beside the manifest, keeps it 15 s, then asks conditionally and sees new lines', async () => {
    const { state, client } = fakeS3(good.slice(0, 2).join('\n'));
    const read = s3HistoryReader({ manifestUrl: 's3://lake-bucket/prod/lake/manifest.json', client, now });
    const [a, b] = await Promise.all([read(), read()]);
    expect(a).toBe(b);
    expect(state.calls).toEqual([{ bucket: 'lake-bucket', key: 'prod/lake/history/runs.jsonl' }]);
    expect(a.entries.map((entry) => entry.runId)).toEqual(synthetic.slice(0, 2).map((line) => line.runId));
    clock += 14_999;
    await read();
    expect(state.calls).toHaveLength(1);
    clock += 1;
    expect(await read()).toEqual(a); // 304: the same history, same version
    expect(state.calls[1]).toMatchObject({ ifNoneMatch: '"h1"' });
    state.text = good.join('\n');
    state.version = 2;
    clock += 15_000;
    const later = await read();
    expect(later.entries).toHaveLength(5);
    expect(later.version).not.toBe(a.version);
  });

  test('a lake without history is an empty history, not an error; a failing S3 is an error', async () => {
    const { state, client } = fakeS3(undefined);
    const read = s3HistoryReader({ manifestUrl: 's3://lake-bucket/manifest.json', client, now });
    expect(await read()).toEqual({ entries: [], version: 'none' });
    expect(state.calls[0]!.key).toBe('history/runs.jsonl');
    state.failing = true;
    clock += 15_000;
    await expect(read()).rejects.toThrow(/no answer/);
  });
});

describe('AthenaEngine.history', () => {
  const options = {
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    workGroup: 'wg',
    database: 'db',
    manifest: async () => {
      throw new Error('not read here');
    },
  };

  test('without a history reader: an empty history; with one: its answer; a failing one: 503 lake_history_unreadable, the cause to the operator log only', async () => {
    expect(await new AthenaEngine(options).history()).toEqual({ entries: [], version: 'none' });
    const history = { entries: synthetic.slice(0, 1), version: '"h1"' };
    expect(await new AthenaEngine({ ...options, history: async () => history }).history()).toBe(history);
    const logged: Array<Record<string, unknown>> = [];
    const failing = new AthenaEngine({
      ...options,
      history: async () => {
        throw new Error('GetObject s3://lake/history/runs.jsonl: AccessDenied');
      },
      operatorLog: (entry) => logged.push(entry),
    });
    const error = await failing.history().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', details: { reason: 'lake_history_unreadable' } });
    expect((error as Error).message).not.toContain('AccessDenied');
    expect(logged).toEqual([expect.objectContaining({ event: 'lake_history_unreadable', message: expect.stringContaining('AccessDenied') })]);
  });
});
