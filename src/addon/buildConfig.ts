/**
 * What `npm run build` bakes into the add-on, read from the environment and checked before anything
 * is built:
 * - SNAQ_ENDPOINT feeds the manifest's UrlFetch allowlist (manifest.ts);
 * - SNAQ_ADMINS names who may change the connection settings. Script properties are shared by
 *   every user of the add-on, so the list is fixed at build, never editable from a sheet.
 * A deployment (`npm run deploy`) refuses to build without both.
 */
import { allowlistEntry } from './manifest';

export interface AddonBuildConfig {
  endpoint?: string;
  /** Lowercased, without duplicates; empty means nobody can change the settings. */
  admins: string[];
}

export interface BuildPurpose {
  /** `npm run deploy`: a real add-on needs its endpoint allowlisted and its admins named. */
  deployment: boolean;
  /** The workbench's local user (`npm start`), added to the admins. */
  localAdmin?: string;
}

export class BuildConfigError extends Error {}

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** "a@x.jp, b@x.jp" (commas or spaces) → ['a@x.jp', 'b@x.jp']; anything that is not an address stops the build. */
export function parseAdmins(text: string | undefined): string[] {
  const entries = (text ?? '').split(/[,\s]+/).filter(Boolean);
  const invalid = entries.filter((entry) => !EMAIL.test(entry));
  if (invalid.length)
    throw new BuildConfigError(
      `SNAQ_ADMINS: ${invalid.map((entry) => `"${entry}"`).join(', ')} is not an email address (expected e.g. SNAQ_ADMINS=a@example.com,b@example.com).`,
    );
  return [...new Set(entries.map((entry) => entry.toLowerCase()))];
}

export function addonBuildConfig(env: Record<string, string | undefined>, purpose: BuildPurpose): AddonBuildConfig {
  const endpoint = env.SNAQ_ENDPOINT?.trim() || undefined;
  const admins = parseAdmins([env.SNAQ_ADMINS, purpose.localAdmin].filter(Boolean).join(','));
  if (purpose.deployment) {
    const missing = [
      ...(endpoint && allowlistEntry(endpoint) ? [] : ['SNAQ_ENDPOINT=https://… (the add-on may call only the endpoint its manifest allowlists)']),
      ...(admins.length ? [] : ['SNAQ_ADMINS=a@…,b@… (the people who may change the connection settings)']),
    ];
    if (missing.length) throw new BuildConfigError(`A deployment needs ${missing.join(' and ')}. Nothing was built or pushed.`);
  }
  return { ...(endpoint ? { endpoint } : {}), admins };
}
