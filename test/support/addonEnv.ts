/** The built add-on in the Apps Script emulator, configured to call a local signed API. */
import path from 'node:path';
import { createAppsScriptEnv, type AppsScriptEnv, type WorkbookSpec } from '../../src/emulator';
import { DEV_CREDENTIALS } from '../../src/contract/devCredentials';

export const CODE_PATH = path.resolve(__dirname, '../../dist/addon/Code.js');

export function connectionProperties(endpoint: string, secret: string = DEV_CREDENTIALS.secretAccessKey): Record<string, string> {
  return {
    SNAQ_ENDPOINT: endpoint,
    SNAQ_REGION: 'ap-northeast-1',
    SNAQ_ACCESS_KEY_ID: DEV_CREDENTIALS.accessKeyId,
    SNAQ_SECRET_ACCESS_KEY: secret,
  };
}

export function addonEnv(options: {
  endpoint: string;
  secret?: string;
  workbook?: WorkbookSpec;
  locale?: string;
  /** The emulated person, and how their ID tokens are minted (e.g. the local API's issuer). */
  user?: string;
  identityTokenFor?: (email: string) => string | null;
}): Promise<AppsScriptEnv> {
  return createAppsScriptEnv({
    codePath: CODE_PATH,
    scriptProperties: connectionProperties(options.endpoint, options.secret),
    workbook: options.workbook ?? { timeZone: 'Asia/Tokyo', locale: options.locale ?? 'ja_JP', sheets: { Sheet1: [[null]] } },
    ...(options.user ? { user: { email: options.user } } : {}),
    ...(options.identityTokenFor ? { identityTokenFor: options.identityTokenFor } : {}),
  });
}

/** A Tokyo workbook whose Sheet1 is `rows` × `columns` empty cells (room for tables to spill). */
export function tokyoWorkbook(rows: number, columns: number): WorkbookSpec {
  return { timeZone: 'Asia/Tokyo', locale: 'ja_JP', sheets: { Sheet1: Array.from({ length: rows }, () => Array.from({ length: columns }, () => null)) } };
}

/** What a custom function's cell shows; throws the cell's error so a test fails with it. */
export async function cellValue(gas: AppsScriptEnv, fn: string, args: unknown[]): Promise<unknown> {
  const result = await gas.run(fn, args, { mode: 'customFunction' });
  if (result.error) throw new Error(`${fn} failed: ${result.error}`);
  return result.value;
}

/** Midnight JST of a calendar day: what a date cell holds in an Asia/Tokyo spreadsheet. */
export const jstDate = (day: string): Date => new Date(`${day}T00:00:00+09:00`);
