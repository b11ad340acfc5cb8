/**
 * UrlFetchApp's network side, in the main thread: real HTTP with node:http/https (not fetch(), so
 * response header names keep the server's spelling and `validateHttpsCertificates: false` works).
 * Checks, in order, before anything is sent (none of these count against the quota):
 * - not an absolute http(s) URL → "Invalid argument: <url>"
 * - URL longer than 2048 characters → "Limit Exceeded: URLFetch URL Length."
 * - more than 100 headers → "Limit Exceeded: URLFetch header count."
 * - headers over 8 KB (UTF-8 bytes of `Name: value\r\n`) → "Limit Exceeded: URLFetch header size."
 * - daily quota used up → "Service invoked too many times for one day: urlfetch."
 * The service sets Host and Content-Length itself (values the script gives are dropped) and a
 * Google-Apps-Script User-Agent unless the script sets one. Failures: ECONNREFUSED and other socket
 * errors → "Address unavailable: <url>", ENOTFOUND → "DNS error: <url>", no answer in 60 s →
 * "Timeout: <url>", body over 50 MB → "Limit Exceeded: URLFetch response size.".
 * Every call, refused or not, is logged.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Clock } from '../clock';
import {
  URLFETCH_MAX_HEADER_BYTES,
  URLFETCH_MAX_HEADERS,
  URLFETCH_MAX_REDIRECTS,
  URLFETCH_MAX_RESPONSE_BYTES,
  URLFETCH_MAX_URL_LENGTH,
  URLFETCH_TIMEOUT_MS,
} from '../limits';
import { GasException, MSG } from '../messages';
import type { FetchOutcome, FetchRequest } from '../protocol';

export interface FetchLogEntry {
  url: string;
  method: string;
  status: number | 'error';
  ms: number;
  execution: number;
  /** The exception message when status is 'error'. */
  error?: string;
}

const USER_AGENT = 'Mozilla/5.0 (compatible; Google-Apps-Script; beanserver; +https://script.google.com; id: emulator)';
const DAY_MS = 86_400_000;

interface RawResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  location?: string;
}

export class UrlFetchService {
  readonly log: FetchLogEntry[] = [];
  private used = 0;
  private windowStart: number;

  constructor(
    private readonly clock: Clock,
    readonly dailyQuota: number,
  ) {
    this.windowStart = clock.now();
  }

  /** Calls counted against today's quota (the window restarts 24 h after it began, on the emulator clock). */
  get callsToday(): number {
    this.roll();
    return this.used;
  }

  fetchAll(requests: FetchRequest[], execution: number): Promise<FetchOutcome[]> {
    return Promise.all(requests.map((r) => this.fetchOne(r, execution)));
  }

  private roll(): void {
    const now = this.clock.now();
    if (now - this.windowStart >= DAY_MS) {
      this.windowStart = now;
      this.used = 0;
    }
  }

  private async fetchOne(request: FetchRequest, execution: number): Promise<FetchOutcome> {
    const started = Date.now();
    const entry: FetchLogEntry = { url: request.url, method: request.method, status: 'error', ms: 0, execution };
    this.log.push(entry);
    try {
      this.check(request);
      this.roll();
      if (this.used >= this.dailyQuota) throw new GasException(MSG.urlFetchQuota);
      this.used += 1;
      const { response, url } = await this.follow(request);
      entry.status = response.status;
      return { ok: true, status: response.status, headers: response.headers, body: new Uint8Array(response.body), url };
    } catch (error) {
      const e = error as Error;
      entry.error = e.message;
      return { ok: false, name: e.name, message: e.message };
    } finally {
      entry.ms = Date.now() - started;
    }
  }

  private check(request: FetchRequest): void {
    let parsed: URL;
    try {
      parsed = new URL(request.url);
    } catch {
      throw new GasException(MSG.invalidUrl(request.url));
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new GasException(MSG.invalidUrl(request.url));
    if (request.url.length > URLFETCH_MAX_URL_LENGTH) throw new GasException(MSG.urlTooLong);
    if (request.headers.length > URLFETCH_MAX_HEADERS) throw new GasException(MSG.tooManyHeaders);
    const bytes = request.headers.reduce((n, [k, v]) => n + Buffer.byteLength(`${k}: ${v}\r\n`, 'utf8'), 0);
    if (bytes > URLFETCH_MAX_HEADER_BYTES) throw new GasException(MSG.headersTooLarge);
  }

  private async follow(request: FetchRequest): Promise<{ response: RawResponse; url: string }> {
    let url = request.url;
    let method = request.method;
    let body = request.body;
    for (let hop = 0; ; hop += 1) {
      const response = await this.send(url, method, request.headers, body, request.validateHttpsCertificates, request.url);
      const redirect = [301, 302, 303, 307, 308].includes(response.status) && response.location !== undefined;
      if (!request.followRedirects || !redirect) return { response, url };
      if (hop >= URLFETCH_MAX_REDIRECTS) throw new GasException(MSG.tooManyRedirects(request.url));
      url = new URL(response.location as string, url).toString();
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  }

  private send(
    url: string,
    method: string,
    headers: Array<[string, string]>,
    body: Uint8Array | undefined,
    validate: boolean,
    original: string,
  ): Promise<RawResponse> {
    const target = new URL(url);
    const outgoing: Record<string, string> = {};
    for (const [name, value] of headers) {
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'content-length') continue;
      outgoing[name] = value;
    }
    if (!Object.keys(outgoing).some((n) => n.toLowerCase() === 'user-agent')) outgoing['User-Agent'] = USER_AGENT;
    if (body !== undefined) outgoing['Content-Length'] = String(body.byteLength);
    const lib = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        target,
        { method, headers: outgoing, agent: false, timeout: URLFETCH_TIMEOUT_MS, ...(target.protocol === 'https:' ? { rejectUnauthorized: validate } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > URLFETCH_MAX_RESPONSE_BYTES) {
              res.destroy();
              reject(new GasException(MSG.responseTooLarge));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const pairs: Array<[string, string]> = [];
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
            const location = res.headers.location;
            resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks), ...(location ? { location } : {}) });
          });
          res.on('error', () => reject(new GasException(MSG.addressUnavailable(original))));
        },
      );
      req.on('timeout', () => {
        req.destroy();
        reject(new GasException(MSG.urlFetchTimeout(original)));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        reject(new GasException(error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' ? MSG.dnsError(original) : MSG.addressUnavailable(original)));
      });
      if (body !== undefined) req.write(Buffer.from(body));
      req.end();
    });
  }
}
