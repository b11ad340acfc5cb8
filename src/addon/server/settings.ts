/**
 * The connection settings an admin keeps in script properties. The secret is write-only: it is
 * never returned to the dialog, written to cells or document properties, or logged. Who is an
 * admin is fixed when the add-on is built (SNAQ_ADMINS, src/addon/buildConfig.ts): script
 * properties are shared by every user, so nobody can name themselves from a sheet.
 */
import { DEFAULT_REGION } from '../../contract/devCredentials';
import type { Lang } from '../../contract/types';
import { say, UserFacingError } from './messages';
import type { LockLike, PropertiesLike } from './platform';

export const SETTING_KEYS = {
  endpoint: 'SNAQ_ENDPOINT',
  region: 'SNAQ_REGION',
  accessKeyId: 'SNAQ_ACCESS_KEY_ID',
  secretAccessKey: 'SNAQ_SECRET_ACCESS_KEY',
  sessionToken: 'SNAQ_SESSION_TOKEN',
} as const;

/** Script properties, which can be written all at once. */
export interface ScriptPropertiesLike extends PropertiesLike {
  setProperties(properties: Record<string, string>): unknown;
}

/** Who is asking, and what they may touch. */
export interface SettingsAccess {
  properties: ScriptPropertiesLike;
  /** The script lock: every user and document shares the script properties. */
  scriptLock(): LockLike;
  /** Fixed at build; empty means nobody may save. */
  admins: readonly string[];
  /** The person asking ('' when Google does not say). */
  user: string;
  lang: Lang;
}

export interface ConnectionSettings {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What the settings dialog may see. */
export interface PublicSettings {
  endpoint: string;
  region: string;
  accessKeyId: string;
  hasSecret: boolean;
  hasSessionToken: boolean;
  /** Named at build (SNAQ_ADMINS); shown, never edited. */
  admins: string[];
  /** Whether the person looking may save. */
  canEdit: boolean;
}

/** What the settings dialog sends; an empty secret or token keeps the stored one. */
export interface SettingsInput {
  endpoint: string;
  region?: string;
  accessKeyId: string;
  secretAccessKey?: string;
  sessionToken?: string;
  clearSessionToken?: boolean;
}

// Waiting counts against the execution; another admin's save takes milliseconds.
const SAVE_LOCK_WAIT_MS = 5_000;

export function readSettings(properties: PropertiesLike, lang: Lang): ConnectionSettings {
  const endpoint = properties.getProperty(SETTING_KEYS.endpoint);
  const accessKeyId = properties.getProperty(SETTING_KEYS.accessKeyId);
  const secretAccessKey = properties.getProperty(SETTING_KEYS.secretAccessKey);
  if (!endpoint || !accessKeyId || !secretAccessKey) throw new UserFacingError(say(lang, 'notConfigured'));
  const sessionToken = properties.getProperty(SETTING_KEYS.sessionToken) || undefined;
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    region: properties.getProperty(SETTING_KEYS.region) || DEFAULT_REGION,
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
  };
}

function mayEdit(access: Pick<SettingsAccess, 'admins' | 'user'>): boolean {
  return Boolean(access.user) && access.admins.includes(access.user.toLowerCase());
}

export function publicSettings(access: Pick<SettingsAccess, 'admins' | 'user'> & { properties: PropertiesLike }): PublicSettings {
  const { properties } = access;
  return {
    endpoint: properties.getProperty(SETTING_KEYS.endpoint) ?? '',
    region: properties.getProperty(SETTING_KEYS.region) || DEFAULT_REGION,
    accessKeyId: properties.getProperty(SETTING_KEYS.accessKeyId) ?? '',
    hasSecret: Boolean(properties.getProperty(SETTING_KEYS.secretAccessKey)),
    hasSessionToken: Boolean(properties.getProperty(SETTING_KEYS.sessionToken)),
    admins: [...access.admins],
    canEdit: mayEdit(access),
  };
}

/** Endpoints must be https, except loopback for the local stack. */
export function isAllowedEndpoint(endpoint: string): boolean {
  return /^https:\/\/[^/\s]+(\/\S*)?$/i.test(endpoint) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/\S*)?$/i.test(endpoint);
}

/**
 * Checks the form, then writes every key in one setProperties call under the script lock, so a
 * reader never sees half of one save and two admins' saves never mix.
 */
export function saveSettings(access: SettingsAccess, input: SettingsInput): PublicSettings {
  const { properties, lang } = access;
  if (!access.admins.length) throw new UserFacingError(say(lang, 'settingsNoAdmins'));
  if (!mayEdit(access)) throw new UserFacingError(say(lang, 'settingsAdminOnly', { admins: access.admins.join(', ') }));
  const endpoint = String(input.endpoint ?? '')
    .trim()
    .replace(/\/+$/, '');
  const accessKeyId = String(input.accessKeyId ?? '').trim();
  const secret = String(input.secretAccessKey ?? '').trim();
  const token = String(input.sessionToken ?? '').trim();
  if (!isAllowedEndpoint(endpoint)) throw new UserFacingError(say(lang, 'endpointInvalid'));
  const lock = access.scriptLock();
  if (!lock.tryLock(SAVE_LOCK_WAIT_MS)) throw new UserFacingError(say(lang, 'settingsBusy'));
  try {
    // Read under the lock: an empty secret keeps the stored one, which another save may have just changed.
    if (!accessKeyId || (!secret && !properties.getProperty(SETTING_KEYS.secretAccessKey))) throw new UserFacingError(say(lang, 'keyRequired'));
    properties.setProperties({
      [SETTING_KEYS.endpoint]: endpoint,
      [SETTING_KEYS.region]: String(input.region ?? '').trim() || DEFAULT_REGION,
      [SETTING_KEYS.accessKeyId]: accessKeyId,
      ...(secret ? { [SETTING_KEYS.secretAccessKey]: secret } : {}),
      // An empty token reads as none (readSettings), so clearing it needs no second call.
      ...(token || input.clearSessionToken ? { [SETTING_KEYS.sessionToken]: token } : {}),
    });
  } finally {
    lock.releaseLock();
  }
  return publicSettings(access);
}
