/**
 * The S3 lake through the command line, as a person or the scheduled job runs it: `snaq lake
 * export|status|rollback --lake s3://…` against a local S3 named by SNAQ_S3_ENDPOINT, and the job's
 * entry point (`snaq lake export-job`, the container's command) speaking JSON lines that the
 * stack's metric filters count. Processes run asynchronously: the S3 double lives in this process.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { EXPORT_JOB_EVENTS, EXPORT_JOB_EXIT } from '../../src/contract/exportJob';
import { LAKE_TABLES } from '../../src/contract/lakeSchema';
import { seedSource } from '../../src/export/seedSource';
import { parseSourceUrl } from '../../src/export/sourceUrl';
import { S3Lake } from '../../src/lake/s3/s3Lake';
import { TEST_AS_OF } from '../support/lake';
import { checkedTable, recordsOf } from '../support/cliTable';
import { startMariaDb, type PrivateMariaDb } from '../support/mariadb';
import { describeIfAvailable, MARIADBD } from '../support/requirements';
import { S3_MODEL } from '../support/s3/model';
import { S3Double } from '../support/s3Double';

const BIN = path.resolve(__dirname, '../../bin/snaq.js');
const BUCKET = 'snaq-lake';
const LAKE = `s3://${BUCKET}/cli/`;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function snaq(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { event: string; table?: string; error?: string });

describeIfAvailable([MARIADBD, S3_MODEL], 'the S3 lake from the command line and the export job', () => {
  let db: PrivateMariaDb;
  let s3: S3Double;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await startMariaDb();
    await seedSource(parseSourceUrl(db.readWrite.url), { scale: 0.01, seed: 5, asOf: TEST_AS_OF });
    s3 = new S3Double().createBucket(BUCKET);
    await s3.start();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'en_US.UTF-8',
      SNAQ_LANG: 'en',
      SNAQ_S3_ENDPOINT: s3.endpoint,
      AWS_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      SNAQ_SOURCE_URL: db.readOnly.url,
    };
  }, 120_000);

  afterAll(async () => {
    await s3?.close();
    await db?.stop();
  });

  afterEach(() => {
    expect(s3.invalid).toEqual([]);
  });

  test('lake export, status and rollback work on s3:// through SNAQ_S3_ENDPOINT', async () => {
    const first = await snaq(['lake', 'export', '--lake', LAKE], env);
    expect({ status: first.status, stderr: first.status === 0 ? '' : first.stderr }).toEqual({ status: 0, stderr: '' });
    expect(first.stderr).toMatch(/Published snapshot \S+ to s3:\/\/snaq-lake\/cli\//);
    const second = await snaq(['lake', 'export', '--lake', LAKE], env);
    expect(second.status).toBe(0);
    const status = await snaq(['lake', 'status', '--lake', LAKE, '--format', 'json'], env);
    expect(status.status).toBe(0);
    const parsed = checkedTable(status.stdout);
    expect(parsed.meta.lake).toBe(LAKE);
    expect(recordsOf(parsed.meta.recent).map((entry) => entry.outcome)).toEqual(['published', 'published']);
    expect(recordsOf(parsed).map((table) => table.table)).toEqual([...LAKE_TABLES]);
    const rollback = await snaq(['lake', 'rollback', '--lake', LAKE], env);
    expect(rollback.status).toBe(0);
    const current = (await new S3Lake(s3.client(), LAKE).readManifest())!.manifest.snapshotId;
    expect(current).not.toBe(parsed.meta.current.snapshotId);
    expect(rollback.stdout).toContain(current);
  }, 180_000);

  test('serve and query name an S3 lake as one only export, status and rollback read here, in either language', async () => {
    for (const args of [
      ['query', 'revenue', '--from', '2024-01-01', '--to', '2024-02-01', '--lake', LAKE],
      ['serve', '--lake', LAKE],
    ]) {
      const en = await snaq(args, env);
      expect(en.status).toBe(1);
      expect(en.stderr.trim().split('\n')).toHaveLength(1);
      expect(en.stderr).toContain(`${LAKE} is a lake on S3, which only export, status and rollback read here`);
    }
    const ja = await snaq(['query', 'revenue', '--from', '2024-01-01', '--to', '2024-02-01'], { ...env, SNAQ_LAKE_DIR: LAKE, SNAQ_LANG: 'ja' });
    expect(ja.stderr).toContain('は S3 上のレイクです');
  }, 60_000);

  test('S3 refusing the credentials is one sentence naming the lake, in either language', async () => {
    const wrong = { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' };
    const en = await snaq(['lake', 'status', '--lake', LAKE], wrong);
    expect(en.status).not.toBe(0);
    expect(en.stderr.trim().split('\n')).toHaveLength(1);
    expect(en.stderr).toMatch(/s3:\/\/snaq-lake\/cli\/.*SignatureDoesNotMatch/);
    const ja = await snaq(['lake', 'status', '--lake', LAKE], { ...wrong, SNAQ_LANG: 'ja' });
    expect(ja.stderr).toMatch(/S3 のレイク s3:\/\/snaq-lake\/cli\/ を読み書きできません/);
    // The double refused them, as S3 would: those refusals are this test's point, not a client fault.
    expect(s3.invalid.every((entry) => /SignatureDoesNotMatch/.test(entry.reason))).toBe(true);
    s3.invalid.length = 0;
  }, 60_000);

  test('the export job: JSON lines the alarms count, and two runs at once never overlap', async () => {
    const jobEnv = { ...env, SNAQ_SOURCE_URL: undefined, SNAQ_LAKE: `s3://${BUCKET}/job/`, ...sourceParts(db.readOnly.url) };
    const [a, b] = await Promise.all([snaq(['lake', 'export-job'], jobEnv), snaq(['lake', 'export-job'], jobEnv)]);
    const runs = [a, b].map((run) => ({ status: run.status, events: jsonLines(run.stdout).map((line) => line.event) }));
    const published = runs.find((run) => run.events.includes(EXPORT_JOB_EVENTS.published));
    const skipped = runs.find((run) => run.events.includes(EXPORT_JOB_EVENTS.skipped));
    expect(published?.status).toBe(EXPORT_JOB_EXIT.ok);
    expect(skipped?.status).toBe(EXPORT_JOB_EXIT.ok);
    expect(published!.events[0]).toBe(EXPORT_JOB_EVENTS.heartbeat);
    const lines = jsonLines((published === runs[0] ? a : b).stdout);
    expect(
      lines
        .filter((line) => line.event === EXPORT_JOB_EVENTS.tablePublished)
        .map((line) => line.table)
        .sort(),
    ).toEqual([...LAKE_TABLES].sort());
    expect(lines.every((line) => typeof (line as { time?: string }).time === 'string')).toBe(true);
    // Nothing but JSON on stdout: a metric filter never meets a line it cannot parse.
    expect((published === runs[0] ? a : b).stdout.trim().split('\n').length).toBe(lines.length);
  }, 180_000);

  test('a job that cannot run says export_failed and exits 1, naming what to set and never the password', async () => {
    const missing = await snaq(['lake', 'export-job'], { ...env, SNAQ_SOURCE_URL: undefined, SNAQ_LAKE: `s3://${BUCKET}/job/`, SNAQ_SOURCE_HOST: 'db' });
    expect(missing.status).toBe(EXPORT_JOB_EXIT.failed);
    const [line] = jsonLines(missing.stdout);
    expect(line).toMatchObject({
      event: EXPORT_JOB_EVENTS.failed,
      error: expect.stringMatching(/SNAQ_SOURCE_DATABASE, SNAQ_SOURCE_USER, SNAQ_SOURCE_PASSWORD/),
    });
    const unreachable = await snaq(['lake', 'export-job'], {
      ...env,
      SNAQ_SOURCE_URL: undefined,
      SNAQ_LAKE: `s3://${BUCKET}/job2/`,
      ...sourceParts(db.readOnly.url),
      SNAQ_SOURCE_PORT: '1',
      SNAQ_SOURCE_PASSWORD: 'pa55-w0rd-never-printed',
    });
    expect(unreachable.status).toBe(EXPORT_JOB_EXIT.failed);
    expect(unreachable.stdout).toContain(EXPORT_JOB_EVENTS.failed);
    expect(unreachable.stdout).not.toContain('pa55-w0rd-never-printed');
    expect(s3.objects(BUCKET, 'job2/manifest.json')).toEqual([]);
  }, 60_000);
});

/** The source as the task definition gives it: host, port and database plainly, user and password from Secrets Manager. */
function sourceParts(url: string): NodeJS.ProcessEnv {
  const source = parseSourceUrl(url);
  return {
    SNAQ_SOURCE_HOST: source.host,
    SNAQ_SOURCE_PORT: String(source.port),
    SNAQ_SOURCE_DATABASE: source.database,
    SNAQ_SOURCE_USER: source.user,
    SNAQ_SOURCE_PASSWORD: source.password,
  };
}
