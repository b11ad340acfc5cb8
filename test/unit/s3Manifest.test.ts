/**
 * The Lambda's manifest reader (src/engine/s3Manifest.ts): a new snapshot is seen within the TTL
 * (15 s, so within 60 s of its publication), an unchanged manifest costs a conditional 304, callers
 * arriving together share one request, and S3 failing for a moment serves the held manifest.
 */
import { MANIFEST_TTL_MS, s3ManifestReader, type ManifestObjectReader } from '../../src/engine/s3Manifest';
import { LAKE_TABLES } from '../../src/contract/lakeSchema';

const manifestOf = (snapshotId: string) => ({
  schemaVersion: 2,
  snapshotId,
  generatedAt: '2026-11-30T00:00:00.000Z',
  tables: Object.fromEntries(LAKE_TABLES.map((t) => [t, { snapshotAt: '2026-11-30T00:00:00.000Z', rows: 1, path: `snapshots/${snapshotId}/${t}` }])),
});

function fakeS3() {
  const state = { version: 1, snapshotId: 's1', failing: false, calls: [] as Array<{ key: string; ifNoneMatch?: string }> };
  const client: ManifestObjectReader = {
    async getObject(_bucket, key, options) {
      state.calls.push({ key, ...(options?.ifNoneMatch ? { ifNoneMatch: options.ifNoneMatch } : {}) });
      await new Promise((resolve) => setImmediate(resolve));
      if (state.failing) throw new Error('GetObject s3://lake/p/manifest.json: no answer');
      const etag = `"v${state.version}"`;
      if (options?.ifNoneMatch === etag) return 'not-modified';
      return { body: new TextEncoder().encode(JSON.stringify(manifestOf(state.snapshotId))), etag };
    },
  };
  return { state, client };
}

describe('s3ManifestReader', () => {
  let clock = 0;
  const now = () => clock;

  beforeEach(() => {
    clock = 1_000_000;
  });

  test('reads s3://bucket/prefix/manifest.json, keeps it for the TTL, then asks conditionally and sees a new snapshot', async () => {
    const { state, client } = fakeS3();
    const read = s3ManifestReader({ url: 's3://lake/aurora-export/snaq/manifest.json', client, now });
    expect((await read()).snapshotId).toBe('s1');
    expect(state.calls).toEqual([{ key: 'aurora-export/snaq/manifest.json' }]);
    clock += MANIFEST_TTL_MS - 1;
    await read();
    expect(state.calls).toHaveLength(1);
    clock += 1;
    expect((await read()).snapshotId).toBe('s1');
    expect(state.calls[1]).toEqual({ key: 'aurora-export/snaq/manifest.json', ifNoneMatch: '"v1"' });
    // Published: seen at the next check, at most one TTL later.
    Object.assign(state, { version: 2, snapshotId: 's2' });
    expect((await read()).snapshotId).toBe('s1');
    clock += MANIFEST_TTL_MS;
    expect((await read()).snapshotId).toBe('s2');
    expect(MANIFEST_TTL_MS).toBeLessThanOrEqual(30_000);
  });

  test('callers arriving together share one request', async () => {
    const { state, client } = fakeS3();
    const read = s3ManifestReader({ url: 's3://lake/manifest.json', client, now });
    const ids = await Promise.all(Array.from({ length: 10 }, () => read()));
    expect(new Set(ids.map((m) => m.snapshotId))).toEqual(new Set(['s1']));
    expect(state.calls).toEqual([{ key: 'manifest.json' }]);
  });

  test('S3 failing for a moment serves the held manifest and logs it; for too long, or with nothing held, it fails', async () => {
    const { state, client } = fakeS3();
    const log: Array<Record<string, unknown>> = [];
    const read = s3ManifestReader({ url: 's3://lake/p/manifest.json', client, now, maxStaleMs: 120_000, log: (entry) => log.push(entry) });
    await read();
    state.failing = true;
    clock += MANIFEST_TTL_MS;
    expect((await read()).snapshotId).toBe('s1');
    expect(log).toEqual([expect.objectContaining({ event: 'lake_manifest_stale', snapshotId: 's1' })]);
    clock += 120_000;
    await expect(read()).rejects.toThrow(/no answer/);
    const fresh = s3ManifestReader({ url: 's3://lake/p/manifest.json', client, now });
    await expect(fresh()).rejects.toThrow(/no answer/);
  });

  test('a manifest that is not one, a missing one and a URL without the file are refused', async () => {
    const { client } = fakeS3();
    expect(() => s3ManifestReader({ url: 's3://lake/prefix/', client, now })).toThrow(/manifest file/);
    const missing = s3ManifestReader({ url: 's3://lake/p/manifest.json', client: { getObject: async () => undefined }, now });
    await expect(missing()).rejects.toThrow(/does not exist/);
    const broken = s3ManifestReader({
      url: 's3://lake/p/manifest.json',
      client: { getObject: async () => ({ body: new TextEncoder().encode('{"schemaVersion":3}'), etag: '"x"' }) },
      now,
    });
    await expect(broken()).rejects.toThrow(/invalid/);
  });
});
