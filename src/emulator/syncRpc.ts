/**
 * A synchronous call from a worker to the main thread. The worker posts the request on a
 * MessagePort and sleeps in `Atomics.wait` on a shared flag; the main thread answers whenever it
 * likes (its event loop never blocks), posts the reply, then sets the flag and notifies. The reply
 * is already in the worker's port queue when it wakes, so `receiveMessageOnPort` reads it.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { WireReply, WireRequest } from './protocol';

type Method = (...args: never[]) => unknown;
type Args<F> = F extends (...args: infer A) => unknown ? A : never;
type Result<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/** Rebuilt on the worker side from a `{ ok: false }` reply. */
export class RemoteError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class SyncRpcClient<Api extends { [K in keyof Api]: Method }> {
  private readonly flag: Int32Array;
  private seq = 0;

  constructor(
    private readonly port: MessagePort,
    flag: SharedArrayBuffer,
  ) {
    this.flag = new Int32Array(flag);
  }

  call<K extends keyof Api & string>(method: K, ...args: Args<Api[K]>): Result<Api[K]> {
    const id = ++this.seq;
    Atomics.store(this.flag, 0, 0);
    const request: WireRequest = { type: 'call', id, method, args };
    this.port.postMessage(request);
    for (;;) {
      Atomics.wait(this.flag, 0, 0);
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) {
        // The flag was set but the reply is not visible yet; cannot happen with Node's ports, but never spin hot.
        Atomics.wait(this.flag, 0, 1, 1);
        continue;
      }
      const reply = received.message as WireReply;
      if (reply.id !== id) continue;
      if (!reply.ok) throw new RemoteError(reply.name, reply.message);
      return reply.value as Result<Api[K]>;
    }
  }

  /** Fire and forget (logs): the main thread handles it in order with the calls. */
  notify(request: Extract<WireRequest, { type: 'log' }>): void {
    this.port.postMessage(request);
  }
}

/** Main-thread side: answers every call on `port`, asynchronously, then wakes the worker. */
export function serveSyncRpc(
  port: MessagePort,
  flag: SharedArrayBuffer,
  dispatch: (method: string, args: unknown[]) => unknown,
  onLog: (level: string, message: string) => void,
): void {
  const view = new Int32Array(flag);
  const reply = (message: WireReply) => {
    try {
      port.postMessage(message);
    } catch {
      // The execution ended (timeout) while we were answering: nobody is waiting any more.
    }
    Atomics.store(view, 0, 1);
    Atomics.notify(view, 0);
  };
  port.on('message', (request: WireRequest) => {
    if (request.type === 'log') {
      onLog(request.level, request.message);
      return;
    }
    Promise.resolve()
      .then(() => dispatch(request.method, request.args))
      .then(
        (value) => reply({ id: request.id, ok: true, value }),
        (error: unknown) => {
          const e = error as { name?: unknown; message?: unknown };
          reply({ id: request.id, ok: false, name: typeof e?.name === 'string' ? e.name : 'Error', message: String(e?.message ?? error) });
        },
      );
  });
}
