/** CacheService, PropertiesService and LockService: thin facades over state kept in the main thread. */
import { GasException, MSG } from '../messages';
import type { Scope } from '../protocol';
import { forbidInCustomFunction, mismatch, type GasContext } from './context';
import { HostObject } from './hostObject';

function keyOf(key: unknown, method: string): string {
  if (key === undefined || key === null) throw mismatch(method, [key]);
  return String(key);
}

export class Cache extends HostObject {
  readonly gasClass = 'Cache';
  constructor(
    private readonly ctx: GasContext,
    private readonly scope: Scope,
  ) {
    super();
  }
  get(key: unknown): string | null {
    const k = keyOf(key, 'Cache.get');
    return this.ctx.host.call('cacheGet', this.scope, [k])[k] ?? null;
  }
  getAll(keys: unknown): Record<string, string> {
    if (!Array.isArray(keys)) throw mismatch('Cache.getAll', [keys]);
    return this.ctx.host.call(
      'cacheGet',
      this.scope,
      keys.map((k: unknown) => keyOf(k, 'Cache.getAll')),
    );
  }
  put(...args: unknown[]): void {
    const [key, value, ttl] = args;
    if (args.length < 2 || args.length > 3) throw mismatch('Cache.put', args);
    this.ctx.host.call('cachePut', this.scope, [[keyOf(key, 'Cache.put'), String(value)]], ttl === undefined ? null : Number(ttl));
  }
  putAll(...args: unknown[]): void {
    const [values, ttl] = args;
    if (!values || typeof values !== 'object' || Array.isArray(values)) throw mismatch('Cache.putAll', args);
    const entries = Object.entries(values as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]);
    this.ctx.host.call('cachePut', this.scope, entries, ttl === undefined ? null : Number(ttl));
  }
  remove(key: unknown): void {
    this.ctx.host.call('cacheRemove', this.scope, [keyOf(key, 'Cache.remove')]);
  }
  removeAll(keys: unknown): void {
    if (!Array.isArray(keys)) throw mismatch('Cache.removeAll', [keys]);
    this.ctx.host.call(
      'cacheRemove',
      this.scope,
      keys.map((k: unknown) => keyOf(k, 'Cache.removeAll')),
    );
  }
}

export class CacheService extends HostObject {
  readonly gasClass = 'CacheService';
  constructor(private readonly ctx: GasContext) {
    super();
  }
  getScriptCache(): Cache {
    return new Cache(this.ctx, 'script');
  }
  getDocumentCache(): Cache {
    return new Cache(this.ctx, 'document');
  }
  getUserCache(): Cache {
    return new Cache(this.ctx, 'user');
  }
}

export class Properties extends HostObject {
  readonly gasClass = 'Properties';
  constructor(
    private readonly ctx: GasContext,
    private readonly scope: Scope,
  ) {
    super();
  }
  /** In a custom function, user properties are the owner's and read-only (PLATFORM.md). */
  private _write(method: string): void {
    if (this.scope === 'user') forbidInCustomFunction(this.ctx, `Properties.${method}`);
  }
  getProperty(key: unknown): string | null {
    const k = keyOf(key, 'Properties.getProperty');
    return this.ctx.host.call('propsGet', this.scope).find(([name]) => name === k)?.[1] ?? null;
  }
  getProperties(): Record<string, string> {
    return Object.fromEntries(this.ctx.host.call('propsGet', this.scope));
  }
  getKeys(): string[] {
    return this.ctx.host.call('propsGet', this.scope).map(([k]) => k);
  }
  setProperty(key: unknown, value: unknown): Properties {
    this._write('setProperty');
    this.ctx.host.call('propsSet', this.scope, [[keyOf(key, 'Properties.setProperty'), String(value)]], false);
    return this;
  }
  setProperties(...args: unknown[]): Properties {
    const [props, deleteAllOthers] = args;
    if (!props || typeof props !== 'object' || Array.isArray(props)) throw mismatch('Properties.setProperties', args);
    this._write('setProperties');
    const entries = Object.entries(props as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]);
    this.ctx.host.call('propsSet', this.scope, entries, Boolean(deleteAllOthers));
    return this;
  }
  deleteProperty(key: unknown): Properties {
    this._write('deleteProperty');
    this.ctx.host.call('propsDelete', this.scope, [keyOf(key, 'Properties.deleteProperty')]);
    return this;
  }
  deleteAllProperties(): Properties {
    this._write('deleteAllProperties');
    this.ctx.host.call('propsDelete', this.scope, null);
    return this;
  }
}

export class PropertiesService extends HostObject {
  readonly gasClass = 'PropertiesService';
  constructor(private readonly ctx: GasContext) {
    super();
  }
  getScriptProperties(): Properties {
    return new Properties(this.ctx, 'script');
  }
  getDocumentProperties(): Properties {
    return new Properties(this.ctx, 'document');
  }
  getUserProperties(): Properties {
    return new Properties(this.ctx, 'user');
  }
}

/** Locks are held by the execution (not the Lock object); `hasLock` is per Lock object, as documented. */
export class Lock extends HostObject {
  readonly gasClass = 'Lock';
  private held = false;
  constructor(
    private readonly ctx: GasContext,
    private readonly scope: Scope,
  ) {
    super();
  }
  tryLock(timeoutInMillis: unknown): boolean {
    const ms = Number(timeoutInMillis);
    if (!Number.isFinite(ms)) throw mismatch('Lock.tryLock', [timeoutInMillis]);
    this.held = this.ctx.host.call('lockAcquire', this.scope, Math.max(0, ms));
    return this.held;
  }
  waitLock(timeoutInMillis: unknown): void {
    if (!this.tryLock(timeoutInMillis)) throw new GasException(MSG.lockTimeout);
  }
  releaseLock(): void {
    this.held = false;
    this.ctx.host.call('lockRelease', this.scope);
  }
  hasLock(): boolean {
    return this.held;
  }
}

export class LockService extends HostObject {
  readonly gasClass = 'LockService';
  constructor(private readonly ctx: GasContext) {
    super();
  }
  getDocumentLock(): Lock {
    return new Lock(this.ctx, 'document');
  }
  getScriptLock(): Lock {
    return new Lock(this.ctx, 'script');
  }
  getUserLock(): Lock {
    return new Lock(this.ctx, 'user');
  }
}
