WITH periods AS (
  SELECT p AS period,
      (CAST(greatest(p, DATE '2024-12-01') AS TIMESTAMP) - INTERVAL '9' HOUR) AS begin_at,
      (CAST(least(date_add('day', 1, p), DATE '2024-12-08') AS TIMESTAMP) - INTERVAL '9' HOUR) AS end_at
    FROM UNNEST(sequence(DATE '2024-12-01', DATE '2024-12-07', INTERVAL '1' DAY)) AS series (p)
),
m0 AS (
SELECT CAST(b.shipped_at + INTERVAL '9' HOUR AS DATE) AS period,
      p.maker_prefecture AS d0,
      SUM(bi.quantity) AS value,
      COUNT(*) AS n
  FROM (SELECT * FROM box_items WHERE "snapshot" = '20250101T000000Z-0a1b2c') bi
    LEFT JOIN (SELECT * FROM boxes WHERE "snapshot" = '20250101T000000Z-0a1b2c') b ON b.box_id = bi.box_id
    LEFT JOIN (SELECT * FROM products WHERE "snapshot" = '20250101T000000Z-0a1b2c') p ON p.product_id = bi.product_id
  WHERE b.shipped_at >= TIMESTAMP '2024-11-30 15:00:00'
    AND b.shipped_at < TIMESTAMP '2024-12-07 15:00:00'
    AND b.status IN ('shipped', 'delivered')
    AND p.name = 'O''Reilly''); DROP TABLE users; -- /* ☃ */'
  GROUP BY 1, 2
),
m1 AS (
SELECT CAST(o.ordered_at + INTERVAL '9' HOUR AS DATE) AS period,
      p.maker_prefecture AS d0,
      SUM(oi.quantity) AS value,
      COUNT(*) AS n
  FROM (SELECT * FROM shop_order_items WHERE "snapshot" = '20250101T000000Z-0a1b2c') oi
    LEFT JOIN (SELECT * FROM shop_orders WHERE "snapshot" = '20250101T000000Z-0a1b2c') o ON o.order_id = oi.order_id
    LEFT JOIN (SELECT * FROM products WHERE "snapshot" = '20250101T000000Z-0a1b2c') p ON p.product_id = oi.product_id
  WHERE o.ordered_at >= TIMESTAMP '2024-11-30 15:00:00'
    AND o.ordered_at < TIMESTAMP '2024-12-07 15:00:00'
    AND o.status = 'completed'
    AND p.name = 'O''Reilly''); DROP TABLE users; -- /* ☃ */'
  GROUP BY 1, 2
),
combined AS (
SELECT period, d0, SUM(value) AS value, SUM(n) AS n
  FROM (SELECT * FROM m0
    UNION ALL SELECT * FROM m1) parts
  GROUP BY 1, 2
)
SELECT c.period AS "period", c.d0 AS "maker_prefecture", c.value AS "value", c.n AS "__n"
FROM combined c
ORDER BY c.period, c.value DESC NULLS LAST, c.d0 NULLS LAST
LIMIT 50001
