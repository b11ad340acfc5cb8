/**
 * Shape validation of a query request: everything that can be checked without the catalog.
 * Names are checked against the catalog later (catalog/resolve.ts); here we only make sure the
 * request is well formed, so nothing malformed ever reaches the compiler.
 */
import * as z from 'zod/mini';
import { GRAINS, latestRangeEnd, parseIsoDate } from './dates';
import { ApiError } from './errors';
import { LIMITS } from './limits';
import { COMPARISONS } from './comparison';
import type { AnomalyRequest, FilterValue, ForecastRequest, QueryRequest } from './types';

// zod/mini, not zod: the same validation at a fraction of the size, which matters in the Lambda bundle.

// Control characters (NUL included) have no business in a filter value and confuse logs and engines.
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

const filterScalar = z.union([
  z.string().check(
    z.maxLength(LIMITS.maxFilterValueLength, { error: `must be at most ${LIMITS.maxFilterValueLength} characters` }),
    z.refine((value) => !hasControlCharacter(value), { error: 'must not contain control characters' }),
  ),
  z.number().check(z.refine((value) => Number.isFinite(value), { error: 'must be a finite number' })),
  z.boolean(),
]);

const filterValue = z.union([
  filterScalar,
  z
    .array(filterScalar)
    .check(
      z.minLength(1, { error: 'needs at least one value' }),
      z.maxLength(LIMITS.maxFilterValues, { error: `allows at most ${LIMITS.maxFilterValues} values` }),
    ),
]);

const isoDate = z.string().check(z.maxLength(10, { error: 'must be a date as YYYY-MM-DD' }));

const querySchema = z.strictObject({
  metric: z.string().check(z.minLength(1, { error: 'is required' }), z.maxLength(LIMITS.maxMetricNameLength, { error: 'is too long' })),
  from: isoDate,
  to: isoDate,
  grain: z.optional(z.enum(GRAINS, { error: `must be one of ${GRAINS.join(', ')}` })),
  dimensions: z.optional(
    z
      .array(z.string().check(z.maxLength(64, { error: 'is too long' })))
      .check(z.maxLength(LIMITS.maxDimensions, { error: `allows at most ${LIMITS.maxDimensions} dimensions` })),
  ),
  filters: z.optional(
    z
      .record(z.string().check(z.maxLength(64, { error: 'is too long' })), filterValue)
      .check(z.refine((filters) => Object.keys(filters).length <= LIMITS.maxFilters, { error: `allows at most ${LIMITS.maxFilters} filters` })),
  ),
  limit: z.optional(
    z.number().check(
      z.refine((value) => Number.isInteger(value), { error: 'must be a whole number' }),
      z.minimum(1, { error: 'must be at least 1' }),
      z.maximum(LIMITS.maxRows, { error: `must be at most ${LIMITS.maxRows}` }),
    ),
  ),
  compare: z.optional(z.enum(COMPARISONS, { error: `must be one of ${COMPARISONS.join(', ')}` })),
});

function fieldName(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || 'body';
}

/** The first problem zod found, as one sentence naming the field. */
function issueError(issue: z.core.$ZodIssue, body: Record<PropertyKey, unknown>): ApiError {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return new ApiError('INVALID_ARGUMENT', `Unknown field "${key}" in the request.`, { reason: 'unknown_field', field: key });
  }
  const field = fieldName(issue.path);
  const missing = issue.path.length === 1 && body[issue.path[0]!] === undefined;
  const detail =
    issue.code === 'invalid_type'
      ? `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`
      : issue.code === 'invalid_union'
        ? 'must be text, a number, true or false, or a list of them'
        : issue.message;
  const message = missing ? `Field "${field}" is required.` : `Field "${field}" ${detail}.`;
  return new ApiError('INVALID_ARGUMENT', message, { reason: missing ? 'missing_field' : 'invalid_field', field });
}

/**
 * JSON.parse makes "__proto__" an own key, but zod's record copies keys into a plain object, where
 * "__proto__" sets the prototype instead: the filter would vanish and the query run unfiltered.
 * So every own key of the body's filters is kept (a missing one checked as zod checks the others),
 * and the catalog refuses an unknown name like any other.
 */
function ownFilters(raw: Record<string, unknown>, checked: Record<string, FilterValue>): Record<string, FilterValue> {
  const names = Object.keys(raw);
  if (names.length > LIMITS.maxFilters) {
    throw new ApiError('INVALID_ARGUMENT', `Field "filters" allows at most ${LIMITS.maxFilters} filters.`, { reason: 'invalid_field', field: 'filters' });
  }
  return Object.fromEntries(
    names.map((name) => {
      if (Object.prototype.hasOwnProperty.call(checked, name)) return [name, checked[name]!];
      const value = filterValue.safeParse(raw[name]);
      if (!value.success) {
        const issue = value.error.issues[0]!;
        throw issueError({ ...issue, path: ['filters', name, ...issue.path] }, {});
      }
      return [name, value.data];
    }),
  );
}

/** Validates and normalises a decoded JSON body into a QueryRequest, or throws INVALID_ARGUMENT. */
export function parseQueryRequest(body: unknown): QueryRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('INVALID_ARGUMENT', 'The request body must be a JSON object.', { reason: 'invalid_body' });
  }
  const parsed = querySchema.safeParse(body);
  if (!parsed.success) throw issueError(parsed.error.issues[0]!, body as Record<PropertyKey, unknown>);
  const request = parsed.data.filters
    ? { ...parsed.data, filters: ownFilters((body as { filters: Record<string, unknown> }).filters, parsed.data.filters) }
    : parsed.data;
  const from = parseIsoDate(request.from);
  const to = parseIsoDate(request.to);
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value === null) {
      throw new ApiError('INVALID_ARGUMENT', `Field "${field}" must be a real date as YYYY-MM-DD.`, {
        reason: 'invalid_date',
        field,
      });
    }
  }
  if (from! >= to!) {
    throw new ApiError('INVALID_ARGUMENT', '"from" must be before "to" (the range is [from, to)).', {
      reason: 'range_order',
      field: 'to',
    });
  }
  if (to! > latestRangeEnd(from!)) {
    throw new ApiError('INVALID_ARGUMENT', `The date range may span at most ${LIMITS.maxRangeYears} years.`, {
      reason: 'range_too_long',
      field: 'to',
      max: LIMITS.maxRangeYears,
    });
  }
  const dimensions = request.dimensions ?? [];
  const duplicate = dimensions.find((name, index) => dimensions.indexOf(name) !== index);
  if (duplicate !== undefined) {
    throw new ApiError('INVALID_ARGUMENT', `Dimension "${duplicate}" is listed twice.`, {
      reason: 'duplicate_dimension',
      field: 'dimensions',
    });
  }
  return { ...request, from: from!, to: to!, dimensions };
}

const forecastExtras = z.strictObject({
  horizon: z.number().check(
    z.refine((value) => Number.isInteger(value), { error: 'must be a whole number' }),
    z.minimum(1, { error: 'must be at least 1' }),
    z.maximum(LIMITS.maxForecastHorizon, { error: `must be at most ${LIMITS.maxForecastHorizon}` }),
  ),
  interval: z.optional(z.number().check(z.minimum(0.5, { error: 'must be at least 0.5' }), z.maximum(0.99, { error: 'must be at most 0.99' }))),
  seasonality: z.optional(
    z.number().check(
      z.refine((value) => Number.isInteger(value), { error: 'must be a whole number' }),
      z.minimum(2, { error: 'must be at least 2' }),
      z.maximum(366, { error: 'must be at most 366' }),
    ),
  ),
});

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('INVALID_ARGUMENT', 'The request body must be a JSON object.', { reason: 'invalid_body' });
  }
  return body as Record<string, unknown>;
}

/** Validates the fields a forecast or anomaly request adds to a query, with the same error shape. */
function parseExtras<S extends z.ZodMiniType>(schema: S, extras: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(extras);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = fieldName(issue.path);
  const missing = issue.path.length === 1 && extras[String(issue.path[0])] === undefined;
  throw new ApiError('INVALID_ARGUMENT', missing ? `Field "${field}" is required.` : `Field "${field}" ${issue.message}.`, {
    reason: missing ? 'missing_field' : 'invalid_field',
    field,
  });
}

/** A query over one series with a grain: what forecasts and anomaly flags are computed on. */
function parseSeriesQuery(query: Record<string, unknown>, purpose: string): QueryRequest & { grain: NonNullable<QueryRequest['grain']> } {
  const request = parseQueryRequest(query);
  if (!request.grain) throw new ApiError('INVALID_ARGUMENT', `Field "grain" is required for ${purpose}.`, { reason: 'missing_field', field: 'grain' });
  for (const field of ['limit', 'compare'] as const) {
    if (request[field] !== undefined) throw new ApiError('INVALID_ARGUMENT', `Unknown field "${field}" in the request.`, { reason: 'unknown_field', field });
  }
  return { ...request, grain: request.grain };
}

/** A forecast request: a query over one series (grain required, no dimensions) plus the forecast's options. */
export function parseForecastRequest(body: unknown): ForecastRequest {
  const { horizon, interval, seasonality, ...query } = objectBody(body);
  const extras = parseExtras(forecastExtras, { horizon, interval, seasonality });
  const request = parseSeriesQuery(query, 'a forecast');
  if (request.dimensions?.length) {
    throw new ApiError('INVALID_ARGUMENT', 'A forecast is of one series: use filters, not dimensions.', { reason: 'invalid_field', field: 'dimensions' });
  }
  return {
    metric: request.metric,
    from: request.from,
    to: request.to,
    grain: request.grain,
    horizon: extras.horizon,
    ...(extras.interval !== undefined ? { interval: extras.interval } : {}),
    ...(extras.seasonality !== undefined ? { seasonality: extras.seasonality } : {}),
    ...(request.filters ? { filters: request.filters } : {}),
  };
}

const anomalyExtras = z.strictObject({
  sensitivity: z.optional(z.enum(['low', 'medium', 'high'], { error: 'must be low, medium or high' })),
  seasonality: forecastExtras.shape.seasonality,
});

/** An anomaly request: a series query whose `dimensions` name what to attribute each anomaly to. */
export function parseAnomalyRequest(body: unknown): AnomalyRequest {
  const { sensitivity, seasonality, ...query } = objectBody(body);
  const extras = parseExtras(anomalyExtras, { sensitivity, seasonality });
  const request = parseSeriesQuery(query, 'anomaly detection');
  return {
    metric: request.metric,
    from: request.from,
    to: request.to,
    grain: request.grain,
    ...(request.dimensions?.length ? { dimensions: request.dimensions } : {}),
    ...(request.filters ? { filters: request.filters } : {}),
    ...(extras.sensitivity !== undefined ? { sensitivity: extras.sensitivity } : {}),
    ...(extras.seasonality !== undefined ? { seasonality: extras.seasonality } : {}),
  };
}
