/**
 * The person floor: a metric whose rows come from people, split or filtered by who people are,
 * never shows a group of fewer than `minPeople` distinct people (docs/PRIVACY.md).
 *
 * Which tables hold people and which dimensions describe them is read from the privacy policy, not
 * listed by hand, so a new table, model or dimension is classified the moment it exists:
 *   - a table *names a person* when it has a pseudonymised person id (users, subscriptions, boxes…);
 *   - its rows *come from people* when it names one, or belongs by foreign key to a row that does
 *     (a box item belongs to a box, which names its customer);
 *   - a dimension *describes a person* when it reads a column of a table that names one
 *     (the user's prefecture, the subscription's plan, the diagnosis' texture); a product's category
 *     or a box item's `assigned_by` describe the thing, not who.
 */
import { SOURCE_SCHEMA } from '../contract/privacyPolicy';
import type { TableName } from '../contract/lakeSchema';
import { columnsIn } from './aliases';
import type { ResolvedQuery } from './resolve';
import { measuresOf, type MetricDef, type ModelDef } from './vocabulary';

/** The least floor a person-derived metric may declare: no group of fewer than 5 people. */
export const PERSON_FLOOR_MINIMUM = 5;

/** The pseudonymised person id of a table, when its rows name a person. */
export function personColumnOf(table: TableName): string | undefined {
  const columns = SOURCE_SCHEMA[table].columns;
  return Object.keys(columns).find((name) => columns[name]!.treatment === 'pseudonymise' && columns[name]!.personal === 'person_id');
}

/** Whether a table's rows come from people: it names one, or belongs (by foreign key) to a row that does. */
export function rowsComeFromPeople(table: TableName, seen: ReadonlySet<TableName> = new Set()): boolean {
  if (personColumnOf(table) !== undefined) return true;
  const visited = new Set([...seen, table]);
  return SOURCE_SCHEMA[table].foreignKeys.some((key) => !visited.has(key.references) && rowsComeFromPeople(key.references, visited));
}

/** The table behind each alias of a model. */
export function tablesByAlias(model: ModelDef): Map<string, TableName> {
  return new Map<string, TableName>([[model.alias, model.table], ...model.joins.map((join): [string, TableName] => [join.alias, join.table])]);
}

/** Whether a model's dimension describes a person: it reads a column of a table that names one. */
export function describesPerson(model: ModelDef, dimension: string): boolean {
  const definition = model.dimensions[dimension];
  if (!definition) return false;
  const tables = tablesByAlias(model);
  return columnsIn(definition.expr).some(({ alias }) => {
    const table = tables.get(alias);
    return table !== undefined && personColumnOf(table) !== undefined;
  });
}

/** Whether any of the metric's measures counts rows that come from people. */
export function isPersonDerived(metric: MetricDef): boolean {
  return measuresOf(metric).some((measure) => measure.model.person !== undefined);
}

/**
 * Whether the person floor applies to a query: the metric's rows come from people and a split or a
 * filter describes who. An unsplit, unfiltered total is exempt, and so is a split by product only.
 */
export function personFloorApplies(query: ResolvedQuery): boolean {
  if (!isPersonDerived(query.metric) || query.metric.minPeople === undefined) return false;
  const names = [...query.dimensions, ...query.filters.map((filter) => filter.dimension)];
  return names.some((name) => measuresOf(query.metric).some((measure) => describesPerson(measure.model, name)));
}
