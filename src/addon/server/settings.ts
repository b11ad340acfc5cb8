/**
 * The connection settings an admin keeps in script properties. The secret is write-only: it is
 * never returned to the dialog, written to cells or document properties, or logged.
 */
import { DEFAULT_REGION } from '../../contract/devCredentials';
import type { Lang } from '../../contract/types';
import { say, UserFacingError } from './messages';
import type { PropertiesLike } from './platform';

export const SETTING_KEYS = {
  endpoint: 'SNAQ_ENDPOINT',
  region: 'SNAQ_REGION',
  accessKeyId: 'SNAQ_ACCESS_KEY_ID',
  secretAccessKey: 'SNAQ_SECRET_ACCESS_KEY',
  sessionToken: 'SNAQ_SESSION_TOKEN',
  /** Who may change the settings: script properties are shared by every user of the add-on. */
  admins: 'SNAQ_ADMINS',
} as const;

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
  /** Comma-separated emails of the people who may change the settings. */
  admins?: string;
}

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

function adminsOf(properties: PropertiesLike): string[] {
  return parseEmails(properties.getProperty(SETTING_KEYS.admins) ?? '');
}

function parseEmails(text: string): string[] {
  return [...new Set(text.split(/[,\s]+/).map((email) => email.trim().toLowerCase()).filter((email) => email.includes('@')))];
}

/** Until someone is named, the first person to save becomes the admin. */
function mayEdit(properties: PropertiesLike, user: string): boolean {
  const admins = adminsOf(properties);
  return Boolean(user) && (admins.length === 0 || admins.includes(user.toLowerCase()));
}

export function publicSettings(properties: PropertiesLike, user: string): PublicSettings {
  return {
    endpoint: properties.getProperty(SETTING_KEYS.endpoint) ?? '',
    region: properties.getProperty(SETTING_KEYS.region) || DEFAULT_REGION,
    accessKeyId: properties.getProperty(SETTING_KEYS.accessKeyId) ?? '',
    hasSecret: Boolean(properties.getProperty(SETTING_KEYS.secretAccessKey)),
    hasSessionToken: Boolean(properties.getProperty(SETTING_KEYS.sessionToken)),
    admins: adminsOf(properties),
    canEdit: mayEdit(properties, user),
  };
}

/** Endpoints must be https, except loopback for the local stack. */
export function isAllowedEndpoint(endpoint: string): boolean {
  return /^https:\/\/[^/\s]+(\/\S*)?$/i.test(endpoint) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/\S*)?$/i.test(endpoint);
}

export function saveSettings(properties: PropertiesLike, input: SettingsInput, lang: Lang, user: string): PublicSettings {
  if (!mayEdit(properties, user)) throw new UserFacingError(say(lang, 'settingsAdminOnly', { admins: adminsOf(properties).join(', ') }));
  const endpoint = String(input.endpoint ?? '').trim().replace(/\/+$/, '');
  const accessKeyId = String(input.accessKeyId ?? '').trim();
  const secret = String(input.secretAccessKey ?? '').trim();
  if (!isAllowedEndpoint(endpoint)) throw new UserFacingError(say(lang, 'endpointInvalid'));
  if (!accessKeyId || (!secret && !properties.getProperty(SETTING_KEYS.secretAccessKey))) throw new UserFacingError(say(lang, 'keyRequired'));
  properties.setProperty(SETTING_KEYS.endpoint, endpoint);
  properties.setProperty(SETTING_KEYS.region, String(input.region ?? '').trim() || DEFAULT_REGION);
  properties.setProperty(SETTING_KEYS.accessKeyId, accessKeyId);
  if (secret) properties.setProperty(SETTING_KEYS.secretAccessKey, secret);
  const token = String(input.sessionToken ?? '').trim();
  if (token) properties.setProperty(SETTING_KEYS.sessionToken, token);
  else if (input.clearSessionToken) properties.deleteProperty(SETTING_KEYS.sessionToken);
  // The saver always stays an admin, so nobody can lock everyone out.
  const admins = parseEmails(`${input.admins ?? adminsOf(properties).join(',')},${user}`);
  properties.setProperty(SETTING_KEYS.admins, admins.join(','));
  return publicSettings(properties, user);
}
