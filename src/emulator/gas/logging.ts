/** console and Logger: lines go to the main thread at once (so they survive a timeout). */
import { format } from 'node:util';
import type { GasContext } from './context';
import { HostObject } from './hostObject';

export class Console extends HostObject {
  readonly gasClass = 'console';
  private readonly timers = new Map<string, number>();
  constructor(private readonly ctx: GasContext) {
    super();
  }
  log(...args: unknown[]): void {
    this.ctx.log('log', format(...args));
  }
  info(...args: unknown[]): void {
    this.ctx.log('info', format(...args));
  }
  warn(...args: unknown[]): void {
    this.ctx.log('warn', format(...args));
  }
  error(...args: unknown[]): void {
    this.ctx.log('error', format(...args));
  }
  debug(...args: unknown[]): void {
    this.ctx.log('debug', format(...args));
  }
  time(label?: unknown): void {
    this.timers.set(String(label ?? 'default'), Date.now());
  }
  timeEnd(label?: unknown): void {
    const key = String(label ?? 'default');
    const start = this.timers.get(key);
    if (start !== undefined) this.ctx.log('log', `${key}: ${Date.now() - start}ms`);
  }
}

export class Logger extends HostObject {
  readonly gasClass = 'Logger';
  private lines: string[] = [];
  constructor(private readonly ctx: GasContext) {
    super();
  }
  /** log(data) or log(format, values…) with %s placeholders (Java String.format style). */
  log(...args: unknown[]): Logger {
    const [first, ...rest] = args;
    let text = typeof first === 'string' ? first : format(first);
    if (rest.length > 0) {
      let i = 0;
      text = text.replace(/%[sdf]/g, () => (i < rest.length ? String(rest[i++]) : ''));
    }
    this.lines.push(text);
    this.ctx.log('Logger', text);
    return this;
  }
  getLog(): string {
    return this.lines.map((l) => `${l}\n`).join('');
  }
  clear(): void {
    this.lines = [];
  }
}
