/**
 * The lake on S3, end to end: a private MariaDB holds the sample source, the export publishes to
 * the S3 double (every request checked against the S3 model, SigV4 and payload checksums), and the
 * real Lambda entry point answers over the Athena double, which resolves each statement's snapshot
 * partition to S3 keys through the Glue tables' location templates and fetches those objects from
 * the S3 double for every query. Every metric equals DuckDB on the same snapshot. Then a new
 * snapshot is served without a restart, and faults (S3 5xx, a multipart upload that dies, a failed
 * manifest PUT) never make anything half-written visible, and the rerun succeeds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalog } from '../../src/catalog/catalog';
import { compileQuery } from '../../src/catalog/compile';
import { duckdb, trino } from '../../src/catalog/dialect';
import { resolveQuery } from '../../src/catalog/resolve';
import { isRestricted } from '../../src/catalog/accessPolicy';
import { LAKE_TABLES, type TableName } from '../../src/contract/lakeSchema';
import { LIMITS } from '../../src/contract/limits';
import type { FreshnessReport, QueryRequest } from '../../src/contract/types';
import { parseQueryRequest } from '../../src/contract/validate';
import { MetricsService } from '../../src/api/service';
import type { LambdaResult } from '../../src/api/lambda';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { advanceSource } from '../../src/export/advanceSource';
import { seedSource } from '../../src/export/seedSource';
import { exportToS3, type S3ExportOptions, type S3ExportResult } from '../../src/export/s3Export';
import { parseSourceUrl } from '../../src/export/sourceUrl';
import type { S3Client } from '../../src/lake/s3/s3Client';
import { S3Lake } from '../../src/lake/s3/s3Lake';
import { rollbackS3Lake, s3LakeStatus } from '../../src/lake/s3/s3LakeAdmin';
import { LakeError } from '../../src/lake/manifest';
import { ATHENA_MODEL } from '../support/athena/model';
import { startAthenaDouble, type AthenaDouble } from '../support/athenaDouble';
import { athenaS3Lake, type AthenaS3Lake } from '../support/athenaS3Lake';
import { AwsDouble } from '../support/awsJsonDouble';
import { TEST_AS_OF } from '../support/lake';
import { startMariaDb, type PrivateMariaDb } from '../support/mariadb';
import { describeIfAvailable, MARIADBD } from '../support/requirements';
import { S3_MODEL } from '../support/s3/model';
import { S3Double } from '../support/s3Double';
import { synth, type Json } from '../support/infraTemplate';

type Handler = (event: unknown) => Promise<LambdaResult>;

const INPUTS = { scale: 0.02, seed: 11, asOf: TEST_AS_OF };
const BUCKET = 'snaq-lake';
const PREFIX = 'aurora-export/snaq/';
const LAKE = `s3://${BUCKET}/${PREFIX}`;
const SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:QueryTokenKey-AbCdEf';
const ADDON = 'arn:aws:iam::123456789012:user/snaq-sheets-addon';
const NO_KEY_ENV = {} as NodeJS.ProcessEnv;

/**
 * The Glue tables' projection as the CDK stack deploys it (`storage.location.template`, `${snapshot}`
 * standing for the partition's value): the Athena double resolves statements through exactly these.
 */
function glueLocationTemplates(): Record<TableName, string> {
  const { template } = synth({ lakeBucketName: BUCKET, lakePrefix: PREFIX });
  const tables = Object.values(template.findResources('AWS::Glue::Table')) as Array<{ Properties: { TableInput: Json } }>;
  const templates = Object.fromEntries(
    tables.map(({ Properties: { TableInput: input } }) => {
      expect(input.Parameters['projection.snapshot.type']).toBe('injected');
      return [input.Name as string, input.Parameters['storage.location.template'] as string];
    }),
  );
  expect(Object.keys(templates).sort()).toEqual([...LAKE_TABLES].sort());
  return templates as Record<TableName, string>;
}

describeIfAvailable([MARIADBD, S3_MODEL, ATHENA_MODEL], 'the lake on S3: export, Athena and the Lambda', () => {
  const catalog = loadCatalog();
  let db: PrivateMariaDb;
  let s3: S3Double;
  let store: S3Client;
  let lake: S3Lake;
  let athena: AthenaDouble;
  let athenaLake: AthenaS3Lake;
  let aws: AwsDouble;
  let mirror: string;
  let handler: Handler;
  const savedEnv = { ...process.env };

  const run = (options: Partial<S3ExportOptions> = {}): Promise<S3ExportResult> =>
    exportToS3({ lake: LAKE, store, source: parseSourceUrl(db.readOnly.url), env: NO_KEY_ENV, workDir: mirror, heartbeatMs: 200, ...options });

  const rootManifest = async () => (await lake.readManifest())!.manifest;

  function event(body: unknown) {
    return {
      httpMethod: 'POST',
      path: '/v1/query',
      queryStringParameters: null,
      headers: { 'Content-Type': 'application/json', Prefer: 'wait=20' },
      body: JSON.stringify(body),
      isBase64Encoded: false,
      requestContext: { stage: 'prod', identity: { userArn: ADDON } },
    };
  }

  /** Registers the DuckDB statement that answers the Trino one the Lambda will compile at `snapshotId`. */
  function expectQuery(request: QueryRequest, snapshotId: string): void {
    const resolved = resolveQuery(catalog, parseQueryRequest(request));
    const duck = compileQuery(resolved, duckdb, { rowCap: LIMITS.maxRows });
    athena.expect(compileQuery(resolved, trino, { rowCap: LIMITS.maxRows, snapshotId }).sql, { sql: duck.sql, params: duck.params });
  }

  beforeAll(async () => {
    db = await startMariaDb();
    await seedSource(parseSourceUrl(db.readWrite.url), INPUTS);
    mirror = mkdtempSync(path.join(os.tmpdir(), 'snaq-s3-mirror-test-'));
    athena = await startAthenaDouble({ lakeFor: { refusal: (sql) => athenaLake.refusal(sql), open: (sql) => athenaLake.open(sql) } });
    // Production's one role reaches S3, Athena and Secrets Manager with the same credentials.
    s3 = new S3Double({ region: athena.region, credentials: { accessKeyId: athena.accessKeyId, secretAccessKey: athena.secretAccessKey } }).createBucket(
      BUCKET,
    );
    await s3.start();
    store = s3.client();
    lake = new S3Lake(store, LAKE);
    athenaLake = athenaS3Lake({ store, locationTemplates: glueLocationTemplates() });
    aws = await new AwsDouble({
      region: athena.region,
      accessKeyId: athena.accessKeyId,
      secretAccessKey: athena.secretAccessKey,
      secrets: { [SECRET_ARN]: 'k3y0f64charsGeneratedBySecretsManagerAtDeployTimeNeverInTemplat' },
    }).start();
    Object.assign(process.env, {
      AWS_REGION: athena.region,
      SNAQ_ATHENA_REGION: athena.region,
      SNAQ_ATHENA_WORKGROUP: athena.workGroup,
      SNAQ_ATHENA_DATABASE: 'snaq_lake',
      SNAQ_ATHENA_ENDPOINT: athena.endpoint,
      SNAQ_LAKE_MANIFEST: `${LAKE}manifest.json`,
      SNAQ_S3_ENDPOINT: s3.endpoint,
      SNAQ_SECRETS_ENDPOINT: aws.endpoint,
      SNAQ_QUERY_TOKEN_SECRET: SECRET_ARN,
      AWS_ACCESS_KEY_ID: athena.accessKeyId,
      AWS_SECRET_ACCESS_KEY: athena.secretAccessKey,
    });
    jest.isolateModules(() => {
      handler = jest.requireActual<{ handler: Handler }>('../../src/api/lambdaEntry').handler;
    });
  }, 120_000);

  afterAll(async () => {
    process.env = savedEnv;
    await athenaLake?.close();
    await Promise.all([athena?.close(), s3?.close(), aws?.close()]);
    await db?.stop();
    if (mirror) rmSync(mirror, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(s3.invalid).toEqual([]);
    expect(s3.unexpected).toEqual([]);
  });

  describe('a first export', () => {
    let result: S3ExportResult;

    beforeAll(async () => {
      result = await run();
    }, 120_000);

    it('publishes to S3: data files, then the snapshot’s manifest, cursors and quality report, and the root manifest last', async () => {
      const manifest = await rootManifest();
      expect(manifest.snapshotId).toBe(result.runId);
      expect(manifest.quality?.passed).toBe(true);
      const keys = s3.objects(BUCKET, PREFIX);
      for (const table of LAKE_TABLES) {
        const files = keys.filter((key) => key.startsWith(`${PREFIX}${manifest.tables[table].path}/`));
        expect({ table, files: files.length > 0 }).toEqual({ table, files: true });
        // Byte for byte what the exporter wrote.
        for (const key of files) expect(s3.object(BUCKET, key)!.equals(readFileSync(path.join(mirror, key.slice(PREFIX.length))))).toBe(true);
      }
      for (const relative of [`snapshots/${manifest.snapshotId}/manifest.json`, `cursors/${manifest.snapshotId}.json`, manifest.quality!.report]) {
        expect(keys).toContain(`${PREFIX}${relative}`);
      }
      // Order: no data file or side file was written after the root manifest.
      const puts = s3.calls.filter((call) => call.status === 200 && ['PutObject', 'CompleteMultipartUpload', 'CopyObject'].includes(call.op));
      const rootAt = puts.findIndex((call) => call.key === `${PREFIX}manifest.json`);
      expect(rootAt).toBeGreaterThan(0);
      expect(puts.slice(rootAt + 1).filter((call) => call.key!.startsWith(`${PREFIX}snapshots/`))).toEqual([]);
      expect(keys).not.toContain(`${PREFIX}export.lock`);
      expect(s3.uploadsInProgress()).toEqual([]);
      expect((await lake.readHistory()).map((entry) => [entry.outcome, entry.snapshotId])).toEqual([['published', manifest.snapshotId]]);
    });

    it('the Lambda over Athena answers every metric exactly as DuckDB does on the same snapshot, reading the files from S3', async () => {
      const manifest = await rootManifest();
      const duck = await DuckDbEngine.open({ lakeDir: mirror, connections: 2 });
      const service = new MetricsService(catalog, duck);
      const fetchedBefore = athenaLake.fetched.length;
      let compared = 0;
      // Restricted metrics need a verified person, which this Lambda is not configured for (api.restricted covers them).
      const unrestricted = catalog.list().filter((metric) => !isRestricted(metric.access));
      try {
        for (const metric of unrestricted) {
          const grain = metric.grains.includes('month') ? 'month' : metric.grains[0]!;
          const requests: QueryRequest[] = [
            { metric: metric.name, from: '2025-11-01', to: '2026-11-01', grain },
            ...metric.dimensions
              .slice(0, 1)
              .map((dimension) => ({ metric: metric.name, from: '2026-05-01', to: '2026-11-01', grain, dimensions: [dimension] })),
          ];
          for (const request of requests) {
            expectQuery(request, manifest.snapshotId);
            const [viaLambda, viaDuck] = await Promise.all([handler(event(request)), service.query(request, 'test')]);
            expect({ request, status: viaLambda.statusCode, body: viaLambda.statusCode === 200 ? '' : viaLambda.body }).toEqual({
              request,
              status: 200,
              body: '',
            });
            const body = JSON.parse(viaLambda.body) as { rows: unknown; meta: { snapshotId: string; engine: string } };
            expect(viaDuck.status).toBe(200);
            if (viaDuck.status !== 200) continue;
            expect({ request, rows: body.rows }).toEqual({ request, rows: (viaDuck.body as { rows: unknown }).rows });
            expect(body.meta).toMatchObject({ snapshotId: manifest.snapshotId, engine: 'athena' });
            compared++;
          }
        }
      } finally {
        await duck.close();
      }
      expect(compared).toBeGreaterThanOrEqual(unrestricted.length);
      expect(athena.unexpected).toEqual([]);
      const fetched = athenaLake.fetched.slice(fetchedBefore);
      expect(fetched.length).toBeGreaterThan(compared);
      expect(fetched.every((key) => key.startsWith(`${PREFIX}snapshots/${manifest.snapshotId}/`))).toBe(true);
    }, 240_000);

    it('the Lambda answers GET /v1/freshness from history/runs.jsonl on S3: the export as every table’s last quality result, the same figures as DuckDB on the mirror', async () => {
      const manifest = await rootManifest();
      const [entry] = await lake.readHistory();
      const viaLambda = await handler({ ...event(undefined), httpMethod: 'GET', path: '/v1/freshness', body: null });
      expect(viaLambda.statusCode).toBe(200);
      const body = JSON.parse(viaLambda.body) as FreshnessReport;
      expect(body.history).toEqual({ entries: 1, synthetic: false, windowDays: 30 });
      expect(body.meta).toMatchObject({ engine: 'athena', snapshotId: manifest.snapshotId });
      for (const table of body.tables) {
        expect(table.lastQuality).toEqual({ at: entry!.at, runId: manifest.snapshotId, passed: true, report: manifest.quality!.report, failedChecks: [] });
      }
      // The mirror holds the same history file: DuckDB's answer has the same figures.
      const duck = await DuckDbEngine.open({ lakeDir: mirror, connections: 1 });
      try {
        const local = await new MetricsService(catalog, duck).freshness();
        expect(body.tables.map(({ ageHours: _a, ...rest }) => rest)).toEqual(local.tables.map(({ ageHours: _a, ...rest }) => rest));
      } finally {
        await duck.close();
      }
    });

    it('Athena refuses a statement that reads a table without naming its snapshot', () => {
      expect(athenaLake.refusal('SELECT COUNT(*) FROM boxes b')).toMatch(/CONSTRAINT_VIOLATION.*snapshot/);
      expect(athenaLake.refusal(`SELECT COUNT(*) FROM (SELECT * FROM boxes WHERE "snapshot" = 'x') b`)).toBeUndefined();
    });
  });

  describe('the next snapshot', () => {
    it('is incremental (unchanged parts copied inside S3) and the Lambda serves it within its manifest TTL, without a restart', async () => {
      const before = await rootManifest();
      await advanceSource(parseSourceUrl(db.readWrite.url), { days: 2 });
      const result = await run();
      expect(result.full).toBe(false);
      expect(result.transfer.copiedFiles).toBeGreaterThan(0);
      expect(result.transfer.downloadedBytes).toBe(0); // the mirror already holds the previous snapshot
      const after = await rootManifest();
      expect(after.snapshotId).not.toBe(before.snapshotId);
      const request: QueryRequest = { metric: 'box_revenue', from: '2026-01-01', to: '2026-12-01', grain: 'month' };
      expectQuery(request, before.snapshotId);
      expectQuery(request, after.snapshotId);
      const publishedAt = Date.now();
      let servedIn: number | undefined;
      while (Date.now() - publishedAt < 30_000) {
        const answer = JSON.parse((await handler(event(request))).body) as { meta: { snapshotId: string } };
        if (answer.meta.snapshotId === after.snapshotId) {
          servedIn = Date.now() - publishedAt;
          break;
        }
        expect(answer.meta.snapshotId).toBe(before.snapshotId);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(servedIn).toBeDefined();
      expect(servedIn!).toBeLessThan(60_000);
    }, 120_000);
  });

  describe('faults: nothing half-written becomes visible, and the rerun succeeds', () => {
    async function expectUnchangedAfterFailure(served: string, failure: unknown): Promise<void> {
      expect(failure).toBeInstanceOf(Error);
      expect((await rootManifest()).snapshotId).toBe(served);
      expect(s3.uploadsInProgress()).toEqual([]);
      expect(s3.objects(BUCKET, PREFIX)).not.toContain(`${PREFIX}export.lock`);
      const last = (await lake.readHistory()).pop()!;
      expect(last).toMatchObject({ outcome: 'failed' });
    }

    async function expectRerunSucceeds(): Promise<void> {
      const result = await run();
      expect((await rootManifest()).snapshotId).toBe(result.runId);
      // Nothing a failed run uploaded remains: every prefix under snapshots/ is a snapshot that was served.
      const { snapshots, orphans } = await lake.listSnapshots();
      expect(orphans).toEqual([]);
      const served = new Set((await lake.readHistory()).filter((entry) => entry.outcome === 'published').map((entry) => entry.snapshotId));
      expect(snapshots.filter((snapshot) => !served.has(snapshot.snapshotId))).toEqual([]);
    }

    const lastRunId = async () => (await lake.readHistory()).pop()!.runId;
    const keysOfRun = (runId: string) => s3.objects(BUCKET, `${PREFIX}snapshots/${runId}/`);

    it('S3 answering 500s, then succeeding: the client retries and the export publishes', async () => {
      s3.failNext(3, { status: 500, code: 'InternalError', op: 'PutObject' });
      s3.failNext(2, { status: 503, code: 'SlowDown', op: 'ListObjectsV2' });
      const result = await run();
      expect((await rootManifest()).snapshotId).toBe(result.runId);
      expect(s3.calls.filter((call) => call.status >= 500).length).toBe(5);
    }, 120_000);

    it('S3 failing before the export begins is that failure, one LakeError naming the lake, and nothing is published', async () => {
      const served = (await rootManifest()).snapshotId;
      s3.failNext(6, { status: 500, code: 'InternalError', op: 'GetObject', keyPrefix: `${PREFIX}manifest.json` });
      const failure = await run().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(LakeError);
      expect((failure as LakeError).message).toMatch(
        /could not be read or written: GetObject s3:\/\/snaq-lake\/aurora-export\/snaq\/manifest\.json: InternalError/,
      );
      await expectUnchangedAfterFailure(served, failure);
    }, 60_000);

    it('a multipart upload that dies half-way is aborted; the served snapshot stays, and the rerun succeeds', async () => {
      const served = (await rootManifest()).snapshotId;
      // Small parts here, so the test's Parquet files go multipart; the second part's connection always drops.
      const multipart = s3.client({ multipartThresholdBytes: 1024 });
      let parts = 0;
      s3.beforeRequest = (request) => {
        if (request.op === 'UploadPart' && ++parts > 1) throw new Error('connection dropped');
      };
      const failure = await run({ store: multipart, full: true }).catch((error: unknown) => error);
      s3.beforeRequest = undefined;
      await expectUnchangedAfterFailure(served, failure);
      expect(s3.callsOf('AbortMultipartUpload').length).toBeGreaterThan(0);
      expect(keysOfRun(await lastRunId())).toEqual([]);
      await expectRerunSucceeds();
    }, 180_000);

    it('the root manifest PUT failing publishes nothing; the Lambda keeps serving the old snapshot, and the rerun succeeds', async () => {
      const served = (await rootManifest()).snapshotId;
      s3.failNext(1, { status: 403, code: 'AccessDenied', op: 'PutObject', keyPrefix: `${PREFIX}manifest.json` });
      const failure = await run().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(LakeError);
      expect((failure as LakeError).reason).toBe('lake_unreachable');
      expect((failure as LakeError).message).toMatch(/AccessDenied/);
      await expectUnchangedAfterFailure(served, failure);
      // The data had gone up; the run took it back.
      const failedRun = await lastRunId();
      expect(keysOfRun(failedRun)).toEqual([]);
      // The Lambda answers from a published snapshot (the served one, or one it has not yet noticed was replaced), never the failed run's.
      const request: QueryRequest = { metric: 'box_revenue', from: '2026-01-01', to: '2026-12-01', grain: 'month' };
      const published = (await lake.readHistory()).filter((entry) => entry.outcome === 'published').map((entry) => entry.snapshotId!);
      for (const id of published) expectQuery(request, id);
      const answer = JSON.parse((await handler(event(request))).body) as { meta: { snapshotId: string } };
      expect(published).toContain(answer.meta.snapshotId);
      expect(answer.meta.snapshotId).not.toBe(failedRun);
      await expectRerunSucceeds();
    }, 180_000);

    it('when even the cleanup fails, the never-served snapshot is not listed for long: the next run deletes it', async () => {
      s3.failNext(1, { status: 403, code: 'AccessDenied', op: 'PutObject', keyPrefix: `${PREFIX}manifest.json` });
      s3.denyDelete(`${PREFIX}snapshots/`);
      await expect(run()).rejects.toThrow(/AccessDenied/);
      s3.reset(); // deletes allowed again
      const failedRun = await lastRunId();
      expect(keysOfRun(failedRun).length).toBeGreaterThan(0);
      await expectRerunSucceeds();
      expect(keysOfRun(failedRun)).toEqual([]);
    }, 180_000);
  });

  describe('status and rollback read the same S3 manifest', () => {
    it('lake status shows the current snapshot and the runs; rollback makes the previous one current and records it', async () => {
      const status = await s3LakeStatus(lake);
      const current = await rootManifest();
      expect(status.current?.snapshotId).toBe(current.snapshotId);
      expect(status.recent.map((entry) => entry.outcome)).toEqual(expect.arrayContaining(['published', 'failed']));
      const rolled = await rollbackS3Lake(lake);
      expect(rolled.from).toBe(current.snapshotId);
      expect((await rootManifest()).snapshotId).toBe(rolled.to);
      expect((await lake.readHistory()).pop()).toMatchObject({ kind: 'rollback', outcome: 'rolled_back', snapshotId: rolled.to });
      await expect(s3LakeStatus(new S3Lake(store, `s3://${BUCKET}/no-such-lake/`))).rejects.toThrow(/no lake/i);
    });

    it('a key S3 answers 403 for (listing granted only under the prefix) reads as absent when a listing of it finds nothing, else stays an error', async () => {
      const empty = new S3Lake(store, `s3://${BUCKET}/fresh-lake/`);
      s3.failNext(1, { status: 403, code: 'AccessDenied', op: 'GetObject', keyPrefix: 'fresh-lake/' });
      expect(await empty.readManifest()).toBeUndefined();
      s3.failNext(1, { status: 403, code: 'AccessDenied', op: 'GetObject', keyPrefix: `${PREFIX}manifest.json` });
      await expect(lake.readManifest()).rejects.toThrow(/AccessDenied/);
    });
  });

  describe('retention on S3', () => {
    it('keeps superseded snapshots for the grace, deletes them after it, and a retention that fails does not fail the published run', async () => {
      const before = (await lake.listSnapshots()).snapshots.map((snapshot) => snapshot.snapshotId);
      expect(before.length).toBeGreaterThan(2);
      // Within the grace (every snapshot here was replaced minutes ago), keep 1 deletes nothing.
      const kept = await run({ keep: 1 });
      expect(kept.retiredOnS3).toEqual([]);
      // Deletes refused: the run is still published and recorded once; the next run retires.
      s3.denyDelete(`${PREFIX}snapshots/`);
      const said: string[] = [];
      const denied = await run({ keep: 1, retireAfterMs: 0, say: (line) => said.push(line) });
      s3.reset();
      expect((await rootManifest()).snapshotId).toBe(denied.runId);
      expect(said.some((line) => /Old snapshots were not deleted this time/.test(line))).toBe(true);
      expect((await lake.readHistory()).filter((entry) => entry.runId === denied.runId).map((entry) => entry.outcome)).toEqual(['published']);
      const retired = await run({ keep: 1, retireAfterMs: 0 });
      expect(retired.retiredOnS3.length).toBeGreaterThan(2);
      expect((await lake.listSnapshots()).snapshots.map((snapshot) => snapshot.snapshotId)).toEqual([retired.runId]);
      for (const id of retired.retiredOnS3) expect(s3.objects(BUCKET, `${PREFIX}snapshots/${id}/`)).toEqual([]);
    }, 180_000);
  });
});
