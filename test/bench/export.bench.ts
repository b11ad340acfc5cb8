/**
 * `npm run bench -- export`: the path from the source to the lake (issue 11), on one private
 * MariaDB seeded with the sample business, side by side in one run:
 *  (a) a full export into an empty lake against `mariadb --quick --batch` reading the same columns,
 *      and the export's peak RSS (a child process that runs only the export) at scale 1 and at the
 *      bench scale;
 *  (b) `advance --days 1`, then an incremental export: its time, rows read against rows changed;
 *  (c) the statements the two exports ran on the source: longest, p99, connections;
 *  (d) five KPI questions as an analyst's SQL on MariaDB and as POST /v1/query on the lake.
 * Knobs: SNAQ_BENCH_EXPORT_SCALE (default 10), SNAQ_BENCH_EXPORT_BUFFER_POOL (InnoDB's, default 4G),
 * SNAQ_BENCH_EXPORT_SQL_ROUNDS (MariaDB runs per question, default 1), SNAQ_BENCH_EXPORT_LAKE_ROUNDS
 * (uncached lake runs, default 7). About 12 minutes at scale 10 on 2 cores, half of it seeding.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { advanceSource } from '../../src/export/advanceSource';
import { seedSource } from '../../src/export/seedSource';
import { parseSourceUrl } from '../../src/export/sourceUrl';
import { startMariaDb, type PrivateMariaDb } from '../support/mariadb';
import { MARIADBD } from '../support/requirements';
import { BENCH_AS_OF, BENCH_DIR } from './benchLake';
import { MARIADB_CLIENT, scanWithClient } from './clientScan';
import { runExportInChild } from './exportChildRun';
import { formatReport, targets, type ExportBenchFigures } from './exportReport';
import { measureKpis } from './kpiBench';
import { round } from './stats';

const SEED = 42;
const knob = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not ${process.env[name]}`);
  return value;
};

/** What the bench needs from the machine, or why it cannot run (one line). */
function missingTool(): string | undefined {
  const server = MARIADBD.missing();
  if (server) return `needs mariadbd: ${server}`;
  if (!existsSync(MARIADB_CLIENT)) return `needs the mariadb client: ${MARIADB_CLIENT} is not there (apt-get install mariadb-client)`;
  return undefined;
}

const say = (line: string) => process.stderr.write(`${line}\n`);
const since = (started: number) => Math.round(performance.now() - started);

export async function runExportBench(): Promise<void> {
  const missing = missingTool();
  if (missing) {
    process.stderr.write(`bench export: cannot run, it ${missing}.\n`);
    process.exitCode = 1;
    return;
  }
  const scale = knob('SNAQ_BENCH_EXPORT_SCALE', 10);
  const bufferPoolSize = process.env.SNAQ_BENCH_EXPORT_BUFFER_POOL ?? '4G';
  const rounds = {
    sqlRounds: knob('SNAQ_BENCH_EXPORT_SQL_ROUNDS', 1),
    lakeRounds: Math.max(3, knob('SNAQ_BENCH_EXPORT_LAKE_ROUNDS', 7)),
    cachedRounds: 50,
  };
  const scale1Lake = path.join(BENCH_DIR, 'export-lake-rss-scale1');
  const benchLake = path.join(BENCH_DIR, `export-lake-scale${scale}`);
  for (const lake of [scale1Lake, benchLake]) rmSync(lake, { recursive: true, force: true });
  mkdirSync(BENCH_DIR, { recursive: true });

  const loadAtStart = loadavg()[0]!;
  say(`Starting a private MariaDB (buffer pool ${bufferPoolSize})…`);
  const db = await startMariaDb({ bufferPoolSize });
  try {
    const readOnly = parseSourceUrl(db.readOnly.url);
    const readWrite = parseSourceUrl(db.readWrite.url);
    const version = await serverVersion(db);

    // Scale 1 first, only for the export's peak RSS to compare with; then the bench scale replaces it.
    say('Seeding scale 1…');
    let started = performance.now();
    let seeded = await seedSource(readWrite, { scale: 1, seed: SEED, asOf: BENCH_AS_OF });
    const scale1Ms = since(started);
    say('Full export at scale 1 (child process, for its peak RSS)…');
    const scale1 = await runExportInChild(db.readOnly.url, scale1Lake);
    rmSync(scale1Lake, { recursive: true, force: true });

    let benchScaleMs = scale1Ms;
    if (scale !== 1) {
      say(`Seeding scale ${scale}…`);
      started = performance.now();
      seeded = await seedSource(readWrite, { scale, seed: SEED, asOf: BENCH_AS_OF });
      benchScaleMs = since(started);
      say(`  seeded in ${Math.round(benchScaleMs / 1000)} s`);
    }
    const sourceRows = Object.values(seeded.rows).reduce((sum, n) => sum + n, 0);

    say('(a) mariadb --quick --batch, table by table…');
    const client = await scanWithClient(readOnly);
    say(`(a) Full export at scale ${scale} (child process)…`);
    const full = await runExportInChild(db.readOnly.url, benchLake);

    say('(b) Advancing the source by one day…');
    started = performance.now();
    const advanced = await advanceSource(readWrite, { days: 1 });
    const advance = { days: 1, ms: since(started), ...changeTotals(advanced.changes), erased: advanced.erased };
    say('(b) Incremental export (child process)…');
    const incremental = await runExportInChild(db.readOnly.url, benchLake);

    say('(d) KPI questions…');
    const kpis = await measureKpis(readOnly, benchLake, rounds, say);

    const figures: ExportBenchFigures = {
      scale,
      seed: SEED,
      asOf: BENCH_AS_OF.toISOString(),
      server: { version, bufferPoolSize },
      loadAverage: { start: round(loadAtStart, 1), end: round(loadavg()[0]!, 1) },
      seeding: { scale1Ms, benchScaleMs, sourceRows },
      scale1,
      full,
      client,
      advance,
      incremental,
      kpis,
    };
    const checks = targets(figures);
    process.stdout.write(`${formatReport(figures, checks)}\n`);
    const file = path.join(BENCH_DIR, `export-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ ...figures, targets: checks, lake: benchLake }, null, 2)}\n`);
    process.stdout.write(`report: ${file}\nlake: ${benchLake} (SNAQ_LAKE_DIR=${benchLake} npm start serves it)\n`);
  } finally {
    await db.stop();
  }
}

async function serverVersion(db: PrivateMariaDb): Promise<string> {
  const admin = await db.admin();
  try {
    const [rows] = await admin.query('SELECT VERSION() AS version');
    return `MariaDB ${(rows as Array<{ version: string }>)[0]!.version}`;
  } finally {
    await admin.end();
  }
}

/** The advance's changes summed over tables. */
function changeTotals(changes: Record<string, { inserted: number; updated: number; deleted: number }>) {
  const total = { inserted: 0, updated: 0, deleted: 0 };
  for (const table of Object.values(changes)) {
    total.inserted += table.inserted;
    total.updated += table.updated;
    total.deleted += table.deleted;
  }
  return total;
}
