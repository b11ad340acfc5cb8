/** Measures reused by several metrics, so e.g. "box revenue" has exactly one definition. */
import type { FlowMeasure, ModelDef, SnapshotMeasure } from '../vocabulary';
import { boxesModel, boxItemsModel, shopOrderItemsModel, shopOrdersModel, subscriptionsModel } from '../models';

/** A box earns revenue when it leaves the warehouse; skipped boxes earn nothing. */
export const SHIPPED_BOX = "b.status IN ('shipped', 'delivered')";

export const boxRevenue: FlowMeasure = {
  kind: 'flow',
  model: boxesModel,
  aggregate: { fn: 'sum', expr: 'b.price_jpy - b.discount_jpy', nonNegative: true },
  time: { expr: 'b.shipped_at', type: 'timestamp' },
  where: [SHIPPED_BOX],
};

export const shopRevenue: FlowMeasure = {
  kind: 'flow',
  model: shopOrdersModel,
  aggregate: { fn: 'sum', expr: 'o.total_jpy', nonNegative: true },
  time: { expr: 'o.ordered_at', type: 'timestamp' },
  where: ["o.status = 'completed'"],
};

export const boxesShipped = eventsAt(boxesModel, 'b.shipped_at', [SHIPPED_BOX]);

export function activeSubscriptions(at: SnapshotMeasure['at']): SnapshotMeasure {
  return {
    kind: 'snapshot',
    model: subscriptionsModel,
    aggregate: { fn: 'count' },
    validFrom: 's.started_at',
    validTo: 's.canceled_at',
    at,
  };
}

/** How many rows of a model happened in the period, by a UTC timestamp column. */
export function eventsAt(model: ModelDef, timestamp: string, where?: readonly string[]): FlowMeasure {
  return { kind: 'flow', model, aggregate: { fn: 'count' }, time: { expr: timestamp, type: 'timestamp' }, ...(where ? { where } : {}) };
}

export const newSubscriptions = eventsAt(subscriptionsModel, 's.started_at');

export const canceledSubscriptions = eventsAt(subscriptionsModel, 's.canceled_at', ['s.canceled_at IS NOT NULL']);

export const boxUnits: FlowMeasure = {
  kind: 'flow',
  model: boxItemsModel,
  aggregate: { fn: 'sum', expr: 'bi.quantity', nonNegative: true },
  time: { expr: 'b.shipped_at', type: 'timestamp' },
  where: [SHIPPED_BOX],
};

/**
 * What the snacks in shipped boxes cost us, as a negative amount so that it adds to revenue as a
 * margin: Σ unit cost × quantity, on the box's ship date. The lake keeps no cost history: the
 * product master's current unit_cost_jpy is used for every period.
 */
export const boxItemCostNegated: FlowMeasure = {
  kind: 'flow',
  model: boxItemsModel,
  aggregate: { fn: 'sum', expr: '0 - p.unit_cost_jpy * bi.quantity', nonNegative: false },
  time: { expr: 'b.shipped_at', type: 'timestamp' },
  where: [SHIPPED_BOX],
};

export const shopUnits: FlowMeasure = {
  kind: 'flow',
  model: shopOrderItemsModel,
  aggregate: { fn: 'sum', expr: 'oi.quantity', nonNegative: true },
  time: { expr: 'o.ordered_at', type: 'timestamp' },
  where: ["o.status = 'completed'"],
};

/** Boxes that were due on a (JST) day, whether they shipped or were skipped. */
export function boxesDue(where: string): FlowMeasure {
  return {
    kind: 'flow',
    model: boxesModel,
    aggregate: { fn: 'count' },
    time: { expr: 'b.scheduled_date', type: 'date' },
    where: [where],
  };
}
