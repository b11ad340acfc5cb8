/**
 * The person floor against differencing (docs/PRIVACY.md): an answer a user may ask for, minus
 * another, must not give a group of fewer than 5 people. Real DuckDB over a generated lake; what is
 * true is computed from the raw rows (test/support/lakeRows.ts), not from the service.
 *
 *   1. an unsplit total against the same metric split by prefecture, with exactly one prefecture
 *      under the floor: complementary suppression hides a second one, so the difference is a sum;
 *   2. the same split with and without a filter: a prefecture the filter took 1–4 people from is
 *      hidden in the filtered split, so the two answers never differ by a few people;
 *   3. a range total against its periods, one of them under the floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MetricsService } from '../../src/api/service';
import { OPERATOR } from '../../src/catalog/accessPolicy';
import { loadCatalog } from '../../src/catalog/catalog';
import type { QueryRequest, QueryResult } from '../../src/contract/types';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { generateLake } from '../../src/lake/generate';
import { readLakeRows, type LakeRows, type PersonId } from '../support/lakeRows';
import { createReferenceMetrics, jstDayOfMicros, type ReferenceMetrics } from '../support/referenceMetrics';

const AS_OF = new Date('2026-11-01T00:00:00Z');
const FLOOR = 5;
/** Five years of revenue by prefecture: exactly one prefecture under the floor in this lake (checked below). */
const RANGE = { from: '2021-01-01', to: '2026-01-01' } as const;

let root: string;
let engine: DuckDbEngine;
let service: MetricsService;
let rows: LakeRows;
let reference: ReferenceMetrics;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'snaq-differencing-'));
  const lakeDir = path.join(root, 'lake');
  await generateLake({ outDir: lakeDir, scale: 0.2, seed: 7, asOf: AS_OF });
  engine = await DuckDbEngine.open({ lakeDir });
  service = new MetricsService(loadCatalog(), engine);
  rows = await readLakeRows(lakeDir);
  reference = createReferenceMetrics(rows);
}, 120_000);

afterAll(async () => {
  await engine?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function ask(request: QueryRequest): Promise<QueryResult> {
  const outcome = await service.query(request, OPERATOR);
  if (outcome.status !== 200) throw new Error(`Expected 200 for ${JSON.stringify(request)}, got ${outcome.status}.`);
  return outcome.body;
}

/** Dimension value → value, for a one-dimension answer without a grain. */
function byGroup(result: QueryResult): Map<string, number> {
  return new Map(result.rows.map((row) => [String(row[0]), Number(row[1])]));
}

const total = (values: Iterable<number>) => [...values].reduce((sum, value) => sum + value, 0);

/** The true revenue per prefecture (no floor), from the independent reference. */
function trueRevenue(filters?: Record<string, string>): Map<string, number> {
  const result = reference.compute({ metric: 'revenue', ...RANGE, dimensions: ['prefecture'], ...(filters ? { filters } : {}) }, { minGroupSize: 1 });
  return new Map(result.rows.map((row) => [String(row[0]), Number(row[1])]));
}

/** Who bought (shipped boxes, completed shop orders) in the range, per prefecture, split by whether they are female. */
function buyersByPrefecture(): Map<string, { female: Set<PersonId>; other: Set<PersonId> }> {
  const users = new Map(rows.users.map((user) => [user.user_id, user]));
  const buyers = new Map<string, { female: Set<PersonId>; other: Set<PersonId> }>();
  const add = (person: PersonId, at: number | null) => {
    if (at === null) return;
    const day = jstDayOfMicros(at);
    if (day < RANGE.from || day >= RANGE.to) return;
    const user = users.get(person);
    const prefecture = user?.prefecture ?? 'null';
    const entry = buyers.get(prefecture) ?? { female: new Set(), other: new Set() };
    (user?.gender === 'female' ? entry.female : entry.other).add(person);
    buyers.set(prefecture, entry);
  };
  for (const box of rows.boxes) if (box.status === 'shipped' || box.status === 'delivered') add(box.user_id, box.shipped_at);
  for (const order of rows.shop_orders) if (order.status === 'completed') add(order.user_id, order.ordered_at);
  return buyers;
}

test('1. an unsplit total minus the visible prefectures gives no single hidden prefecture', async () => {
  // The case is what the issue asks for: exactly one prefecture under the floor.
  const floored = reference.compute({ metric: 'revenue', ...RANGE, dimensions: ['prefecture'] }, { minGroupSize: 1, minPeople: FLOOR });
  expect(floored.personFloorGroups).toBe(1);

  const unsplit = await ask({ metric: 'revenue', ...RANGE });
  expect(unsplit.meta.suppressed).toBeUndefined();
  const split = await ask({ metric: 'revenue', ...RANGE, dimensions: ['prefecture'] });
  expect(split.meta.suppressed).toMatchObject({ reason: 'person_floor', minPeople: FLOOR, complementary: 1, groups: 2 });

  const truth = trueRevenue();
  const visible = byGroup(split);
  const hidden = [...truth.keys()].filter((prefecture) => !visible.has(prefecture));
  expect(hidden).toHaveLength(2);
  const derived = Number(unsplit.rows[0]![0]) - total(visible.values());
  // What subtraction gives is the hidden prefectures together, never one of them.
  expect(derived).toBe(total(hidden.map((prefecture) => truth.get(prefecture)!)));
  for (const prefecture of hidden) expect(derived).not.toBe(truth.get(prefecture));
});

test('1b. the same with a filter: the filtered total minus the filtered split gives no single hidden prefecture', async () => {
  const filters = { gender: 'female' };
  const unsplit = await ask({ metric: 'revenue', ...RANGE, filters });
  // Filtered by who people are, the total is under the floor too; it is large enough to show.
  expect(unsplit.meta.suppressed).toBeUndefined();
  const split = await ask({ metric: 'revenue', ...RANGE, dimensions: ['prefecture'], filters });
  const truth = trueRevenue(filters);
  const visible = byGroup(split);
  const hidden = [...truth.keys()].filter((prefecture) => !visible.has(prefecture));
  expect(hidden.length).toBeGreaterThanOrEqual(2);
  expect(split.meta.suppressed?.groups).toBe(hidden.length);
  const derived = Number(unsplit.rows[0]![0]) - total(visible.values());
  expect(derived).toBe(total(hidden.map((prefecture) => truth.get(prefecture)!)));
  for (const prefecture of hidden) expect(derived).not.toBe(truth.get(prefecture));
});

test('2. the same split with and without a filter never differs by a group of 1–4 people', async () => {
  const buyers = buyersByPrefecture();
  // The case that matters exists: a prefecture with enough women to show, and 1–4 other buyers.
  const exposed = [...buyers].filter(([, people]) => people.female.size >= FLOOR && people.other.size > 0 && people.other.size < FLOOR).map(([p]) => p);
  expect(exposed.length).toBeGreaterThan(0);

  const unfiltered = byGroup(await ask({ metric: 'revenue', ...RANGE, dimensions: ['prefecture'] }));
  const female = byGroup(await ask({ metric: 'revenue', ...RANGE, dimensions: ['prefecture'], filters: { gender: 'female' } }));
  for (const prefecture of exposed) expect(female.has(prefecture)).toBe(false);
  // Wherever both answers show a prefecture, their difference is the other buyers: none, or at least the floor.
  const shownInBoth = [...female.keys()].filter((prefecture) => unfiltered.has(prefecture));
  expect(shownInBoth.length).toBeGreaterThan(0);
  for (const prefecture of shownInBoth) {
    const others = buyers.get(prefecture)!.other.size;
    expect(others === 0 || others >= FLOOR).toBe(true);
    if (others === 0) expect(unfiltered.get(prefecture)).toBe(female.get(prefecture));
  }
});

test('3. a range total minus its visible periods gives no single hidden period', async () => {
  const request = { metric: 'new_subscribers', from: '2024-01-01', to: '2025-01-01', filters: { prefecture: '大阪府' } } as const;
  const quarters = await ask({ ...request, grain: 'quarter' });
  const whole = await ask(request);
  expect(whole.meta.suppressed).toBeUndefined();
  expect(quarters.meta.suppressed).toMatchObject({ reason: 'person_floor', complementary: 1 });
  const truth = reference.compute({ ...request, grain: 'quarter' }, { minGroupSize: 1 }).rows;
  const hidden = quarters.rows.flatMap((row, i) => (row[1] === null ? [Number(truth[i]![1])] : []));
  expect(hidden).toHaveLength(2);
  const derived = Number(whole.rows[0]![0]) - total(quarters.rows.map((row) => Number(row[1] ?? 0)));
  expect(derived).toBe(total(hidden));
  for (const value of hidden) expect(derived).not.toBe(value);
});
