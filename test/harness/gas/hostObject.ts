/**
 * Base of every Apps Script object the harness hands to a script (Range, Cache, HTTPResponse…).
 * Its public prototype methods become methods of a plain object in the script's realm (sandbox.ts);
 * names starting with `_` stay on the host side.
 */
export abstract class HostObject {
  abstract readonly gasClass: string;
  /** Non-method properties the script sees, such as enums (`Utilities.DigestAlgorithm`). */
  _props(): Record<string, unknown> {
    return {};
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
