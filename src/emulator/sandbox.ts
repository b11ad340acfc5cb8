/**
 * The script's realm: a `node:vm` context with ECMAScript built-ins only, plus the globals the
 * emulator installs. Values crossing in are rebuilt with the context's own constructors (so
 * `instanceof Date` / `Array` hold in the script); values crossing out are rebuilt in the host realm.
 * Host objects are shown to the script as plain objects of its realm whose methods call back here;
 * a host error becomes an Error of the script's realm with the same name and message.
 */
import * as vm from 'node:vm';
import { exposedMethods, HostObject } from './gas/hostObject';

interface Realm {
  Date: DateConstructor;
  Array: ArrayConstructor;
  Object: ObjectConstructor;
}

type Invoke = (handle: number, name: string, args: unknown[]) => { threw?: boolean; name?: string; message?: string; value?: unknown };
type WrapFactory = (handle: number, names: string[], props: Record<string, unknown>, className: string) => object;

const WRAP_SOURCE = `(function (invoke) {
  'use strict';
  var slice = Array.prototype.slice;
  return function wrap(handle, names, props, className) {
    var o = {};
    names.forEach(function (name) {
      Object.defineProperty(o, name, {
        value: function () {
          var r = invoke(handle, name, slice.call(arguments));
          if (r.threw) { var e = new Error(r.message); e.name = r.name; throw e; }
          return r.value;
        },
        writable: true, configurable: true, enumerable: false
      });
    });
    Object.keys(props).forEach(function (key) { o[key] = props[key]; });
    Object.defineProperty(o, 'toString', { value: function () { return className; }, writable: true, configurable: true, enumerable: false });
    return o;
  };
})`;

/** Function declarations look like this in `Function.prototype.toString` (a `var f = function () {}` does not). */
const DECLARATION = /^(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(/;

export class Sandbox {
  readonly context: vm.Context;
  private readonly realm: Realm;
  private readonly wrapFactory: WrapFactory;
  private readonly handles: HostObject[] = [];
  private readonly hostToVm = new WeakMap<HostObject, object>();
  private readonly vmToHost = new WeakMap<object, HostObject>();
  private initialGlobals = new Set<string>();

  constructor() {
    this.context = vm.createContext({}, { name: 'apps-script' });
    this.realm = vm.runInContext('({ Date: Date, Array: Array, Object: Object })', this.context) as Realm;
    const invoke: Invoke = (handle, name, args) => {
      try {
        const target = this.handles[handle] as unknown as Record<string, (...a: unknown[]) => unknown>;
        const method = target[name] as (...a: unknown[]) => unknown;
        const value = method.apply(
          target,
          args.map((a) => this.fromVm(a)),
        );
        return { value: this.toVm(value) };
      } catch (error) {
        const e = error as { name?: unknown; message?: unknown };
        return { threw: true, name: typeof e?.name === 'string' ? e.name : 'Error', message: String(e?.message ?? error) };
      }
    };
    const makeWrap = vm.runInContext(WRAP_SOURCE, this.context) as (invoke: Invoke) => WrapFactory;
    this.wrapFactory = makeWrap(invoke);
    // console is a V8 built-in of every context; the emulator replaces it.
    vm.runInContext('delete globalThis.console', this.context);
  }

  /** Installs a global (a host object is wrapped). */
  define(name: string, value: unknown): void {
    Object.defineProperty(this.global(), name, { value: this.toVm(value), writable: true, configurable: true, enumerable: false });
  }

  global(): Record<string, unknown> {
    return vm.runInContext('globalThis', this.context) as Record<string, unknown>;
  }

  /** Runs the bundle as a classic script, remembering which globals existed before it. */
  load(source: string, filename: string): void {
    this.initialGlobals = new Set(this.globalNames());
    new vm.Script(source, { filename }).runInContext(this.context);
  }

  /** Compiles code in the script's realm and returns its completion value (templates). */
  evaluate(code: string, filename: string): unknown {
    return new vm.Script(code, { filename }).runInContext(this.context);
  }

  private globalNames(): string[] {
    return vm.runInContext('Object.getOwnPropertyNames(globalThis)', this.context) as string[];
  }

  /** The top-level function declarations the bundle added (what Apps Script can call). */
  topLevelFunctions(): string[] {
    const global = this.global();
    return this.globalNames().filter((name) => {
      if (this.initialGlobals.has(name)) return false;
      const value = global[name];
      if (typeof value !== 'function') return false;
      return DECLARATION.exec(Function.prototype.toString.call(value))?.[1] === name;
    });
  }

  toVm(value: unknown): unknown {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'object') return value;
    if (value instanceof HostObject) return this.wrap(value);
    if (value instanceof Date) return new this.realm.Date(value.getTime());
    if (Array.isArray(value)) {
      const out = new this.realm.Array();
      for (const item of value) out.push(this.toVm(item));
      return out;
    }
    if (this.vmToHost.has(value) || Object.getPrototypeOf(value) === this.realm.Object.prototype) return value;
    const out = new this.realm.Object() as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[k] = this.toVm(v);
    return out;
  }

  fromVm(value: unknown, depth = 0): unknown {
    if (value === null || value === undefined || typeof value !== 'object') return value;
    if (depth > 64) throw new TypeError('Value nested too deeply (cycle?)');
    const host = this.vmToHost.get(value);
    if (host) return host;
    if (Object.prototype.toString.call(value) === '[object Date]') return new Date(Date.prototype.getTime.call(value));
    if (Array.isArray(value)) return Array.from(value as unknown[], (item) => this.fromVm(item, depth + 1));
    if (value instanceof HostObject) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = this.fromVm((value as Record<string, unknown>)[key], depth + 1);
    return out;
  }

  /** The script object that stands for a host object (one per host object). */
  wrap(host: HostObject): object {
    let wrapped = this.hostToVm.get(host);
    if (!wrapped) {
      const handle = this.handles.push(host) - 1;
      const props: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(host._props())) props[k] = this.toVm(v);
      wrapped = this.wrapFactory(handle, exposedMethods(host), props, host.gasClass);
      this.hostToVm.set(host, wrapped);
      this.vmToHost.set(wrapped, host);
    }
    return wrapped;
  }
}
