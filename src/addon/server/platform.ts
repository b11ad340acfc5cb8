/**
 * The slice of Apps Script the add-on uses, as plain interfaces. Only entry.ts builds a Platform
 * from the real globals; every other module takes one as an argument, so it runs in unit tests and
 * in the emulator alike.
 */
import type { SigV4Crypto } from '../../sigv4/types';

export interface HttpRequestOptions {
  method: 'get' | 'post';
  headers: Record<string, string>;
  payload?: string;
  contentType?: string;
  muteHttpExceptions: true;
  followRedirects: false;
}

export interface HttpResponseLike {
  getResponseCode(): number;
  getContentText(): string;
  getHeaders(): Record<string, string>;
}

export interface HttpLike {
  // UrlFetchApp's fetch: synchronous, like everything in Apps Script.
  fetch: (url: string, options: HttpRequestOptions) => HttpResponseLike;
}

export interface CacheLike {
  get(key: string): string | null;
  getAll(keys: string[]): Record<string, string>;
  put(key: string, value: string, expirationInSeconds: number): void;
  putAll(values: Record<string, string>, expirationInSeconds: number): void;
  remove(key: string): void;
}

export interface PropertiesLike {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): void;
  deleteProperty(key: string): void;
}

export interface LockLike {
  tryLock(timeoutInMillis: number): boolean;
  releaseLock(): void;
}

export interface Platform {
  http: HttpLike;
  /** Shared by every user and document of the add-on: results are not personal. */
  cache: CacheLike;
  /** Admin settings (endpoint, key). */
  scriptProperties: PropertiesLike;
  /** Per-document state (the refresh epoch). */
  documentProperties: PropertiesLike;
  /** A short document lock, or null where there is none. */
  documentLock(): LockLike | null;
  /** Applies pending sheet writes (Apps Script batches them), e.g. before a lock is released. */
  flush(): void;
  crypto: SigV4Crypto;
  sleep(ms: number): void;
  now(): number;
  /** The spreadsheet's locale, e.g. 'ja_JP' (custom functions have no user identity). */
  locale(): string;
  /**
   * The user's OpenID Connect ID token (ScriptApp.getIdentityToken()), or null where there is none
   * (custom functions run without identity). Absent: no identity at all (unit tests).
   */
  identityToken?(): string | null;
  /** The calendar day (YYYY-MM-DD) of an instant in the spreadsheet's time zone. */
  dayOf(date: Date): string;
  /** The instant a calendar day starts in the spreadsheet's time zone, as a Date for a cell. */
  dateOfDay(day: string): Date;
}
