/**
 * SQL macros every table builder uses: keyed pseudo-randomness, JST/UTC time helpers and the
 * snapshot moment.
 *
 * Why hash-based randomness: DuckDB's random()/setseed() draw per thread, so with threads=2
 * the values depend on scheduling. hash(key, salt, seed) depends only on its inputs, so an
 * entity gets the same attributes in every run, at every scale of parallelism and for every
 * asOf (the asOf only decides which rows are cut and which status they show).
 */
import { sqlDate, sqlTimestamp } from './sql';

/** A large prime: hash % P / P is uniform on [0,1) to ~1e-9, plenty for sampling. */
const PRIME = 1000000007;

export interface MacroOptions {
  seed: number;
  asOf: Date;
  /** JST calendar date of asOf, `YYYY-MM-DD`. */
  asOfDateJst: string;
}

export function macroStatements({ seed, asOf, asOfDateJst }: MacroOptions): string[] {
  const seedSql = `CAST(${seed} AS BIGINT)`;
  return [
    // Keys are cast to BIGINT so hash() sees the same type whatever integer type the caller has.
    `CREATE MACRO rnd(k, salt) AS CAST(hash(CAST(k AS BIGINT), salt, ${seedSql}) % ${PRIME} AS DOUBLE) / ${PRIME}`,
    `CREATE MACRO rnd2(k1, k2, salt) AS CAST(hash(CAST(k1 AS BIGINT), CAST(k2 AS BIGINT), salt, ${seedSql}) % ${PRIME} AS DOUBLE) / ${PRIME}`,
    // Approximately standard normal (Irwin-Hall sum of 4 uniforms, rescaled to variance 1).
    `CREATE MACRO nrm2(k1, k2, salt) AS (rnd2(k1, k2, salt || ':1') + rnd2(k1, k2, salt || ':2') + rnd2(k1, k2, salt || ':3') + rnd2(k1, k2, salt || ':4') - 2.0) * sqrt(3.0)`,
    // Exponential with mean 1.
    `CREATE MACRO expo2(k1, k2, salt) AS -ln(1.0 - rnd2(k1, k2, salt))`,
    // Time: timestamps are naive UTC, calendar dates are JST (UTC+9, no DST).
    `CREATE MACRO jst_date(ts) AS CAST(ts + INTERVAL 9 HOUR AS DATE)`,
    `CREATE MACRO jst_ts(d, seconds_into_jst_day) AS CAST(d AS TIMESTAMP) + to_seconds(CAST(seconds_into_jst_day AS BIGINT) - 32400)`,
    `CREATE MACRO add_seconds(ts, s) AS ts + to_seconds(CAST(s AS BIGINT))`,
    `CREATE MACRO add_days(d, n) AS d + CAST(n AS INTEGER)`,
    `CREATE MACRO month_of(d) AS CAST(date_trunc('month', d) AS DATE)`,
    // The privacy policy's age band (contract/privacyPolicy.ts ageBand, AGE_BAND_HOW): completed years on JST day d.
    `CREATE MACRO age_years(b, d) AS year(d) - year(b) - CASE WHEN strftime(d, '%m-%d') < strftime(b, '%m-%d') THEN 1 ELSE 0 END`,
    `CREATE MACRO age_band(b, d) AS CASE WHEN age_years(b, d) >= 100 THEN '100+'
       ELSE CAST(greatest(age_years(b, d), 0) // 10 * 10 AS VARCHAR) || '-' || CAST(greatest(age_years(b, d), 0) // 10 * 10 + 9 AS VARCHAR) END`,
    // The snapshot moment: rows at or after it are cut, statuses are evaluated against it.
    `CREATE MACRO as_of() AS ${sqlTimestamp(asOf)}`,
    `CREATE MACRO as_of_date() AS ${sqlDate(asOfDateJst)}`,
  ];
}
