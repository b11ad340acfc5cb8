/**
 * The snack catalogue (`products`) and `product_pick`, the lookup every other table uses to
 * draw a product with long-tail popularity among those on sale in a given month.
 *
 * The catalogue is not scaled: 150 products on a fixed launch calendar (60% in the opening
 * 2017 catalogue, the rest spread up to mid-2026). A product launched after asOf does not
 * exist yet in that lake; a discontinued one stays listed with is_active = false.
 */
import { CATALOG_START, HORIZON_END, HORIZON_START, LAST_LAUNCH_DAY, PRODUCT_COUNT } from '../horizon';
import { CATEGORIES, FLAVORS, MAKERS, type ProductCategory } from '../reference-data';
import { sqlDate, sqlString, sqlStringList, weightedCase } from '../sql';

/** Zipf exponent of product popularity; ~0.85 puts about half the units on the top 10% of products. */
const POPULARITY_EXPONENT = 0.85;
/** Resolution of the inverse-CDF lookup: a draw u picks bucket floor(u * PICK_BUCKETS). */
export const PICK_BUCKETS = 10_000;
const INITIAL_CATALOG_SHARE = 0.6;
const DISCONTINUED_SHARE = 0.14;
/** Discontinuations happen before this day, so a lake as of late 2026 shows ~15% inactive products. */
const DISCONTINUED_BY = '2026-10-01';
const NAME_BASES_PER_CATEGORY = 6;

export function productStatements(): string[] {
  const categoryNames = Object.keys(CATEGORIES) as ProductCategory[];
  const categoryRows = categoryNames
    .map((name) => {
      const spec = CATEGORIES[name];
      const makerCount = MAKERS.filter(([, , category]) => category === name).length;
      if (spec.bases.length !== NAME_BASES_PER_CATEGORY) throw new Error(`category ${name} needs ${NAME_BASES_PER_CATEGORY} name bases`);
      if (makerCount === 0) throw new Error(`category ${name} has no maker`);
      return `(${sqlString(name)}, ${spec.priceJpy[0]}, ${spec.priceJpy[1]}, ${sqlStringList(spec.bases)}, ${makerCount})`;
    })
    .join(',\n');
  const makerRows = categoryNames.flatMap((category) =>
    MAKERS.filter(([, , c]) => c === category).map(
      ([name, prefecture], index) => `(${sqlString(category)}, ${index}, ${sqlString(name)}, ${sqlString(prefecture)})`,
    ),
  );
  const initialCount = Math.round(PRODUCT_COUNT * INITIAL_CATALOG_SHARE);
  const nameCombos = FLAVORS.length * NAME_BASES_PER_CATEGORY;

  return [
    `CREATE TABLE product_categories (category VARCHAR, price_lo INTEGER, price_hi INTEGER, bases VARCHAR[], maker_count INTEGER)`,
    `INSERT INTO product_categories VALUES ${categoryRows}`,
    `CREATE TABLE product_makers (category VARCHAR, idx INTEGER, maker VARCHAR, maker_prefecture VARCHAR)`,
    `INSERT INTO product_makers VALUES ${makerRows.join(',\n')}`,
    `CREATE TABLE product_base AS
     WITH drawn AS (
       SELECT i,
         CASE WHEN i <= ${initialCount}
           THEN add_days(${sqlDate(CATALOG_START)}, floor(rnd(i, 'launch') * 365))
           ELSE add_days(${sqlDate(HORIZON_START)}, floor(rnd(i, 'launch') * datediff('day', ${sqlDate(HORIZON_START)}, ${sqlDate(LAST_LAUNCH_DAY)})))
         END AS launched_at,
         ${weightedCase(
           `rnd(i, 'category')`,
           categoryNames.map((c) => [c, CATEGORIES[c].weight] as const),
         )} AS category,
         -- Latent quality drives ratings (and a little of popularity); it is never written out.
         2.5 + 2.2 * rnd(i, 'quality') AS quality
       FROM range(1, ${PRODUCT_COUNT + 1}) t(i)
     ),
     numbered AS (
       SELECT *, CAST(row_number() OVER (ORDER BY launched_at, i) AS INTEGER) AS product_id,
         CAST(row_number() OVER (PARTITION BY category ORDER BY i) AS INTEGER) - 1 AS idx_in_category
       FROM drawn
     ),
     ranked AS (
       -- Popularity rank: mostly luck, partly quality.
       SELECT *, row_number() OVER (ORDER BY 0.75 * rnd(i, 'popularity') + 0.25 * (4.7 - quality) / 2.2, i) AS popularity_rank,
         (idx_in_category * 5 + CAST(floor(rnd(0, 'name:' || category) * ${nameCombos}) AS INTEGER)) % ${nameCombos} AS name_combo
       FROM numbered
     )
     SELECT r.product_id, r.i, r.category, r.launched_at, r.quality,
       -- Integer weights keep the cumulative sums in product_pick exact.
       CAST(round(1000000 * pow(r.popularity_rank, -${POPULARITY_EXPONENT})) AS BIGINT) AS pick_weight,
       -- Names are flavour x base; stepping by 5 (coprime to the 72 combinations) never repeats within a category.
       ${sqlStringList(FLAVORS)}[1 + r.name_combo % ${FLAVORS.length}] || c.bases[1 + r.name_combo // ${FLAVORS.length}] AS name,
       m.maker, m.maker_prefecture,
       CAST(round((c.price_lo + (c.price_hi - c.price_lo) * rnd(r.i, 'price')) / 10) * 10 AS INTEGER) AS list_price_jpy,
       CASE WHEN rnd(r.i, 'discontinued') < ${DISCONTINUED_SHARE}
         THEN add_days(r.launched_at, floor((0.25 + 0.7 * rnd(r.i, 'discontinued:when')) * datediff('day', r.launched_at, ${sqlDate(DISCONTINUED_BY)})))
       END AS discontinued_on
     FROM ranked r
     JOIN product_categories c USING (category)
     JOIN product_makers m ON m.category = r.category AND m.idx = CAST(floor(rnd(r.i, 'maker') * c.maker_count) AS INTEGER)`,
    `CREATE VIEW lake_products AS
     SELECT product_id, name, category, maker, maker_prefecture,
       CAST(round(list_price_jpy * (0.35 + 0.2 * rnd(i, 'cost'))) AS INTEGER) AS unit_cost_jpy,
       list_price_jpy, launched_at,
       discontinued_on IS NULL OR discontinued_on > as_of_date() AS is_active
     FROM product_base
     WHERE launched_at <= as_of_date()`,
    // For each month: the products on sale since before the month began, each owning a run
    // of buckets proportional to its popularity weight. A draw is then an equi-join on
    // (month, bucket), which is much cheaper than a range join over millions of slots.
    `CREATE TABLE product_pick AS
     WITH months AS (
       SELECT CAST(t.m AS DATE) AS month_start
       FROM range(${sqlDate(HORIZON_START)}, CAST(${sqlDate(HORIZON_END)} + INTERVAL 2 MONTH AS DATE), INTERVAL 1 MONTH) t(m)
     ),
     eligible AS (
       SELECT m.month_start, p.product_id, p.pick_weight
       FROM months m JOIN product_base p
         ON p.launched_at < m.month_start AND p.launched_at <= as_of_date()
        AND (p.discontinued_on IS NULL OR p.discontinued_on >= m.month_start)
     ),
     cumulative AS (
       SELECT month_start, product_id, pick_weight,
         CAST(sum(pick_weight) OVER (PARTITION BY month_start ORDER BY product_id) AS BIGINT) AS cum_hi,
         CAST(sum(pick_weight) OVER (PARTITION BY month_start) AS BIGINT) AS total
       FROM eligible
     )
     SELECT month_start, product_id,
       unnest(range((cum_hi - pick_weight) * ${PICK_BUCKETS} // total, cum_hi * ${PICK_BUCKETS} // total)) AS bucket
     FROM cumulative`,
  ];
}

/** SQL for the product drawn by uniform `u` in the month of date `d` (join product_pick as `alias`). */
export function productPickJoin(alias: string, d: string, u: string): string {
  return `JOIN product_pick ${alias} ON ${alias}.month_start = month_of(${d}) AND ${alias}.bucket = CAST(floor((${u}) * ${PICK_BUCKETS}) AS BIGINT)`;
}
