/** Answers waiting to be polled: kept in the byte-bounded store, and the map's size capped. */
import { PendingQueries } from '../../src/api/pendingQueries';
import { ResultCache } from '../../src/api/resultCache';

const settle = () => new Promise((resolve) => setImmediate(resolve));

function pendingWith(cache: ResultCache<unknown>, maxEntries = 100) {
  return new PendingQueries<string, string>({ ttlMs: 60_000, maxEntries, now: () => 0, store: cache, sizeOf: (result) => String(result).length });
}

test('a finished answer counts against the store’s byte budget, and one the store dropped is reported as evicted', async () => {
  const cache = new ResultCache<unknown>(100, 400);
  const pending = pendingWith(cache);
  pending.add('a', 'me', 'ctx', Promise.resolve('x'.repeat(90)));
  await settle();
  expect(cache.stats().bytes).toBe(90);
  expect(pending.find('a', 'me')?.settled).toEqual({ result: 'x'.repeat(90) });
  expect(pending.find('a', 'someone else')).toBeUndefined();
  // Newer entries push the answer out of the budget: the poll hears so instead of a stale hold.
  for (let i = 0; i < 5; i++) cache.set(`other${i}`, i, 90);
  expect(pending.find('a', 'me')?.settled).toEqual({ evicted: true });
});

test('the map keeps at most maxEntries: the oldest finished go first, running ones stay', async () => {
  const pending = pendingWith(new ResultCache<unknown>(100, 10_000), 3);
  const never = new Promise<string>(() => undefined);
  pending.add('running', 'me', 'ctx', never);
  for (const id of ['one', 'two', 'three', 'four']) {
    pending.add(id, 'me', 'ctx', Promise.resolve(id));
    await settle();
  }
  expect(pending.size).toBe(3);
  expect(pending.find('running', 'me')).toEqual({ context: 'ctx' });
  expect(pending.find('one', 'me')).toBeUndefined();
  expect(pending.find('two', 'me')).toBeUndefined();
  expect(pending.find('four', 'me')?.settled).toEqual({ result: 'four' });
});
