/** Catalog text and messages reach the sidebar only as text nodes: no code path parses HTML. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SIDEBAR = path.resolve(__dirname, '../../src/addon/sidebar');

test('no sidebar module writes HTML strings into the page', () => {
  const offenders = readdirSync(SIDEBAR)
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/.test(readFileSync(path.join(SIDEBAR, file), 'utf8')));
  expect(offenders).toEqual([]);
});

test('only rpc.ts calls google.script.run', () => {
  const callers = readdirSync(SIDEBAR).filter((file) => /google\.script\.run/.test(readFileSync(path.join(SIDEBAR, file), 'utf8')));
  expect(callers).toEqual(['rpc.ts']);
});
