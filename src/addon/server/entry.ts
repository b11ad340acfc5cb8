/// <reference types="google-apps-script" />
/**
 * The only file that touches Apps Script globals. It builds a Platform from them and implements
 * every entry point in the registry; the build turns the registry into top-level functions that
 * call `SnaqAddon.<name>`.
 */
import { BUNDLE_GLOBAL } from './bundleGlobal';
import type { EntryPointName, RpcApi } from './entryPoints';
import { appsScriptCrypto } from './appsScriptCrypto';
import { testConnection } from './connection';
import { snaqFreshness, snaqMetric, snaqMetrics, snaqValue } from './customFunctions';
import { buildMenu, refreshSnaqFormulas } from './menu';
import { langOfLocale, say, UserFacingError } from './messages';
import type { Platform } from './platform';
import { publicSettings, saveSettings, type SettingsInput } from './settings';

function dayOf(date: Date): string {
  return Utilities.formatDate(date, SpreadsheetApp.getActive().getSpreadsheetTimeZone(), 'yyyy-MM-dd');
}

/** Midnight of a calendar day in the spreadsheet's time zone, so the cell shows that day. */
function dateOfDay(day: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const noon = new Date(Date.UTC(year, month - 1, date, 12));
  const offset = Utilities.formatDate(noon, SpreadsheetApp.getActive().getSpreadsheetTimeZone(), 'Z'); // e.g. +0900
  const minutes = (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
  return new Date(Date.UTC(year, month - 1, date) - minutes * 60_000);
}

function platform(): Platform {
  return {
    http: UrlFetchApp as unknown as Platform['http'],
    cache: CacheService.getScriptCache() as unknown as Platform['cache'],
    scriptProperties: PropertiesService.getScriptProperties(),
    documentProperties: PropertiesService.getDocumentProperties(),
    documentLock: () => LockService.getDocumentLock(),
    crypto: appsScriptCrypto(Utilities as unknown as Parameters<typeof appsScriptCrypto>[0]),
    sleep: (ms) => Utilities.sleep(ms),
    now: () => Date.now(),
    // Custom functions have no user identity, so the spreadsheet's locale decides the language.
    locale: () => SpreadsheetApp.getActive().getSpreadsheetLocale(),
    dayOf,
    dateOfDay,
  };
}

/** A custom function's error shows in the cell: keep it to the one sentence meant for people. */
function inCell<A extends unknown[], R>(run: (p: Platform, ...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    try {
      return run(platform(), ...args);
    } catch (error) {
      if (error instanceof UserFacingError) throw new Error(error.message);
      console.error(error);
      const lang = langOfLocale(SpreadsheetApp.getActive().getSpreadsheetLocale());
      throw new Error(say(lang, 'unexpectedResponse', { status: '—' }));
    }
  };
}

function userLang() {
  return langOfLocale(Session.getActiveUserLocale());
}

function showHtml(file: string, title: string, asSidebar: boolean): void {
  const html = HtmlService.createHtmlOutputFromFile(file).setTitle(title).setWidth(asSidebar ? 300 : 440).setHeight(520);
  if (asSidebar) SpreadsheetApp.getUi().showSidebar(html);
  else SpreadsheetApp.getUi().showModalDialog(html, title);
}

const implementations: Record<Exclude<EntryPointName, keyof RpcApi>, (...args: never[]) => unknown> & RpcApi = {
  SNAQ_METRIC: inCell(snaqMetric),
  SNAQ_VALUE: inCell(snaqValue),
  SNAQ_METRICS: inCell(snaqMetrics),
  SNAQ_FRESHNESS: inCell(snaqFreshness),
  onOpen: () => buildMenu(SpreadsheetApp.getUi().createAddonMenu(), userLang()),
  onInstall: () => buildMenu(SpreadsheetApp.getUi().createAddonMenu(), userLang()),
  snaqOpenSidebar: () => showHtml('Sidebar', 'SNAQ', true),
  snaqOpenSettings: () => showHtml('Settings', say(userLang(), 'settingsTitle'), false),
  snaqAbout: () => SpreadsheetApp.getUi().alert(say(userLang(), 'about')),
  snaqRefreshFormulas: () => {
    const count = refreshSnaqFormulas(
      SpreadsheetApp.getActive().getSheets(),
      PropertiesService.getDocumentProperties(),
      () => SpreadsheetApp.flush(),
      Date.now(),
    );
    SpreadsheetApp.getUi().alert(say(userLang(), 'refreshed', { count }));
    return count;
  },
  snaqGetSettings: () => publicSettings(PropertiesService.getScriptProperties()),
  snaqSaveSettings: (input: SettingsInput) => saveSettings(PropertiesService.getScriptProperties(), input, userLang()),
  snaqTestConnection: () => testConnection(platform(), userLang()),
};

// The Record type above makes a missing implementation a compile error; stubs call through this.
(globalThis as unknown as Record<string, unknown>)[BUNDLE_GLOBAL] = implementations;
