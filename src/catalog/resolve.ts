/**
 * Resolves a well-formed request against the catalog: every name is looked up, every filter value
 * is checked against its dimension's type. The result holds only catalog objects and plain values,
 * which is all the compiler ever sees.
 */
import type { Grain } from '../contract/dates';
import { ApiError } from '../contract/errors';
import type { Comparison, FilterScalar, QueryRequest } from '../contract/types';
import type { Catalog } from './catalog';
import type { DimensionDef, MetricDef } from './vocabulary';
import { mayRead, OPERATOR, type Caller } from './accessPolicy';
import { codeFor } from './valueLabels';

export interface ResolvedFilter {
  dimension: string;
  values: FilterScalar[];
}

export interface ResolvedQuery {
  metric: MetricDef;
  from: string;
  to: string;
  grain?: Grain;
  dimensions: string[];
  filters: ResolvedFilter[];
  /** Each period beside the earlier one it is compared with (contract/comparison.ts). */
  compare?: Comparison;
}

/** The refusal of a metric the caller may not see: its own reason, so clients can say what to do. */
export function restrictedMetric(metric: MetricDef): ApiError {
  return new ApiError('FORBIDDEN', `Metric "${metric.name}" is restricted to named people. Ask the data team if you need it.`, {
    reason: 'restricted_metric',
    metric: metric.name,
  });
}

/**
 * A metric the caller may see. Without a caller it is the operator's view (the in-process CLI, tests
 * of the compiler); the service always passes the request's caller. Restricted metrics are never
 * suggested to a caller who may not see them.
 */
export function resolveMetric(catalog: Catalog, name: string, caller: Caller = OPERATOR): MetricDef {
  const metric = catalog.get(name);
  if (metric) {
    if (!mayRead(metric.access, caller)) throw restrictedMetric(metric);
    return metric;
  }
  const suggestion = catalog.suggest(name, (candidate) => mayRead(candidate.access, caller));
  throw new ApiError('UNKNOWN_METRIC', suggestion ? `There is no metric "${name}". Did you mean "${suggestion}"?` : `There is no metric "${name}".`, {
    reason: 'unknown_metric',
    field: 'metric',
    metric: name,
    ...(suggestion ? { suggestion } : {}),
  });
}

/** A dimension the metric allows; PII is refused as FORBIDDEN, anything else unknown as INVALID_ARGUMENT. */
export function resolveDimension(catalog: Catalog, metric: MetricDef, name: string, field: string): DimensionDef {
  if (catalog.isPersonalData(metric, name)) {
    throw new ApiError('FORBIDDEN', `"${name}" is personal data and cannot be used in a metric.`, {
      reason: 'pii_dimension',
      field,
      dimension: name,
    });
  }
  const definition = catalog.modelDimension(metric, name);
  if (!definition || !metric.dimensions.includes(name)) {
    throw new ApiError('INVALID_ARGUMENT', `Metric "${metric.name}" has no dimension "${name}". Use one of: ${metric.dimensions.join(', ') || '(none)'}.`, {
      reason: 'unknown_dimension',
      field,
      dimension: name,
      allowed: [...metric.dimensions],
    });
  }
  return definition;
}

function checkFilterValue(name: string, dimension: DimensionDef, value: FilterScalar): FilterScalar {
  const field = `filters.${name}`;
  const fail = (expected: string): never => {
    throw new ApiError('INVALID_ARGUMENT', `Filter "${name}" ${expected}.`, { reason: 'invalid_filter_value', field });
  };
  switch (dimension.type) {
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
      return fail('takes whole numbers');
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail('takes true or false');
    case 'string': {
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text !== 'string') return fail('takes text');
      // A label (either language) names its code; only codes reach the compiler, the cache key and the audit.
      const code = codeFor(dimension, text);
      if (code !== undefined) return code;
      if (dimension.values) {
        const labels = dimension.valueLabels ?? {};
        const accepted = dimension.values.map((each) => (labels[each] ? `${each} (${labels[each].ja}, ${labels[each].en})` : each));
        throw new ApiError('INVALID_ARGUMENT', `Filter "${name}" takes one of: ${accepted.join(', ')}.`, {
          reason: 'invalid_filter_value',
          field,
          allowed: [...dimension.values],
          ...(dimension.valueLabels ? { labels: dimension.valueLabels } : {}),
        });
      }
      return text;
    }
  }
}

export function resolveQuery(catalog: Catalog, request: QueryRequest, caller: Caller = OPERATOR): ResolvedQuery {
  const metric = resolveMetric(catalog, request.metric, caller);
  if (request.grain !== undefined && !metric.grains.includes(request.grain)) {
    throw new ApiError('INVALID_ARGUMENT', `Metric "${metric.name}" cannot be split by ${request.grain}. Use one of: ${metric.grains.join(', ')}.`, {
      reason: 'grain_not_allowed',
      field: 'grain',
      allowed: [...metric.grains],
    });
  }
  const dimensions = request.dimensions ?? [];
  dimensions.forEach((name, index) => resolveDimension(catalog, metric, name, `dimensions.${index}`));
  const filters = Object.entries(request.filters ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, raw]) => {
      const dimension = resolveDimension(catalog, metric, name, `filters.${name}`);
      const values = (Array.isArray(raw) ? raw : [raw]).map((value) => checkFilterValue(name, dimension, value));
      return { dimension: name, values: [...new Set(values)].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)) };
    });
  return { metric, from: request.from, to: request.to, grain: request.grain, dimensions, filters, ...(request.compare ? { compare: request.compare } : {}) };
}
