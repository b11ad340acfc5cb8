/**
 * The definition lock: a definition cannot change without a version raise, and a compiler change is
 * recorded only by regenerating the lock (whose diff is the review).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createCatalog, loadCatalog } from '../../src/catalog/catalog';
import {
  buildLock,
  compareLocks,
  definitionHash,
  formatLock,
  lockMessages,
  lockRequests,
  regenerateLock,
  type DefinitionLock,
} from '../../src/catalog/definitionLock';
import { METRIC_DEFINITIONS } from '../../src/catalog/metrics';
import { boxesModel } from '../../src/catalog/models';
import type { MetricDef } from '../../src/catalog/vocabulary';

const LOCK_FILE = path.join(__dirname, '..', '..', 'src', 'catalog', 'definitions.lock.json');
const committed = JSON.parse(readFileSync(LOCK_FILE, 'utf8')) as DefinitionLock;
const TODAY = '2026-12-01';

const metric = (name: string): MetricDef => METRIC_DEFINITIONS.find((candidate) => candidate.name === name)!;
/** The catalog with one metric replaced. */
const catalogWith = (changed: MetricDef) => createCatalog([...METRIC_DEFINITIONS.filter((m) => m.name !== changed.name), changed], TODAY);
const boxRevenueMeasure = () => (metric('box_revenue').compute as Extract<MetricDef['compute'], { type: 'measure' }>).measure;
/** The version after box_revenue's current one (2: the person floor). */
const raisedVersion = {
  version: 3,
  date: '2026-11-30',
  change: { ja: '最小グループサイズを10に', en: 'Minimum group size raised to 10' },
  why: { ja: '個人の特定を防ぐため', en: 'So no one can be singled out' },
};

describe('the committed lock holds for the real catalog', () => {
  test('no metric changed without a version raise, and the lock is regenerated and formatted as the command writes it', () => {
    const current = buildLock(loadCatalog());
    expect(lockMessages(compareLocks(committed, current))).toEqual([]);
    expect(readFileSync(LOCK_FILE, 'utf8')).toBe(formatLock(current));
  });

  test('every metric is locked, with its version', () => {
    for (const each of loadCatalog().list()) expect(committed[each.name]?.version).toBe(each.version);
  });
});

describe('the definition hash covers what changes numbers, not words', () => {
  const boxRevenue = metric('box_revenue');

  test.each<[string, Partial<MetricDef>]>([
    ['a reworded title', { title: { ja: '定期便の売上', en: 'Revenue from boxes' } }],
    ['a reworded definition', { definition: { ja: '別の言い方', en: 'Said another way' } }],
    ['a new owner and tags', { owner: 'management', tags: ['kpi'] }],
  ])('%s leaves it alone', (_name, change) => {
    expect(definitionHash({ ...boxRevenue, ...change })).toBe(definitionHash(boxRevenue));
  });

  test('a dimension retitled in the model leaves it alone; one this metric does not expose, too', () => {
    const dims = boxesModel.dimensions;
    const retitled = { ...boxesModel, dimensions: { ...dims, plan: { ...dims.plan!, title: { ja: '契約プラン', en: 'Contract plan' } } } };
    const compute = boxRevenue.compute as Extract<MetricDef['compute'], { type: 'measure' }>;
    expect(definitionHash({ ...boxRevenue, compute: { type: 'measure', measure: { ...compute.measure, model: retitled } } })).toBe(definitionHash(boxRevenue));
    const onlyPlan = { ...boxRevenue, dimensions: ['plan'] };
    const genderChanged = { ...boxesModel, dimensions: { ...dims, gender: { ...dims.gender!, expr: 'u.prefecture' } } };
    expect(definitionHash({ ...onlyPlan, compute: { type: 'measure', measure: { ...compute.measure, model: genderChanged } } })).toBe(definitionHash(onlyPlan));
  });

  test.each<[string, Partial<MetricDef>]>([
    ['a minimum group size', { minGroupSize: 10 }],
    ['a grain taken away', { grains: ['month'] }],
    ['a dimension taken away', { dimensions: ['plan'] }],
    ['a non-negative declaration', { nonNegative: false }],
    ['a unit', { unit: 'count' }],
    [
      'a where condition',
      {
        compute: {
          type: 'measure',
          measure: { ...boxRevenueMeasure(), where: ["b.status = 'delivered'"] },
        },
      },
    ],
  ])('%s changes it', (_name, change) => {
    expect(definitionHash({ ...boxRevenue, ...change })).not.toBe(definitionHash(boxRevenue));
  });

  test('the same definition gives the same hash whatever order its keys were written in', () => {
    const reordered = Object.fromEntries(Object.entries(boxRevenue).reverse()) as unknown as MetricDef;
    expect(definitionHash(reordered)).toBe(definitionHash(boxRevenue));
  });
});

describe('the check names the metric and says what to do', () => {
  test('(a) a definition changed under the same version', () => {
    const current = buildLock(catalogWith({ ...metric('box_revenue'), minGroupSize: 10 }));
    const problems = compareLocks(committed, current);
    expect(problems.silentChanges).toEqual(['box_revenue']);
    expect(lockMessages(problems)).toContain(
      "Metric box_revenue's definition changed: raise its version and add a changelog entry (then npm run catalog:lock).",
    );
  });

  test('(b) a raised version, or a new metric, with the lock not regenerated', () => {
    const raised = buildLock(
      catalogWith({ ...metric('box_revenue'), minGroupSize: 10, version: 3, changelog: [...metric('box_revenue').changelog, raisedVersion] }),
    );
    expect(compareLocks(committed, raised)).toEqual({ silentChanges: [], lowered: [], stale: ['box_revenue'], compilerChanges: [] });
    const added = { ...metric('box_revenue'), name: 'box_revenue_net' };
    const withNew = buildLock(createCatalog([...METRIC_DEFINITIONS, added], TODAY));
    const messages = lockMessages(compareLocks(committed, withNew));
    expect(messages).toEqual(['The definition lock is out of date for box_revenue_net (new, removed or re-versioned): run npm run catalog:lock.']);
  });

  test('(c) the compiler changed the SQL of metrics whose definitions did not change', () => {
    const current = buildLock(loadCatalog());
    const compiledBefore: DefinitionLock = Object.fromEntries(
      Object.entries(current).map(([name, entry]) => [name, name === 'skip_rate' || name === 'revenue' ? { ...entry, sqlHash: '0'.repeat(64) } : entry]),
    );
    const problems = compareLocks(compiledBefore, current);
    expect(problems).toEqual({ silentChanges: [], lowered: [], stale: [], compilerChanges: ['revenue', 'skip_rate'] });
    expect(lockMessages(problems)).toEqual(['The compiler changed the SQL of revenue, skip_rate: run npm run catalog:lock and review the diff.']);
  });

  test('a version that went down is refused, even with the definition unchanged', () => {
    const lowered: DefinitionLock = { ...committed, churn_rate: { ...committed.churn_rate!, version: 3 } };
    const problems = compareLocks(lowered, buildLock(loadCatalog()));
    expect(problems.lowered).toEqual(['churn_rate']);
    expect(lockMessages(problems)).toEqual(["Metric churn_rate's version went down: versions only go up; raise it above the locked one instead."]);
    expect(regenerateLock(lowered, loadCatalog()).ok).toBe(false);
  });

  test('a removed metric makes the lock stale too', () => {
    const withoutOld = createCatalog(
      METRIC_DEFINITIONS.filter((m) => m.name !== 'total_sales'),
      TODAY,
    );
    expect(compareLocks(committed, buildLock(withoutOld)).stale).toEqual(['total_sales']);
  });
});

describe('regenerating the lock', () => {
  test('refuses a silent change, naming only the metric that changed', () => {
    const outcome = regenerateLock(committed, catalogWith({ ...metric('skip_rate'), minGroupSize: 20 }));
    expect(outcome).toEqual({ ok: false, messages: [expect.stringMatching(/^Metric skip_rate's definition changed: raise its version/)] });
  });

  test('records a raised version and a compiler change, sorted by name, the same text every time', () => {
    const catalog = catalogWith({ ...metric('box_revenue'), minGroupSize: 10, version: 3, changelog: [...metric('box_revenue').changelog, raisedVersion] });
    const reshuffled = Object.fromEntries(Object.entries(committed).reverse());
    const outcome = regenerateLock({ ...reshuffled, revenue: { ...committed.revenue!, sqlHash: 'f'.repeat(64) } }, catalog);
    if (!outcome.ok) throw new Error(outcome.messages.join('\n'));
    expect(outcome.problems).toEqual({ silentChanges: [], lowered: [], stale: ['box_revenue'], compilerChanges: ['revenue'] });
    const written = JSON.parse(outcome.text) as DefinitionLock;
    expect(Object.keys(written)).toEqual(Object.keys(written).sort());
    expect(written.box_revenue!.version).toBe(3);
    expect(written.revenue).toEqual(committed.revenue);
    expect(regenerateLock(written, catalog)).toEqual({
      ok: true,
      text: outcome.text,
      problems: { silentChanges: [], lowered: [], stale: [], compilerChanges: [] },
    });
  });

  test('a first lock (no file yet) records every metric', () => {
    const outcome = regenerateLock(undefined, loadCatalog());
    expect(outcome.ok && JSON.parse(outcome.text)).toEqual(committed);
  });
});

describe('the fixed requests', () => {
  test('cover the total, each grain, each dimension and a filter, and every one compiles', () => {
    const catalog = loadCatalog();
    const requests = lockRequests(catalog.get('skip_rate')!, catalog);
    expect(requests.map((request) => [request.grain ?? 'total', request.dimensions ?? [], Object.keys(request.filters ?? {})])).toEqual([
      ['total', [], []],
      ['week', [], []],
      ['month', [], []],
      ['quarter', [], []],
      ['year', [], []],
      ['month', ['plan'], []],
      ['month', ['prefecture'], []],
      ['month', [], ['plan']],
    ]);
  });
});
