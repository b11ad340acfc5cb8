/**
 * The emulator clock: it starts at `now` (default: the real time at creation) and moves only when
 * the test calls `advance`, so TTL and schedule tests are deterministic. It drives cache TTLs, the
 * UrlFetch daily quota window and trigger schedules only; `Date` inside the script is the real clock.
 */
export class Clock {
  private current: number;
  constructor(start: number = Date.now()) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
