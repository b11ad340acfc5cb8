/** The SNAQ_METRIC (or SNAQ_FORECAST) formula for a block query, for "insert as formula". */
import type { BlockQuery } from './blocks/blockSpec';

/** A Sheets string literal: double quotes are doubled. */
const quote = (text: string): string => `"${text.replace(/"/g, '""')}"`;

/** Trailing empty arguments are dropped so the formula reads like one typed by hand. */
function call(name: string, args: string[], required: number): string {
  while (args.length > required && args[args.length - 1] === '""') args.pop();
  return `=${name}(${args.join(', ')})`;
}

export function formulaFor(query: BlockQuery): string {
  const filters = Object.entries(query.filters ?? {})
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(';');
  if (query.forecast) {
    const forecastArgs = [
      quote(query.metric),
      quote(query.from),
      quote(query.to ?? ''),
      String(query.forecast.horizon),
      quote(query.grain ?? ''),
      query.forecast.interval !== undefined ? String(query.forecast.interval) : '""',
      quote(filters),
    ];
    return call('SNAQ_FORECAST', forecastArgs, 4);
  }
  const args = [
    quote(query.metric),
    quote(query.from),
    quote(query.to ?? ''),
    quote(query.grain ?? ''),
    quote((query.dimensions ?? []).join(',')),
    quote(filters),
  ];
  const options = [...(query.limit ? [`limit=${query.limit}`] : []), ...(query.compare ? [`compare=${query.compare}`] : [])];
  if (options.length) args.push(quote(options.join(', ')));
  return call('SNAQ_METRIC', args, 3);
}
