/** Which model aliases a reviewed SQL fragment reads, so joins are derived, never listed twice. */
import type { ModelDef } from './vocabulary';

const QUALIFIED_COLUMN = /(?<![\w.'])([a-z][a-z0-9_]*)\.([a-z_][a-z0-9_]*)/g;

/** Every `alias.column` an expression reads (string literals ignored). */
export function columnsIn(expr: string): Array<{ alias: string; column: string }> {
  const withoutStrings = expr.replace(/'(?:[^']|'')*'/g, "''");
  return [...withoutStrings.matchAll(QUALIFIED_COLUMN)].map((match) => ({ alias: match[1]!, column: match[2]! }));
}

export function aliasesIn(expr: string): string[] {
  return [...new Set(columnsIn(expr).map((reference) => reference.alias))];
}

/** The joins needed to read `aliases`, each after the joins it depends on, in model order. */
export function joinsFor(model: ModelDef, aliases: Iterable<string>): ModelDef['joins'] {
  const needed = new Set<string>();
  const visit = (alias: string): void => {
    if (alias === model.alias || needed.has(alias)) return;
    const join = model.joins.find((candidate) => candidate.alias === alias);
    if (!join) throw new Error(`Model "${model.name}" has no join "${alias}".`);
    needed.add(alias);
    for (const dependency of [...(join.after ?? []), ...aliasesIn(join.on)]) visit(dependency);
  };
  for (const alias of aliases) visit(alias);
  return model.joins.filter((join) => needed.has(join.alias));
}
