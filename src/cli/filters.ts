/** The CLI's `--filter name=value` flags. */
import { InvalidArgumentError } from 'commander';
import type { FilterScalar } from '../contract/types';

/** `--filter plan=biweekly --filter plan=every4weeks` → { plan: ['biweekly', 'every4weeks'] }. */
export function parseFilters(pairs: string[]): Record<string, FilterScalar | FilterScalar[]> {
  const filters: Record<string, FilterScalar[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new InvalidArgumentError(`--filter takes name=value, not "${pair}".`);
    (filters[pair.slice(0, at)] ??= []).push(pair.slice(at + 1));
  }
  return Object.fromEntries(Object.entries(filters).map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}
