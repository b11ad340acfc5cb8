/** Measures reused by several metrics, so e.g. "box revenue" has exactly one definition. */
import type { FlowMeasure, SnapshotMeasure } from '../model';
import { boxesModel, boxItemsModel, shopOrderItemsModel, shopOrdersModel, subscriptionsModel } from '../models';

/** A box earns revenue when it leaves the warehouse; skipped boxes earn nothing. */
export const SHIPPED_BOX = "b.status IN ('shipped', 'delivered')";

export const boxRevenue: FlowMeasure = {
  kind: 'flow',
  model: boxesModel,
  aggregate: { fn: 'sum', expr: 'b.price_jpy - b.discount_jpy' },
  time: { expr: 'b.shipped_at', type: 'timestamp' },
  where: [SHIPPED_BOX],
};

export const shopRevenue: FlowMeasure = {
  kind: 'flow',
  model: shopOrdersModel,
  aggregate: { fn: 'sum', expr: 'o.total_jpy' },
  time: { expr: 'o.ordered_at', type: 'timestamp' },
  where: ["o.status = 'completed'"],
};

export const boxesShipped: FlowMeasure = {
  kind: 'flow',
  model: boxesModel,
  aggregate: { fn: 'count' },
  time: { expr: 'b.shipped_at', type: 'timestamp' },
  where: [SHIPPED_BOX],
};

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

export const newSubscriptions: FlowMeasure = {
  kind: 'flow',
  model: subscriptionsModel,
  aggregate: { fn: 'count' },
  time: { expr: 's.started_at', type: 'timestamp' },
};

export const canceledSubscriptions: FlowMeasure = {
  kind: 'flow',
  model: subscriptionsModel,
  aggregate: { fn: 'count' },
  time: { expr: 's.canceled_at', type: 'timestamp' },
  where: ['s.canceled_at IS NOT NULL'],
};

export const boxUnits: FlowMeasure = {
  kind: 'flow',
  model: boxItemsModel,
  aggregate: { fn: 'sum', expr: 'bi.quantity' },
  time: { expr: 'b.shipped_at', type: 'timestamp' },
  where: [SHIPPED_BOX],
};

export const shopUnits: FlowMeasure = {
  kind: 'flow',
  model: shopOrderItemsModel,
  aggregate: { fn: 'sum', expr: 'oi.quantity' },
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
