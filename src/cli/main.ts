/**
 * `snaq`: the data team's command line. serve · metrics · query · forecast · anomalies · audit · lake generate/status/rollback · source seed.
 * Errors are one line on stderr and a non-zero exit; results go to stdout.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiError } from '../contract/errors';
import { localizeError } from '../contract/errorMessages';
import { GRAINS, type Grain } from '../contract/dates';
import type { Comparison, Lang, MetricList, MetricSummary, QueryRequest } from '../contract/types';
import { loadCatalog } from '../catalog/catalog';
import { comparisonPlan, compileQuery } from '../catalog/compile';
import { COMPARISONS } from '../contract/comparison';
import { searchMetrics } from '../catalog/describe';
import { DIALECTS, type DialectName } from '../catalog/dialect';
import { resolveQuery } from '../catalog/resolve';
import { OPERATOR } from '../catalog/accessPolicy';
import { parseQueryRequest } from '../contract/validate';
import { LIMITS } from '../contract/limits';
import { generateLake, formatGenerateSummary } from '../lake/generate';
import { chooseLakeDir, defaultLakeDir, lakeExists, LakeError, readManifest } from '../lake/manifest';
import { ExportError } from '../export/exportLake';
import { PseudonymKeyError } from '../lake/pseudonym';
import { SourceError } from '../export/sourceErrors';
import { seedSource } from '../export/seedSource';
import { advanceSource, isWholeDayCount, MAX_ADVANCE_DAYS, type AdvanceResult } from '../export/advanceSource';
import { describeSource, sourceLocationFrom } from '../export/sourceUrl';
import { formatResult, jsonTable, langFromEnv, newTable, tableOf, type Field, type OutputFormat } from './format';
import { openLocalService } from './localStack';
import { remoteGet, remoteQuery } from './remote';
import { runForecast } from './forecastCommand';
import { serve } from './serve';
import { parseFilters } from './filters';
import { runAnomalies } from './anomaliesCommand';
import { runLakeExport, runLakeExportJob, runLakeRollback, runLakeStatus } from './lakeCommands';
import { AuditFlagError } from '../api/auditQuery';
import { runAudit } from './auditCommand';
import {
  CliError,
  auditFlagSentence,
  exportErrorSentence,
  keptAsideSentence,
  pseudonymKeyErrorSentence,
  lakeErrorSentence,
  sourceErrorSentence,
} from './messages';

function numeric(name: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`${name} must be a number.`);
    return value;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface QueryFlags {
  from: string;
  to: string;
  grain?: Grain;
  dim: string[];
  filter: string[];
  limit?: number;
  compare?: Comparison;
  format: OutputFormat;
  url?: string;
  lake?: string;
  explain?: DialectName | true;
}

/** The snapshot Trino SQL names: the local lake's current one when there is a lake, else a placeholder. */
function explainSnapshotId(lake: string | undefined): string {
  const { dir } = chooseLakeDir(lake);
  return lakeExists(dir) ? readManifest(dir).snapshotId : 'SNAPSHOT_ID';
}

async function runQuery(metric: string, flags: QueryFlags): Promise<void> {
  const request: QueryRequest = {
    metric,
    from: flags.from,
    to: flags.to,
    ...(flags.grain ? { grain: flags.grain } : {}),
    ...(flags.dim.length ? { dimensions: flags.dim } : {}),
    ...(flags.filter.length ? { filters: parseFilters(flags.filter) } : {}),
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    ...(flags.compare ? { compare: flags.compare } : {}),
  };
  if (flags.explain) {
    const dialect = DIALECTS[flags.explain === true ? 'duckdb' : flags.explain];
    const resolved = resolveQuery(loadCatalog(), parseQueryRequest(request));
    const compiled = compileQuery(resolved, dialect, {
      rowCap: LIMITS.maxRows,
      snapshotId: explainSnapshotId(flags.lake),
      ...(resolved.compare ? { comparison: comparisonPlan(resolved, resolved.compare) } : {}),
    });
    process.stdout.write(`${compiled.sql}\n${compiled.params.length ? `-- params: ${JSON.stringify(compiled.params)}\n` : ''}`);
    return;
  }
  let result;
  if (flags.url) {
    result = await remoteQuery(request, { baseUrl: flags.url });
  } else {
    const service = await openLocalService({ lake: flags.lake });
    try {
      // The in-process CLI reads the lake itself: it is the operator's, and sees restricted metrics too.
      const outcome = await service.query(request, OPERATOR);
      result = outcome.status === 200 ? outcome.body : (await service.queryStatus(outcome.body.queryId, OPERATOR)).body;
    } finally {
      await service.engine.close();
    }
  }
  if (!('rows' in result)) throw new Error('The query did not finish.');
  process.stdout.write(`${formatResult(result, flags.format, langFromEnv())}\n`);
}

/** `metrics --format json`: one row per metric; lists (grains, dimensions, tags) comma-separated as in csv. */
const METRIC_FIELDS: Field<MetricSummary>[] = [
  { name: 'name', type: 'string', role: 'dimension', cell: (m) => m.name },
  { name: 'title_ja', type: 'string', role: 'dimension', cell: (m) => m.title.ja },
  { name: 'title_en', type: 'string', role: 'dimension', cell: (m) => m.title.en },
  { name: 'description_ja', type: 'string', role: 'dimension', cell: (m) => m.description.ja },
  { name: 'description_en', type: 'string', role: 'dimension', cell: (m) => m.description.en },
  { name: 'unit', type: 'string', role: 'dimension', cell: (m) => m.unit },
  { name: 'grains', type: 'string', role: 'dimension', cell: (m) => m.grains.join(',') },
  { name: 'dimensions', type: 'string', role: 'dimension', cell: (m) => m.dimensions.map((d) => d.name).join(',') },
  { name: 'tags', type: 'string', role: 'dimension', cell: (m) => m.tags.join(',') },
  { name: 'owner', type: 'string', role: 'dimension', cell: (m) => m.owner },
  { name: 'status', type: 'string', role: 'dimension', cell: (m) => m.status },
  { name: 'replacedBy', type: 'string', role: 'dimension', cell: (m) => m.replacedBy ?? null },
  { name: 'version', type: 'number', role: 'value', cell: (m) => m.version },
];

async function runMetrics(flags: { search?: string; url?: string; format: OutputFormat }): Promise<void> {
  const lang = langFromEnv();
  const list: MetricList = flags.url
    ? await remoteGet<MetricList>(`/v1/metrics${flags.search ? `?search=${encodeURIComponent(flags.search)}` : ''}`, { baseUrl: flags.url })
    : { metrics: searchMetrics(loadCatalog(), flags.search), meta: { generatedAt: new Date().toISOString() } };
  if (flags.format === 'json') {
    process.stdout.write(`${jsonTable(tableOf(METRIC_FIELDS, list.metrics, list.meta))}\n`);
    return;
  }
  const rows = list.metrics.map((metric) => [
    metric.name,
    metric.title[lang],
    metric.unit,
    metric.grains.join(','),
    metric.dimensions.map((dimension) => dimension.name).join(','),
    metric.status === 'deprecated' ? `deprecated → ${metric.replacedBy ?? '?'}` : metric.status,
  ]);
  const header = ['name', lang === 'ja' ? '名前' : 'title', 'unit', 'grains', 'dimensions', 'status'];
  const cells = [header, ...rows];
  if (flags.format === 'csv') {
    process.stdout.write(`${cells.map((row) => row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')).join('\n')}\n`);
    return;
  }
  const table = newTable(header);
  table.push(...rows);
  process.stdout.write(`${table.toString()}\n`);
}

export function buildProgram(): Command {
  const program = new Command('snaq')
    .description('Governed snaq.me metrics: the local metrics service, queries, the lake and the sample source.')
    .showHelpAfterError('(run with --help for usage)');
  const formatOption = () => new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table');

  program
    .command('serve')
    .description('Start the signed metrics API on 127.0.0.1 with DuckDB over the local lake (a sample at .snaq/lake on first run).')
    .option('--port <port>', 'port (default $PORT or 8787)', numeric('--port'))
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--lake <dir>', 'lake directory (default $SNAQ_LAKE_DIR or .snaq/lake); never generated when named')
    .action((flags: { port?: number; host?: string; lake?: string }) => serve(flags));

  program
    .command('metrics')
    .description('List the governed metrics.')
    .option('--search <text>', 'only metrics whose name, title or tags contain this')
    .option('--url <url>', 'ask a running endpoint instead of the local catalog')
    .addOption(formatOption())
    .action(runMetrics);

  program
    .command('query <metric>')
    .description('Query a metric over [from, to) in-process, or against --url with SigV4 signing.')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (JST)')
    .requiredOption('--to <date>', 'day after the last, YYYY-MM-DD (JST)')
    .addOption(new Option('--grain <grain>', 'period size').choices(GRAINS))
    .option('--dim <dimension>', 'split by a dimension (repeatable)', collect, [])
    .option('--filter <name=value>', 'keep only rows where a dimension equals a value (repeatable)', collect, [])
    .option('--limit <rows>', 'at most this many rows', numeric('--limit'))
    .addOption(new Option('--compare <with>', 'each period beside the one before it, or the same one a year earlier').choices(COMPARISONS))
    .addOption(formatOption())
    .option('--url <url>', 'query a running endpoint, e.g. http://127.0.0.1:8787')
    .option('--lake <dir>', 'lake directory for in-process queries')
    .addOption(new Option('--explain [dialect]', 'print the compiled SQL instead of running it').choices(['duckdb', 'trino']))
    .action(runQuery);

  program
    .command('forecast')
    .description('Forecast a CSV series (period,value) or a metric on the lake, with a prediction interval.')
    .option('--csv <file>', 'a CSV of period,value rows')
    .option('--metric <name>', 'a metric instead of a CSV (with --from, --to, --grain)')
    .option('--from <date>', 'first day of the history')
    .option('--to <date>', 'day after the last day of the history')
    .addOption(new Option('--grain <grain>', 'period size').choices(GRAINS))
    .requiredOption('--horizon <n>', 'periods ahead (1–104)', numeric('--horizon'))
    .option('--seasonality <n>', 'season length in periods (default: detect)', numeric('--seasonality'))
    .option('--interval <p>', 'interval coverage, 0.5–0.99', numeric('--interval'), 0.8)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--filter <name=value>', 'with --metric: keep only rows where a dimension equals a value (repeatable)', collect, [])
    .option('--lake <dir>', 'lake directory for --metric')
    .action(runForecast);

  program
    .command('anomalies <metric>')
    .description('Unusual periods of a metric on the lake, with the dimension values that moved most.')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (JST)')
    .requiredOption('--to <date>', 'day after the last, YYYY-MM-DD (JST)')
    .addOption(new Option('--grain <grain>', 'period size').choices(GRAINS).makeOptionMandatory())
    .option('--dim <dimension>', "attribute to this dimension (repeatable; default: all of the metric's)", collect, [])
    .option('--filter <name=value>', 'keep only rows where a dimension equals a value (repeatable)', collect, [])
    .addOption(new Option('--sensitivity <level>', 'low 99.9%, medium 99%, high 95%').choices(['low', 'medium', 'high']))
    .option('--seasonality <n>', 'season length in periods (default: detect)', numeric('--seasonality'))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--lake <dir>', 'lake directory')
    .action(runAnomalies);

  program
    .command('audit')
    .description("Who pulled which metric, from the local server's audit files (SNAQ_LOG_DIR, default .snaq/logs); --unused: metrics nobody used.")
    .option('--since <when>', 'window start: 7d, 12h, 2w, a day YYYY-MM-DD (JST) or an instant with its zone', '7d')
    .option('--metric <name>', 'only answers about this metric')
    .option('--who <email|principal>', 'only answers to this person (e-mail) or IAM principal (full ARN or its last part)')
    .option('--unused', "list the catalog's metrics with no successful query, forecast or anomaly answer in the window")
    .option('--format <format>', 'table, csv (RFC 4180) or json', 'table')
    .action(runAudit);

  const lake = program.command('lake').description('The lake: a sample to generate, its snapshots, history and freshness, rollback.');
  lake
    .command('generate')
    .description('Write the deterministic sample lake as Parquet plus manifest.json.')
    .option('--scale <n>', 'size factor (1 ≈ 10,000 users)', numeric('--scale'), 1)
    .option('--seed <n>', 'random seed', numeric('--seed'), 42)
    .option('--out <dir>', 'output directory (default $SNAQ_LAKE_DIR or .snaq/lake)')
    .option('--as-of <iso>', 'snapshot moment (default: now, to the hour)')
    .option('--force', 'also replace a lake that is not a sample (it is kept beside, renamed)')
    .option('--no-synthetic-history', 'write no synthetic export history (by default 35 made-up nightly runs, marked synthetic)')
    .action(async (flags: { scale: number; seed: number; out?: string; asOf?: string; force?: boolean; syntheticHistory: boolean }) => {
      const asOf = flags.asOf === undefined ? undefined : new Date(flags.asOf);
      if (asOf && Number.isNaN(asOf.getTime())) throw new InvalidArgumentError('--as-of must be an ISO date or timestamp.');
      const outDir = flags.out ?? defaultLakeDir();
      const { manifest, elapsedMs, keptAside } = await generateLake({
        outDir,
        scale: flags.scale,
        seed: flags.seed,
        asOf,
        force: flags.force,
        syntheticHistory: flags.syntheticHistory,
      });
      process.stdout.write(`${formatGenerateSummary(manifest, elapsedMs)}\n`);
      if (keptAside) process.stdout.write(`${keptAsideSentence(keptAside, langFromEnv())}\n`);
    });
  lake
    .command('export')
    .description('Export the source database into a new lake snapshot: incremental, without personal data, published only if the quality gate passes.')
    .option('--source <url>', 'mysql://USER:PASSWORD@HOST:PORT/DB (default $SNAQ_SOURCE_URL, which keeps the password out of the process list)')
    .option('--lake <dir|s3-url>', 'lake directory, or s3://BUCKET/PREFIX (default $SNAQ_LAKE_DIR or .snaq/lake)')
    .option('--work-dir <dir>', 'for an S3 lake: the local mirror of its current snapshot, kept between runs (default: a temporary folder)')
    .option('--full', 'read every table whole instead of from the cursors')
    .action(runLakeExport);
  lake
    .command('export-job')
    .description('The scheduled export on AWS: SNAQ_LAKE=s3://…, the source and key from the environment; JSON lines on stdout for CloudWatch.')
    .option('--full', 'read every table whole instead of from the cursors')
    .action(runLakeExportJob);
  lake
    .command('status')
    .description('The current snapshot, the recent runs with their quality verdicts, and each table’s freshness SLO attainment over 30 days.')
    .option('--lake <dir|s3-url>', 'lake directory, or s3://BUCKET/PREFIX (default $SNAQ_LAKE_DIR or .snaq/lake)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(runLakeStatus);
  lake
    .command('rollback')
    .description('Make the previous snapshot (or --to ID) current again; a running service follows without a restart.')
    .option('--lake <dir|s3-url>', 'lake directory, or s3://BUCKET/PREFIX (default $SNAQ_LAKE_DIR or .snaq/lake)')
    .option('--to <id>', 'the snapshot to make current (default: the newest one older than the current)')
    .action(runLakeRollback);
  const source = program.command('source').description('The sample source database (MariaDB/MySQL).');
  source
    .command('seed')
    .description('Create the source schema in an empty database (or the sample source) and fill it with the sample business.')
    .option('--source <url>', 'mysql://USER:PASSWORD@HOST:PORT/DB (default $SNAQ_SOURCE_URL, which keeps the password out of the process list)')
    .option('--scale <n>', 'size factor (1 ≈ 10,000 users)', numeric('--scale'), 1)
    .option('--seed <n>', 'random seed', numeric('--seed'), 42)
    .option('--as-of <iso>', 'the business clock to seed at (default: now, to the hour)')
    .action(async (flags: { source?: string; scale: number; seed: number; asOf?: string }) => {
      const asOf = flags.asOf === undefined ? undefined : new Date(flags.asOf);
      if (asOf && Number.isNaN(asOf.getTime())) throw new InvalidArgumentError('--as-of must be an ISO date or timestamp.');
      const location = sourceLocationFrom(flags.source);
      const result = await seedSource(location, { scale: flags.scale, seed: flags.seed, asOf });
      const total = Object.values(result.rows).reduce((a, b) => a + b, 0);
      process.stdout.write(
        langFromEnv() === 'ja'
          ? `${describeSource(location)} にサンプルのソースを作りました（seed ${result.seed}、scale ${result.scale}、業務時刻 ${result.asOf.toISOString()}、${total} 行）。\n`
          : `Seeded the sample source ${describeSource(location)} (seed ${result.seed}, scale ${result.scale}, business clock ${result.asOf.toISOString()}, ${total} rows).\n`,
      );
    });
  source
    .command('advance')
    .description(
      'Apply the next N days of business to the sample source (sign-ups, boxes, cancellations, orders, edits, erasures) and move its business clock.',
    )
    .option('--source <url>', 'mysql://USER:PASSWORD@HOST:PORT/DB (default $SNAQ_SOURCE_URL, which keeps the password out of the process list)')
    .requiredOption('--days <n>', `how many days, a whole number from 1 to ${MAX_ADVANCE_DAYS}`)
    .action(async (flags: { source?: string; days: string }) => {
      const days = parseDays(flags.days);
      const result = await advanceSource(sourceLocationFrom(flags.source), { days });
      process.stdout.write(`${advancedSentence(result, langFromEnv())}\n`);
    });
  return program;
}

/** `--days`: checked here rather than by commander, whose refusal is two lines and ends the process. */
function parseDays(text: string): number {
  const days = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (isWholeDayCount(days)) return days;
  throw new CliError({
    en: `--days must be a whole number from 1 to ${MAX_ADVANCE_DAYS}, not "${text}".`,
    ja: `--days には 1 から ${MAX_ADVANCE_DAYS} までの整数を指定してください（"${text}" は使えません）。`,
  });
}

function advancedSentence(result: AdvanceResult, lang: Lang): string {
  const sum = (kind: 'inserted' | 'updated' | 'deleted') => Object.values(result.changes).reduce((total, table) => total + table[kind], 0);
  const to = result.to.toISOString();
  return lang === 'ja'
    ? `サンプルのソース ${result.source} を ${result.days} 日進めました（業務時刻 ${to}）。追加 ${sum('inserted')} 行、更新 ${sum('updated')} 行、削除 ${sum('deleted')} 行、消去した人 ${result.erased} 人。`
    : `Advanced the sample source ${result.source} by ${result.days} day${result.days === 1 ? '' : 's'} to ${to}: ${sum('inserted')} inserted, ${sum('updated')} updated, ${sum('deleted')} deleted, ${result.erased} ${result.erased === 1 ? 'person' : 'people'} erased.`;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command may say how it went in its exit code (export-job: refused by the gate is 2).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    process.stderr.write(`snaq: ${errorSentence(error, langFromEnv())}\n`);
    return 1;
  }
}

/** One line for any failure: API errors by code, the CLI's own in the reader's language. */
function errorSentence(error: unknown, lang: Lang): string {
  if (error instanceof ApiError) return `${error.code}: ${localizeError({ code: error.code, message: error.message, details: error.details }, lang)}`;
  if (error instanceof CliError) return error.sentence(lang);
  if (error instanceof AuditFlagError) return auditFlagSentence(error, lang);
  if (error instanceof LakeError) return lakeErrorSentence(error, lang);
  if (error instanceof SourceError) return sourceErrorSentence(error, lang);
  if (error instanceof ExportError) return exportErrorSentence(error, lang);
  if (error instanceof PseudonymKeyError) return pseudonymKeyErrorSentence(error, lang);
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}
