/**
 * The add-on's appsscript.json as pushed: the reviewed manifest at the repository root plus the
 * UrlFetch allowlist for the configured endpoint. Scopes are the fewest that work:
 * - spreadsheets: read and write the spreadsheet. `spreadsheets.currentonly` would do for menus,
 *   formulas and blocks, but the scheduled refresh runs in a time-driven trigger, where
 *   SpreadsheetApp.getActive() is not guaranteed in an add-on; opening the document by id needs
 *   the broader scope. That is the trade-off: a wider consent screen for refreshes that never
 *   silently stop;
 * - script.external_request: UrlFetchApp to the metrics endpoint;
 * - script.container.ui: the sidebar and the settings dialog;
 * - script.scriptapp: the one hourly trigger per document and user;
 * - userinfo.email: who is saving the connection settings, which only admins may change
 *   (script properties are shared by every user of the add-on).
 * Caches, properties, locks and Session's locale need none.
 */
export interface AppsScriptManifest {
  timeZone: string;
  runtimeVersion: string;
  exceptionLogging: string;
  oauthScopes: string[];
  urlFetchWhitelist?: string[];
  [key: string]: unknown;
}

/**
 * An allowlist entry is an https:// prefix with a non-empty path; the origin plus "/" covers every
 * route. Loopback http endpoints (the local stack) cannot be listed and need none in the emulator.
 */
export function allowlistEntry(endpoint: string): string | undefined {
  const match = /^https:\/\/([^/?#\s]+)/i.exec(endpoint.trim());
  return match ? `https://${match[1]!.toLowerCase()}/` : undefined;
}

export function addonManifest(base: AppsScriptManifest, endpoint: string | undefined): AppsScriptManifest {
  const entry = endpoint ? allowlistEntry(endpoint) : undefined;
  if (endpoint && !entry && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/i.test(`${endpoint}/`)) {
    throw new Error(`SNAQ_ENDPOINT must be an https:// URL (or loopback http for local use), not "${endpoint}".`);
  }
  return { ...base, ...(entry ? { urlFetchWhitelist: [entry] } : {}) };
}
