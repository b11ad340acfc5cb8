/**
 * The only file in the browser that calls google.script.run. Each call becomes a Promise, typed
 * from the server's registry (RpcApi), so a renamed or retyped server function breaks the build.
 */
import type { RpcApi } from '../server/entryPoints';

type Handler = (value: unknown) => void;
interface ScriptRun {
  withSuccessHandler(handler: Handler): ScriptRun;
  withFailureHandler(handler: (error: Error) => void): ScriptRun;
  [name: string]: unknown;
}
declare const google: { script: { run: ScriptRun } };

export function callServer<K extends keyof RpcApi>(name: K, ...args: Parameters<RpcApi[K]>): Promise<ReturnType<RpcApi[K]>> {
  return new Promise((resolve, reject) => {
    const runner = google.script.run.withSuccessHandler(resolve as Handler).withFailureHandler(reject);
    (runner[name] as (...a: unknown[]) => void)(...args);
  });
}
