/**
 * Script, document and user locks shared by every execution. A lock belongs to an execution
 * (re-acquiring it in the same execution succeeds at once); waiters are served first come, first
 * served; everything an execution holds is released when it ends, timed out or not.
 */
import type { Scope } from '../protocol';

interface Waiter {
  execution: number;
  resolve: (granted: boolean) => void;
  timer: NodeJS.Timeout;
}

export class LockManager {
  private readonly owners = new Map<Scope, number>();
  private readonly queues = new Map<Scope, Waiter[]>();

  acquire(scope: Scope, execution: number, timeoutMs: number): Promise<boolean> {
    const owner = this.owners.get(scope);
    if (owner === undefined || owner === execution) {
      this.owners.set(scope, execution);
      return Promise.resolve(true);
    }
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const queue = this.queues.get(scope) ?? [];
      this.queues.set(scope, queue);
      const waiter: Waiter = {
        execution,
        resolve,
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          resolve(false);
        }, timeoutMs),
      };
      queue.push(waiter);
    });
  }

  release(scope: Scope, execution: number): void {
    if (this.owners.get(scope) !== execution) return;
    this.owners.delete(scope);
    const next = this.queues.get(scope)?.shift();
    if (next) {
      clearTimeout(next.timer);
      this.owners.set(scope, next.execution);
      next.resolve(true);
    }
  }

  /** The execution ended: drop its waits and release what it holds. */
  releaseAll(execution: number): void {
    for (const queue of this.queues.values()) {
      for (const waiter of queue.filter((w) => w.execution === execution)) {
        clearTimeout(waiter.timer);
        queue.splice(queue.indexOf(waiter), 1);
      }
    }
    for (const [scope, owner] of [...this.owners]) if (owner === execution) this.release(scope, execution);
  }

  /** For tests: which execution holds a lock. */
  holder(scope: Scope): number | undefined {
    return this.owners.get(scope);
  }
}
