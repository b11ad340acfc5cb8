/**
 * JSON the add-on keeps in document properties. Text that does not parse, or is not the shape we
 * write, is "damaged": callers report it and never treat it as absent, so nothing is reset silently.
 */
import type { PropertiesLike } from './platform';

export type Stored<T> = { kind: 'absent' } | { kind: 'ok'; value: T } | { kind: 'damaged'; raw: string };

export function readStored<T>(properties: PropertiesLike, key: string, valid: (value: unknown) => value is T): Stored<T> {
  const raw = properties.getProperty(key);
  if (raw === null) return { kind: 'absent' };
  try {
    const value: unknown = JSON.parse(raw);
    if (valid(value)) return { kind: 'ok', value };
  } catch {
    // reported below
  }
  return { kind: 'damaged', raw };
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
