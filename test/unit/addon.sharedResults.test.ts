/**
 * The shared result cache's two promises, with scripted interleavings: values are chunked under
 * the 100 KB limit, and an execution never sends a request another one has just answered.
 */
import { versionedBy, type VersionContext } from '../../src/addon/server/metricVersions';
import {
  cacheKeyOf,
  inFlightKeyOf,
  readChunked,
  sharedResult,
  writeChunked,
  type SharedResultOptions,
  type VersionedBy,
} from '../../src/addon/server/sharedResults';
import type { Meta, MetricList } from '../../src/contract/types';
import type { CacheLike } from '../../src/addon/server/platform';
import { nodeCrypto } from '../../src/sigv4/nodeCrypto';

class MemoryCache implements CacheLike {
  readonly values = new Map<string, string>();
  /** Each key's expiration in seconds, as written. */
  readonly ttls = new Map<string, number>();
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
  put(key: string, value: string, ttlSeconds = 600): void {
    if (Buffer.byteLength(value) > 100 * 1024) throw new Error('Argument too large: value');
    this.values.set(key, value);
    this.ttls.set(key, ttlSeconds);
  }
  putAll(values: Record<string, string>, ttlSeconds = 600): void {
    for (const [key, value] of Object.entries(values)) this.put(key, value, ttlSeconds);
  }
  remove(key: string): void {
    this.values.delete(key);
  }
  /** `seconds` pass (everything here was written at about the same moment): what expired is gone. */
  pass(seconds: number): void {
    for (const [key, ttl] of this.ttls) if (ttl <= seconds) this.values.delete(key);
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

describe('a result about a metric is cached per version of its definition', () => {
  type Answer = { rows: number[][]; meta: Meta };
  const REQUEST = '["https://api.example","post","/v1/query",{"metric":"revenue"}]';

  /** The metrics service: answers name its current version; the catalog lists it (or not). */
  class Service {
    version = 1;
    queries = 0;
    catalogs = 0;
    down = false;
    lists = true;
    answer = (): Answer => {
      this.queries++;
      return { rows: [[this.version * 100]], meta: { generatedAt: '2026-11-30T00:00:00Z', metric: 'revenue', metricVersion: this.version } };
    };
    catalog = (): MetricList => {
      this.catalogs++;
      if (this.down) throw new Error('cannot reach the service');
      return { metrics: this.lists ? [{ name: 'revenue', version: this.version } as MetricList['metrics'][number]] : [], meta: { generatedAt: '' } };
    };
  }

  /** One cell's execution, as fetchShared runs it. */
  function ask(cache: MemoryCache, service: Service): Answer {
    const platform = platformWith(cache);
    const context: VersionContext = { platform, endpoint: 'https://api.example', deadline: 26_000, loadCatalog: service.catalog };
    const version = versionedBy<Answer>(context, 'revenue', (known) => cache.get(cacheKeyOf(platform, REQUEST, known)) !== null);
    return sharedResult<Answer>({ platform, request: REQUEST, deadline: 26_000, load: service.answer, ttlSeconds: () => 3_600, version });
  }
  const entryOf = (cache: MemoryCache, version: number | null) => readChunked(cache, cacheKeyOf(platformWith(cache), REQUEST, version));

  test('a cold cell asks the service once and learns its version; the next cell is served from the cache, with no catalog call', () => {
    const cache = new MemoryCache();
    const service = new Service();
    expect(ask(cache, service).rows).toEqual([[100]]);
    expect(ask(cache, service).rows).toEqual([[100]]);
    expect([service.queries, service.catalogs]).toEqual([1, 0]);
    expect(JSON.parse(entryOf(cache, 1)!).meta.metricVersion).toBe(1);
    // The slot for "version not known yet" only points executions already waiting to the entry, for seconds.
    expect(cache.ttls.get(cacheKeyOf(platformWith(cache), REQUEST, null))).toBeLessThanOrEqual(30);
    expect(cache.ttls.get(cacheKeyOf(platformWith(cache), REQUEST, 1))).toBe(3_600);
  });

  test('executions waiting on the same cold request get the owner’s answer through the not-yet-known slot, without asking', () => {
    const cache = new MemoryCache();
    const owner = new Service();
    const waiter = new Service();
    const unknownSlot = cacheKeyOf(platformWith(cache), REQUEST, null);
    const claimKey = inFlightKeyOf(platformWith(cache), REQUEST);
    cache.values.set(claimKey, 'owner');
    // While the waiter waits, the owner answers (a cold cell) and clears its claim.
    const platform = platformWith(cache, (sleep) => {
      if (sleep === 1) {
        cache.values.delete(claimKey);
        ask(cache, owner);
      }
    });
    const context: VersionContext = { platform, endpoint: 'https://api.example', deadline: 26_000, loadCatalog: waiter.catalog };
    const version = versionedBy<Answer>(context, 'revenue', (known) => cache.get(cacheKeyOf(platform, REQUEST, known)) !== null);
    expect(version.expected).toBeUndefined();
    expect(sharedResult<Answer>({ platform, request: REQUEST, deadline: 26_000, load: waiter.answer, ttlSeconds: () => 3_600, version }).rows).toEqual([[100]]);
    expect([owner.queries, waiter.queries, waiter.catalogs]).toEqual([1, 0, 0]);
    expect(JSON.parse(readChunked(cache, unknownSlot)!)).toEqual({ 'snaq:answeredBy': 1 });
  });

  test('an execution that has just learned the version waits for the identical request sent before it was known, without asking again', () => {
    const cache = new MemoryCache();
    const waiter = new Service();
    const claimKey = inFlightKeyOf(platformWith(cache), REQUEST);
    // The owner sent this request cold (no version known); meanwhile another request's answer taught version 1.
    cache.values.set(claimKey, 'owner');
    const platform = platformWith(cache, (sleep) => {
      if (sleep === 1) {
        // The owner's answer: stored under the version that answered, the cold slot pointing to it, its claim cleared.
        writeChunked(cache, cacheKeyOf(platform, REQUEST, 1), JSON.stringify(new Service().answer()), 3_600);
        writeChunked(cache, cacheKeyOf(platform, REQUEST, null), JSON.stringify({ 'snaq:answeredBy': 1 }), 30);
        cache.values.delete(claimKey);
      }
    });
    const context: VersionContext = { platform, endpoint: 'https://api.example', deadline: 26_000, loadCatalog: waiter.catalog };
    versionedBy<Answer>(context, 'revenue', () => false).learned(1);
    const version = versionedBy<Answer>(context, 'revenue', (known) => cache.get(cacheKeyOf(platform, REQUEST, known)) !== null);
    expect(version.expected).toBe(1);
    expect(sharedResult<Answer>({ platform, request: REQUEST, deadline: 26_000, load: waiter.answer, ttlSeconds: () => 3_600, version }).rows).toEqual([[100]]);
    expect([waiter.queries, waiter.catalogs]).toEqual([0, 0]);
  });

  test('after the service raises the version, the next request once the known version lapses is answered anew, not from the old entry', () => {
    const cache = new MemoryCache();
    const service = new Service();
    ask(cache, service);
    service.version = 2;
    cache.pass(300); // the version seen is taken as current for 5 minutes; the entry lives an hour
    expect(entryOf(cache, 1)).not.toBeNull();
    expect(ask(cache, service).rows).toEqual([[200]]);
    expect([service.queries, service.catalogs]).toEqual([2, 1]);
    expect(ask(cache, service).rows).toEqual([[200]]);
    expect([service.queries, service.catalogs]).toEqual([2, 1]);
    // Each version's answer under its own key.
    expect(JSON.parse(entryOf(cache, 1)!).rows).toEqual([[100]]);
    expect(JSON.parse(entryOf(cache, 2)!).rows).toEqual([[200]]);
  });

  test('an unchanged version keeps serving the entry after the catalog is asked again', () => {
    const cache = new MemoryCache();
    const service = new Service();
    ask(cache, service);
    cache.pass(300);
    expect(ask(cache, service).rows).toEqual([[100]]);
    expect([service.queries, service.catalogs]).toEqual([1, 1]);
  });

  test('a catalog behind the service: an answer of a newer version is stored under that version, never the expected one', () => {
    const cache = new MemoryCache();
    const learned = jest.fn();
    const version: VersionedBy<Answer> = { expected: 1, of: (result) => result.meta.metricVersion, learned };
    const service = new Service();
    service.version = 2;
    const options = { platform: platformWith(cache), request: REQUEST, deadline: 26_000, load: service.answer, ttlSeconds: () => 3_600, version };
    expect(sharedResult<Answer>(options).rows).toEqual([[200]]);
    expect(entryOf(cache, 1)).toBeNull();
    expect(JSON.parse(entryOf(cache, 2)!).rows).toEqual([[200]]);
    expect(learned).toHaveBeenCalledWith(2);
  });

  test('an entry under the known version’s key that another version answered is never served', () => {
    const cache = new MemoryCache();
    writeChunked(cache, cacheKeyOf(platformWith(cache), REQUEST, 2), JSON.stringify({ rows: [[100]], meta: { generatedAt: '', metricVersion: 1 } }), 3_600);
    const service = new Service();
    service.version = 2;
    const version: VersionedBy<Answer> = { expected: 2, of: (result) => result.meta.metricVersion, learned: () => undefined };
    expect(
      sharedResult<Answer>({ platform: platformWith(cache), request: REQUEST, deadline: 26_000, load: service.answer, ttlSeconds: () => 60, version }).rows,
    ).toEqual([[200]]);
    expect(service.queries).toBe(1);
  });

  test('the service unreachable: the entry of the last version seen still serves (nothing newer can be had)', () => {
    const cache = new MemoryCache();
    const service = new Service();
    ask(cache, service);
    cache.pass(300);
    service.down = true;
    expect(ask(cache, service).rows).toEqual([[100]]);
    expect([service.queries, service.catalogs]).toEqual([1, 1]);
  });

  test('a metric the catalog no longer lists for this caller is not served from an entry: the service answers', () => {
    const cache = new MemoryCache();
    const service = new Service();
    ask(cache, service);
    cache.pass(300);
    service.lists = false;
    ask(cache, service);
    expect([service.queries, service.catalogs]).toEqual([2, 1]);
  });

  test('an answer that names no version (an older service) is cached as before', () => {
    const cache = new MemoryCache();
    const load = jest.fn(() => ({ rows: [[7]], meta: { generatedAt: '' } }) as Answer);
    const platform = platformWith(cache);
    const run = () => {
      const context: VersionContext = { platform, endpoint: 'https://api.example', deadline: 26_000, loadCatalog: new Service().catalog };
      const version = versionedBy<Answer>(context, 'revenue', (known) => cache.get(cacheKeyOf(platform, REQUEST, known)) !== null);
      return sharedResult<Answer>({ platform, request: REQUEST, deadline: 26_000, load, ttlSeconds: () => 3_600, version });
    };
    expect(run().rows).toEqual([[7]]);
    expect(run().rows).toEqual([[7]]);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
