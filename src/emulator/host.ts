/** The main thread's side of every HostApi call: routes it to the shared state (services/*). */
import type { ExecutionRecord } from './executor';
import type { HostApi, Scope } from './protocol';
import type { CacheStore } from './services/cache';
import type { LockManager } from './services/lock';
import type { PropertyStore } from './services/properties';
import type { Workbook } from './services/spreadsheet';
import type { TriggerRegistry } from './services/triggers';
import type { UiRecorder } from './services/ui';
import type { UrlFetchService } from './services/urlFetch';

export interface SharedState {
  caches: Record<Scope, CacheStore>;
  properties: Record<Scope, PropertyStore>;
  /** Document and user locks; the script lock is `scriptLock`, which other documents may share. */
  locks: LockManager;
  scriptLock: LockManager;
  urlFetch: UrlFetchService;
  workbook: Workbook;
  ui: UiRecorder;
  triggers: TriggerRegistry;
}

type Handlers = {
  [K in Exclude<keyof HostApi, 'start' | 'done'>]: (
    exec: ExecutionRecord,
    ...args: Parameters<HostApi[K]>
  ) => ReturnType<HostApi[K]> | Promise<ReturnType<HostApi[K]>>;
};

export function createDispatch(state: SharedState): (exec: ExecutionRecord, method: string, args: unknown[]) => unknown {
  const locks = (scope: Scope) => (scope === 'script' ? state.scriptLock : state.locks);
  const handlers: Handlers = {
    cacheGet: (_e, scope, keys) => state.caches[scope].get(keys),
    cachePut: (_e, scope, entries, ttl) => state.caches[scope].put(entries, ttl),
    cacheRemove: (_e, scope, keys) => state.caches[scope].remove(keys),
    propsGet: (_e, scope) => state.properties[scope].entries(),
    propsSet: (_e, scope, entries, deleteAllOthers) => state.properties[scope].set(entries, deleteAllOthers),
    propsDelete: (_e, scope, keys) => state.properties[scope].delete(keys),
    lockAcquire: (e, scope, timeoutMs) => locks(scope).acquire(scope, e.id, timeoutMs),
    lockRelease: (e, scope) => locks(scope).release(scope, e.id),
    urlFetch: (e, requests) => state.urlFetch.fetchAll(requests, e.id),
    spreadsheet: () => state.workbook.info(),
    insertSheet: (_e, name) => state.workbook.insertSheet(name),
    sheetExtent: (_e, sheet) => state.workbook.sheet(sheet).extent(),
    rangeRead: (_e, sheet, box, kind) => state.workbook.read(sheet, box, kind),
    rangeWrite: (_e, sheet, box, op) => state.workbook.write(sheet, box, op),
    flush: () => undefined,
    sheetInfo: (_e, sheet) => state.workbook.sheet(sheet).info(),
    sheetDimension: (_e, sheet, op) => state.workbook.dimension(sheet, op),
    sheetFreeze: (_e, sheet, dimension, count) => state.workbook.freeze(sheet, dimension, count),
    selectionGet: () => state.workbook.selection(),
    selectionSet: (_e, sheet, box, current) => state.workbook.select(sheet, box, current),
    metadataAdd: (_e, target, key, value, visibility) => state.workbook.metadataAdd(target, key, value, visibility),
    metadataFind: (_e, query) => state.workbook.metadataFind(query),
    metadataGet: (_e, id) => state.workbook.metadataGet(id),
    metadataUpdate: (_e, id, patch) => state.workbook.metadataUpdate(id, patch),
    metadataRemove: (_e, id) => state.workbook.metadataRemove(id),
    chartList: (_e, sheet) => state.workbook.chartList(sheet),
    chartInsert: (_e, sheet, spec) => state.workbook.chartInsert(sheet, spec),
    chartUpdate: (_e, sheet, chartId, spec) => state.workbook.chartUpdate(sheet, chartId, spec),
    chartRemove: (_e, sheet, chartId) => state.workbook.chartRemove(sheet, chartId),
    uiAddMenu: (_e, menu) => state.ui.addMenu(menu),
    uiShow: (_e, shown) => state.ui.show(shown),
    uiAlert: (_e, alert) => state.ui.alert(alert),
    uiPrompt: (_e, alert) => state.ui.prompt(alert),
    triggerList: (_e, documentId) => state.triggers.listMine(documentId),
    triggerCreate: (_e, spec) => state.triggers.create(spec),
    triggerDelete: (_e, uid) => state.triggers.delete(uid),
  };
  return (exec, method, args) => {
    const handler = (handlers as unknown as Record<string, ((exec: ExecutionRecord, ...a: unknown[]) => unknown) | undefined>)[method];
    if (!handler) throw new Error(`emulator: unknown host method ${method}`);
    return handler(exec, ...args);
  };
}
