/** test/support/requirements.ts: when a test's outside requirement counts as missing, and what CI means. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isCI, sharedTestdata, TESTDATA_DIR } from '../support/requirements';

describe('isCI', () => {
  test.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['true', true],
    ['1', true],
    ['yes', true],
  ])('CI=%j → %j', (value, expected) => {
    expect(isCI(value === undefined ? {} : { CI: value })).toBe(expected);
  });
});

describe('sharedTestdata', () => {
  test('a missing entry says where it was looked for and how to provide it', () => {
    const requirement = sharedTestdata('no-such-model.json');
    expect(requirement.path).toBe(path.join(TESTDATA_DIR, 'no-such-model.json'));
    expect(requirement.missing()).toContain(requirement.path);
    expect(requirement.missing()).toMatch(/\.\.\/shared\/testdata.*SNAQ_TESTDATA_DIR/);
  });
});

describe('executables', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'snaq-requirements-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('CHROMIUM_PATH names the browser; a file that cannot run is missing, one that can is there', () => {
    const file = path.join(dir, 'chromium');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    const load = () => {
      let loaded!: typeof import('../support/requirements');
      jest.isolateModules(() => {
        loaded = jest.requireActual('../support/requirements');
      });
      return loaded;
    };
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = file;
    try {
      expect(load().CHROMIUM.missing()).toMatch(/not there or not executable.*CHROMIUM_PATH/);
      chmodSync(file, 0o755);
      expect(load().CHROMIUM.missing()).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});
