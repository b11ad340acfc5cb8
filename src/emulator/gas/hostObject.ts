/**
 * Base of every Apps Script object the emulator hands to a script (Range, Cache, HTTPResponse…).
 * Its public prototype methods become methods of a plain object in the script's realm (sandbox.ts);
 * names starting with `_` stay on the host side.
 */
export abstract class HostObject {
  abstract readonly gasClass: string;
  /** Non-method properties the script sees, such as enums (`Utilities.DigestAlgorithm`). */
  _props(): Record<string, unknown> {
    return {};
  }
  /** The class name in "The parameters (…) don't match…" (an enum value names its enum). */
  _typeName(): string {
    return this.gasClass;
  }
}

const cache = new Map<object, string[]>();

export function exposedMethods(obj: HostObject): string[] {
  const proto = Object.getPrototypeOf(obj) as object;
  let names = cache.get(proto);
  if (!names) {
    const found = new Set<string>();
    for (let p: object | null = proto; p && p !== HostObject.prototype; p = Object.getPrototypeOf(p) as object | null) {
      for (const name of Object.getOwnPropertyNames(p)) {
        if (name === 'constructor' || name.startsWith('_')) continue;
        const desc = Object.getOwnPropertyDescriptor(p, name);
        if (desc && typeof desc.value === 'function') found.add(name);
      }
    }
    names = [...found];
    cache.set(proto, names);
  }
  return names;
}

/**
 * A value of an Apps Script enum (`SpreadsheetApp.DeveloperMetadataVisibility.PROJECT`): an object,
 * not a string, so overloads can tell `(key, visibility)` from `(key, value)`; `String(v)` and
 * `v.name()` give its name, and each value is one object per execution, so `===` works.
 */
export class EnumValue extends HostObject {
  readonly gasClass: string;
  constructor(
    readonly _type: string,
    readonly _name: string,
    readonly _ordinal: number,
  ) {
    super();
    this.gasClass = _name;
  }
  override _typeName(): string {
    return this._type;
  }
  name(): string {
    return this._name;
  }
  ordinal(): number {
    return this._ordinal;
  }
  override toString(): string {
    return this._name;
  }
}

export function enumValues<N extends string>(type: string, names: readonly N[]): Record<N, EnumValue> {
  return Object.fromEntries(names.map((n, i) => [n, new EnumValue(type, n, i)])) as Record<N, EnumValue>;
}

/** The name of `value` when it is one of `all`'s values (a string naming it is not). */
export function enumName<N extends string>(value: unknown, all: Record<N, EnumValue>): N | undefined {
  return Object.values<EnumValue>(all).includes(value as EnumValue) ? ((value as EnumValue).name() as N) : undefined;
}
