/** The export benchmark's figures, its targets (issue 11) with PASS/MISS, and the printed report. */
import type { StatementSummary } from '../../src/export/statementStats';
import type { ClientScan } from './clientScan';
import type { ExportRun } from './exportChildRun';
import type { KpiMeasurement } from './kpiBench';
import { round } from './stats';

export interface ExportBenchFigures {
  scale: number;
  seed: number;
  asOf: string;
  server: { version: string; bufferPoolSize: string };
  /** The machine's 1-minute load average at the start and the end: other work on its 2 cores shows here. */
  loadAverage: { start: number; end: number };
  seeding: { scale1Ms: number; benchScaleMs: number; sourceRows: number };
  scale1: ExportRun;
  full: ExportRun;
  client: ClientScan;
  advance: { days: number; ms: number; inserted: number; updated: number; deleted: number; erased: number };
  incremental: ExportRun;
  kpis: KpiMeasurement[];
}

export interface Target {
  what: string;
  target: string;
  value: string;
  pass: boolean;
}

const KB_PER_GB = 1e9 / 1024;
const mib = (kb: number) => round(kb / 1024, 0);
const seconds = (ms: number) => round(ms / 1000, 1);
const sumOf = (run: ExportRun, field: 'rows' | 'rowsRead' | 'keysRead' | 'rowsChanged') =>
  Object.values(run.tables).reduce((sum, table) => sum + table[field], 0);

export function derived(f: ExportBenchFigures) {
  const rows = sumOf(f.full, 'rows');
  return {
    rows,
    exportToClient: f.full.elapsedMs / f.client.totalMs,
    exportRowsPerSecond: Math.round(rows / (f.full.elapsedMs / 1000)),
    clientRowsPerSecond: Math.round(rows / (f.client.totalMs / 1000)),
    rssScale1KB: f.scale1.maxRssKB,
    rssBenchKB: f.full.maxRssKB,
    rssGrowth: f.full.maxRssKB / f.scale1.maxRssKB,
    incremental: {
      rowsRead: sumOf(f.incremental, 'rowsRead'),
      rowsChanged: sumOf(f.incremental, 'rowsChanged'),
      keysRead: sumOf(f.incremental, 'keysRead'),
      toFull: f.incremental.elapsedMs / f.full.elapsedMs,
    },
  };
}

export function targets(f: ExportBenchFigures): Target[] {
  const d = derived(f);
  const connections = (s: StatementSummary) => Math.max(s.connectionsUsed, s.peakConcurrentConnections);
  return [
    {
      what: '(a) full export ÷ mariadb client',
      target: '≤ 3×',
      value: `${round(d.exportToClient, 2)}×`,
      pass: d.exportToClient <= 3,
    },
    {
      what: `(a) peak RSS, scale ${f.scale} ÷ scale 1`,
      target: '≤ 1.5×',
      value: `${round(d.rssGrowth, 2)}× (${mib(d.rssBenchKB)} / ${mib(d.rssScale1KB)} MiB)`,
      pass: d.rssGrowth <= 1.5,
    },
    { what: `(a) peak RSS at scale ${f.scale}`, target: '< 1 GB', value: `${mib(d.rssBenchKB)} MiB`, pass: d.rssBenchKB < KB_PER_GB },
    {
      what: '(b) incremental rows read ÷ rows changed',
      target: '≤ 2×',
      value: `${round(d.incremental.rowsRead / Math.max(1, d.incremental.rowsChanged), 2)}× (${d.incremental.rowsRead} / ${d.incremental.rowsChanged})`,
      pass: d.incremental.rowsRead <= 2 * d.incremental.rowsChanged,
    },
    {
      what: '(b) incremental time ÷ full',
      target: '≤ 0.1×',
      value: `${round(d.incremental.toFull, 3)}× (${seconds(f.incremental.elapsedMs)} s / ${seconds(f.full.elapsedMs)} s)`,
      pass: d.incremental.toFull <= 0.1,
    },
    ...(['full', 'incremental'] as const).flatMap((run) => {
      const s = f[run].statements;
      return [
        { what: `(c) ${run}: longest statement`, target: '≤ 1 s', value: `${round(s.longestMs, 0)} ms`, pass: s.longestMs <= 1000 },
        {
          what: `(c) ${run}: connections (used / peak)`,
          target: '≤ 2',
          value: `${s.connectionsUsed} / ${s.peakConcurrentConnections}`,
          pass: connections(s) <= 2,
        },
      ];
    }),
    ...f.kpis.map((k) => {
      // "The first query after a start included": the worse of the median and the first.
      const worst = Math.min(k.speedupUncached, k.speedupFirst);
      return { what: `(d) ${k.label}, ${k.range}: MariaDB ÷ lake uncached`, target: '≥ 360×', value: `${worst}×`, pass: worst >= 360 };
    }),
    ...f.kpis.map((k) => ({
      what: `(d) ${k.label}, ${k.range}: same answer`,
      target: '0 differences',
      value: `${k.answers.differences} of ${k.answers.keys}${k.answers.suppressed ? ` (${k.answers.suppressed} suppressed)` : ''}`,
      pass: k.answers.differences === 0,
    })),
  ];
}

const pad = (text: string | number, width: number) => String(text).padEnd(width);
const left = (text: string | number, width: number) => String(text).padStart(width);

export function formatReport(f: ExportBenchFigures, checks: Target[]): string {
  const d = derived(f);
  const whatWidth = Math.max(...checks.map((c) => c.what.length)) + 2;
  const lines = [
    `Export benchmark: scale ${f.scale} (seed ${f.seed}, as of ${f.asOf}), ${f.server.version}, buffer pool ${f.server.bufferPoolSize}`,
    `  seeding: scale 1 in ${seconds(f.seeding.scale1Ms)} s${f.scale === 1 ? '' : `, scale ${f.scale} in ${seconds(f.seeding.benchScaleMs)} s`} (${f.seeding.sourceRows} source rows); load average ${f.loadAverage.start} at the start, ${f.loadAverage.end} at the end (2 cores)`,
    '',
    `(a) Full export into an empty lake (gate and Parquet included) against mariadb --quick --batch`,
    `    ${pad('table', 18)}${left('rows', 11)}${left('client ms', 11)}${left('client MB', 11)}`,
    ...Object.entries(f.client.tables).map(
      ([table, scan]) => `    ${pad(table, 18)}${left(f.full.tables[table]?.rows ?? '?', 11)}${left(scan.ms, 11)}${left(round(scan.bytes / 1e6, 1), 11)}`,
    ),
    `    export ${seconds(f.full.elapsedMs)} s (child process ${seconds(f.full.processMs)} s), client ${seconds(f.client.totalMs)} s: ratio ${round(d.exportToClient, 2)}×`,
    `    rows/s: export ${d.exportRowsPerSecond}, client ${d.clientRowsPerSecond} (${d.rows} rows)`,
    `    peak RSS of the export: scale 1 ${mib(d.rssScale1KB)} MiB (export ${seconds(f.scale1.elapsedMs)} s), scale ${f.scale} ${mib(d.rssBenchKB)} MiB: ${round(d.rssGrowth, 2)}×`,
    '',
    `(b) Incremental export after ${f.advance.days} day of business (advance: ${f.advance.inserted} inserted, ${f.advance.updated} updated, ${f.advance.deleted} deleted, ${f.advance.erased} people erased, in ${seconds(f.advance.ms)} s)`,
    `    ${pad('table', 18)}${pad('strategy', 10)}${left('rows read', 11)}${left('keys read', 11)}${left('changed', 11)}`,
    ...Object.entries(f.incremental.tables).map(
      ([table, t]) => `    ${pad(table, 18)}${pad(t.strategy, 10)}${left(t.rowsRead, 11)}${left(t.keysRead, 11)}${left(t.rowsChanged, 11)}`,
    ),
    `    time ${seconds(f.incremental.elapsedMs)} s = ${round(d.incremental.toFull, 3)}× the full export; rows read ${d.incremental.rowsRead} vs changed ${d.incremental.rowsChanged}; keys checked ${d.incremental.keysRead}; peak RSS ${mib(f.incremental.maxRssKB)} MiB`,
    '',
    `(c) Load on the source`,
    `    ${pad('run', 13)}${left('statements', 11)}${left('rows', 12)}${left('longest ms', 12)}${left('p99 ms', 9)}${left('conns', 7)}${left('peak', 6)}`,
    ...(['full', 'incremental'] as const).map((run) => {
      const s = f[run].statements;
      return `    ${pad(run, 13)}${left(s.statements, 11)}${left(s.rows, 12)}${left(round(s.longestMs, 0), 12)}${left(round(s.p99Ms, 0), 9)}${left(s.connectionsUsed, 7)}${left(s.peakConcurrentConnections, 6)}`;
    }),
    '',
    `(d) KPI questions: analyst SQL on MariaDB vs POST /v1/query on the lake (medians; ms; open = DuckDbEngine.open, 1st = the first query after it)`,
    ...[...new Set(f.kpis.map((k) => k.range))].flatMap((range) => {
      const inRange = f.kpis.filter((k) => k.range === range);
      return [
        `    ${pad(`${range} (${inRange[0]!.from} to ${inRange[0]!.to})`, 44)}${left('MariaDB', 10)}${left('open', 7)}${left('1st', 8)}${left('uncached', 10)}${left('cached', 8)}${left('×uncached', 11)}${left('×1st', 8)}${left('×cached', 10)}  same answer`,
        ...inRange.map(
          (k) =>
            `    ${pad(`  ${k.label}`, 44)}${left(round(k.sourceMedianMs, 0), 10)}${left(round(k.engineOpenMs, 0), 7)}${left(round(k.firstAfterOpenMs, 1), 8)}${left(round(k.uncachedMedianMs, 1), 10)}${left(round(k.cachedMedianMs, 2), 8)}${left(k.speedupUncached, 11)}${left(k.speedupFirst, 8)}${left(k.speedupCached, 10)}  ${k.answers.differences === 0 ? 'yes' : `NO: ${k.answers.examples.join('; ')}`}`,
        ),
      ];
    }),
    '',
    'Summary',
    `    ${pad('what', whatWidth)}${pad('target', 15)}${pad('value', 40)}result`,
    ...checks.map((c) => `    ${pad(c.what, whatWidth)}${pad(c.target, 15)}${pad(c.value, 40)}${c.pass ? 'PASS' : 'MISS'}`),
  ];
  return lines.join('\n');
}
