/** What every worker-side service object needs: the mode, the sync RPC to the main thread, the sandbox. */
import { GasException, MSG } from '../messages';
import type { HostApi, WorkerInput } from '../protocol';
import { HostObject } from './hostObject';
import type { Sandbox } from '../sandbox';
import type { SyncRpcClient } from '../syncRpc';

export interface GasContext {
  readonly input: WorkerInput;
  readonly host: SyncRpcClient<HostApi>;
  readonly sandbox: Sandbox;
  log(level: string, message: string): void;
}

/** Custom functions may not call anything but UrlFetch, Cache, Lock, Properties, Utilities and Spreadsheet reads. */
export function forbidInCustomFunction(ctx: GasContext, what: string): void {
  if (ctx.input.mode === 'customFunction') throw new GasException(MSG.permission(what));
}

/** Apps Script's description of argument types in "The parameters (…) don't match…". */
export function describeTypes(args: unknown[]): string {
  return args
    .map((a) => {
      if (a === null) return 'null';
      if (a === undefined) return 'undefined';
      if (Array.isArray(a)) return a.every((x) => typeof x === 'number') ? 'number[]' : 'Object[]';
      if (a instanceof Date) return 'Date';
      if (typeof a === 'string') return 'String';
      if (typeof a === 'object') {
        if (a instanceof HostObject) return a._typeName();
        return 'Object';
      }
      return typeof a;
    })
    .join(',');
}

export function mismatch(method: string, args: unknown[]): GasException {
  return new GasException(MSG.parameters(describeTypes(args), method));
}
