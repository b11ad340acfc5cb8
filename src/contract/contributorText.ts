/**
 * An anomaly's top contributors in one line, as a cell and the CLI show them:
 * "prefecture=宮城県 +120,000 (95%); gender=女性 +62,789 (54%)". Plain ECMAScript (no Intl), as it runs on Apps Script.
 */
import type { Contributor, Lang } from './types';

/** Contributors shown: the line stays readable, and the API has the rest. */
const CONTRIBUTORS_SHOWN = 3;

function signed(value: number): string {
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
  const [whole = '0', fraction] = String(Math.abs(rounded)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${rounded < 0 ? '−' : '+'}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/** "gender=女性 +62,789 (54%)": which value moved (in words when it has them), by how much, and its share of the metric's move. */
export function contributorText(contributor: Contributor, lang: Lang): string {
  const share = contributor.share === undefined ? '' : ` (${Math.round(contributor.share * 100)}%)`;
  return `${contributor.dimension}=${contributor.valueLabel?.[lang] ?? String(contributor.value ?? '—')} ${signed(contributor.delta)}${share}`;
}

export function contributorsText(contributors: readonly Contributor[], lang: Lang): string {
  return contributors
    .slice(0, CONTRIBUTORS_SHOWN)
    .map((contributor) => contributorText(contributor, lang))
    .join('; ');
}
