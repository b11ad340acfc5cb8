/** Small builders for the generator's SQL text. Inputs are the generator's own constants, never user input. */

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL list literal of strings, e.g. for `list[1 + floor(u * len)]` picks. */
export function sqlStringList(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}

/** A value drawn uniformly from `values` by the uniform [0,1) expression `u`. */
export function pickUniform(u: string, values: readonly string[]): string {
  return `${sqlStringList(values)}[1 + CAST(floor((${u}) * ${values.length}) AS INTEGER)]`;
}

/**
 * A CASE expression that maps the uniform [0,1) expression `u` to one of the choices with the
 * given relative weights (inverse CDF over cumulative thresholds). Weights need not sum to 1.
 */
export function weightedCase(u: string, choices: ReadonlyArray<readonly [string | number, number]>): string {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  if (choices.length === 0 || !(total > 0)) throw new Error('weightedCase needs at least one positive weight');
  const literal = (value: string | number): string => (typeof value === 'number' ? String(value) : sqlString(value));
  let cumulative = 0;
  const branches = choices.slice(0, -1).map(([value, weight]) => {
    cumulative += weight;
    return `WHEN (${u}) < ${(cumulative / total).toFixed(6)} THEN ${literal(value)}`;
  });
  const last = choices[choices.length - 1];
  if (last === undefined) throw new Error('unreachable');
  return `CASE ${branches.join(' ')} ELSE ${literal(last[0])} END`;
}

/** A SQL TIMESTAMP literal (naive, UTC) for a JS Date. */
export function sqlTimestamp(date: Date): string {
  return `TIMESTAMP '${date.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** A SQL DATE literal from `YYYY-MM-DD`. */
export function sqlDate(isoDay: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDay)) throw new Error(`not a YYYY-MM-DD date: ${isoDay}`);
  return `DATE '${isoDay}'`;
}
