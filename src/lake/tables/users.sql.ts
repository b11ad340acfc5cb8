/**
 * Sign-ups and the people behind them: `users` and `diagnoses`.
 *
 * The arrival process is a daily count over the fixed horizon (growth × seasonality ×
 * weekday × noise), so user_id is simply the running count and never depends on asOf.
 */
import { HORIZON_END, HORIZON_START, USERS_PER_SCALE, USER_TARGET_DAY } from '../horizon';
import {
  CHANNEL_WEIGHTS,
  CHANNEL_WEIGHTS_DECEMBER,
  FAMILY_NAMES,
  GENDER_WEIGHTS,
  GIVEN_NAMES_FEMALE,
  GIVEN_NAMES_MALE,
  JST_HOUR_WEIGHTS,
  PREFECTURE_POPULATION,
  REGISTRATION_SEASONALITY,
  SALTINESS_WEIGHTS,
  SWEETNESS_WEIGHTS,
  TEXTURE_WEIGHTS,
} from '../reference-data';
import { pickUniform, sqlDate, weightedCase } from '../sql';

/** Yearly growth rate of the sign-up rate (about ×5 from 2018 to 2027). */
export const GROWTH_PER_YEAR = 0.19;

/** Seconds into a JST day, drawn from the app-usage hour profile. */
export function jstSecondOfDay(key: string, salt: string): string {
  return `(${weightedCase(`rnd(${key}, '${salt}:hour')`, JST_HOUR_WEIGHTS)}) * 3600 + floor(rnd(${key}, '${salt}:sec') * 3600)`;
}

export function userStatements(scale: number): string[] {
  const season = `[${REGISTRATION_SEASONALITY.join(', ')}][month(day)]`;
  return [
    // Integer day weights, so the normalising sum is exact and identical on every run.
    `CREATE TABLE reg_day_weights AS
     WITH days AS (
       SELECT CAST(t.d AS DATE) AS day FROM range(${sqlDate(HORIZON_START)}, ${sqlDate(HORIZON_END)}, INTERVAL 1 DAY) t(d)
     )
     SELECT day, datediff('day', ${sqlDate(HORIZON_START)}, day) AS day_no,
       CAST(round(1000 * exp(${GROWTH_PER_YEAR} * datediff('day', ${sqlDate(HORIZON_START)}, day) / 365.25)
         * ${season}
         * (CASE WHEN dayofweek(day) IN (0, 6) THEN 1.15 ELSE 1.0 END)
         * (0.7 + 0.6 * rnd(datediff('day', ${sqlDate(HORIZON_START)}, day), 'reg:noise'))) AS BIGINT) AS w
     FROM days`,
    `CREATE TABLE reg_days AS
     WITH total AS (SELECT sum(w) AS w_before_target FROM reg_day_weights WHERE day < ${sqlDate(USER_TARGET_DAY)}),
     counts AS (
       SELECT day, day_no,
         CAST(floor(w * ${USERS_PER_SCALE * scale} / w_before_target + rnd(day_no, 'reg:round')) AS BIGINT) AS n
       FROM reg_day_weights, total
     )
     -- users_before = how many registered on earlier days; ids of day d are users_before+1 .. users_before+n.
     SELECT day, day_no, n, CAST(sum(n) OVER (ORDER BY day) - n AS BIGINT) AS users_before FROM counts`,
    `CREATE TABLE users_all AS
     WITH ids AS (
       SELECT day, users_before + unnest(range(1, n + 1)) AS user_id FROM reg_days WHERE n > 0
     ),
     drawn AS (
       SELECT user_id, day,
         jst_ts(day, ${jstSecondOfDay('user_id', 'reg')}) AS registered_at,
         ${weightedCase(`rnd(user_id, 'gender')`, GENDER_WEIGHTS)} AS gender,
         CASE WHEN month(day) = 12 THEN ${weightedCase(`rnd(user_id, 'channel')`, CHANNEL_WEIGHTS_DECEMBER)}
              ELSE ${weightedCase(`rnd(user_id, 'channel')`, CHANNEL_WEIGHTS)} END AS acquisition_channel,
         ${weightedCase(`rnd(user_id, 'prefecture')`, PREFECTURE_POPULATION)} AS prefecture,
         -- Age at sign-up 22..56, centred on the late 30s.
         add_days(day, -floor((22 + 17 * (rnd(user_id, 'age:1') + rnd(user_id, 'age:2'))) * 365.25)) AS birth_date
       FROM ids
     )
     SELECT user_id, day AS registered_day, registered_at, gender, acquisition_channel, prefecture, birth_date,
       'user' || user_id || '@example.com' AS email,
       ${pickUniform(`rnd(user_id, 'family')`, FAMILY_NAMES)} || ' ' ||
         CASE gender
           WHEN 'female' THEN ${pickUniform(`rnd(user_id, 'given')`, GIVEN_NAMES_FEMALE)}
           WHEN 'male' THEN ${pickUniform(`rnd(user_id, 'given')`, GIVEN_NAMES_MALE)}
           ELSE ${pickUniform(`rnd(user_id, 'given')`, [...GIVEN_NAMES_FEMALE, ...GIVEN_NAMES_MALE])} END AS name
     FROM drawn`,
    // users_all is the source side (fake people included); the lake takes only what the privacy
    // policy lets through (generate.ts projects through LAKE_SCHEMA), the birth date as a band at the snapshot.
    `CREATE VIEW lake_users AS SELECT *, age_band(birth_date, as_of_date()) AS age_band FROM users_all WHERE registered_at < as_of()`,
    // Most people take the snack diagnosis right after signing up.
    `CREATE VIEW lake_diagnoses AS
     SELECT user_id,
       add_seconds(registered_at, 60 + floor(rnd(user_id, 'diag:delay') * 840)) AS answered_at,
       ${weightedCase(`rnd(user_id, 'diag:sweet')`, SWEETNESS_WEIGHTS)} AS sweetness_pref,
       ${weightedCase(`rnd(user_id, 'diag:salt')`, SALTINESS_WEIGHTS)} AS saltiness_pref,
       ${weightedCase(`rnd(user_id, 'diag:texture')`, TEXTURE_WEIGHTS)} AS texture_pref,
       rnd(user_id, 'diag:nuts') < 0.04 AS allergy_nuts,
       rnd(user_id, 'diag:wheat') < 0.02 AS allergy_wheat,
       rnd(user_id, 'diag:milk') < 0.03 AS allergy_milk
     FROM users_all
     WHERE rnd(user_id, 'diag') < 0.88
       AND add_seconds(registered_at, 60 + floor(rnd(user_id, 'diag:delay') * 840)) < as_of()`,
  ];
}
