/** Which model aliases a reviewed SQL fragment reads, so joins are derived, never listed twice. */
import type { ModelDef } from './model';

const QUALIFIED_COLUMN = /(?<![\w.'])([a-z][a-z0-9_]*)\.[a-z_]/g;

export function aliasesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/'(?:[^']|'')*'/g, "''");
  return [...new Set([...withoutStrings.matchAll(QUALIFIED_COLUMN)].map((match) => match[1]!))];
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
