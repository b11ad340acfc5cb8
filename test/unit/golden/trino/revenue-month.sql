WITH periods AS (
  SELECT p AS period,
      (CAST(greatest(p, DATE '2024-01-01') AS TIMESTAMP) - INTERVAL '9' HOUR) AS begin_at,
      (CAST(least(date_add('month', 1, p), DATE '2025-01-01') AS TIMESTAMP) - INTERVAL '9' HOUR) AS end_at
    FROM UNNEST(sequence(DATE '2024-01-01', DATE '2024-12-01', INTERVAL '1' MONTH)) AS series (p)
),
m0 AS (
SELECT date_trunc('month', CAST(b.shipped_at + INTERVAL '9' HOUR AS DATE)) AS period,
      SUM(b.price_jpy - b.discount_jpy) AS value,
      COUNT(*) AS n
  FROM (SELECT * FROM boxes WHERE "snapshot" = '20250101T000000Z-0a1b2c') b
  WHERE b.shipped_at >= TIMESTAMP '2023-12-31 15:00:00'
    AND b.shipped_at < TIMESTAMP '2024-12-31 15:00:00'
    AND b.status IN ('shipped', 'delivered')
  GROUP BY 1
),
m1 AS (
SELECT date_trunc('month', CAST(o.ordered_at + INTERVAL '9' HOUR AS DATE)) AS period,
      SUM(o.total_jpy) AS value,
      COUNT(*) AS n
  FROM (SELECT * FROM shop_orders WHERE "snapshot" = '20250101T000000Z-0a1b2c') o
  WHERE o.ordered_at >= TIMESTAMP '2023-12-31 15:00:00'
    AND o.ordered_at < TIMESTAMP '2024-12-31 15:00:00'
    AND o.status = 'completed'
  GROUP BY 1
),
combined AS (
SELECT period, SUM(value) AS value, SUM(n) AS n
  FROM (SELECT * FROM m0
    UNION ALL SELECT * FROM m1) parts
  GROUP BY 1
)
SELECT pr.period AS "period", COALESCE(c.value, 0) AS "value", COALESCE(c.n, 0) AS "__n"
FROM periods pr LEFT JOIN combined c ON c.period = pr.period
ORDER BY pr.period
LIMIT 50001
