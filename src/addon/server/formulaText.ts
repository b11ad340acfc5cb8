/** The SNAQ_METRIC formula for a block query, for "insert as formula". */
import type { BlockQuery } from './blocks/blockSpec';

/** A Sheets string literal: double quotes are doubled. */
const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`;

export function formulaFor(query: BlockQuery): string {
  const filters = Object.entries(query.filters ?? {})
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(';');
  const args = [
    quote(query.metric),
    quote(query.from),
    quote(query.to ?? ''),
    quote(query.grain ?? ''),
    quote((query.dimensions ?? []).join(',')),
    quote(filters),
    ...(query.limit ? [quote(`limit=${query.limit}`)] : []),
  ];
  // Trailing empty arguments are dropped so the formula reads like one typed by hand.
  while (args.length > 3 && args[args.length - 1] === '""') args.pop();
  return `=SNAQ_METRIC(${args.join(', ')})`;
}
