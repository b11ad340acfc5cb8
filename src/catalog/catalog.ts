/**
 * The governed catalog: validated once when it loads, so a bad definition stops the service at
 * start-up with a message naming the metric and the problem, instead of failing a user's query.
 */
import { GRAINS } from '../contract/dates';
import type { DimensionDef, Measure, MetricDef, ModelDef } from './vocabulary';
import { measuresOf } from './vocabulary';
import { columnsIn, joinsFor } from './aliases';
import { LAKE_SCHEMA } from '../contract/lakeSchema';
import { METRIC_DEFINITIONS } from './metrics';
import { ACCESS_POLICY, checkAccessPolicy, type AccessPolicy } from './accessPolicy';
import { isPersonDerived, PERSON_FLOOR_MINIMUM, personColumnOf, rowsComeFromPeople, tablesByAlias } from './personFloor';
import { spellingsOf } from './valueLabels';

export class CatalogError extends Error {
  constructor(metric: string, problem: string) {
    super(`Catalog error in metric "${metric}": ${problem}`);
    this.name = 'CatalogError';
  }
}

export interface Catalog {
  list(): readonly MetricDef[];
  get(name: string): MetricDef | undefined;
  /** The closest metric name, for "did you mean" messages; only among the metrics `visible` lets through. */
  suggest(name: string, visible?: (metric: MetricDef) => boolean): string | undefined;
  /** A dimension as any of the metric's models define it. */
  modelDimension(metric: MetricDef, name: string): DimensionDef | undefined;
  /** Whether any of the metric's models declares `name` as personal data, to refuse it by name. */
  isPersonalData(metric: MetricDef, name: string): boolean;
}

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const UNITS = new Set(['JPY', 'count', 'ratio', 'score']);

/** Checks a model, and returns a checker for SQL fragments written against it. */
function checkModel(metric: string, model: ModelDef): (where: string, expr: string) => void {
  const tableOf = tablesByAlias(model);
  // Every column must exist in the lake's table contract, which Athena's Glue tables share.
  const checkExpr = (where: string, expr: string): void => {
    for (const { alias, column } of columnsIn(expr)) {
      const table = tableOf.get(alias);
      if (!table) throw new CatalogError(metric, `${where} reads "${alias}", which model "${model.name}" does not join.`);
      if (!Object.prototype.hasOwnProperty.call(LAKE_SCHEMA[table].columns, column)) {
        throw new CatalogError(metric, `${where} reads ${alias}.${column}, but table ${table} has no column "${column}".`);
      }
    }
  };
  for (const join of model.joins) checkExpr(`join "${join.alias}"`, join.on);
  for (const [name, dimension] of Object.entries(model.dimensions)) {
    if (!SNAKE_CASE.test(name)) throw new CatalogError(metric, `dimension "${name}" of model "${model.name}" is not snake_case.`);
    if ((dimension as { pii?: unknown }).pii !== undefined || Object.prototype.hasOwnProperty.call(model.personalData ?? {}, name)) {
      throw new CatalogError(
        metric,
        `dimension "${name}" of model "${model.name}" is personal data with a column; declare it in personalData, with no column.`,
      );
    }
    checkExpr(`dimension "${name}"`, dimension.expr);
    checkValueLabels(metric, `dimension "${name}" of model "${model.name}"`, dimension);
  }
  // Personal data is a name to refuse, never a column: the lake holds none (contract/privacyPolicy.ts).
  for (const [name, declared] of Object.entries(model.personalData ?? {})) {
    if ((declared as { expr?: unknown }).expr !== undefined) {
      throw new CatalogError(metric, `personal data "${name}" of model "${model.name}" has a column; personal data has none, remove its expr.`);
    }
  }
  try {
    joinsFor(model, tableOf.keys());
  } catch (error) {
    throw new CatalogError(metric, (error as Error).message);
  }
  return checkExpr;
}

/**
 * Every value of a closed set has words in both languages, labels name only its values, and no
 * spelling (code or label, in any case) names two values: a filter by label must mean one thing.
 */
export function checkValueLabels(metric: string, where: string, dimension: DimensionDef): void {
  const labels = dimension.valueLabels ?? {};
  for (const code of dimension.values ?? []) {
    if (!Object.prototype.hasOwnProperty.call(labels, code))
      throw new CatalogError(metric, `${where} has no labels for value "${code}"; add it to valueLabels.`);
  }
  for (const [code, label] of Object.entries(labels)) {
    if (dimension.values && !dimension.values.includes(code)) throw new CatalogError(metric, `${where} labels "${code}", which is not one of its values.`);
    for (const lang of ['ja', 'en'] as const) {
      if (!label?.[lang]?.trim()) throw new CatalogError(metric, `${where} has no ${lang === 'ja' ? 'Japanese' : 'English'} label for value "${code}".`);
    }
  }
  for (const [spelling, codes] of spellingsOf(dimension)) {
    if (codes.size > 1) throw new CatalogError(metric, `${where}: "${spelling}" names more than one value (${[...codes].join(', ')}).`);
  }
}

/** Every SQL fragment a measure contributes, for the alias check. */
function measureExprs(measure: Measure): Array<[string, string]> {
  const exprs: Array<[string, string]> = (measure.where ?? []).map((where) => ['a where condition', where]);
  if (measure.aggregate.fn !== 'count') exprs.push(['the aggregate', measure.aggregate.expr]);
  if (measure.kind === 'flow') exprs.push(['the time column', measure.time.expr]);
  else exprs.push(['validFrom', measure.validFrom], ['validTo', measure.validTo]);
  return exprs;
}

function checkText(metric: MetricDef, field: 'title' | 'description' | 'definition'): void {
  const text = metric[field];
  for (const lang of ['ja', 'en'] as const) {
    if (!text?.[lang]?.trim()) throw new CatalogError(metric.name, `${field} has no ${lang === 'ja' ? 'Japanese' : 'English'} text.`);
  }
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day in YYYY-MM-DD, not after `today` (also YYYY-MM-DD, so text order is date order). */
function checkChangeDate(name: string, version: number, date: unknown, today: string): void {
  const match = typeof date === 'string' ? ISO_DAY.exec(date) : null;
  const parsed = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!parsed || parsed.toISOString().slice(0, 10) !== date) {
    throw new CatalogError(name, `the changelog entry for version ${version} has date "${String(date)}"; write a real day as YYYY-MM-DD.`);
  }
  if ((date as string) > today) throw new CatalogError(name, `the changelog entry for version ${version} is dated ${date as string}, in the future.`);
}

/**
 * Versions 1…version each have one entry, in order, dated in order and not in the future, saying
 * what changed and why in both languages: a raised version always explains itself.
 */
function checkChangelog(metric: MetricDef, today: string): void {
  const name = metric.name;
  const changelog = metric.changelog;
  if (!Array.isArray(changelog)) throw new CatalogError(name, 'it has no changelog; version 1 needs an entry saying it is the first definition.');
  changelog.forEach((entry, index) => {
    if (entry.version !== index + 1) {
      throw new CatalogError(name, `changelog entry ${index + 1} is for version ${entry.version}; list versions 1, 2, 3… once each, oldest first.`);
    }
    checkChangeDate(name, entry.version, entry.date, today);
    const previous = changelog[index - 1];
    if (previous && entry.date < previous.date)
      throw new CatalogError(name, `the changelog entry for version ${entry.version} is dated before version ${previous.version}'s.`);
    for (const field of ['change', 'why'] as const) {
      for (const lang of ['ja', 'en'] as const) {
        if (!entry[field]?.[lang]?.trim())
          throw new CatalogError(name, `the changelog entry for version ${entry.version} has no ${lang === 'ja' ? 'Japanese' : 'English'} "${field}".`);
      }
    }
  });
  if (changelog.length !== metric.version) {
    throw new CatalogError(
      name,
      changelog.length < metric.version
        ? `version ${metric.version} has no changelog entry; add one with its date, what changed and why.`
        : `the changelog has an entry for version ${changelog.length}, but the metric is at version ${metric.version}.`,
    );
  }
}

/**
 * The person floor cannot be forgotten: a model whose rows come from people (by the privacy policy)
 * names the person column it counts, and a metric over such a model declares a floor of at least
 * PERSON_FLOOR_MINIMUM people.
 */
export function checkPersonFloor(metric: MetricDef): void {
  for (const { model } of measuresOf(metric)) {
    const fromPeople = rowsComeFromPeople(model.table);
    if (model.person === undefined) {
      if (fromPeople) {
        throw new CatalogError(
          metric.name,
          `model "${model.name}" counts rows that come from people (${model.table}); declare the person column it counts in "person".`,
        );
      }
      continue;
    }
    if (!fromPeople)
      throw new CatalogError(metric.name, `model "${model.name}" declares person "${model.person}", but rows of ${model.table} do not come from people.`);
    const columns = columnsIn(model.person);
    const table = columns.length === 1 ? tablesByAlias(model).get(columns[0]!.alias) : undefined;
    if (!table || model.person.trim() !== `${columns[0]!.alias}.${columns[0]!.column}` || personColumnOf(table) !== columns[0]!.column) {
      throw new CatalogError(
        metric.name,
        `model "${model.name}" declares person "${model.person}", which is not one pseudonymised person id of a table it joins.`,
      );
    }
  }
  if (isPersonDerived(metric)) {
    if (!Number.isInteger(metric.minPeople) || metric.minPeople! < PERSON_FLOOR_MINIMUM) {
      throw new CatalogError(metric.name, `its rows come from people: set minPeople (the person floor) to ${PERSON_FLOOR_MINIMUM} or more.`);
    }
  } else if (metric.minPeople !== undefined) {
    throw new CatalogError(metric.name, 'minPeople applies only to metrics whose rows come from people.');
  }
}

/** The compiler's own names for the statement's parts; a model alias must not shadow them. */
const COMPILER_ALIASES = new Set(['pr', 'c', 'num', 'den', 'parts']);

/** A restricted metric names groups the policy defines, at least one. */
export function checkAccess(metric: MetricDef, policy: AccessPolicy): void {
  const access = metric.access;
  if (access === undefined || access === 'everyone') return;
  if (typeof access !== 'object' || !Array.isArray(access.groups) || access.groups.length === 0) {
    throw new CatalogError(metric.name, "access must be 'everyone' or { groups: [...] } naming at least one group.");
  }
  for (const group of access.groups) {
    if (!Object.prototype.hasOwnProperty.call(policy.groups, group)) {
      throw new CatalogError(metric.name, `access names group "${group}", which the access policy does not define (${Object.keys(policy.groups).join(', ')}).`);
    }
  }
}

function checkMetric(metric: MetricDef, byName: ReadonlyMap<string, MetricDef>, today: string): void {
  const name = metric.name;
  if (!SNAKE_CASE.test(name)) throw new CatalogError(name, 'the name must be snake_case.');
  checkText(metric, 'title');
  checkText(metric, 'description');
  checkText(metric, 'definition');
  if (!metric.owner.trim()) throw new CatalogError(name, 'it has no owner.');
  if (!UNITS.has(metric.unit)) throw new CatalogError(name, `unit "${metric.unit}" is not one of JPY, count, ratio, score.`);
  if (!Number.isInteger(metric.version) || metric.version < 1) throw new CatalogError(name, 'version must be a positive integer.');
  checkChangelog(metric, today);
  if (!Number.isInteger(metric.minGroupSize) || metric.minGroupSize < 1) {
    throw new CatalogError(name, 'minGroupSize must be a positive integer.');
  }
  if (metric.nonNegative !== undefined && typeof metric.nonNegative !== 'boolean') {
    throw new CatalogError(name, 'nonNegative must be true or false (or omitted to derive it from the measures).');
  }
  if (metric.grains.length === 0) throw new CatalogError(name, 'it allows no grain.');
  for (const grain of metric.grains) {
    if (!(GRAINS as readonly string[]).includes(grain)) throw new CatalogError(name, `grain "${grain}" is unknown.`);
  }
  if (new Set(metric.dimensions).size !== metric.dimensions.length) throw new CatalogError(name, 'a dimension is listed twice.');

  const measures = measuresOf(metric);
  for (const measure of measures) {
    for (const alias of [measure.model.alias, ...measure.model.joins.map((join) => join.alias)]) {
      if (COMPILER_ALIASES.has(alias)) throw new CatalogError(name, `model "${measure.model.name}" uses alias "${alias}", which the compiler uses itself.`);
    }
    const checkExpr = checkModel(name, measure.model);
    for (const [where, expr] of measureExprs(measure)) checkExpr(where, expr);
    const declared = (measure.aggregate as { nonNegative?: unknown }).nonNegative;
    if (declared !== undefined && (measure.aggregate.fn !== 'sum' || typeof declared !== 'boolean')) {
      throw new CatalogError(name, 'only a sum declares nonNegative (true or false) on its aggregate.');
    }
    if (metric.compute.type === 'sum' && measure.aggregate.fn !== 'sum' && measure.aggregate.fn !== 'count') {
      throw new CatalogError(name, 'only sums and counts can be added together.');
    }
  }
  for (const dimension of metric.dimensions) {
    for (const measure of measures) {
      if (Object.prototype.hasOwnProperty.call(measure.model.personalData ?? {}, dimension)) {
        throw new CatalogError(name, `dimension "${dimension}" is personal data and cannot be exposed.`);
      }
      if (!measure.model.dimensions[dimension]) throw new CatalogError(name, `dimension "${dimension}" is unknown to model "${measure.model.name}".`);
    }
  }

  if (metric.status === 'deprecated') {
    const replacement = metric.replacedBy === undefined ? undefined : byName.get(metric.replacedBy);
    if (!replacement || replacement.status !== 'active') {
      throw new CatalogError(name, 'a deprecated metric must name an active replacement in replacedBy.');
    }
  } else if (metric.replacedBy !== undefined) {
    throw new CatalogError(name, 'only a deprecated metric has a replacement.');
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** `today` is the JST day changelog dates may not be after (default: now); `policy` the access policy groups are checked against. */
export function createCatalog(definitions: readonly MetricDef[], today: string = jstToday(), policy: AccessPolicy = ACCESS_POLICY): Catalog {
  const byName = new Map<string, MetricDef>();
  for (const metric of definitions) {
    if (byName.has(metric.name)) throw new CatalogError(metric.name, 'the name is used twice.');
    byName.set(metric.name, metric);
  }
  checkAccessPolicy(policy);
  for (const metric of definitions) {
    checkMetric(metric, byName, today);
    checkPersonFloor(metric);
    checkAccess(metric, policy);
  }

  return {
    list: () => definitions,
    get: (name) => byName.get(name),
    suggest(name, visible = () => true) {
      const wanted = name.toLowerCase().trim();
      let best: { name: string; distance: number } | undefined;
      for (const [candidate, metric] of byName) {
        if (!visible(metric)) continue;
        const distance = editDistance(wanted, candidate);
        if (!best || distance < best.distance) best = { name: candidate, distance };
      }
      return best && best.distance <= Math.max(2, Math.floor(wanted.length / 3)) ? best.name : undefined;
    },
    modelDimension(metric, name) {
      for (const measure of measuresOf(metric)) {
        if (Object.prototype.hasOwnProperty.call(measure.model.dimensions, name)) return measure.model.dimensions[name];
      }
      return undefined;
    },
    isPersonalData(metric, name) {
      return measuresOf(metric).some((measure) => Object.prototype.hasOwnProperty.call(measure.model.personalData ?? {}, name));
    },
  };
}

function jstToday(): string {
  return new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
}

let loaded: Catalog | undefined;

/** The catalog of reviewed metrics, validated on first use. */
export function loadCatalog(): Catalog {
  loaded ??= createCatalog(METRIC_DEFINITIONS);
  return loaded;
}
