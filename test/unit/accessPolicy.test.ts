/** Restricted metrics: the reviewed policy, the catalog's checks of it, and name resolution per caller. */
import { ACCESS_POLICY, checkAccessPolicy, groupsOf, mayRead, OPERATOR, type AccessPolicy, type Caller } from '../../src/catalog/accessPolicy';
import { createCatalog, loadCatalog } from '../../src/catalog/catalog';
import { METRIC_DEFINITIONS } from '../../src/catalog/metrics';
import { resolveMetric, resolveQuery } from '../../src/catalog/resolve';
import { isNonNegative, type MetricDef } from '../../src/catalog/vocabulary';
import { ApiError } from '../../src/contract/errors';
import { localizeError } from '../../src/contract/errorMessages';

const POLICY: AccessPolicy = { domain: 'example.jp', groups: { finance: ['a@example.jp', 'b@example.jp'], management: ['b@example.jp'] } };
const person = (email: string, policy = ACCESS_POLICY): Caller => ({ principal: 'dev', person: { email, groups: groupsOf(policy, email) } });

const thrown = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
};

describe('the access policy', () => {
  test('gives each address its groups, and nothing to an address outside the company domain', () => {
    expect(groupsOf(POLICY, 'b@example.jp')).toEqual(['finance', 'management']);
    expect(groupsOf(POLICY, ' A@Example.JP ')).toEqual(['finance']);
    expect(groupsOf(POLICY, 'c@example.jp')).toEqual([]);
    // The same local part at another domain is someone else.
    expect(groupsOf({ ...POLICY, groups: { finance: ['a@example.jp'] } }, 'a@example.com')).toEqual([]);
  });

  test.each([
    ['a member outside the domain', { domain: 'example.jp', groups: { finance: ['a@other.jp'] } }, /not at example\.jp/],
    ['an address in capitals', { domain: 'example.jp', groups: { finance: ['A@example.jp'] } }, /not a lower-case e-mail/],
    ['a member listed twice', { domain: 'example.jp', groups: { finance: ['a@example.jp', 'a@example.jp'] } }, /twice/],
    ['a group name that is not snake_case', { domain: 'example.jp', groups: { Finance: [] } }, /snake_case/],
    ['a domain that is not one', { domain: 'Example', groups: {} }, /domain/],
  ])('refuses %s', (_name, policy, message) => {
    expect(() => checkAccessPolicy(policy)).toThrow(message);
  });

  test('the reviewed policy passes its own checks', () => {
    expect(() => checkAccessPolicy(ACCESS_POLICY)).not.toThrow();
  });

  test('an unrestricted metric is everyone’s; a restricted one its groups’ and the operator’s', () => {
    const restricted = { groups: ['finance'] } as const;
    expect(mayRead(undefined, { principal: 'p' })).toBe(true);
    expect(mayRead('everyone', { principal: 'p' })).toBe(true);
    expect(mayRead(restricted, { principal: 'p' })).toBe(false);
    expect(mayRead(restricted, person('c@example.jp', POLICY))).toBe(false);
    expect(mayRead(restricted, person('a@example.jp', POLICY))).toBe(true);
    expect(mayRead({ groups: ['management'] }, person('a@example.jp', POLICY))).toBe(false);
    expect(mayRead(restricted, OPERATOR)).toBe(true);
  });
});

describe('the catalog and restricted metrics', () => {
  const catalog = loadCatalog();
  const grossMargin = catalog.get('gross_margin')!;

  test('gross_margin is restricted to finance and management, in JPY, and may be negative', () => {
    expect(grossMargin.access).toEqual({ groups: ['finance', 'management'] });
    expect(grossMargin.unit).toBe('JPY');
    expect(isNonNegative(grossMargin)).toBe(false);
    // The lake has no cost history: the definition says today's cost is used, in both languages.
    expect(grossMargin.definition.en).toMatch(/today’s unit cost/);
    expect(grossMargin.definition.ja).toMatch(/現在の原価/);
  });

  test('a metric naming a group the policy does not define is refused at load, naming both', () => {
    const definitions: MetricDef[] = METRIC_DEFINITIONS.map((metric) =>
      metric.name === 'box_revenue' ? { ...metric, access: { groups: ['finanse'] } } : metric,
    );
    expect(() => createCatalog(definitions)).toThrow(/"box_revenue": access names group "finanse"/);
    expect(() => createCatalog(METRIC_DEFINITIONS.map((metric) => (metric.name === 'box_revenue' ? { ...metric, access: { groups: [] } } : metric)))).toThrow(
      /at least one group/,
    );
    // The same definitions load against a policy that has the group.
    expect(() => createCatalog(definitions, undefined, { domain: 'snaq.me', groups: { finanse: [], finance: [], management: [] } })).not.toThrow();
  });

  test('a caller outside the groups is refused FORBIDDEN with its own reason, phrased in Japanese', () => {
    for (const caller of [{ principal: 'dev' }, person('someone@snaq.me')]) {
      const error = thrown(() => resolveQuery(catalog, { metric: 'gross_margin', from: '2024-01-01', to: '2025-01-01' }, caller));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.details).toMatchObject({ reason: 'restricted_metric', metric: 'gross_margin' });
      expect(localizeError(error.toBody().error, 'ja')).toMatch(/gross_margin.*限られています/);
    }
    const finance = ACCESS_POLICY.groups.finance![0]!;
    expect(resolveMetric(catalog, 'gross_margin', person(finance)).name).toBe('gross_margin');
    expect(resolveMetric(catalog, 'gross_margin', OPERATOR).name).toBe('gross_margin');
  });

  test('"did you mean" never names a metric the caller may not see', () => {
    const suggestionFor = (caller: Caller) => thrown(() => resolveMetric(catalog, 'gross_margn', caller)).details?.suggestion;
    expect(suggestionFor({ principal: 'dev' })).toBeUndefined();
    expect(suggestionFor(person(ACCESS_POLICY.groups.management![0]!))).toBe('gross_margin');
  });
});
