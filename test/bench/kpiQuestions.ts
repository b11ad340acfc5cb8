/**
 * Five KPI questions, each twice: as a data analyst would write it against the source (MariaDB,
 * the source schema of src/contract/privacyPolicy.ts), and as the catalog metric that answers it
 * (POST /v1/query). Both follow the catalog's definitions (src/catalog/metrics/*): business days
 * are JST, timestamps in the source are UTC, so a JST month starts at its first day minus 9 hours,
 * and a timestamp's JST month is that of `ts + INTERVAL 9 HOUR`. Every SQL returns the API's
 * columns in the API's order (period, dimension, value), so the two answers can be compared.
 */
import type { QueryRequest } from '../../src/contract/types';

/** A range of whole JST months, half-open. */
export interface KpiRange {
  name: string;
  from: string;
  to: string;
}

/**
 * The whole sample history up to the bench's business clock, and the last 12 months of it (what a
 * sheet most often shows). The lake's advantage differs between the two, so both are measured.
 */
export const KPI_RANGES: readonly KpiRange[] = [
  { name: 'all history', from: '2018-01-01', to: '2026-11-01' },
  { name: 'last 12 months', from: '2025-11-01', to: '2026-11-01' },
];

export interface KpiQuestion {
  label: string;
  request: QueryRequest;
  /** The analyst's SQL on the source. */
  sql: string;
  /** How close two answers must be: sums and counts are exact; MariaDB's `/` and AVG keep 4 decimals. */
  tolerance: number;
}

/** The JST month of a UTC timestamp column, as its first day. */
const jstMonth = (column: string) => `DATE_FORMAT(${column} + INTERVAL 9 HOUR, '%Y-%m-01')`;

/** The first day of the month before `to` (a first of month): the range's last month. */
function lastMonthOf(to: string): string {
  const day = new Date(`${to}T00:00:00Z`);
  day.setUTCMonth(day.getUTCMonth() - 1);
  return day.toISOString().slice(0, 10);
}

export function kpiQuestions({ from, to }: KpiRange): KpiQuestion[] {
  /** A UTC timestamp column inside the JST range. */
  const inRange = (column: string) =>
    `${column} >= TIMESTAMP '${from} 00:00:00' - INTERVAL 9 HOUR AND ${column} < TIMESTAMP '${to} 00:00:00' - INTERVAL 9 HOUR`;
  /** One row per month of the range (month_start, a DATE). */
  const MONTHS = `months (month_start) AS (
    SELECT DATE '${from}'
    UNION ALL SELECT month_start + INTERVAL 1 MONTH FROM months WHERE month_start < DATE '${lastMonthOf(to)}'
  )`;
  return [
    {
      label: 'revenue by month',
      request: { metric: 'revenue', from, to, grain: 'month' },
      sql: `SELECT month, SUM(amount) AS revenue
FROM (
  SELECT ${jstMonth('b.shipped_at')} AS month, b.price_jpy - b.discount_jpy AS amount
  FROM boxes b
  WHERE b.status IN ('shipped', 'delivered') AND ${inRange('b.shipped_at')}
  UNION ALL
  SELECT ${jstMonth('o.ordered_at')}, o.total_jpy
  FROM shop_orders o
  WHERE o.status = 'completed' AND ${inRange('o.ordered_at')}
) AS sales
GROUP BY month
ORDER BY month`,
      tolerance: 0,
    },
    {
      label: 'active subscribers by month × plan',
      request: { metric: 'active_subscribers', from, to, grain: 'month', dimensions: ['plan'] },
      // Active at the month's end: started before midnight JST after its last day, not yet canceled then.
      sql: `WITH RECURSIVE ${MONTHS}
SELECT m.month_start AS month, s.plan, COUNT(*) AS active
FROM months m
JOIN subscriptions s
  ON s.started_at < (m.month_start + INTERVAL 1 MONTH) - INTERVAL 9 HOUR
 AND (s.canceled_at IS NULL OR s.canceled_at >= (m.month_start + INTERVAL 1 MONTH) - INTERVAL 9 HOUR)
GROUP BY m.month_start, s.plan
ORDER BY month, s.plan`,
      tolerance: 0,
    },
    {
      label: 'product units by month × category',
      request: { metric: 'product_units', from, to, grain: 'month', dimensions: ['category'] },
      sql: `SELECT month, category, SUM(quantity) AS units
FROM (
  SELECT ${jstMonth('b.shipped_at')} AS month, p.category, bi.quantity
  FROM box_items bi
  JOIN boxes b ON b.box_id = bi.box_id
  JOIN products p ON p.product_id = bi.product_id
  WHERE b.status IN ('shipped', 'delivered') AND ${inRange('b.shipped_at')}
  UNION ALL
  SELECT ${jstMonth('o.ordered_at')}, p.category, oi.quantity
  FROM shop_order_items oi
  JOIN shop_orders o ON o.order_id = oi.order_id
  JOIN products p ON p.product_id = oi.product_id
  WHERE o.status = 'completed' AND ${inRange('o.ordered_at')}
) AS units
GROUP BY month, category
ORDER BY month, category`,
      tolerance: 0,
    },
    {
      label: 'churn rate by month',
      request: { metric: 'churn_rate', from, to, grain: 'month' },
      // Canceled in the month ÷ active when it began (midnight JST on its first day).
      sql: `WITH RECURSIVE ${MONTHS},
churned AS (
  SELECT ${jstMonth('canceled_at')} AS month, COUNT(*) AS n
  FROM subscriptions
  WHERE ${inRange('canceled_at')}
  GROUP BY month
),
active_at_start AS (
  SELECT m.month_start, COUNT(*) AS n
  FROM months m
  JOIN subscriptions s
    ON s.started_at < m.month_start - INTERVAL 9 HOUR
   AND (s.canceled_at IS NULL OR s.canceled_at >= m.month_start - INTERVAL 9 HOUR)
  GROUP BY m.month_start
)
SELECT m.month_start AS month, COALESCE(c.n, 0) / a.n AS churn_rate
FROM months m
LEFT JOIN active_at_start a ON a.month_start = m.month_start
LEFT JOIN churned c ON c.month = m.month_start
ORDER BY month`,
      tolerance: 1e-4,
    },
    {
      label: 'average rating by category',
      request: { metric: 'avg_rating', from, to, dimensions: ['category'] },
      sql: `SELECT p.category, AVG(r.rating) AS avg_rating
FROM ratings r
JOIN products p ON p.product_id = r.product_id
WHERE ${inRange('r.rated_at')}
GROUP BY p.category
ORDER BY p.category`,
      tolerance: 1e-4,
    },
  ];
}
