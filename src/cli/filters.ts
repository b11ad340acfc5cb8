/** The CLI's `--filter name=value` flags. */
import { InvalidArgumentError } from 'commander';
import type { FilterScalar } from '../contract/types';

/**
 * `--filter plan=biweekly --filter plan=every4weeks` → { plan: ['biweekly', 'every4weeks'] }.
 * Any name a person types (`__proto__`, `constructor`) becomes an own property, so it reaches
 * validation and is refused there like any unknown filter, instead of meeting Object.prototype.
 */
export function parseFilters(pairs: string[]): Record<string, FilterScalar | FilterScalar[]> {
  const byName = new Map<string, string[]>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new InvalidArgumentError(`--filter takes name=value, not "${pair}".`);
    const name = pair.slice(0, at);
    byName.set(name, [...(byName.get(name) ?? []), pair.slice(at + 1)]);
  }
  // fromEntries defines properties (no setters run), so "__proto__" stays an ordinary key.
  return Object.fromEntries([...byName].map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}
