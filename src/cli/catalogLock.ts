/**
 * `npm run catalog:lock`: rewrites src/catalog/definitions.lock.json from the catalog, or refuses
 * (exit 1, naming the metrics) when a definition changed without a version raise. Review its diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCatalog } from '../catalog/catalog';
import { regenerateLock, type DefinitionLock } from '../catalog/definitionLock';

export const LOCK_FILE = path.join(__dirname, '..', 'catalog', 'definitions.lock.json');

function main(): number {
  const committed = existsSync(LOCK_FILE) ? (JSON.parse(readFileSync(LOCK_FILE, 'utf8')) as DefinitionLock) : undefined;
  const outcome = regenerateLock(committed, loadCatalog());
  if (!outcome.ok) {
    for (const message of outcome.messages) process.stderr.write(`${message}\n`);
    process.stderr.write('The lock was not rewritten.\n');
    return 1;
  }
  const { stale, compilerChanges } = outcome.problems;
  writeFileSync(LOCK_FILE, outcome.text);
  const changed = [...stale, ...compilerChanges];
  process.stdout.write(
    changed.length ? `Rewrote ${path.relative(process.cwd(), LOCK_FILE)}: ${changed.join(', ')}. Review the diff.\n` : 'The lock was already up to date.\n',
  );
  return 0;
}

process.exitCode = main();
