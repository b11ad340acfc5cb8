/** The catalog as the wire contract shows it: one summary shape for the API, the CLI and the sidebar. */
import type { MetricSummary } from '../contract/types';
import type { Catalog } from './catalog';
import { measuresOf, type MetricDef } from './vocabulary';
import { isRestricted } from './accessPolicy';

export function describeMetric(metric: MetricDef): MetricSummary {
  const model = measuresOf(metric)[0]!.model;
  return {
    name: metric.name,
    title: metric.title,
    description: metric.description,
    owner: metric.owner,
    unit: metric.unit,
    grains: metric.grains,
    dimensions: metric.dimensions.map((name) => {
      const definition = model.dimensions[name]!;
      // Only closed sets carry their words here: an open set's (prefectures) come with its values route.
      return {
        name,
        title: definition.title,
        type: definition.type,
        ...(definition.values ? { values: definition.values, ...(definition.valueLabels ? { valueLabels: definition.valueLabels } : {}) } : {}),
      };
    }),
    tags: metric.tags,
    status: metric.status,
    ...(metric.replacedBy ? { replacedBy: metric.replacedBy } : {}),
    version: metric.version,
    ...(isRestricted(metric.access) ? { restrictedTo: metric.access.groups } : {}),
  };
}

/** Metrics whose name, titles, descriptions or tags contain `search` (any case); all when empty. */
export function searchMetrics(catalog: Catalog, search?: string): MetricSummary[] {
  const needle = search?.trim().toLowerCase();
  return catalog
    .list()
    .filter((metric) => {
      if (!needle) return true;
      const haystack = [metric.name, metric.title.ja, metric.title.en, metric.description.ja, metric.description.en, ...metric.tags];
      return haystack.some((text) => text.toLowerCase().includes(needle));
    })
    .map(describeMetric);
}
