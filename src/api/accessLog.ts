import type { AuditLine } from '../contract/audit';

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

/** A request's line: the audit line when it answered about a metric (contract/audit.ts), else the access line. */
export type LogLine = AccessLogEntry | AuditLine;

export type AccessLogger = (entry: LogLine) => void;

export const jsonLinesTo =
  (write: (line: string) => void): AccessLogger =>
  (entry) =>
    write(`${JSON.stringify(entry)}\n`);

/** Sends every line to each logger in turn (stdout and the local audit files). */
export const teeLoggers =
  (...loggers: AccessLogger[]): AccessLogger =>
  (entry) => {
    for (const log of loggers) log(entry);
  };
