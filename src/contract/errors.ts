/**
 * The stable error codes of the wire contract and the HTTP status each one answers with.
 * The code decides the status, everywhere: adapters never pick a status on their own.
 */
export const ERROR_STATUS = {
  UNKNOWN_METRIC: 404,
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  REQUEST_TIMEOUT: 408,
  RATE_LIMITED: 429,
  QUERY_TIMEOUT: 504,
  ENGINE_UNAVAILABLE: 503,
  RESULT_TOO_LARGE: 413,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Structured facts about an error, so a client can phrase it in the user's language. */
export interface ErrorDetails {
  /** A stable machine reason within the code, e.g. `unknown_dimension`. */
  reason?: string;
  /** The request field at fault, e.g. `filters.plan`. */
  field?: string;
  [key: string]: unknown;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetails };
}

/** An error that is the caller's to see: its message is safe to show and never holds a stack. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details?: ErrorDetails;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}
