/**
 * Random VALID questions over the real signed server: whatever a metric, grain, dimension, filter
 * or range a person may ask (empty results and ranges past the data included), the answer is never
 * a 5xx. The requests are built from the catalog, so a new metric is covered without editing this.
 *
 * Reproduce a run with its printed seed: SNAQ_FUZZ_SEED=<seed> npx jest test/integration/api.fuzz.test.ts
 */
import { addDays, addMonths, type Grain } from '../../src/contract/dates';
import { loadCatalog } from '../../src/catalog/catalog';
import { ACCESS_POLICY } from '../../src/catalog/accessPolicy';
import type { MetricDef } from '../../src/catalog/vocabulary';
import { LIMITS } from '../../src/contract/limits';
import type { DimensionValues } from '../../src/contract/types';
import { mulberry32 } from '../../src/forecast/random';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';

const REQUESTS = 320;
const SEED = Number(process.env.SNAQ_FUZZ_SEED ?? 20_261_101);
/** A filter value no row has: its answers are empty series. */
const NO_SUCH_VALUE = 'どこにもない値';

let lake: TestLake;
let api: LocalApi;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
}, 60_000);
afterAll(async () => {
  await api?.close();
  lake?.remove();
});

type Route = '/v1/query' | '/v1/forecast' | '/v1/anomalies';

interface Fuzzer {
  pick<T>(items: readonly T[]): T;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  sample<T>(items: readonly T[], count: number): T[];
}

function fuzzer(seed: number): Fuzzer {
  const random = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  return {
    int,
    pick: (items) => items[int(0, items.length - 1)]!,
    chance: (p) => random() < p,
    sample(items, count) {
      const pool = [...items];
      const out = [];
      while (out.length < count && pool.length) out.push(pool.splice(int(0, pool.length - 1), 1)[0]!);
      return out;
    },
  };
}

/** How many periods a range may span per grain: enough to vary, small enough for ~60 s of CI. */
const SPAN: Record<Grain, { min: number; max: number; days: number }> = {
  day: { min: 1, max: 120, days: 1 },
  week: { min: 1, max: 120, days: 7 },
  month: { min: 1, max: 60, days: 31 },
  quarter: { min: 1, max: 24, days: 92 },
  year: { min: 1, max: 10, days: 366 },
};

/** A start anywhere from before the first data (2018) to after the snapshot (2026-11-01), an end within ten years. */
function range(f: Fuzzer, grain: Grain | undefined): { from: string; to: string } {
  const from = addDays('2017-10-01', f.int(0, 365 * 10));
  const span = SPAN[grain ?? f.pick(['day', 'week', 'month'] as const)];
  const to = addDays(from, f.int(span.min, span.max) * span.days);
  const limit = addMonths(from, LIMITS.maxRangeYears * 12);
  return { from, to: to > limit ? limit : to };
}

async function valuesOf(metric: MetricDef, dimension: string, cache: Map<string, string[]>): Promise<string[]> {
  const key = `${metric.name}/${dimension}`;
  if (!cache.has(key)) {
    const response = await api.client.fetch(`${api.server.url}/v1/metrics/${metric.name}/dimensions/${dimension}/values`);
    const body = (await response.json()) as DimensionValues;
    cache.set(key, body.values.filter((value): value is string => typeof value === 'string').slice(0, 50));
  }
  return cache.get(key)!;
}

async function filtersFor(f: Fuzzer, metric: MetricDef, cache: Map<string, string[]>): Promise<Record<string, string | string[]> | undefined> {
  if (!metric.dimensions.length || f.chance(0.5)) return undefined;
  const filters: Record<string, string | string[]> = {};
  for (const dimension of f.sample(metric.dimensions, f.int(1, 2))) {
    const known = await valuesOf(metric, dimension, cache);
    const enumerated = known.length > 0 && !f.chance(0.15);
    // Enumerated dimensions refuse unknown values (400), so a value matching nothing is only tried on open ones.
    const isClosed = loadCatalog().modelDimension(metric, dimension)?.values !== undefined;
    if (!enumerated && !isClosed) filters[dimension] = NO_SUCH_VALUE;
    else if (known.length) filters[dimension] = f.chance(0.3) ? f.sample(known, f.int(1, 3)) : f.pick(known);
  }
  return Object.keys(filters).length ? filters : undefined;
}

async function randomRequest(f: Fuzzer, cache: Map<string, string[]>): Promise<{ route: Route; body: Record<string, unknown> }> {
  const metrics = loadCatalog().list();
  const metric = f.pick(metrics);
  const route = f.pick<Route>(['/v1/query', '/v1/query', '/v1/query', '/v1/forecast', '/v1/anomalies']);
  const filters = await filtersFor(f, metric, cache);
  if (route === '/v1/query') {
    const grain = f.chance(0.85) ? f.pick(metric.grains) : undefined;
    const dimensions = f.chance(0.4) ? f.sample(metric.dimensions, f.int(1, Math.min(2, LIMITS.maxDimensions))) : [];
    const body = {
      metric: metric.name,
      ...range(f, grain),
      ...(grain ? { grain } : {}),
      ...(dimensions.length ? { dimensions } : {}),
      ...(filters ? { filters } : {}),
    };
    return { route, body: f.chance(0.1) ? { ...body, limit: f.int(1, 20) } : body };
  }
  // Forecasts and anomalies model one series per grain; days and weeks are kept short (model fitting is the cost).
  const grain = f.pick(metric.grains.filter((g) => g !== 'year').length ? metric.grains.filter((g) => g !== 'year') : metric.grains);
  const base = { metric: metric.name, ...range(f, grain), grain, ...(filters ? { filters } : {}) };
  if (route === '/v1/forecast') {
    return {
      route,
      body: { ...base, horizon: f.int(1, grain === 'day' || grain === 'week' ? 26 : 12), ...(f.chance(0.3) ? { interval: f.pick([0.5, 0.8, 0.95]) } : {}) },
    };
  }
  const dimensions = f.sample(metric.dimensions, f.int(1, Math.min(2, metric.dimensions.length)));
  return {
    route,
    body: { ...base, ...(dimensions.length ? { dimensions } : {}), ...(f.chance(0.3) ? { sensitivity: f.pick(['low', 'medium', 'high']) } : {}) },
  };
}

test(`${REQUESTS} random valid requests to /v1/query, /v1/forecast and /v1/anomalies: no 5xx`, async () => {
  // The seed is printed so a failure can be replayed exactly.
  console.log(`api fuzz: seed ${SEED} (replay with SNAQ_FUZZ_SEED=${SEED})`);
  const f = fuzzer(SEED);
  const financePerson = api.as(ACCESS_POLICY.groups.finance![0]!);
  const cache = new Map<string, string[]>();
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  const routes = new Map<Route, number>();
  let empty = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const { route, body } = await randomRequest(f, cache);
    const response = await api.client.fetch(`${api.server.url}${route}`, {
      method: 'POST',
      body: JSON.stringify(body),
      // A person in finance, so restricted metrics are valid requests too (the token is verified on every one).
      headers: { 'content-type': 'application/json', ...financePerson },
    });
    const answer = (await response.json()) as { rows?: unknown[][]; anomalies?: unknown[]; error?: unknown };
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    routes.set(route, (routes.get(route) ?? 0) + 1);
    if (answer.rows && answer.rows.every((row) => row.slice(1).every((cell) => cell === null))) empty++;
    // Every request is valid: anything but 200 is a finding (a 5xx most of all).
    if (response.status !== 200) failures.push(`#${i} ${route} ${JSON.stringify(body)} → ${response.status} ${JSON.stringify(answer.error)}`);
  }
  console.log(`api fuzz: statuses ${JSON.stringify([...statuses])}, routes ${JSON.stringify([...routes])}, empty answers ${empty}`);
  expect(failures).toEqual([]);
  expect(api.internalErrors).toEqual([]);
  // The generator really reached every route and some empty answers.
  for (const route of ['/v1/query', '/v1/forecast', '/v1/anomalies'] as const) expect(routes.get(route) ?? 0).toBeGreaterThan(30);
  expect(empty).toBeGreaterThan(5);
}, 120_000);
