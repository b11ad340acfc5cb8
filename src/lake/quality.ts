/**
 * The quality gate over a staged lake snapshot: it reads the snapshot's Parquet tables (the
 * manifest's `tables[t].path`) with an in-memory DuckDB and checks each table against the lake
 * contract (LAKE_SCHEMA) and its rules (LAKE_QUALITY). Every check is one aggregate query per
 * table, so the gate costs a few scans whatever the size; the report names keys only.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import * as catalogModels from '../catalog/models';
import type { ModelDef } from '../catalog/vocabulary';
import {
  FUTURE_SKEW_MS,
  LAKE_QUALITY,
  QUALITY_SAMPLE_KEYS,
  type QualityCheckName,
  type QualityCheckResult,
  type QualityFinding,
  type QualityNote,
  type QualityProblem,
  type QualityReport,
  type SampleKey,
  type TableQuality,
} from '../contract/lakeQuality';
import { LAKE_SCHEMA, LAKE_TABLES, type TableName } from '../contract/lakeSchema';
import type { LakeManifest } from '../contract/snapshot';
import type { Lang } from '../contract/types';
import { readManifest } from './manifest';
import { sqlString, sqlTimestamp } from './sql';

export interface QualityGateInput {
  /** The staged snapshot: a folder with a manifest whose `tables[t].path` hold `*.parquet`. */
  dir: string;
  /** The snapshot instant (from the source's clock, not this machine's): timestamps after it (+ skew) fail. */
  snapshotAt: Date;
  /** The manifest of the snapshot now published; none for the first snapshot. */
  previous?: LakeManifest;
  /** The staged manifest, when the caller already holds it; else read from `dir`. */
  manifest?: LakeManifest;
  sampleKeys?: number;
}

type Row = Record<string, unknown>;

/** The gate's DuckDB memory: with spilling, the checks' footprint stays flat however big the lake. */
const GATE_MEMORY_LIMIT = '128MB';

/** Identifiers come from the contract, never from input; quoted all the same. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Closed sets of enumerated columns, taken from the catalog's dimensions (`alias.column` with
 * `values`), so the gate and the API's filter check read the same list.
 */
export function catalogEnumerations(): Map<TableName, Map<string, readonly string[]>> {
  const sets = new Map<TableName, Map<string, readonly string[]>>();
  const models = Object.values(catalogModels as Record<string, unknown>).filter(
    (value): value is ModelDef => typeof value === 'object' && value !== null && 'dimensions' in value && 'table' in value,
  );
  for (const model of models) {
    const tables = new Map<string, TableName>([[model.alias, model.table], ...model.joins.map((j): [string, TableName] => [j.alias, j.table])]);
    for (const dimension of Object.values(model.dimensions)) {
      const match = /^(\w+)\.(\w+)$/.exec(dimension.expr);
      const table = match ? tables.get(match[1]!) : undefined;
      if (!dimension.values || !match || !table) continue;
      const column = match[2]!;
      const columns = sets.get(table) ?? new Map<string, readonly string[]>();
      const known = columns.get(column);
      if (known && known.join('\u0000') !== dimension.values.join('\u0000')) {
        throw new Error(`The catalog gives ${table}.${column} two different sets of values.`);
      }
      columns.set(column, dimension.values);
      sets.set(table, columns);
    }
  }
  return sets;
}

/** Every enumerated column of a table: the catalog's sets and the rules' own, never both for one column. */
export function enumerationsOf(table: TableName, fromCatalog = catalogEnumerations()): Map<string, readonly string[]> {
  const sets = new Map(fromCatalog.get(table) ?? []);
  for (const [column, values] of Object.entries(LAKE_QUALITY[table].enumerations ?? {})) {
    if (sets.has(column)) throw new Error(`${table}.${column} is enumerated both in the catalog and in LAKE_QUALITY: keep one.`);
    sets.set(column, values);
  }
  return sets;
}

function toKeyCell(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

function toSampleKeys(value: unknown): SampleKey[] {
  if (!Array.isArray(value)) return [];
  return value.map((key: Row) => Object.fromEntries(Object.entries(key).map(([column, cell]) => [column, toKeyCell(cell)])));
}

function count(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** A struct of the table's key columns, `min(…, n)` of which names the smallest failing keys. */
function keyStruct(table: TableName, alias = 't'): string {
  return `{${LAKE_QUALITY[table].key.map((column) => `${sqlString(column)}: ${alias}.${ident(column)}`).join(', ')}}`;
}

function result(check: QualityCheckName, findings: QualityFinding[], notes: QualityNote[] = []): QualityCheckResult {
  return { check, outcome: findings.length > 0 ? 'failed' : 'passed', findings, notes };
}

function skipped(check: QualityCheckName, why: string): QualityCheckResult {
  return { check, outcome: 'skipped', findings: [], notes: [], skippedBecause: why };
}

class Gate {
  constructor(
    private readonly db: DuckDBConnection,
    private readonly input: QualityGateInput,
    private readonly enumeratedColumns: Map<TableName, Map<string, readonly string[]>>,
    private readonly samples: number,
  ) {}

  private async one(sql: string): Promise<Row> {
    const rows = (await this.db.runAndReadAll(sql)).getRowObjectsJS() as Row[];
    return rows[0] ?? {};
  }

  private samplesWhere(table: TableName, condition: string): string {
    return `min(${keyStruct(table)}, ${this.samples}) FILTER (WHERE ${condition})`;
  }

  /** The staged table's columns against the contract: a missing or retyped one fails, an extra one is noted. */
  async schema(table: TableName, unreadable: string | undefined): Promise<{ result: QualityCheckResult; present: Set<string> }> {
    if (unreadable !== undefined) {
      const message = `${table}: its Parquet files cannot be read (${unreadable}).`;
      return { result: result('schema', [{ problem: 'unreadable', rows: 0, sampleKeys: [], message }]), present: new Set() };
    }
    const described = (await this.db.runAndReadAll(`DESCRIBE SELECT * FROM ${ident(table)}`)).getRowObjectsJS() as Row[];
    const actual = new Map(described.map((row) => [String(row.column_name), String(row.column_type)]));
    const findings: QualityFinding[] = [];
    for (const [column, type] of Object.entries(LAKE_SCHEMA[table].columns)) {
      const found = actual.get(column);
      if (found === undefined) {
        findings.push({
          problem: 'missing_column',
          column,
          rows: 0,
          sampleKeys: [],
          message: `${table}.${column} is missing: the lake contract needs it (${type}).`,
        });
      } else if (found !== type) {
        findings.push({ problem: 'wrong_type', column, rows: 0, sampleKeys: [], message: `${table}.${column} is ${found}; the lake contract needs ${type}.` });
      }
    }
    const notes: QualityNote[] = [...actual.keys()]
      .filter((column) => !(column in LAKE_SCHEMA[table].columns))
      .map((column) => ({ kind: 'extra_column', column, message: `${table}.${column} is not in the lake contract: ignored.` }));
    const present = new Set([...actual].filter(([column, type]) => LAKE_SCHEMA[table].columns[column] === type).map(([column]) => column));
    return { result: result('schema', findings, notes), present };
  }

  async primaryKey(table: TableName): Promise<QualityCheckResult> {
    const key = LAKE_QUALITY[table].key.map(ident);
    const anyNull = key.map((column) => `t.${column} IS NULL`).join(' OR ');
    const r = await this.one(
      `WITH grouped AS (SELECT ${keyStruct(table)} AS k, count(*) AS n, bool_or(${anyNull}) AS has_null FROM ${ident(table)} t GROUP BY ALL)
       SELECT sum(n) FILTER (WHERE has_null) AS null_rows, min(k, ${this.samples}) FILTER (WHERE has_null) AS null_keys,
              sum(n) FILTER (WHERE n > 1 AND NOT has_null) AS duplicate_rows, count(*) FILTER (WHERE n > 1 AND NOT has_null) AS duplicate_keys,
              min(k, ${this.samples}) FILTER (WHERE n > 1 AND NOT has_null) AS duplicate_samples
       FROM grouped`,
    );
    const keyName = `(${LAKE_QUALITY[table].key.join(', ')})`;
    const findings: QualityFinding[] = [];
    if (count(r.null_rows) > 0) {
      findings.push({
        problem: 'null_key',
        rows: count(r.null_rows),
        sampleKeys: toSampleKeys(r.null_keys),
        message: `${table}: ${count(r.null_rows)} rows have no key ${keyName}.`,
      });
    }
    if (count(r.duplicate_rows) > 0) {
      findings.push({
        problem: 'duplicate_key',
        rows: count(r.duplicate_rows),
        sampleKeys: toSampleKeys(r.duplicate_samples),
        message: `${table}: ${count(r.duplicate_keys)} keys ${keyName} occur more than once (${count(r.duplicate_rows)} rows).`,
      });
    }
    return result('primary_key', findings);
  }

  /** Each reference joined to the distinct keys it points at: NULL (allowed or not) and dangling rows, in one query. */
  async references(table: TableName): Promise<QualityCheckResult> {
    const references = LAKE_QUALITY[table].references;
    if (references.length === 0) return result('references', []);
    const joins = references.map(
      (ref, i) => `LEFT JOIN (SELECT DISTINCT ${ident(ref.to.column)} AS k FROM ${ident(ref.to.table)}) r${i} ON t.${ident(ref.column)} = r${i}.k`,
    );
    const measures = references.flatMap((ref, i) => {
      const isNull = `t.${ident(ref.column)} IS NULL`;
      const dangling = `t.${ident(ref.column)} IS NOT NULL AND r${i}.k IS NULL`;
      return [
        `count(*) FILTER (WHERE ${isNull}) AS null_${i}`,
        `${this.samplesWhere(table, isNull)} AS null_keys_${i}`,
        `count(*) FILTER (WHERE ${dangling}) AS dangling_${i}`,
        `${this.samplesWhere(table, dangling)} AS dangling_keys_${i}`,
      ];
    });
    const r = await this.one(`SELECT ${measures.join(', ')} FROM ${ident(table)} t ${joins.join(' ')}`);
    const findings: QualityFinding[] = [];
    const notes: QualityNote[] = [];
    references.forEach((ref, i) => {
      const target = `${ref.to.table}.${ref.to.column}`;
      const nulls = count(r[`null_${i}`]);
      const dangling = count(r[`dangling_${i}`]);
      if (nulls > 0 && ref.nullable) {
        notes.push({ kind: 'erased_person', column: ref.column, rows: nulls, message: `${table}: ${nulls} rows have no ${ref.column} (erased; allowed).` });
      } else if (nulls > 0) {
        findings.push({
          problem: 'null_reference',
          column: ref.column,
          rows: nulls,
          sampleKeys: toSampleKeys(r[`null_keys_${i}`]),
          message: `${table}: ${nulls} rows have no ${ref.column}, which must name a ${target}.`,
        });
      }
      if (dangling > 0) {
        findings.push({
          problem: 'dangling_reference',
          column: ref.column,
          rows: dangling,
          sampleKeys: toSampleKeys(r[`dangling_keys_${i}`]),
          message: `${table}: ${dangling} rows name a ${ref.column} that ${target} does not have.`,
        });
      }
    });
    return result('references', findings, notes);
  }

  async rowCount(table: TableName): Promise<{ result: QualityCheckResult; rows: number; previousRows: number | null }> {
    const rows = count((await this.one(`SELECT count(*) AS n FROM ${ident(table)}`)).n);
    const previousRows = this.input.previous?.tables[table]?.rows ?? null;
    if (previousRows === null) {
      const message = `${table}: no previous snapshot to compare ${rows} rows with.`;
      return { result: result('row_count', [], [{ kind: 'no_previous', rows, message }]), rows, previousRows };
    }
    const { maxShrink, maxGrowth } = LAKE_QUALITY[table].rowCount;
    const findings: QualityFinding[] = [];
    const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10} %`;
    if (rows < previousRows * (1 - maxShrink)) {
      findings.push({
        problem: 'shrank',
        rows,
        sampleKeys: [],
        message: `${table}: ${rows} rows, down from ${previousRows} (${percent(1 - rows / previousRows)}; at most ${percent(maxShrink)} allowed).`,
      });
    } else if (previousRows > 0 && rows > previousRows * (1 + maxGrowth)) {
      findings.push({
        problem: 'grew',
        rows,
        sampleKeys: [],
        message: `${table}: ${rows} rows, up from ${previousRows} (${percent(rows / previousRows - 1)}; at most ${percent(maxGrowth)} allowed).`,
      });
    }
    return { result: result('row_count', findings), rows, previousRows };
  }

  async enumerations(table: TableName, present: Set<string>): Promise<QualityCheckResult> {
    const columns = [...enumerationsOf(table, this.enumeratedColumns)].filter(([column]) => present.has(column));
    if (columns.length === 0) return result('enumerations', []);
    const measures = columns.flatMap(([column, values], i) => {
      const bad = `t.${ident(column)} IS NOT NULL AND t.${ident(column)} NOT IN (${values.map(sqlString).join(', ')})`;
      return [`count(*) FILTER (WHERE ${bad}) AS bad_${i}`, `${this.samplesWhere(table, bad)} AS bad_keys_${i}`];
    });
    const r = await this.one(`SELECT ${measures.join(', ')} FROM ${ident(table)} t`);
    const findings = columns.flatMap(([column, values], i): QualityFinding[] => {
      const bad = count(r[`bad_${i}`]);
      if (bad === 0) return [];
      const message = `${table}.${column}: ${bad} rows hold a value outside ${values.join(', ')}.`;
      return [{ problem: 'bad_value', column, rows: bad, sampleKeys: toSampleKeys(r[`bad_keys_${i}`]), message }];
    });
    return result('enumerations', findings);
  }

  async futureTimestamps(table: TableName, present: Set<string>): Promise<QualityCheckResult> {
    const columns = Object.entries(LAKE_SCHEMA[table].columns)
      .filter(([column, type]) => type === 'TIMESTAMP' && present.has(column))
      .map(([column]) => column);
    if (columns.length === 0) return result('future_timestamps', []);
    const limit = new Date(this.input.snapshotAt.getTime() + FUTURE_SKEW_MS);
    const measures = columns.flatMap((column, i) => {
      const late = `t.${ident(column)} > ${sqlTimestamp(limit)}`;
      return [`count(*) FILTER (WHERE ${late}) AS late_${i}`, `${this.samplesWhere(table, late)} AS late_keys_${i}`];
    });
    const r = await this.one(`SELECT ${measures.join(', ')} FROM ${ident(table)} t`);
    const findings = columns.flatMap((column, i): QualityFinding[] => {
      const late = count(r[`late_${i}`]);
      if (late === 0) return [];
      const message = `${table}.${column}: ${late} rows are later than the snapshot instant ${this.input.snapshotAt.toISOString()}.`;
      return [{ problem: 'future_timestamp', column, rows: late, sampleKeys: toSampleKeys(r[`late_keys_${i}`]), message }];
    });
    return result('future_timestamps', findings);
  }
}

/** Checks a staged snapshot; never throws for what it finds (only for a missing manifest or a broken DuckDB). */
export async function checkLakeQuality(input: QualityGateInput): Promise<QualityReport> {
  const manifest = input.manifest ?? readManifest(input.dir);
  // Bounded memory whatever the lake's size: key and reference checks spill to a temporary folder.
  const spill = mkdtempSync(join(tmpdir(), 'snaq-gate-'));
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '2',
    memory_limit: GATE_MEMORY_LIMIT,
    temp_directory: spill,
    preserve_insertion_order: 'false',
  });
  const db = await instance.connect();
  try {
    const gate = new Gate(db, input, catalogEnumerations(), input.sampleKeys ?? QUALITY_SAMPLE_KEYS);
    const unreadable = new Map<TableName, string>();
    for (const table of LAKE_TABLES) {
      const entry = manifest.tables[table];
      if (!entry) {
        unreadable.set(table, 'the manifest does not list it');
        continue;
      }
      // A view per table, named as the lake names it, so the rules' SQL reads like the catalog's.
      const files = join(input.dir, entry.path, '*.parquet');
      try {
        await db.run(`CREATE VIEW ${ident(table)} AS SELECT * FROM read_parquet(${sqlString(files)})`);
      } catch (error) {
        unreadable.set(table, (error as Error).message.split('\n')[0] ?? 'unknown error');
      }
    }
    const readable = (table: TableName) => !unreadable.has(table);
    const schemas = new Map<TableName, Awaited<ReturnType<Gate['schema']>>>();
    for (const table of LAKE_TABLES) schemas.set(table, await gate.schema(table, unreadable.get(table)));
    const tables: TableQuality[] = [];
    for (const table of LAKE_TABLES) {
      const { result: schema, present } = schemas.get(table)!;
      const checks: QualityCheckResult[] = [schema];
      let rows: number | null = null;
      const previousRows = input.previous?.tables[table]?.rows ?? null;
      if (!readable(table)) {
        const why = `${table} cannot be read`;
        checks.push(...(['primary_key', 'references', 'row_count', 'enumerations', 'future_timestamps'] as const).map((c) => skipped(c, why)));
      } else {
        const rules = LAKE_QUALITY[table];
        const missing = (columns: readonly string[]) => columns.filter((c) => !present.has(c));
        checks.push(missing(rules.key).length > 0 ? skipped('primary_key', `key column missing`) : await gate.primaryKey(table));
        const referencesReadable = rules.references.every(
          (ref) => present.has(ref.column) && schemas.get(ref.to.table)!.present.has(ref.to.column) && readable(ref.to.table),
        );
        const keyReadable = missing(rules.key).length === 0;
        checks.push(referencesReadable && keyReadable ? await gate.references(table) : skipped('references', 'a referencing or referenced column is missing'));
        const counted = await gate.rowCount(table);
        rows = counted.rows;
        checks.push(counted.result);
        checks.push(keyReadable ? await gate.enumerations(table, present) : skipped('enumerations', 'key column missing'));
        checks.push(keyReadable ? await gate.futureTimestamps(table, present) : skipped('future_timestamps', 'key column missing'));
      }
      tables.push({ table, rows, previousRows, passed: checks.every((c) => c.outcome !== 'failed'), checks });
    }
    return {
      snapshotAt: input.snapshotAt.toISOString(),
      previousSnapshotId: input.previous?.snapshotId ?? null,
      passed: tables.every((t) => t.passed),
      tables,
    };
  } finally {
    db.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  }
}

/** Writes the report as JSON (whole or not at all: a temporary file, then a rename). */
export function writeQualityReport(report: QualityReport, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(temporary, file);
}

/** The failures, in the report's order. */
export function qualityFailures(report: QualityReport): Array<{ table: TableName; check: QualityCheckName; finding: QualityFinding }> {
  return report.tables.flatMap((t) => t.checks.flatMap((c) => c.findings.map((finding) => ({ table: t.table, check: c.check, finding }))));
}

const JA_PROBLEM: Record<QualityProblem, (table: TableName, f: QualityFinding) => string> = {
  unreadable: (t) => `${t} の Parquet が読めません`,
  missing_column: (t, f) => `${t}.${f.column ?? ''} の列がありません`,
  wrong_type: (t, f) => `${t}.${f.column ?? ''} の型が契約と違います`,
  null_key: (t, f) => `${t} の ${f.rows} 行に主キーがありません`,
  duplicate_key: (t, f) => `${t} の主キーが重複しています（${f.rows} 行）`,
  null_reference: (t, f) => `${t} の ${f.rows} 行で ${f.column ?? ''} が空です`,
  dangling_reference: (t, f) => `${t} の ${f.rows} 行で ${f.column ?? ''} の参照先がありません`,
  shrank: (t, f) => `${t} の行数が前回より減りすぎています（${f.rows} 行）`,
  grew: (t, f) => `${t} の行数が前回より増えすぎています（${f.rows} 行）`,
  bad_value: (t, f) => `${t}.${f.column ?? ''} の ${f.rows} 行が決められた値以外です`,
  future_timestamp: (t, f) => `${t}.${f.column ?? ''} の ${f.rows} 行がスナップショット時刻より未来です`,
};

/** One line for a failing command: the first failure, how many more, and where the full report is. */
export function qualitySummary(report: QualityReport, reportFile: string, lang: Lang): string {
  const failures = qualityFailures(report);
  const [first] = failures;
  if (!first) return lang === 'ja' ? `品質チェックに合格しました（レポート: ${reportFile}）。` : `The quality gate passed (report: ${reportFile}).`;
  const more = failures.length - 1;
  if (lang === 'ja') {
    const rest = more > 0 ? `ほか ${more} 件。` : '';
    return `品質チェックに不合格のため公開しません: ${JA_PROBLEM[first.finding.problem](first.table, first.finding)}。${rest}詳しくは ${reportFile} を見てください。`;
  }
  const rest = more > 0 ? ` (and ${more} more)` : '';
  return `Quality gate failed, nothing published: ${first.finding.message.replace(/\.$/, '')}${rest}. Full report: ${reportFile}.`;
}
