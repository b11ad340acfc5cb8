WITH periods AS (
  SELECT p AS period,
      (CAST(greatest(p, DATE '2024-07-01') AS TIMESTAMP) - INTERVAL '9' HOUR) AS begin_at,
      (CAST(least(date_add('day', 7, p), DATE '2024-09-02') AS TIMESTAMP) - INTERVAL '9' HOUR) AS end_at
    FROM UNNEST(sequence(DATE '2024-07-01', DATE '2024-08-26', INTERVAL '7' DAY)) AS series (p)
),
m0 AS (
SELECT date_trunc('week', b.scheduled_date) AS period,
      COUNT(*) AS value,
      COUNT(*) AS n
  FROM (SELECT * FROM boxes WHERE "snapshot" = '20250101T000000Z-0a1b2c') b
  WHERE b.scheduled_date >= DATE '2024-07-01'
    AND b.scheduled_date < DATE '2024-09-02'
    AND b.status = 'skipped'
  GROUP BY 1
),
m1 AS (
SELECT date_trunc('week', b.scheduled_date) AS period,
      COUNT(*) AS value,
      COUNT(*) AS n
  FROM (SELECT * FROM boxes WHERE "snapshot" = '20250101T000000Z-0a1b2c') b
  WHERE b.scheduled_date >= DATE '2024-07-01'
    AND b.scheduled_date < DATE '2024-09-02'
    AND b.status IN ('skipped', 'shipped', 'delivered')
  GROUP BY 1
),
combined AS (
SELECT COALESCE(num.period, den.period) AS period,
    (CAST(COALESCE(num.value, 0) AS DOUBLE) / NULLIF(den.value, 0)) AS value,
    COALESCE(NULLIF(den.n, 0), num.n, 0) AS n
  FROM m0 num FULL OUTER JOIN m1 den ON num.period IS NOT DISTINCT FROM den.period
)
SELECT pr.period AS "period", c.value AS "value", COALESCE(c.n, 0) AS "__n"
FROM periods pr LEFT JOIN combined c ON c.period = pr.period
ORDER BY pr.period
LIMIT 50001
