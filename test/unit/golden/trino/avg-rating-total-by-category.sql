WITH periods AS (
  SELECT DATE '2024-01-01' AS period,
      TIMESTAMP '2023-12-31 15:00:00' AS begin_at,
      TIMESTAMP '2024-03-31 15:00:00' AS end_at
),
m0 AS (
SELECT DATE '2024-01-01' AS period,
      p.category AS d0,
      AVG(r.rating) AS value,
      COUNT(r.rating) AS n
  FROM (SELECT * FROM ratings WHERE "snapshot" = '20250101T000000Z-0a1b2c') r
    LEFT JOIN (SELECT * FROM products WHERE "snapshot" = '20250101T000000Z-0a1b2c') p ON p.product_id = r.product_id
  WHERE r.rated_at >= TIMESTAMP '2023-12-31 15:00:00'
    AND r.rated_at < TIMESTAMP '2024-03-31 15:00:00'
  GROUP BY 1, 2
),
combined AS (
SELECT * FROM m0
)
SELECT c.d0 AS "category", c.value AS "value", c.n AS "__n"
FROM combined c
ORDER BY c.period, c.value DESC NULLS LAST, c.d0 NULLS LAST
LIMIT 50001
