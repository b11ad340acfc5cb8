/** UrlFetchApp: turns `params` into a request, has the main thread do real HTTP, wraps the answer. */
import { GasException, MSG } from '../messages';
import type { FetchOutcome, FetchRequest } from '../protocol';
import { GasBlob } from './blob';
import { isByteArray, nodeEncoding, signedBytes, toBuffer } from './bytes';
import { mismatch, type GasContext } from './context';
import { HostObject } from './hostObject';

interface Params {
  method?: unknown;
  headers?: unknown;
  payload?: unknown;
  contentType?: unknown;
  muteHttpExceptions?: unknown;
  followRedirects?: unknown;
  validateHttpsCertificates?: unknown;
  escaping?: unknown;
}

const TRUNCATE_CHARS = 200;

function formEncode(payload: Record<string, unknown>): string {
  return Object.entries(payload)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

export class HTTPResponse extends HostObject {
  readonly gasClass = 'HTTPResponse';

  constructor(
    private readonly status: number,
    private readonly headerList: Array<[string, string]>,
    private readonly body: Buffer,
  ) {
    super();
  }

  getResponseCode(): number {
    return this.status;
  }
  getContentText(charset?: unknown): string {
    if (charset !== undefined) return this.body.toString(nodeEncoding(charset));
    const declared = /charset=([^;\s]+)/i.exec(this._header('content-type') ?? '')?.[1];
    try {
      return new TextDecoder(declared ?? 'utf-8').decode(this.body);
    } catch {
      return new TextDecoder('utf-8').decode(this.body);
    }
  }
  getContent(): number[] {
    return signedBytes(this.body);
  }
  /** One value per header name (repeated headers joined with ", "), names as the server sent them. */
  getHeaders(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of this.headerList) out[name] = name in out ? `${out[name]}, ${value}` : value;
    return out;
  }
  /** Repeated headers as arrays. */
  getAllHeaders(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of this.headerList) {
      const prev = out[name];
      out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    return out;
  }
  getBlob(): GasBlob {
    return new GasBlob(Buffer.from(this.body), this._header('content-type') ?? null, null);
  }
  getAs(contentType: unknown): GasBlob {
    return this.getBlob().setContentType(contentType);
  }
  private _header(name: string): string | undefined {
    return this.headerList.find(([n]) => n.toLowerCase() === name)?.[1];
  }
}

export class UrlFetchApp extends HostObject {
  readonly gasClass = 'UrlFetchApp';

  constructor(private readonly ctx: GasContext) {
    super();
  }

  fetch(...args: unknown[]): HTTPResponse {
    const [url, params] = args;
    if (typeof url !== 'string' || (params !== undefined && (params === null || typeof params !== 'object'))) throw mismatch('UrlFetchApp.fetch', args);
    const prepared = this._prepare(url, (params ?? {}) as Params);
    const [outcome] = this.ctx.host.call('urlFetch', [prepared.request]);
    return this._response(outcome as FetchOutcome, prepared.mute);
  }

  /** Requests run in parallel on the main thread; the first failure (in order) is thrown. */
  fetchAll(requests: unknown): HTTPResponse[] {
    if (!Array.isArray(requests)) throw mismatch('UrlFetchApp.fetchAll', [requests]);
    const prepared = requests.map((r: unknown) => {
      if (typeof r === 'string') return this._prepare(r, {});
      if (r && typeof r === 'object' && typeof (r as { url?: unknown }).url === 'string') return this._prepare((r as { url: string }).url, r as Params);
      throw mismatch('UrlFetchApp.fetchAll', [requests]);
    });
    const outcomes = this.ctx.host.call(
      'urlFetch',
      prepared.map((p) => p.request),
    );
    return outcomes.map((o, i) => this._response(o, prepared[i]?.mute ?? false));
  }

  private _prepare(url: string, params: Params): { request: FetchRequest; mute: boolean } {
    const method = String(params.method ?? 'get').toUpperCase();
    const headers: Array<[string, string]> = [];
    if (params.headers !== undefined && params.headers !== null) {
      if (typeof params.headers !== 'object') throw new GasException('Invalid argument: headers');
      for (const [k, v] of Object.entries(params.headers as Record<string, unknown>)) headers.push([k, String(v)]);
    }
    let body: Buffer | undefined;
    let defaultType: string | undefined;
    const payload = params.payload;
    if (payload !== undefined && payload !== null) {
      if (typeof payload === 'string') body = Buffer.from(payload, 'utf8');
      else if (isByteArray(payload)) body = toBuffer(payload);
      else if (payload instanceof GasBlob) {
        body = payload._buffer();
        defaultType = payload.getContentType() ?? undefined;
      } else if (typeof payload === 'object') body = Buffer.from(formEncode(payload as Record<string, unknown>), 'utf8');
      else body = Buffer.from(String(payload), 'utf8');
    }
    const explicitType = params.contentType !== undefined && params.contentType !== null ? String(params.contentType) : undefined;
    const headerType = headers.find(([n]) => n.toLowerCase() === 'content-type');
    if (explicitType !== undefined) {
      if (headerType) headers.splice(headers.indexOf(headerType), 1);
      headers.push(['Content-Type', explicitType]);
    } else if (!headerType && body !== undefined) {
      headers.push(['Content-Type', defaultType ?? 'application/x-www-form-urlencoded']);
    }
    const request: FetchRequest = {
      url,
      method,
      headers,
      followRedirects: params.followRedirects === undefined ? true : Boolean(params.followRedirects),
      validateHttpsCertificates: params.validateHttpsCertificates === undefined ? true : Boolean(params.validateHttpsCertificates),
    };
    if (body !== undefined) request.body = body;
    return { request, mute: Boolean(params.muteHttpExceptions) };
  }

  private _response(outcome: FetchOutcome, mute: boolean): HTTPResponse {
    if (!outcome.ok) throw new GasException(outcome.message);
    const response = new HTTPResponse(outcome.status, outcome.headers, Buffer.from(outcome.body));
    if (outcome.status >= 400 && !mute) {
      const u = new URL(outcome.url);
      const text = response.getContentText();
      const truncated = text.length > TRUNCATE_CHARS ? `${text.slice(0, TRUNCATE_CHARS)}...` : text;
      throw new GasException(MSG.requestFailed(`${u.protocol}//${u.host}`, outcome.status, truncated));
    }
    return response;
  }
}
