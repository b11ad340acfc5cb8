/**
 * `npm run bench -- s3`: the lake on S3 (issue 12), side by side in one run, medians of rounds:
 *  (a) upload throughput: the scale-1 sample lake's snapshot files (plus one 64 MiB file, which goes
 *      multipart) uploaded to the S3 double the way the export publishes (4 at a time, SHA-256
 *      checksums, signed payloads), against copying the same files to a local folder;
 *  (b) publish → answer: a root manifest naming another snapshot is written to the S3 double, and
 *      the real Lambda entry point (over the Athena double, which fetches that snapshot's files
 *      from the S3 double) is asked every 100 ms until its answer names the new snapshot.
 * Knobs: SNAQ_BENCH_S3_ROUNDS (default 5), SNAQ_BENCH_S3_SWITCHES (default 6).
 * The S3 double is in-process on loopback: (a) measures the client's own cost (hashing, signing,
 * buffering parts, HTTP), not a network's.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { handler } from '../../src/api/lambdaEntry';
import { loadCatalog } from '../../src/catalog/catalog';
import { compileQuery } from '../../src/catalog/compile';
import { duckdb, trino } from '../../src/catalog/dialect';
import { resolveQuery } from '../../src/catalog/resolve';
import { LAKE_TABLES, type TableName } from '../../src/contract/lakeSchema';
import { LIMITS } from '../../src/contract/limits';
import type { LakeManifest } from '../../src/contract/snapshot';
import { parseQueryRequest } from '../../src/contract/validate';
import { MANIFEST_TTL_MS } from '../../src/engine/s3Manifest';
import { snapshotTablePath } from '../../src/lake/lakeLayout';
import { readManifest } from '../../src/lake/manifest';
import { inParallel, S3Lake } from '../../src/lake/s3/s3Lake';
import { startAthenaDouble } from '../support/athenaDouble';
import { athenaS3Lake } from '../support/athenaS3Lake';
import { AwsDouble } from '../support/awsJsonDouble';
import { S3_MODEL } from '../support/s3/model';
import { S3Double } from '../support/s3Double';
import { BENCH_DIR, ensureScale1Lake } from './benchLake';
import { median, round } from './stats';

const BUCKET = 'snaq-bench';
const PREFIX = 'lake/';
const MiB = 1024 * 1024;
const say = (line: string) => process.stderr.write(`${line}\n`);
const knob = (name: string, fallback: number) => Math.max(1, Number(process.env[name] ?? fallback) || fallback);

export async function runS3Bench(): Promise<void> {
  const missing = S3_MODEL.missing();
  if (missing) {
    say(`bench s3: cannot run: ${missing}.`);
    process.exitCode = 1;
    return;
  }
  const lakeDir = await ensureScale1Lake();
  const manifest = readManifest(lakeDir);
  const work = mkdtempSync(path.join(os.tmpdir(), 'snaq-s3-bench-'));
  const s3 = new S3Double().createBucket(BUCKET);
  await s3.start();
  try {
    const upload = await uploadThroughput(s3, lakeDir, manifest, work, knob('SNAQ_BENCH_S3_ROUNDS', 5));
    const publish = await publishToAnswer(s3, lakeDir, manifest, knob('SNAQ_BENCH_S3_SWITCHES', 6));
    const report = { at: new Date().toISOString(), upload, publish };
    mkdirSync(BENCH_DIR, { recursive: true });
    writeFileSync(path.join(BENCH_DIR, 's3.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
      [
        'S3 lake (the S3 double on loopback, in this process):',
        `  upload ${upload.files} files, ${upload.mib} MiB (the largest ${upload.largestMib} MiB, multipart): median ${upload.s3MibPerS} MiB/s to S3 against ${upload.localMibPerS} MiB/s copying locally = ${upload.ratio}× the local time (rounds: ${upload.ratios.join(', ')})`,
        `  publish → the Lambda answering from the new snapshot: median ${publish.medianMs} ms, max ${publish.maxMs} ms over ${publish.samples.length} switches (manifest TTL ${publish.ttlMs} ms; the promise is 60,000 ms)`,
        `  written to ${path.join(BENCH_DIR, 's3.json')}`,
      ].join('\n') + '\n',
    );
  } finally {
    await s3.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Every data file of the lake's current snapshot, as `{ local, relative }` (relative to the snapshot). */
function snapshotFiles(lakeDir: string, manifest: LakeManifest): Array<{ local: string; table: TableName; name: string }> {
  return LAKE_TABLES.flatMap((table) =>
    readdirSync(path.join(lakeDir, manifest.tables[table]!.path))
      .filter((name) => name.endsWith('.parquet'))
      .map((name) => ({ local: path.join(lakeDir, manifest.tables[table]!.path, name), table, name })),
  );
}

async function uploadThroughput(s3: S3Double, lakeDir: string, manifest: LakeManifest, work: string, rounds: number) {
  const big = path.join(work, 'big.parquet');
  writeFileSync(big, randomBytes(64 * MiB));
  const files = [...snapshotFiles(lakeDir, manifest).map((file) => file.local), big];
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const client = s3.client();
  const localMs: number[] = [];
  const s3Ms: number[] = [];
  for (let round_ = 0; round_ < rounds; round_++) {
    const target = path.join(work, `copy-${round_}`);
    mkdirSync(target);
    let started = performance.now();
    await inParallel(files, async (file) => copyFileSync(file, path.join(target, `${files.indexOf(file)}-${path.basename(file)}`)));
    localMs.push(performance.now() - started);
    rmSync(target, { recursive: true, force: true });
    started = performance.now();
    await inParallel(files, async (file) => void (await client.uploadFile(BUCKET, `upload-${round_}/${files.indexOf(file)}-${path.basename(file)}`, file)));
    s3Ms.push(performance.now() - started);
    await client.deleteObjects(BUCKET, s3.objects(BUCKET, `upload-${round_}/`));
    say(`  upload round ${round_ + 1}/${rounds}: local ${Math.round(localMs.at(-1)!)} ms, S3 ${Math.round(s3Ms.at(-1)!)} ms`);
  }
  const mib = bytes / MiB;
  return {
    files: files.length,
    mib: round(mib, 1),
    largestMib: 64,
    localMibPerS: round(mib / (median(localMs) / 1000), 0),
    s3MibPerS: round(mib / (median(s3Ms) / 1000), 0),
    ratio: round(median(s3Ms.map((ms, i) => ms / localMs[i]!)), 1),
    ratios: s3Ms.map((ms, i) => round(ms / localMs[i]!, 1)),
    multipartUploads: s3.callsOf('CompleteMultipartUpload').length,
  };
}

/** Two snapshots of the same data under two ids, on the S3 double, as the export lays them out. */
async function uploadTwoSnapshots(lake: S3Lake, lakeDir: string, manifest: LakeManifest): Promise<LakeManifest[]> {
  const snapshots: LakeManifest[] = [];
  for (const id of ['20261101T000000000Z-aaaa', '20261101T010000000Z-bbbb']) {
    const tables = Object.fromEntries(LAKE_TABLES.map((table) => [table, { ...manifest.tables[table]!, path: snapshotTablePath(id, table) }]));
    const snapshot: LakeManifest = { ...manifest, schemaVersion: 2, snapshotId: id, tables };
    await inParallel(snapshotFiles(lakeDir, manifest), async ({ local, table, name }) => {
      await lake.store.uploadFile(lake.bucket, lake.key(`${snapshot.tables[table]!.path}/${name}`), local);
    });
    await lake.putJson(`snapshots/${id}/manifest.json`, snapshot);
    snapshots.push(snapshot);
  }
  return snapshots;
}

async function publishToAnswer(s3: S3Double, lakeDir: string, manifest: LakeManifest, switches: number) {
  const lake = new S3Lake(s3.client(), `s3://${BUCKET}/${PREFIX}`);
  const snapshots = await uploadTwoSnapshots(lake, lakeDir, manifest);
  await lake.putJson('manifest.json', snapshots[0]);
  const templates = Object.fromEntries(LAKE_TABLES.map((table) => [table, `s3://${BUCKET}/${PREFIX}snapshots/\${snapshot}/${table}/`])) as Record<
    TableName,
    string
  >;
  const athenaLake = athenaS3Lake({ store: lake.store, locationTemplates: templates });
  // One role's credentials for S3, Athena and Secrets Manager, as in production.
  const credentials = { accessKeyId: s3.credentials.accessKeyId, secretAccessKey: s3.credentials.secretAccessKey };
  const athena = await startAthenaDouble({ lakeFor: athenaLake, region: s3.region, ...credentials });
  const secret = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:QueryTokenKey-AbCdEf';
  const aws = await new AwsDouble({ region: s3.region, ...credentials, secrets: { [secret]: 'k'.repeat(64) } }).start();
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_REGION: s3.region,
    SNAQ_ATHENA_REGION: athena.region,
    SNAQ_ATHENA_WORKGROUP: athena.workGroup,
    SNAQ_ATHENA_DATABASE: 'snaq_lake',
    SNAQ_ATHENA_ENDPOINT: athena.endpoint,
    SNAQ_LAKE_MANIFEST: `s3://${BUCKET}/${PREFIX}manifest.json`,
    SNAQ_S3_ENDPOINT: s3.endpoint,
    SNAQ_SECRETS_ENDPOINT: aws.endpoint,
    SNAQ_QUERY_TOKEN_SECRET: secret,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  });
  try {
    // The entry point reads its environment at its first call (cold start), so it is set above.
    const request = { metric: 'box_revenue', from: '2026-01-01', to: '2026-11-01', grain: 'month' } as const;
    const resolved = resolveQuery(loadCatalog(), parseQueryRequest(request));
    const duck = compileQuery(resolved, duckdb, { rowCap: LIMITS.maxRows });
    for (const snapshot of snapshots) {
      athena.expect(compileQuery(resolved, trino, { rowCap: LIMITS.maxRows, snapshotId: snapshot.snapshotId }).sql, { sql: duck.sql, params: duck.params });
    }
    const ask = async () => {
      const answer = await handler({
        httpMethod: 'POST',
        path: '/v1/query',
        queryStringParameters: null,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
        isBase64Encoded: false,
        requestContext: { stage: 'prod', identity: { userArn: 'arn:aws:iam::123456789012:user/bench' } },
      });
      return (JSON.parse(answer.body) as { meta: { snapshotId: string } }).meta.snapshotId;
    };
    await ask(); // cold start
    const samples: number[] = [];
    for (let i = 1; i <= switches; i++) {
      const next = snapshots[i % 2]!;
      // Publish at a random moment of the reader's TTL cycle, as a real export would.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * MANIFEST_TTL_MS));
      await lake.putJson('manifest.json', next);
      const published = performance.now();
      while ((await ask()) !== next.snapshotId) await new Promise((resolve) => setTimeout(resolve, 100));
      samples.push(Math.round(performance.now() - published));
      say(`  switch ${i}/${switches}: answered from ${next.snapshotId} after ${samples.at(-1)} ms`);
    }
    return { samples, medianMs: Math.round(median(samples)), maxMs: Math.max(...samples), ttlMs: MANIFEST_TTL_MS };
  } finally {
    process.env = saved;
    await Promise.all([athena.close(), aws.close()]);
    await athenaLake.close();
  }
}
