/**
 * The protocol's limit for reading a table: Debian's `mariadb` client, `--quick --batch`, over TCP
 * as the read-only user, one `SELECT <the columns the export reads> FROM t` per table, its output
 * redirected to a file. Nothing reads a MariaDB table out much faster than this, so it is what the
 * export's time is held against.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TableName } from '../../src/contract/lakeSchema';
import { SOURCE_SCHEMA } from '../../src/contract/privacyPolicy';
import { columnsTheExportReads } from '../../src/export/sourceSchemaCheck';
import type { SourceLocation } from '../../src/export/sourceUrl';

export interface ClientScan {
  totalMs: number;
  tables: Record<string, { ms: number; bytes: number }>;
}

export const MARIADB_CLIENT = '/usr/bin/mariadb';

export const clientScanSql = (table: TableName): string =>
  `SELECT ${columnsTheExportReads(table)
    .map((column) => `\`${column}\``)
    .join(', ')} FROM \`${table}\``;

export async function scanWithClient(source: SourceLocation): Promise<ClientScan> {
  const dir = mkdtempSync(path.join(tmpdir(), 'snaq-client-scan-'));
  try {
    // An option file, not -p: the password stays out of the process list.
    const options = path.join(dir, 'client.cnf');
    writeFileSync(
      options,
      `[client]\nhost=${source.host}\nport=${source.port}\nprotocol=TCP\nuser=${source.user}\npassword=${source.password}\ndatabase=${source.database}\n`,
    );
    chmodSync(options, 0o600);
    const tables: ClientScan['tables'] = {};
    let totalMs = 0;
    for (const table of Object.keys(SOURCE_SCHEMA) as TableName[]) {
      const out = path.join(dir, `${table}.tsv`);
      const ms = await runClient(options, clientScanSql(table), out);
      tables[table] = { ms: Math.round(ms), bytes: statSync(out).size };
      totalMs += ms;
      rmSync(out);
    }
    return { totalMs: Math.round(totalMs), tables };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runClient(options: string, sql: string, outFile: string): Promise<number> {
  const out = openSync(outFile, 'w');
  const started = performance.now();
  try {
    const child = spawn(MARIADB_CLIENT, [`--defaults-file=${options}`, '--quick', '--batch', '-e', sql], { stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`mariadb exited with ${code}: ${stderr.trim()}`);
    return performance.now() - started;
  } finally {
    closeSync(out);
  }
}
