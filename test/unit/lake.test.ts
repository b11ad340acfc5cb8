/** The lake's pure pieces: manifest reading, the default location, the CLI summary and SQL builders. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatGenerateSummary, LAKE_TABLES, snapshotIdOf, type SampleLakeManifest } from '../../src/lake/generate';
import { defaultLakeDir, inspectLake, lakeExists, LakeError, readManifest } from '../../src/lake/manifest';
import { pickUniform, sqlString, weightedCase } from '../../src/lake/sql';

function sampleManifest(): SampleLakeManifest {
  const asOf = '2026-11-01T00:00:00.000Z';
  return {
    schemaVersion: 1,
    snapshotId: 'abc123',
    generator: { seed: 42, scale: 1, asOf },
    pseudonymKeyFingerprint: '426041ab15b2ba5e',
    generatedAt: '2026-11-01T01:02:03.000Z',
    tables: Object.fromEntries(LAKE_TABLES.map((t, i) => [t, { snapshotAt: asOf, rows: 1000 * (i + 1), path: t }])) as SampleLakeManifest['tables'],
  };
}

describe('readManifest / lakeExists', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'snaq-lake-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('reads a valid manifest', () => {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(sampleManifest()));
    expect(readManifest(dir)).toEqual(sampleManifest());
    expect(lakeExists(dir)).toBe(true);
  });

  test('a missing manifest is a clear error naming the file', () => {
    expect(() => readManifest(dir)).toThrow(join(dir, 'manifest.json'));
    expect(() => readManifest(dir)).toThrow(/snaq lake generate/);
    expect(lakeExists(dir)).toBe(false);
    expect(lakeExists(join(dir, 'nope'))).toBe(false);
  });

  test('broken JSON and wrong shapes are rejected with the path and the place', () => {
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    expect(() => readManifest(dir)).toThrow(/manifest\.json is not valid JSON/);
    const missingTable = sampleManifest() as unknown as { tables: Record<string, unknown> };
    delete missingTable.tables.ratings;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(missingTable));
    expect(() => readManifest(dir)).toThrow(/invalid at tables\.ratings/);
    // Versions 1 and 2 are read (2: the snapshots layout, issue 11); a later one is not.
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...sampleManifest(), schemaVersion: 3 }));
    expect(() => readManifest(dir)).toThrow(/schemaVersion/);
    // A fingerprint is 16 hex digits: anything longer could be the key itself.
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...sampleManifest(), pseudonymKeyFingerprint: 'ujKzeOgY6NUtqyCPfy7LNwwX' }));
    expect(() => readManifest(dir)).toThrow(/pseudonymKeyFingerprint/);
    expect(lakeExists(dir)).toBe(false);
  });

  test('a manifest without generator is a valid lake (the export writes such lakes)', () => {
    const { generator: _, ...exported } = sampleManifest();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(exported));
    expect(readManifest(dir)).toEqual(exported);
    expect(lakeExists(dir)).toBe(true);
  });
});

describe('inspectLake: what is at a lake path, without touching it', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'snaq-lake-inspect-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('nothing there, or an empty folder, is absent', () => {
    expect(inspectLake(join(dir, 'nope'))).toEqual({ kind: 'absent' });
    expect(inspectLake(dir)).toEqual({ kind: 'absent' });
  });

  test('a sample lake and an exported lake (no generator) are both lakes; only the first is a sample', () => {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(sampleManifest()));
    expect(inspectLake(dir)).toMatchObject({ kind: 'lake', sample: true, manifest: { snapshotId: 'abc123' } });
    const { generator: _, ...exported } = sampleManifest();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(exported));
    expect(inspectLake(dir)).toMatchObject({ kind: 'lake', sample: false });
  });

  test('an unreadable manifest names its file and problem, and says whether a generator wrote it', () => {
    const file = join(dir, 'manifest.json');
    writeFileSync(file, '{ not json');
    const broken = inspectLake(dir);
    expect(broken).toMatchObject({ kind: 'unreadable', sample: false });
    if (broken.kind !== 'unreadable') throw new Error('unreachable');
    expect(broken.error).toBeInstanceOf(LakeError);
    expect(broken.error).toMatchObject({ reason: 'manifest_not_json', path: file });
    expect(broken.error.message).toContain(file);
    expect(broken.error.message.split('\n')).toHaveLength(1);

    // An older sample: its manifest names the generator but no longer fits the contract.
    writeFileSync(file, JSON.stringify({ ...sampleManifest(), tables: {} }));
    expect(inspectLake(dir)).toMatchObject({ kind: 'unreadable', sample: true, error: { reason: 'manifest_invalid', path: file } });
  });

  test('a folder of other things, or a file, is not a lake', () => {
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes', 'todo.txt'), 'keep me');
    expect(inspectLake(join(dir, 'notes'))).toMatchObject({ kind: 'other', error: { reason: 'not_a_lake', path: join(dir, 'notes') } });
    expect(inspectLake(join(dir, 'notes', 'todo.txt'))).toMatchObject({ kind: 'other', error: { reason: 'not_a_folder' } });
  });
});

describe('defaultLakeDir', () => {
  const saved = process.env.SNAQ_LAKE_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.SNAQ_LAKE_DIR;
    else process.env.SNAQ_LAKE_DIR = saved;
  });

  test('uses SNAQ_LAKE_DIR when set', () => {
    process.env.SNAQ_LAKE_DIR = '/data/lake';
    expect(defaultLakeDir()).toBe('/data/lake');
  });

  test('falls back to .snaq/lake under the working directory', () => {
    delete process.env.SNAQ_LAKE_DIR;
    expect(defaultLakeDir()).toBe(resolve(process.cwd(), '.snaq', 'lake'));
  });
});

describe('formatGenerateSummary', () => {
  test('one line per table with its row count, and one saying the DEVELOPMENT key made the pseudonyms', () => {
    const text = formatGenerateSummary(sampleManifest(), 4321);
    const lines = text.split('\n');
    expect(lines[0]).toContain('seed 42, scale 1, as of 2026-11-01T00:00:00.000Z');
    expect(lines[0]).toContain('4.3 s');
    expect(lines).toHaveLength(2 + LAKE_TABLES.length);
    expect(lines.at(-1)).toBe(
      '  person ids pseudonymised with the DEVELOPMENT sample key (fingerprint 426041ab15b2ba5e); a real export needs SNAQ_PSEUDONYM_KEY',
    );
    expect(text).toMatch(/box_items\s+4,000 rows/);
    expect(text).toMatch(/shop_order_items\s+10,000 rows/);
  });
});

describe('snapshotIdOf', () => {
  test('depends on exactly seed, scale and asOf', () => {
    const asOf = new Date('2026-11-01T00:00:00Z');
    const id = snapshotIdOf(42, 1, asOf);
    expect(snapshotIdOf(42, 1, new Date(asOf))).toBe(id);
    expect(snapshotIdOf(43, 1, asOf)).not.toBe(id);
    expect(snapshotIdOf(42, 2, asOf)).not.toBe(id);
    expect(snapshotIdOf(42, 1, new Date('2026-11-01T01:00:00Z'))).not.toBe(id);
  });
});

describe('SQL builders', () => {
  test('sqlString escapes quotes', () => {
    expect(sqlString("it's")).toBe("'it''s'");
  });

  test('weightedCase turns weights into cumulative thresholds', () => {
    expect(
      weightedCase('u', [
        ['a', 1],
        ['b', 3],
      ]),
    ).toBe("CASE WHEN (u) < 0.250000 THEN 'a' ELSE 'b' END");
    expect(
      weightedCase('u', [
        [1, 1],
        [2, 1],
        [3, 2],
      ]),
    ).toBe('CASE WHEN (u) < 0.250000 THEN 1 WHEN (u) < 0.500000 THEN 2 ELSE 3 END');
    expect(() => weightedCase('u', [])).toThrow();
  });

  test('pickUniform indexes a 1-based list', () => {
    expect(pickUniform('u', ['x', 'y'])).toBe("['x', 'y'][1 + CAST(floor((u) * 2) AS INTEGER)]");
  });
});
