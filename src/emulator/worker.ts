/**
 * One execution: a fresh vm context with ECMAScript built-ins, console, Logger and the services;
 * load the bundle as a classic script; call the named top-level function; report the outcome to
 * the main thread. Started by worker.js (which registers tsx first).
 */
import { workerData } from 'node:worker_threads';
import { Charts } from './gas/charts';
import type { GasContext } from './gas/context';
import { HostObject } from './gas/hostObject';
import { HtmlService } from './gas/htmlService';
import { Console, Logger } from './gas/logging';
import { ScriptApp } from './gas/scriptApp';
import { Session } from './gas/session';
import { SpreadsheetApp } from './gas/spreadsheetApp';
import { CacheService, LockService, PropertiesService } from './gas/stores';
import { UrlFetchApp } from './gas/urlFetchApp';
import { Utilities } from './gas/utilities';
import { MSG, reportedError } from './messages';
import type { HostApi, Outcome, WorkerInput } from './protocol';
import { Sandbox } from './sandbox';
import { SyncRpcClient } from './syncRpc';

const input = workerData as WorkerInput;
const host = new SyncRpcClient<HostApi>(input.port, input.flag);

/** Host-realm data the main thread can receive (structured clone): Dates, arrays, plain objects. */
function cloneable(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value !== 'object') return value;
  if (depth > 64) return undefined;
  if (value instanceof HostObject) return value.gasClass;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => cloneable(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneable(v, depth + 1)]));
}

function thrown(error: unknown): Outcome {
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const e = error as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' ? e.name : 'Error';
    return { error: reportedError(name, String(e.message)), errorName: name };
  }
  return { error: String(error), errorName: typeof error };
}

async function execute(): Promise<Outcome> {
  const sandbox = new Sandbox();
  const ctx: GasContext = {
    input,
    host,
    sandbox,
    log: (level, message) => host.notify({ type: 'log', level, message }),
  };
  sandbox.define('console', new Console(ctx));
  sandbox.define('Logger', new Logger(ctx));
  sandbox.define('Utilities', new Utilities());
  sandbox.define('UrlFetchApp', new UrlFetchApp(ctx));
  sandbox.define('CacheService', new CacheService(ctx));
  sandbox.define('PropertiesService', new PropertiesService(ctx));
  sandbox.define('LockService', new LockService(ctx));
  sandbox.define('SpreadsheetApp', new SpreadsheetApp(ctx));
  sandbox.define('Charts', new Charts());
  sandbox.define('Session', new Session(ctx));
  sandbox.define('ScriptApp', new ScriptApp(ctx));
  sandbox.define('HtmlService', new HtmlService(ctx));

  try {
    sandbox.load(input.source, input.codePath);
    const functions = sandbox.topLevelFunctions();
    const wanted = input.caseInsensitive ? input.fn.toLowerCase() : input.fn;
    const name = functions.find((f) => (input.caseInsensitive ? f.toLowerCase() : f) === wanted);
    // Names ending in "_" are private: neither Sheets nor google.script.run can call them.
    const callable = name !== undefined && !(name.endsWith('_') && (input.mode === 'customFunction' || input.mode === 'rpc'));
    if (!callable) {
      return input.mode === 'customFunction'
        ? { error: MSG.unknownFunction(input.fn), errorName: 'UnknownFunction' }
        : { error: MSG.functionNotFound(input.fn), errorName: 'ScriptFunctionNotFound' };
    }
    const fn = sandbox.global()[name] as (...args: unknown[]) => unknown;
    let result = fn(...input.args.map((a) => sandbox.toVm(a)));
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      if (input.mode === 'customFunction') {
        return {
          error:
            'emulator: a custom function returned a Promise; whether Sheets awaits it is unverified (PLATFORM.md), so write custom functions synchronously',
          errorName: 'EmulatorError',
        };
      }
      result = await (result as Promise<unknown>);
    }
    return { value: cloneable(sandbox.fromVm(result)) };
  } catch (error) {
    return thrown(error);
  }
}

host.call('start');
void execute().then((outcome) => host.call('done', outcome));
