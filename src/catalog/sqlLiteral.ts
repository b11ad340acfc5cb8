/**
 * The one place a filter value is turned into SQL text, for Trino (Athena), which binds `?` only in
 * WHERE and takes parameter values as SQL expressions anyway. Every value has already passed
 * contract validation; this function still refuses anything it cannot print safely.
 */
import type { FilterScalar } from '../contract/types';

// Trino string literals have no backslash escapes: a quote is doubled and nothing else is special.
// Control characters are refused outright rather than escaped, so no byte can end the literal.
function isUnprintable(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}

export function trinoLiteral(value: FilterScalar): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error('Only safe integers can be printed as Trino literals.');
    return String(value);
  }
  if (typeof value !== 'string') throw new Error('Unsupported literal type.');
  if (isUnprintable(value)) throw new Error('Control characters cannot be printed in a Trino literal.');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) {
    throw new Error('Lone surrogates cannot be printed in a Trino literal.');
  }
  return `'${value.replace(/'/g, "''")}'`;
}
