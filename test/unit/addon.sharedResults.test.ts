/**
 * The shared result cache's two promises, with scripted interleavings: values are chunked under
 * the 100 KB limit, and an execution never sends a request another one has just answered.
 */
import { cacheKeyOf, readChunked, sharedResult, writeChunked, type SharedResultOptions } from '../../src/addon/server/sharedResults';
import type { CacheLike } from '../../src/addon/server/platform';
import { nodeCrypto } from '../../src/sigv4/nodeCrypto';

class MemoryCache implements CacheLike {
  readonly values = new Map<string, string>();
  /** Runs once, just after the `nth` read of `key` — another execution acting between two reads. */
  private interleave?: { key: string; nth: number; run: () => void };

  after(key: string, nth: number, run: () => void): void {
    this.interleave = { key, nth, run };
  }

  get(key: string): string | null {
    const value = this.values.get(key) ?? null;
    if (this.interleave?.key === key && --this.interleave.nth === 0) {
      const { run } = this.interleave;
      this.interleave = undefined;
      run();
    }
    return value;
  }
  getAll(keys: string[]): Record<string, string> {
    return Object.fromEntries(keys.flatMap((key) => (this.values.has(key) ? [[key, this.values.get(key)!]] : [])));
  }
  put(key: string, value: string): void {
    if (Buffer.byteLength(value) > 100 * 1024) throw new Error('Argument too large: value');
    this.values.set(key, value);
  }
  putAll(values: Record<string, string>): void {
    for (const [key, value] of Object.entries(values)) this.put(key, value);
  }
  remove(key: string): void {
    this.values.delete(key);
  }
}

/** `duringSleep` runs on each sleep: what other executions do meanwhile. */
function platformWith(cache: MemoryCache, duringSleep: (call: number) => void = () => undefined): SharedResultOptions<unknown>['platform'] {
  let sleeps = 0;
  return {
    cache,
    documentProperties: { getProperty: () => null, setProperty: () => undefined, deleteProperty: () => undefined },
    crypto: nodeCrypto,
    sleep: () => duringSleep(++sleeps),
    now: () => 0,
  };
}

describe('chunked values', () => {
  test('a value over one chunk is split under 100 KB per entry and read back whole', () => {
    const cache = new MemoryCache();
    const value = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ['東京都', i]));
    expect(writeChunked(cache, 'k', value, 60)).toBe(true);
    expect(cache.values.get('k')).toMatch(/^c:\d+$/);
    expect(readChunked(cache, 'k')).toBe(value);
  });

  test('a missing chunk reads as a miss, never as a truncated value', () => {
    const cache = new MemoryCache();
    writeChunked(cache, 'k', 'x'.repeat(70_000), 60);
    cache.remove('k:1');
    expect(readChunked(cache, 'k')).toBeNull();
  });

  test('a result too big to cache is not cached (and does not throw)', () => {
    const cache = new MemoryCache();
    expect(writeChunked(cache, 'k', 'x'.repeat(30_000 * 41), 60)).toBe(false);
    expect(cache.values.size).toBe(0);
  });
});

describe('identical requests in flight', () => {
  const options = (cache: MemoryCache, load: () => unknown, duringSleep?: (call: number) => void): SharedResultOptions<unknown> => ({
    platform: platformWith(cache, duringSleep),
    request: 'same request',
    deadline: 26_000,
    load,
    ttlSeconds: () => 300,
  });

  test('an execution whose claim check races the owner finishing uses the owner’s result', () => {
    const cache = new MemoryCache();
    const key = cacheKeyOf(platformWith(cache), 'same request');
    cache.values.set(`${key}:in-flight`, 'owner');
    // The owner stores its result and clears its claim just after this execution's second look for
    // a result (the first is the plain cache check): a claim gone after that must not look free.
    cache.after(key, 2, () => {
      writeChunked(cache, key, JSON.stringify({ from: 'owner' }), 300);
      cache.remove(`${key}:in-flight`);
    });
    const load = jest.fn(() => ({ from: 'me' }));
    expect(sharedResult(options(cache, load))).toEqual({ from: 'owner' });
    expect(load).not.toHaveBeenCalled();
  });

  test('an owner that finishes just after this execution’s first look is used, not asked again', () => {
    const cache = new MemoryCache();
    const key = cacheKeyOf(platformWith(cache), 'same request');
    cache.values.set(`${key}:in-flight`, 'owner');
    // Between the first look for a result and the look for a claim: result stored, claim cleared.
    cache.after(key, 1, () => {
      writeChunked(cache, key, JSON.stringify({ from: 'owner' }), 300);
      cache.remove(`${key}:in-flight`);
    });
    const load = jest.fn(() => ({ from: 'me' }));
    expect(sharedResult(options(cache, load))).toEqual({ from: 'owner' });
    expect(load).not.toHaveBeenCalled();
  });

  test('a claim overwritten by a concurrent claimer (another document) is not ours: we wait for its result', () => {
    const cache = new MemoryCache();
    const key = cacheKeyOf(platformWith(cache), 'same request');
    const load = jest.fn(() => ({ from: 'me' }));
    const otherDocument = (sleep: number) => {
      // While our claim settles, the other document (which saw no claim either) writes its own;
      // at our first wait it has its result and clears its claim.
      if (sleep === 1) cache.values.set(`${key}:in-flight`, 'their token');
      if (sleep === 2) {
        writeChunked(cache, key, JSON.stringify({ from: 'them' }), 300);
        cache.remove(`${key}:in-flight`);
      }
    };
    expect(sharedResult(options(cache, load, otherDocument))).toEqual({ from: 'them' });
    expect(load).not.toHaveBeenCalled();
  });

  test('the first execution claims, loads once, stores, and clears its claim', () => {
    const cache = new MemoryCache();
    const load = jest.fn(() => ({ rows: [1] }));
    expect(sharedResult(options(cache, load))).toEqual({ rows: [1] });
    expect(sharedResult(options(cache, load))).toEqual({ rows: [1] });
    expect(load).toHaveBeenCalledTimes(1);
    expect([...cache.values.keys()].some((key) => key.endsWith(':in-flight'))).toBe(false);
  });

  test('an owner that fails releases its claim, so the next execution tries again', () => {
    const cache = new MemoryCache();
    expect(() =>
      sharedResult(
        options(cache, () => {
          throw new Error('server down');
        }),
      ),
    ).toThrow('server down');
    expect(sharedResult(options(cache, () => 'second try'))).toBe('second try');
  });
});
