/**
 * One PropertiesService store, over a Map the test can read and write.
 * Rule (the emulator's reading of "9 KB per value, 500 KB per store"): a property costs the UTF-8
 * bytes of its key plus its value; one property may cost at most 9 × 1024 bytes and a store
 * 500 × 1024. Either excess throws "You have exceeded the property storage quota. Please remove
 * some properties and try again." and changes nothing (setProperties is all or nothing).
 */
import { PROPERTY_MAX_ENTRY_BYTES, PROPERTY_MAX_STORE_BYTES } from '../limits';
import { GasException, MSG } from '../messages';

const cost = (key: string, value: string) => Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');

export class PropertyStore {
  constructor(readonly map: Map<string, string>) {}

  entries(): Array<[string, string]> {
    return [...this.map.entries()];
  }

  set(entries: Array<[string, string]>, deleteAllOthers: boolean): void {
    const next = new Map(deleteAllOthers ? [] : this.map);
    for (const [key, value] of entries) {
      if (cost(key, value) > PROPERTY_MAX_ENTRY_BYTES) throw new GasException(MSG.propertyQuota);
      next.set(key, value);
    }
    let total = 0;
    for (const [key, value] of next) total += cost(key, value);
    if (total > PROPERTY_MAX_STORE_BYTES) throw new GasException(MSG.propertyQuota);
    this.map.clear();
    for (const [key, value] of next) this.map.set(key, value);
  }

  delete(keys: string[] | null): void {
    if (keys === null) this.map.clear();
    else for (const key of keys) this.map.delete(key);
  }
}
