/**
 * A private MariaDB for one test file (PLATFORM.md "A private MariaDB for tests"): a temporary data
 * directory, a free loopback port and a socket, a database, a read-only and a read-write user with
 * passwords (over TCP). No system service: the server is our child, stopped by its pid, and its
 * folder is removed. Gate the tests that need it with `describeIfAvailable(MARIADBD, …)`.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createConnection, type Connection } from 'mysql2/promise';
import { MARIADBD } from './requirements';

export interface MariaDbUser {
  user: string;
  password: string;
  /** `mysql://user:password@127.0.0.1:port/db`, what `--source` takes. */
  url: string;
}

export interface PrivateMariaDb {
  /** The server's process id and its temporary folder: both gone after `stop`. */
  pid: number;
  dir: string;
  port: number;
  socket: string;
  database: string;
  /** May only SELECT in the database. */
  readOnly: MariaDbUser;
  /** May do anything in the database (the application's user). */
  readWrite: MariaDbUser;
  /** A new root connection through the socket, on the database (close it yourself). */
  admin(): Promise<Connection>;
  stop(): Promise<void>;
}

const DATABASE = 'snaq_source';
const READY_WITHIN_MS = 30_000;
const running = new Set<ChildProcess>();

// A test run that dies (or forgets stop) must not leave a server behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface MariaDbOptions {
  /** InnoDB's buffer pool (default 32M: tests hold toy tables; the export benchmark gives it room for its source). */
  bufferPoolSize?: string;
}

export async function startMariaDb(options: MariaDbOptions = {}): Promise<PrivateMariaDb> {
  const dir = mkdtempSync(path.join(tmpdir(), 'snaq-mariadb-'));
  const datadir = path.join(dir, 'data');
  const socket = path.join(dir, 'mariadb.sock');
  const log = path.join(dir, 'mariadbd.log');
  // Its own temporary folder: internal temporary tables in a shared /tmp were seen deleted under a running server.
  const serverTmp = path.join(dir, 'tmp');
  mkdirSync(serverTmp);
  let child: ChildProcess | undefined;
  try {
    // --user=root: CI runs as root, and mariadbd refuses root without it.
    await promisify(execFile)(
      installDbCommand(),
      ['--user=root', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', `--tmpdir=${serverTmp}`],
      {
        timeout: 60_000,
      },
    );
    const port = await freePort();
    child = spawn(
      MARIADBD.path,
      [
        '--no-defaults',
        '--user=root',
        `--datadir=${datadir}`,
        `--tmpdir=${serverTmp}`,
        `--socket=${socket}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        '--skip-log-bin',
        `--log-error=${log}`,
        `--pid-file=${path.join(dir, 'mariadbd.pid')}`,
        // Small and quick by default: this server holds toy tables.
        `--innodb-buffer-pool-size=${options.bufferPoolSize ?? '32M'}`,
        '--innodb-log-file-size=16M',
      ],
      { stdio: 'ignore' },
    );
    running.add(child);
    const server = child;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.once('exit', () => running.delete(server));
    await waitUntilReady(socket, server, log);

    const readOnly = user('snaq_ro', port);
    const readWrite = user('snaq_rw', port);
    const root = await rootConnection(socket);
    try {
      await root.query(`CREATE DATABASE ${DATABASE}`);
      for (const [account, grants] of [
        [readOnly, 'SELECT'],
        [readWrite, 'ALL PRIVILEGES'],
      ] as const) {
        await root.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [account.user, account.password]);
        await root.query(`GRANT ${grants} ON ${DATABASE}.* TO ?@'%'`, [account.user]);
      }
    } finally {
      await root.end();
    }

    return {
      pid: server.pid!,
      dir,
      port,
      socket,
      database: DATABASE,
      readOnly,
      readWrite,
      admin: () => rootConnection(socket, DATABASE),
      stop: async () => {
        if (server.exitCode === null && server.signalCode === null) {
          server.kill('SIGTERM');
          const killer = setTimeout(() => server.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function user(name: string, port: number): MariaDbUser {
  const password = randomBytes(12).toString('hex');
  return { user: name, password, url: `mysql://${name}:${password}@127.0.0.1:${port}/${DATABASE}` };
}

function rootConnection(socket: string, database?: string): Promise<Connection> {
  return createConnection({ socketPath: socket, user: 'root', database, multipleStatements: true });
}

/** The server is ready in 2–4 s here (PLATFORM.md): poll its socket; a server that exits says why from its log. */
async function waitUntilReady(socket: string, server: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`mariadbd exited before it was ready (${server.exitCode ?? server.signalCode}): ${tail(log)}`);
    }
    if (existsSync(socket)) {
      try {
        const probe = await rootConnection(socket);
        await probe.end();
        return;
      } catch {
        // not accepting yet
      }
    }
    if (Date.now() > deadline) throw new Error(`mariadbd was not ready within ${READY_WITHIN_MS / 1000} s: ${tail(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function tail(log: string): string {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-8).join('\n') : '(no log)';
}

function installDbCommand(): string {
  const besideServer = ['/usr/bin/mariadb-install-db', path.join(path.dirname(MARIADBD.path), 'mariadb-install-db')];
  return besideServer.find((candidate) => existsSync(candidate)) ?? 'mariadb-install-db';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * Someone else's database on the same server: `shop_app` with one customer, writable by the
 * read-write user. `url` reaches it; `expectUntouched()` checks that nothing in it changed.
 */
export async function withForeignDatabase(db: PrivateMariaDb, use: (url: string, expectUntouched: () => Promise<void>) => Promise<void>): Promise<void> {
  const admin = await db.admin();
  try {
    await admin.query(`CREATE DATABASE shop_app CHARACTER SET utf8mb4; CREATE TABLE shop_app.customers (id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO shop_app.customers VALUES (1, '山田');
      GRANT ALL PRIVILEGES ON shop_app.* TO '${db.readWrite.user}'@'%'`);
    const expectUntouched = async () => {
      const [tables] = await admin.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'shop_app'");
      expect(tables).toEqual([{ t: 'customers' }]);
      const [rows] = await admin.query('SELECT * FROM shop_app.customers');
      expect(rows).toEqual([{ id: 1, name: '山田' }]);
    };
    await use(db.readWrite.url.replace(/\/[^/]+$/, '/shop_app'), expectUntouched);
  } finally {
    await admin.query('DROP DATABASE IF EXISTS shop_app');
    await admin.end();
  }
}
