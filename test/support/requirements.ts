/**
 * What some tests need from outside the repository, in one place. A fresh clone alone must pass
 * `npm test`, so a missing requirement skips the tests that need it and says why in the output;
 * under CI (`CI` set) the same absence fails them instead, so a CI runner that lost its test data,
 * chromium or mariadbd cannot go green by skipping.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

export interface Requirement {
  /** What is needed, for people: "chromium", "the shared test data file athena-service-2.json". */
  name: string;
  /** Why it is missing and how to provide it; undefined when it is there. */
  missing(): string | undefined;
}

const REPO_ROOT = path.resolve(__dirname, '../..');

/** The project's shared test data: `../shared/testdata` beside the repository, or $SNAQ_TESTDATA_DIR (e.g. from a git worktree). */
export const TESTDATA_DIR = process.env.SNAQ_TESTDATA_DIR || path.resolve(REPO_ROOT, '..', 'shared', 'testdata');

/** A file or folder of the shared test data (its README says what each one is). */
export function sharedTestdata(entry: string): Requirement & { path: string } {
  const full = path.join(TESTDATA_DIR, entry);
  return {
    name: `the shared test data ${entry}`,
    path: full,
    missing: () =>
      existsSync(full)
        ? undefined
        : `${full} does not exist: put the project's shared testdata beside the repository (../shared/testdata) or set SNAQ_TESTDATA_DIR`,
  };
}

/** Debian's chromium for the browser tests ($CHROMIUM_PATH when it lives elsewhere). */
export const CHROMIUM: Requirement & { path: string } = executable(
  'chromium',
  process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  'apt-get install chromium, or set CHROMIUM_PATH',
);

/** MariaDB's server binary for tests with a private source database (PLATFORM.md: no system service is started). */
export const MARIADBD: Requirement & { path: string } = executable(
  'mariadbd',
  process.env.MARIADBD_PATH || findOnPath('mariadbd', ['/usr/sbin', '/usr/local/sbin']) || '/usr/sbin/mariadbd',
  'apt-get install mariadb-server, or set MARIADBD_PATH',
);

/** True on a CI runner: `CI` is set to anything but "", "0" or "false". */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/**
 * `describe(title, body)` when every requirement is there. Otherwise, outside CI, the block holds
 * one skipped test named with the reason (and the reason is printed); under CI, one failing test.
 */
export function describeIfAvailable(requirements: Requirement | Requirement[], title: string, body: () => void): void {
  const reasons = [requirements]
    .flat()
    .map((requirement) => ({ requirement, reason: requirement.missing() }))
    .filter((entry): entry is { requirement: Requirement; reason: string } => entry.reason !== undefined)
    .map(({ requirement, reason }) => `needs ${requirement.name}: ${reason}`);
  if (reasons.length === 0) {
    describe(title, body);
    return;
  }
  const why = reasons.join('; ');
  if (isCI()) {
    describe(title, () => {
      test(`fails under CI because it ${why}`, () => {
        throw new Error(`"${title}" ${why}. CI is set, so a missing requirement fails rather than skips.`);
      });
    });
    return;
  }
  // Not console.warn: jest prints no console output for a file in which nothing ran.
  process.stderr.write(`Skipped "${title}": it ${why}. (Under CI this fails.)\n`);
  describe(title, () => {
    test.skip(`skipped: it ${why}`, () => undefined);
  });
}

function executable(name: string, file: string, howToGet: string): Requirement & { path: string } {
  return {
    name,
    path: file,
    missing: () => {
      try {
        accessSync(file, constants.X_OK);
        return undefined;
      } catch {
        return `${file} is not there or not executable (${howToGet})`;
      }
    },
  };
}

function findOnPath(command: string, extra: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extra];
  return dirs.map((dir) => path.join(dir, command)).find((candidate) => existsSync(candidate));
}
