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
import { snaqAnomalies, snaqForecast } from './forecastFunctions';
import { buildMenu, refreshSnaqFormulas } from './menu';
import { langOfLocale, say, UserFacingError } from './messages';
import type { Platform } from './platform';
import { publicSettings, saveSettings, type SettingsAccess, type SettingsInput } from './settings';
import type { Lang } from '../../contract/types';
import { locateBlocks } from './blocks/blockLocator';
import { editBlock, insertBlock, listBlocks, refreshBlock, type BlockContext } from './blocks/blockService';
import type { BlockQuery } from './blocks/blockSpec';
import type { SheetLike, SpreadsheetLike } from './blocks/sheetTypes';
import { formulaFor } from './formulaText';
import { insertDashboard } from './dashboard';
import { runScheduledRefresh, saveSchedule, scheduleView, validSchedule, type Schedule } from './schedule';
import { dataHealth, dimensionValues, listMetricsFor, metricDetail, pollQuery, preview } from './sidebarQueries';

type Spreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;

/** Who may change the connection settings: replaced by the build with SNAQ_ADMINS (esbuild.config.ts). */
declare const SNAQ_BUILD_ADMINS: readonly string[];

/** Midnight of a calendar day in the spreadsheet's time zone, so the cell shows that day. */
function dateOfDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const noon = new Date(Date.UTC(year, month - 1, date, 12));
  const offset = Utilities.formatDate(noon, timeZone, 'Z'); // e.g. +0900
  const minutes = (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
  return new Date(Date.UTC(year, month - 1, date) - minutes * 60_000);
}

/** The spreadsheet this execution works on; a time-driven trigger may have to open it by id. */
function platform(spreadsheet: Spreadsheet = SpreadsheetApp.getActive()): Platform {
  const timeZone = spreadsheet.getSpreadsheetTimeZone();
  return {
    http: UrlFetchApp as unknown as Platform['http'],
    cache: CacheService.getScriptCache() as unknown as Platform['cache'],
    scriptProperties: PropertiesService.getScriptProperties(),
    documentProperties: PropertiesService.getDocumentProperties(),
    documentLock: () => LockService.getDocumentLock(),
    flush: () => SpreadsheetApp.flush(),
    crypto: appsScriptCrypto(Utilities as unknown as Parameters<typeof appsScriptCrypto>[0]),
    sleep: (ms) => Utilities.sleep(ms),
    now: () => Date.now(),
    // Custom functions have no user identity, so the spreadsheet's locale decides the language.
    locale: () => spreadsheet.getSpreadsheetLocale(),
    dayOf: (date) => Utilities.formatDate(date, timeZone, 'yyyy-MM-dd'),
    dateOfDay: (day) => dateOfDay(day, timeZone),
    // The person (menus, the sidebar, triggers: the trigger's owner); null in custom functions.
    identityToken: () => {
      try {
        return ScriptApp.getIdentityToken() || null;
      } catch {
        return null;
      }
    },
  };
}

const sheets = (spreadsheet: Spreadsheet = SpreadsheetApp.getActive()) => spreadsheet as unknown as SpreadsheetLike;

function blockContext(by: BlockContext['by']): BlockContext {
  return { platform: platform(), spreadsheet: sheets(), lang: userLang(), by, deadline: Date.now() + 25_000 };
}

/** Where a block or formula goes: the selected cell (A1 of the active sheet when nothing is selected). */
function currentCell(): GoogleAppsScript.Spreadsheet.Range {
  const spreadsheet = SpreadsheetApp.getActive();
  return spreadsheet.getCurrentCell() ?? spreadsheet.getActiveSheet().getRange(1, 1);
}

const TRIGGER_HANDLER = 'snaqScheduledRefresh';
const triggerDocumentKey = (uid: string) => `SNAQ_TRIGGER_${uid}`;

/** Exactly one hourly trigger per document and user while a schedule is set; none otherwise. */
function syncTrigger(enabled: boolean): void {
  const spreadsheet = SpreadsheetApp.getActive();
  const mine = ScriptApp.getUserTriggers(spreadsheet).filter((trigger) => trigger.getHandlerFunction() === TRIGGER_HANDLER);
  for (const extra of enabled ? mine.slice(1) : mine) {
    PropertiesService.getUserProperties().deleteProperty(triggerDocumentKey(extra.getUniqueId()));
    ScriptApp.deleteTrigger(extra);
  }
  if (enabled && mine.length === 0) {
    const trigger = ScriptApp.newTrigger(TRIGGER_HANDLER).timeBased().everyHours(1).create();
    // Remembered because SpreadsheetApp.getActive() in an add-on's time trigger is not guaranteed.
    PropertiesService.getUserProperties().setProperty(triggerDocumentKey(trigger.getUniqueId()), spreadsheet.getId());
  }
}

function refreshFormulasIn(spreadsheet: Spreadsheet): number {
  return refreshSnaqFormulas(spreadsheet.getSheets(), PropertiesService.getDocumentProperties(), () => SpreadsheetApp.flush(), Date.now());
}

/** A custom function's error shows in the cell: keep it to the one sentence meant for people. */
function inCell<A extends unknown[], R>(run: (p: Platform, ...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    let sentence: string;
    try {
      return run(platform(), ...args);
    } catch (error) {
      // The cell shows only the sentence meant for people; anything else goes to the log whole.
      if (error instanceof UserFacingError) {
        sentence = error.message;
      } else {
        console.error(error);
        sentence = say(langOfLocale(SpreadsheetApp.getActive().getSpreadsheetLocale()), 'unexpectedResponse', { status: '—' });
      }
    }
    throw new Error(sentence);
  };
}

/** Who is saving settings (needs the userinfo.email scope; '' when Google does not say). */
function userEmail(): string {
  return Session.getEffectiveUser().getEmail() || Session.getActiveUser().getEmail() || '';
}

/** The script lock only around a settings save: held for every user, so never around anything slow. */
function settingsAccess(): SettingsAccess {
  return {
    properties: PropertiesService.getScriptProperties(),
    scriptLock: () => LockService.getScriptLock(),
    admins: SNAQ_BUILD_ADMINS,
    user: userEmail(),
    lang: userLang(),
  };
}

function userLang(): Lang {
  return langOfLocale(Session.getActiveUserLocale());
}

function showHtml(file: string, title: string, asSidebar: boolean): void {
  const html = HtmlService.createHtmlOutputFromFile(file)
    .setTitle(title)
    .setWidth(asSidebar ? 300 : 440)
    .setHeight(520);
  if (asSidebar) SpreadsheetApp.getUi().showSidebar(html);
  else SpreadsheetApp.getUi().showModalDialog(html, title);
}

const implementations: Record<Exclude<EntryPointName, keyof RpcApi>, (...args: never[]) => unknown> & RpcApi = {
  SNAQ_METRIC: inCell(snaqMetric),
  SNAQ_VALUE: inCell(snaqValue),
  SNAQ_FORECAST: inCell(snaqForecast),
  SNAQ_ANOMALIES: inCell(snaqAnomalies),
  SNAQ_METRICS: inCell(snaqMetrics),
  SNAQ_FRESHNESS: inCell(snaqFreshness),
  onOpen: () => buildMenu(SpreadsheetApp.getUi().createAddonMenu(), userLang()),
  onInstall: () => buildMenu(SpreadsheetApp.getUi().createAddonMenu(), userLang()),
  snaqOpenSidebar: () => showHtml('Sidebar', 'SNAQ', true),
  snaqOpenSettings: () => showHtml('Settings', say(userLang(), 'settingsTitle'), false),
  snaqAbout: () => SpreadsheetApp.getUi().alert(say(userLang(), 'about')),
  snaqRefreshFormulas: () => {
    const count = refreshFormulasIn(SpreadsheetApp.getActive());
    SpreadsheetApp.getUi().alert(say(userLang(), 'refreshed', { count }));
    return count;
  },
  snaqInsertDashboard: () => {
    const outcome = insertDashboard(blockContext('manual'));
    // The sidebar offers the weekly refresh (schedule.ts) and lists the new blocks.
    showHtml('Sidebar', 'SNAQ', true);
    if (outcome.failed.length) SpreadsheetApp.getUi().alert(outcome.failed.join('\n'));
    return outcome;
  },
  snaqScheduledRefresh: (event: { triggerUid?: string }) => {
    const started = Date.now();
    const id = event?.triggerUid ? PropertiesService.getUserProperties().getProperty(triggerDocumentKey(event.triggerUid)) : null;
    const spreadsheet = SpreadsheetApp.getActive() ?? (id ? SpreadsheetApp.openById(id) : null);
    if (!spreadsheet) return null;
    const context = { platform: platform(spreadsheet), spreadsheet: sheets(spreadsheet), lang: langOfLocale(spreadsheet.getSpreadsheetLocale()) };
    // The trigger's id marks the run: two editors' triggers may fire at once (schedule.ts).
    return runScheduledRefresh(context, () => refreshFormulasIn(spreadsheet), started, event?.triggerUid ?? `run-${started}-${Math.random()}`);
  },
  snaqListMetrics: (search?: string) => listMetricsFor(platform(), userLang(), search),
  snaqMetricDetail: (name: string) => metricDetail(platform(), userLang(), name),
  snaqDataHealth: () => dataHealth(platform(), userLang()),
  snaqDimensionValues: (metric: string, dimension: string) => dimensionValues(platform(), userLang(), metric, dimension),
  snaqPreview: (query: BlockQuery) => preview(platform(), userLang(), sheets(), query),
  snaqPollQuery: (queryId: string) => pollQuery(platform(), userLang(), queryId),
  snaqInsertBlock: (query: BlockQuery) => {
    const cell = currentCell();
    return insertBlock(blockContext('manual'), cell.getSheet() as unknown as SheetLike, cell.getRow(), cell.getColumn(), query);
  },
  snaqInsertFormula: (query: BlockQuery) => {
    const formula = formulaFor(query);
    currentCell().setFormula(formula);
    return formula;
  },
  snaqListBlocks: () => listBlocks(platform(), sheets(), userLang()),
  snaqRefreshBlock: (id: string) => refreshBlock(blockContext('manual'), id),
  snaqEditBlock: (id: string, query: BlockQuery) => editBlock(blockContext('manual'), id, query),
  snaqGoToBlock: (id: string) => {
    const block = locateBlocks(sheets()).blocks.find((candidate) => candidate.spec.id === id);
    if (!block) throw new Error(say(userLang(), 'blockNotFound'));
    return block.sheet.getRange(block.row, block.column, block.spec.rows, block.spec.columns).activate().getA1Notation();
  },
  snaqGetSchedule: () => scheduleView(PropertiesService.getDocumentProperties(), Date.now(), userLang()),
  snaqSetSchedule: (schedule: Schedule | null) => {
    const valid = schedule === null ? null : validSchedule(schedule, userLang());
    saveSchedule(PropertiesService.getDocumentProperties(), valid, Date.now());
    syncTrigger(valid !== null);
    return scheduleView(PropertiesService.getDocumentProperties(), Date.now(), userLang());
  },
  snaqGetSettings: () => publicSettings(settingsAccess()),
  snaqSaveSettings: (input: SettingsInput) => saveSettings(settingsAccess(), input),
  snaqTestConnection: () => testConnection(platform(), userLang()),
};

// The Record type above makes a missing implementation a compile error; stubs call through this.
(globalThis as unknown as Record<string, unknown>)[BUNDLE_GLOBAL] = implementations;
