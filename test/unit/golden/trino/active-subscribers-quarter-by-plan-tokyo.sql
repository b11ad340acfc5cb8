WITH periods AS (
  SELECT p AS period,
      (CAST(greatest(p, DATE '2024-01-01') AS TIMESTAMP) - INTERVAL '9' HOUR) AS begin_at,
      (CAST(least(date_add('month', 3, p), DATE '2024-12-15') AS TIMESTAMP) - INTERVAL '9' HOUR) AS end_at
    FROM UNNEST(sequence(DATE '2024-01-01', DATE '2024-10-01', INTERVAL '3' MONTH)) AS series (p)
),
m0 AS (
SELECT pr.period AS period,
      s.plan AS d0,
      COUNT(CASE WHEN (u.prefecture IS NOT NULL AND u.prefecture = '東京都') THEN 1 END) AS value,
      COUNT(CASE WHEN (u.prefecture IS NOT NULL AND u.prefecture = '東京都') THEN 1 END) AS n,
      COUNT(DISTINCT CASE WHEN (u.prefecture IS NOT NULL AND u.prefecture = '東京都') THEN s.user_id END) AS people,
      CASE WHEN COUNT(CASE WHEN NOT (u.prefecture IS NOT NULL AND u.prefecture = '東京都') THEN 1 END) > 0 THEN COUNT(DISTINCT CASE WHEN NOT (u.prefecture IS NOT NULL AND u.prefecture = '東京都') THEN s.user_id END) END AS removed0
  FROM periods pr
    JOIN (SELECT * FROM subscriptions WHERE "snapshot" = '20250101T000000Z-0a1b2c') s ON s.started_at < pr.end_at AND (s.canceled_at IS NULL OR s.canceled_at >= pr.end_at)
    LEFT JOIN (SELECT * FROM users WHERE "snapshot" = '20250101T000000Z-0a1b2c') u ON u.user_id = s.user_id
  GROUP BY 1, 2
),
combined AS (
SELECT * FROM m0
)
SELECT c.period AS "period", c.d0 AS "plan", c.value AS "value", c.n AS "__n", COALESCE(c.people, 0) AS "__people", c.removed0 AS "__removed0"
FROM combined c
WHERE c.n > 0
ORDER BY c.period, c.value DESC NULLS LAST, c.d0 NULLS LAST
LIMIT 50001
