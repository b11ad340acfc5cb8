/** One JSON line per request: who asked for what, and how it went. Never bodies, never secrets. */
export interface AccessLogEntry {
  time: string;
  principal: string;
  method: string;
  /** The route pattern, not the raw path, so lines group by route. */
  route: string;
  metric?: string;
  status: number;
  code?: string;
  durationMs: number;
  cached?: boolean;
  queryId?: string;
}

export type AccessLogger = (entry: AccessLogEntry) => void;

export const jsonLinesTo =
  (write: (line: string) => void): AccessLogger =>
  (entry) =>
    write(`${JSON.stringify(entry)}\n`);
