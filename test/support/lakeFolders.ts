/** Where a lake's tables lie, read from its manifest as plain JSON (so reference helpers need nothing from src). */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A table's folder in a lake, where its manifest says (`snapshots/<id>/<table>` since schema
 * version 2, `<table>` before). Read as plain JSON, so reference helpers need nothing from src.
 */
export function tableDir(lakeDir: string, table: string): string {
  const manifest = JSON.parse(readFileSync(path.join(lakeDir, 'manifest.json'), 'utf8')) as { tables: Record<string, { path: string }> };
  const entry = manifest.tables[table];
  if (!entry) throw new Error(`The lake at ${lakeDir} has no table ${table}.`);
  return path.join(lakeDir, entry.path);
}
