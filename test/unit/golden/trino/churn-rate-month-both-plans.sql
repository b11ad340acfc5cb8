WITH periods AS (
  SELECT p AS period,
      (CAST(greatest(p, DATE '2024-01-01') AS TIMESTAMP) - INTERVAL '9' HOUR) AS begin_at,
      (CAST(least(date_add('month', 1, p), DATE '2024-07-01') AS TIMESTAMP) - INTERVAL '9' HOUR) AS end_at
    FROM UNNEST(sequence(DATE '2024-01-01', DATE '2024-06-01', INTERVAL '1' MONTH)) AS series (p)
),
m0 AS (
SELECT date_trunc('month', CAST(s.canceled_at + INTERVAL '9' HOUR AS DATE)) AS period,
      COUNT(*) AS value,
      COUNT(*) AS n,
      COUNT(DISTINCT s.user_id) AS people
  FROM (SELECT * FROM subscriptions WHERE "snapshot" = '20250101T000000Z-0a1b2c') s
  WHERE s.canceled_at >= TIMESTAMP '2023-12-31 15:00:00'
    AND s.canceled_at < TIMESTAMP '2024-06-30 15:00:00'
    AND s.canceled_at IS NOT NULL
    AND s.plan IN ('biweekly', 'every4weeks')
  GROUP BY 1
),
m1 AS (
SELECT pr.period AS period,
      COUNT(*) AS value,
      COUNT(*) AS n,
      COUNT(DISTINCT s.user_id) AS people
  FROM periods pr
    JOIN (SELECT * FROM subscriptions WHERE "snapshot" = '20250101T000000Z-0a1b2c') s ON s.started_at < pr.begin_at AND (s.canceled_at IS NULL OR s.canceled_at >= pr.begin_at)
  WHERE s.plan IN ('biweekly', 'every4weeks')
  GROUP BY 1
),
combined AS (
SELECT COALESCE(num.period, den.period) AS period,
    (CAST(COALESCE(num.value, 0) AS DOUBLE) / NULLIF(den.value, 0)) AS value,
    COALESCE(NULLIF(den.n, 0), num.n, 0) AS n,
    CASE WHEN COALESCE(num.n, 0) > 0 THEN LEAST(COALESCE(num.people, 0), COALESCE(den.people, num.people, 0)) ELSE COALESCE(den.people, 0) END AS people
  FROM m0 num FULL OUTER JOIN m1 den ON num.period IS NOT DISTINCT FROM den.period
)
SELECT pr.period AS "period", c.value AS "value", COALESCE(c.n, 0) AS "__n", COALESCE(c.people, 0) AS "__people"
FROM periods pr LEFT JOIN combined c ON c.period = pr.period
ORDER BY pr.period
LIMIT 50001
