/**
 * Shape validation of a query request: everything that can be checked without the catalog.
 * Names are checked against the catalog later (catalog/resolve.ts); here we only make sure the
 * request is well formed, so nothing malformed ever reaches the compiler.
 */
import { z } from 'zod';
import { addMonths, GRAINS, parseIsoDate } from './dates';
import { ApiError } from './errors';
import { LIMITS } from './limits';
import type { QueryRequest } from './types';

// Control characters (NUL included) have no business in a filter value and confuse logs and engines.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

const filterScalar = z.union([
  z
    .string()
    .max(LIMITS.maxFilterValueLength, { error: `must be at most ${LIMITS.maxFilterValueLength} characters` })
    .refine((value) => !CONTROL_CHARS.test(value), { error: 'must not contain control characters' }),
  z.number().finite(),
  z.boolean(),
]);

const isoDate = z.string().max(10, { error: 'must be a date as YYYY-MM-DD' });

const querySchema = z.strictObject({
  metric: z.string().min(1, { error: 'is required' }).max(LIMITS.maxMetricNameLength, { error: 'is too long' }),
  from: isoDate,
  to: isoDate,
  grain: z.enum(GRAINS, { error: `must be one of ${GRAINS.join(', ')}` }).optional(),
  dimensions: z
    .array(z.string().max(64, { error: 'is too long' }))
    .max(LIMITS.maxDimensions, { error: `allows at most ${LIMITS.maxDimensions} dimensions` })
    .optional(),
  filters: z
    .record(
      z.string().max(64, { error: 'is too long' }),
      z.union([
        filterScalar,
        z.array(filterScalar).min(1, { error: 'needs at least one value' }).max(LIMITS.maxFilterValues, {
          error: `allows at most ${LIMITS.maxFilterValues} values`,
        }),
      ]),
    )
    .refine((filters) => Object.keys(filters).length <= LIMITS.maxFilters, {
      error: `allows at most ${LIMITS.maxFilters} filters`,
    })
    .optional(),
  limit: z
    .number()
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(LIMITS.maxRows, { error: `must be at most ${LIMITS.maxRows}` })
    .optional(),
});

function fieldName(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || 'body';
}

/** Validates and normalises a decoded JSON body into a QueryRequest, or throws INVALID_ARGUMENT. */
export function parseQueryRequest(body: unknown): QueryRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('INVALID_ARGUMENT', 'The request body must be a JSON object.', { reason: 'invalid_body' });
  }
  const parsed = querySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      throw new ApiError('INVALID_ARGUMENT', `Unknown field "${key}" in the request.`, { reason: 'unknown_field', field: key });
    }
    const field = fieldName(issue.path);
    const missing = issue.path.length === 1 && (body as Record<PropertyKey, unknown>)[issue.path[0]!] === undefined;
    const message = missing ? `Field "${field}" is required.` : `Field "${field}" ${issue.message}.`;
    throw new ApiError('INVALID_ARGUMENT', message, { reason: missing ? 'missing_field' : 'invalid_field', field });
  }
  const request = parsed.data;
  const from = parseIsoDate(request.from);
  const to = parseIsoDate(request.to);
  for (const [field, value] of [['from', from], ['to', to]] as const) {
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
  if (to! > addMonths(from!, LIMITS.maxRangeYears * 12)) {
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
