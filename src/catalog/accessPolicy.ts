/**
 * Who may see which metric: the reviewed policy. A metric declares `access: 'everyone'` (the
 * default) or `{ groups: [...] }`; the groups are defined HERE, as lists of e-mail addresses.
 *
 * Why a file and not Google Groups: an ID token carries no group membership, and reading it would
 * need the Admin SDK (a domain-wide grant). A change takes effect when the service is deployed.
 *
 * The company domain is a rule, not a convenience: only addresses at `domain` can be members, and
 * a verified person outside it belongs to no group (the token's `hd` is checked separately).
 */

export interface AccessPolicy {
  /** The company's Google Workspace domain, e.g. `snaq.me`. */
  domain: string;
  /** Group name → its members' e-mail addresses (lower case, at `domain`). */
  groups: Readonly<Record<string, readonly string[]>>;
}

/** Who may see a metric. */
export type MetricAccess = 'everyone' | { groups: readonly string[] };

/** The person behind a request, as the service knows them once their ID token is verified. */
export interface VerifiedPerson {
  email: string;
  /** The groups the policy gives them, at the time of the request. */
  groups: readonly string[];
}

/**
 * Who is asking: the IAM principal (proves "our add-on"), and the verified person when the request
 * carried an ID token. `operator` is the in-process CLI, which reads the lake itself and sees everything.
 */
export interface Caller {
  principal: string;
  person?: VerifiedPerson;
  operator?: true;
}

/** The in-process CLI: the operator's own process, reading the lake directly. */
export const OPERATOR: Caller = Object.freeze({ principal: 'operator', operator: true });

/** The reviewed policy. Add a person to a group here; remove them to take their access away on the next deploy. */
export const ACCESS_POLICY: AccessPolicy = {
  domain: 'snaq.me',
  groups: {
    finance: ['keiri@snaq.me', 'hanako.sato@snaq.me'],
    management: ['ceo@snaq.me', 'taro.yamada@snaq.me'],
  },
};

export class AccessPolicyError extends Error {
  constructor(problem: string) {
    super(`Access policy error: ${problem}`);
    this.name = 'AccessPolicyError';
  }
}

const GROUP_NAME = /^[a-z][a-z0-9_]*$/;
const ADDRESS = /^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/;

/** Refuses a policy a reviewer could misread: odd names, addresses outside the domain, duplicates. */
export function checkAccessPolicy(policy: AccessPolicy): AccessPolicy {
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(policy.domain)) throw new AccessPolicyError(`the domain "${policy.domain}" is not a lower-case domain name.`);
  for (const [group, members] of Object.entries(policy.groups)) {
    if (!GROUP_NAME.test(group)) throw new AccessPolicyError(`group "${group}" must be lower-case snake_case.`);
    if (new Set(members).size !== members.length) throw new AccessPolicyError(`group "${group}" lists an address twice.`);
    for (const member of members) {
      if (!ADDRESS.test(member)) throw new AccessPolicyError(`group "${group}" lists "${member}", which is not a lower-case e-mail address.`);
      if (!member.endsWith(`@${policy.domain}`)) throw new AccessPolicyError(`group "${group}" lists "${member}", which is not at ${policy.domain}.`);
    }
  }
  return policy;
}

/** The groups the policy gives an address (none outside the company domain). */
export function groupsOf(policy: AccessPolicy, email: string): string[] {
  const address = email.trim().toLowerCase();
  if (!address.endsWith(`@${policy.domain}`)) return [];
  return Object.entries(policy.groups)
    .filter(([, members]) => members.includes(address))
    .map(([group]) => group)
    .sort();
}

export function isRestricted(access: MetricAccess | undefined): access is { groups: readonly string[] } {
  return access !== undefined && access !== 'everyone';
}

/** Whether the caller may see a metric with this access: everyone's, or one of its groups', or the operator. */
export function mayRead(access: MetricAccess | undefined, caller: Caller): boolean {
  if (!isRestricted(access)) return true;
  if (caller.operator) return true;
  const groups = caller.person?.groups ?? [];
  return access.groups.some((group) => groups.includes(group));
}
