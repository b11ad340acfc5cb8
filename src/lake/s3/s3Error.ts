/**
 * What a failed S3 call throws: one line naming the operation, the object and S3's error code,
 * e.g. `PutObject s3://bucket/key: AccessDenied (403)`. S3's own <Message> is kept apart in
 * `detail`; signatures, canonical requests and credentials never reach either.
 */

/**
 * Codes worth another attempt besides 5xx and 429. ConditionalRequestConflict (409) is the one
 * 4xx here: S3 answers it when a concurrent conditional write was in flight and documents that
 * the request should be retried; a retried If-None-Match then gets its definite 412 or success.
 */
const RETRYABLE_CODES = new Set([
  'SlowDown',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'ConditionalRequestConflict',
  // Ours: an answer cut short or garbled on the way, most likely the network's doing.
  'MalformedResponse',
  'IncompleteBody',
]);

export interface S3ErrorFields {
  op: string;
  bucket: string;
  key?: string;
  /** HTTP status; 0 when no answer came (network error or timeout). */
  status: number;
  code: string;
  /** S3's <Message>, for the operator; never shown in `message`. */
  detail?: string;
  /** Added to the message after a semicolon: what the caller can do. */
  hint?: string;
  /** Attempts made before giving up. */
  attempts?: number;
}

export class S3Error extends Error {
  readonly op: string;
  readonly bucket: string;
  readonly key?: string;
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly detail?: string;
  readonly attempts: number;

  constructor(fields: S3ErrorFields, options?: ErrorOptions) {
    const where = `s3://${fields.bucket}/${fields.key ?? ''}`;
    const answer = fields.status === 0 ? 'no answer' : String(fields.status);
    const tries = fields.attempts && fields.attempts > 1 ? `, ${fields.attempts} attempts` : '';
    super(`${fields.op} ${where}: ${fields.code} (${answer}${tries})${fields.hint ? `; ${fields.hint}` : ''}`, options);
    this.name = 'S3Error';
    this.op = fields.op;
    this.bucket = fields.bucket;
    if (fields.key !== undefined) this.key = fields.key;
    this.status = fields.status;
    this.code = fields.code;
    this.retryable = isRetryable(fields.status, fields.code);
    if (fields.detail !== undefined) this.detail = fields.detail;
    this.attempts = fields.attempts ?? 1;
  }

  /** The same error, saying how many attempts were made. */
  withAttempts(attempts: number): S3Error {
    return new S3Error({ ...this.fields(), attempts }, { cause: this.cause });
  }

  fields(): S3ErrorFields {
    return {
      op: this.op,
      bucket: this.bucket,
      ...(this.key !== undefined ? { key: this.key } : {}),
      status: this.status,
      code: this.code,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      attempts: this.attempts,
    };
  }
}

export function isRetryable(status: number, code: string): boolean {
  // 501 NotImplemented is an answer, not a hiccup: a local S3 (s3rver) lacking an operation says so every time.
  if (status === 501) return false;
  return status === 0 || status >= 500 || status === 429 || RETRYABLE_CODES.has(code);
}

/** Codes S3 gives HEAD answers and bodiless errors, by status. */
const CODE_BY_STATUS: Record<number, string> = {
  301: 'PermanentRedirect',
  304: 'NotModified',
  400: 'BadRequest',
  403: 'AccessDenied',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** An error document (`<Error><Code>…<Message>…`) or, without one, the status → S3Error. */
export function errorFromAnswer(where: { op: string; bucket: string; key?: string }, status: number, body: Uint8Array): S3Error {
  let code = '';
  let detail: string | undefined;
  if (body.byteLength > 0) {
    const fields = errorDocumentFields(new TextDecoder().decode(body));
    code = fields.code ?? '';
    detail = fields.message?.slice(0, 300);
  }
  return new S3Error({ ...where, status, code: code || CODE_BY_STATUS[status] || `HTTP${status}`, ...(detail ? { detail } : {}) });
}

/** An answer we cannot read (status 200 but no such document): retried like a network error. */
export function malformedAnswer(op: string, bucket: string, key: string | undefined, why: string, status = 200): S3Error {
  return new S3Error({ op, bucket, ...(key !== undefined ? { key } : {}), status, code: 'MalformedResponse', detail: why });
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * `<Error><Code>…</Code><Message>…</Message>…</Error>`: S3's error document is flat, so its two
 * fields are read without an XML parser, which keeps the Lambda's bundle (it only GETs) small.
 * Anything else (a proxy's HTML page) has no fields, and the status decides.
 */
export function errorDocumentFields(xml: string): { code?: string; message?: string } {
  const error = /<Error>([\s\S]*?)<\/Error>/.exec(xml)?.[1];
  if (error === undefined) return {};
  const field = (name: string) => {
    const raw = new RegExp(`<${name}>([^<]*)</${name}>`).exec(error)?.[1];
    return raw?.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_entity, name: string) =>
      name.startsWith('#x')
        ? String.fromCodePoint(parseInt(name.slice(2), 16))
        : name.startsWith('#')
          ? String.fromCodePoint(Number(name.slice(1)))
          : XML_ENTITIES[name]!,
    );
  };
  const code = field('Code');
  const message = field('Message');
  return { ...(code ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}
