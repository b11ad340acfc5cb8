/**
 * `npm run bench -- overload`: the real server (`snaq serve`, rate limiter off) in a child process
 * on the scale-1 lake, and 8 signed clients sending distinct `Prefer: wait=0` queries for 20 s —
 * each an immediate 202 on a server without admission caps — while one more client probes
 * `/v1/health` every 200 ms and the child's RSS is sampled. Prints what the server held and how
 * slow health became. Loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AwsClient } from 'aws4fetch';
import { addDays } from '../../src/contract/dates';
import { DEV_CREDENTIALS } from '../../src/contract/devCredentials';
import type { QueryRequest } from '../../src/contract/types';
import { BENCH_DIR, ensureScale1Lake } from './benchLake';
import { percentile, round } from './stats';

const CLIENTS = 8;
const LOAD_SECONDS = Number(process.env.SNAQ_BENCH_LOAD_SECONDS ?? 20);
const HEALTH_EVERY_MS = 200;
const RSS_EVERY_MS = 200;

/** Distinct requests: three shapes, each with `from` shifted by a day per request. */
function distinctRequest(i: number): QueryRequest {
  const shift = Math.floor(i / 3) % 1_500;
  const to = addDays('2025-01-01', Math.floor(i / 4_500));
  const from = addDays('2020-01-01', shift);
  switch (i % 3) {
    case 0:
      return { metric: 'revenue', from, to, grain: 'month' };
    case 1:
      return { metric: 'active_subscribers', from, to, grain: 'month', dimensions: ['plan'] };
    default:
      return { metric: 'product_units', from, to, grain: 'week', dimensions: ['category'] };
  }
}

function rssMiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts `snaq serve` on a free loopback port; resolves with its URL once it listens. */
function startServerChild(lakeDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.resolve('bin', 'snaq.js'), 'serve', '--lake', lakeDir, '--host', '127.0.0.1'], {
    // The health probe shares the one principal with the load, so the per-principal rate limiter is
    // off (unless set): probes then measure health itself, and only the work caps bound the load.
    env: { ...process.env, PORT: '0', SNAQ_WORKBENCH: '0', SNAQ_RATE_LIMIT_RPS: process.env.SNAQ_RATE_LIMIT_RPS ?? '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) {
        child.stderr!.off('data', onData);
        child.stderr!.resume();
        resolve({ child, url: match[1]! });
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${stderr}`)));
  });
}

export async function runOverloadBench(): Promise<void> {
  const lakeDir = await ensureScale1Lake();
  const { child, url } = await startServerChild(lakeDir);
  const client = new AwsClient({ ...DEV_CREDENTIALS, service: 'execute-api', region: 'ap-northeast-1', retries: 0 });
  const pid = child.pid!;
  try {
    // A first query warms Parquet metadata, so the baseline is the server as it idles after use.
    await client.fetch(`${url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(distinctRequest(-3)) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baselineRss = rssMiB(pid)!;

    const rss: number[] = [];
    const health: Array<{ ms: number; status: number }> = [];
    const statuses = new Map<string, number>();
    let next = 0;
    let transportErrors = 0;
    const deadline = performance.now() + LOAD_SECONDS * 1000;
    const sampler = setInterval(() => {
      const value = rssMiB(pid);
      if (value !== undefined) rss.push(value);
    }, RSS_EVERY_MS);

    const probeHealth = async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        try {
          const response = await client.fetch(`${url}/v1/health`);
          await response.arrayBuffer();
          health.push({ ms: performance.now() - started, status: response.status });
        } catch {
          health.push({ ms: performance.now() - started, status: 0 });
        }
        await new Promise((resolve) => setTimeout(resolve, HEALTH_EVERY_MS));
      }
    };
    const loadClient = async () => {
      while (performance.now() < deadline) {
        try {
          const response = await client.fetch(`${url}/v1/query`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', prefer: 'wait=0' },
            body: JSON.stringify(distinctRequest(next++)),
          });
          const body = (await response.json()) as { error?: { details?: { reason?: string } } };
          const label = `${response.status}${body.error?.details?.reason ? ` ${body.error.details.reason}` : ''}`;
          statuses.set(label, (statuses.get(label) ?? 0) + 1);
        } catch {
          transportErrors++;
        }
      }
    };
    const loadStarted = performance.now();
    await Promise.all([probeHealth(), ...Array.from({ length: CLIENTS }, loadClient)]);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    clearInterval(sampler);
    // One more probe right after the load: what an operator's check sees when the clients stop.
    const afterStarted = performance.now();
    const after = await client.fetch(`${url}/v1/health`);
    await after.arrayBuffer();
    const afterMs = performance.now() - afterStarted;
    const rssAfter = rssMiB(pid)!;

    const healthMs = health.map((probe) => probe.ms);
    const report = {
      lake: { dir: lakeDir, scale: 1 },
      load: { clients: CLIENTS, seconds: round(loadSeconds, 1), requests: next, answers: Object.fromEntries(statuses), transportErrors },
      rssMiB: { baseline: round(baselineRss, 1), peak: round(Math.max(...rss), 1), atEnd: round(rssAfter, 1) },
      health: {
        probes: health.length,
        statuses: Object.fromEntries(
          [...new Set(health.map((probe) => probe.status))].map((status) => [status, health.filter((probe) => probe.status === status).length]),
        ),
        p50Ms: round(percentile(healthMs, 50)),
        p95Ms: round(percentile(healthMs, 95)),
        maxMs: round(Math.max(...healthMs)),
        afterLoadMs: round(afterMs),
        afterLoadStatus: after.status,
      },
      settings: { rateLimitPerSecond: process.env.SNAQ_RATE_LIMIT_RPS ?? '0', node: process.version },
    };
    const lines = [
      `Overload benchmark (scale-1 lake, ${CLIENTS} signed clients × ${report.load.seconds} s, Prefer: wait=0, server in a child process)`,
      `  requests sent ${next}; answers ${[...statuses].map(([label, count]) => `${label}: ${count}`).join(', ')}; transport errors ${transportErrors}`,
      `  server RSS: baseline ${report.rssMiB.baseline} MiB, peak ${report.rssMiB.peak} MiB, at end ${report.rssMiB.atEnd} MiB`,
      `  /v1/health during load: ${health.length} probes (${Object.entries(report.health.statuses)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ')}), p50 ${report.health.p50Ms} ms, p95 ${report.health.p95Ms} ms, max ${report.health.maxMs} ms`,
      `  /v1/health right after: ${report.health.afterLoadStatus} in ${report.health.afterLoadMs} ms`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    mkdirSync(BENCH_DIR, { recursive: true });
    const file = path.join(BENCH_DIR, `overload-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`report: ${file}\n`);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  }
}
