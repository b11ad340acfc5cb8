/** Every governed metric. Adding a metric: define it in its domain file; it appears everywhere. */
import type { MetricDef } from '../vocabulary';
import { operationsMetrics } from './operations';
import { productMetrics } from './products';
import { revenueMetrics } from './revenue';
import { subscriberMetrics } from './subscribers';

export const METRIC_DEFINITIONS: readonly MetricDef[] = [...revenueMetrics, ...subscriberMetrics, ...operationsMetrics, ...productMetrics];
