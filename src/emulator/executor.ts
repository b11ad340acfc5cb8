/**
 * Runs executions: one Worker each, answering its synchronous calls, enforcing the wall-time limit
 * (30 s for a custom function, 6 min for anything else; the worker is terminated and the run ends
 * with "Exceeded maximum execution time") and the
 * per-user concurrency limits (30 custom functions, 10 google.script.run calls). Counts how many
 * executions run at once, as the main thread sees it.
 */
import { Worker, MessageChannel } from 'node:worker_threads';
import { CUSTOM_FUNCTION_CONCURRENCY, SCRIPT_RUN_CONCURRENCY } from './limits';
import { MSG } from './messages';
import type { CallerCell, ExecutionMode, Outcome, WorkerInput } from './protocol';
import { Semaphore } from './semaphore';
import { serveSyncRpc } from './syncRpc';
import { workerScript, type WorkerLoader } from './workerScript';

export interface RunResult {
  value?: unknown;
  error?: string;
  /** The thrown value's `name` (e.g. 'ReferenceError', 'Exception', 'Timeout'). */
  errorName?: string;
  /** Wall time of the execution from the worker's start (loading the bundle included), in ms. */
  elapsedMs: number;
  /** console/Logger lines of this execution. */
  logs: string[];
  execution: number;
}

export interface ExecutionRecord {
  id: number;
  mode: ExecutionMode;
  fn: string;
}

export type Dispatch = (execution: ExecutionRecord, method: string, args: unknown[]) => unknown;

export interface ExecutorOptions {
  /** Custom functions' wall-time limit. */
  executionLimitMs: number;
  /** Every other execution's (menu, rpc, trigger). */
  otherExecutionLimitMs: number;
  workerLoader: WorkerLoader;
  base: Omit<WorkerInput, 'execution' | 'mode' | 'fn' | 'caseInsensitive' | 'args' | 'port' | 'flag' | 'caller' | 'identityToken'>;
  /** The emulated user's ID token, minted per execution (tokens expire); none in custom functions. */
  identityTokenFor?: (email: string) => string | null;
  dispatch: Dispatch;
  onEnd: (execution: ExecutionRecord) => void;
}

export interface ConcurrencyStats {
  running: number;
  maxRunning: number;
  maxByMode: Record<ExecutionMode, number>;
  runningByMode: Record<ExecutionMode, number>;
}

/** A worker that has not even started its bundle after this long is reported as an emulator failure. */
const START_LIMIT_MS = 120_000;

/** Rebuilds values with this realm's constructors (under jest, the test's realm differs from Node's). */
export function hostValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Object.prototype.toString.call(value) === '[object Date]') return new Date((value as Date).getTime());
  if (Array.isArray(value)) return Array.from(value as unknown[], hostValue);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hostValue(v)]));
}

/** Execution ids are unique in the process: documents sharing one script lock must never look alike. */
let executionSeq = 0;

export class Executor {
  private closed = false;
  private readonly workers = new Set<Worker>();
  private readonly limits: Partial<Record<ExecutionMode, Semaphore>> = {
    customFunction: new Semaphore(CUSTOM_FUNCTION_CONCURRENCY),
    rpc: new Semaphore(SCRIPT_RUN_CONCURRENCY),
  };
  readonly stats: ConcurrencyStats = {
    running: 0,
    maxRunning: 0,
    maxByMode: { customFunction: 0, menu: 0, trigger: 0, rpc: 0 },
    runningByMode: { customFunction: 0, menu: 0, trigger: 0, rpc: 0 },
  };
  readonly logs: Array<{ execution: number; fn: string; level: string; message: string }> = [];

  constructor(private readonly options: ExecutorOptions) {}

  /** `caller`: the formula cell a custom function runs for (its getActiveRange()). */
  async run(fn: string, args: unknown[], mode: ExecutionMode, caseInsensitive = false, caller?: CallerCell): Promise<RunResult> {
    if (this.closed) throw new Error('The Apps Script environment is closed');
    const limit = this.limits[mode];
    if (!limit) return this.spawn(fn, args, mode, caseInsensitive, caller);
    return limit.use(() => this.spawn(fn, args, mode, caseInsensitive, caller));
  }

  resetStats(): void {
    this.stats.maxRunning = this.stats.running;
    for (const mode of Object.keys(this.stats.maxByMode) as ExecutionMode[]) this.stats.maxByMode[mode] = this.stats.runningByMode[mode];
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }

  private spawn(fn: string, args: unknown[], mode: ExecutionMode, caseInsensitive: boolean, caller: CallerCell | undefined): Promise<RunResult> {
    if (this.closed)
      return Promise.resolve({ error: 'emulator: the environment was closed', errorName: 'EmulatorError', elapsedMs: 0, logs: [], execution: 0 });
    const execution: ExecutionRecord = { id: ++executionSeq, mode, fn };
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    const input: WorkerInput = { ...this.options.base, execution: execution.id, mode, fn, caseInsensitive, args, port: port2, flag };
    if (caller) input.caller = caller;
    // Custom functions run without authorization: Apps Script gives them no identity.
    input.identityToken = mode === 'customFunction' ? null : (this.options.identityTokenFor?.(input.session.email) ?? null);
    const limitMs = mode === 'customFunction' ? this.options.executionLimitMs : this.options.otherExecutionLimitMs;
    const logs: string[] = [];

    this.stats.running += 1;
    this.stats.runningByMode[mode] += 1;
    this.stats.maxRunning = Math.max(this.stats.maxRunning, this.stats.running);
    this.stats.maxByMode[mode] = Math.max(this.stats.maxByMode[mode], this.stats.runningByMode[mode]);

    return new Promise<RunResult>((resolve) => {
      let startedAt: number | undefined;
      let finished = false;
      let limitTimer: NodeJS.Timeout | undefined;
      const script = workerScript(this.options.workerLoader);
      const worker = new Worker(script.filename, { eval: script.eval, workerData: input, transferList: [port2], stdout: false, stderr: false });
      this.workers.add(worker);
      const startTimer = setTimeout(() => finish({ error: 'emulator: the worker did not start', errorName: 'EmulatorError' }), START_LIMIT_MS);

      const finish = (outcome: Outcome) => {
        if (finished) return;
        finished = true;
        clearTimeout(startTimer);
        if (limitTimer) clearTimeout(limitTimer);
        this.stats.running -= 1;
        this.stats.runningByMode[mode] -= 1;
        this.options.onEnd(execution);
        this.workers.delete(worker);
        void worker.terminate().finally(() => port1.close());
        const result: RunResult = { elapsedMs: startedAt === undefined ? 0 : Date.now() - startedAt, logs, execution: execution.id };
        if (outcome.error !== undefined) {
          result.error = outcome.error;
          if (outcome.errorName !== undefined) result.errorName = outcome.errorName;
        } else if (outcome.value !== undefined) result.value = hostValue(outcome.value);
        resolve(result);
      };

      serveSyncRpc(
        port1,
        flag,
        (method, callArgs) => {
          if (method === 'start') {
            startedAt = Date.now();
            clearTimeout(startTimer);
            limitTimer = setTimeout(() => finish({ error: MSG.timeout, errorName: 'Timeout' }), limitMs);
            return undefined;
          }
          if (method === 'done') {
            finish(callArgs[0] as Outcome);
            return undefined;
          }
          if (finished) throw new Error('execution ended');
          return this.options.dispatch(execution, method, callArgs);
        },
        (level, message) => {
          logs.push(message);
          this.logs.push({ execution: execution.id, fn, level, message });
        },
      );
      worker.on('error', (error) => finish({ error: `emulator: worker failed: ${error.message}`, errorName: 'EmulatorError' }));
      worker.on('exit', (code) => finish({ error: `emulator: worker exited (${code}) before finishing`, errorName: 'EmulatorError' }));
    });
  }
}
