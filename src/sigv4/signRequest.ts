/**
 * Signs an HTTP request with SigV4 (Authorization header). Runs unchanged on Apps Script and Node:
 * crypto is injected, and the URL is split by hand because Apps Script has no `URL`.
 */
import type { HeaderList, SigV4Crypto, UriEncoding } from './types';
import { parseUrl } from './parseUrl';
import { canonicalUri, wirePath } from './canonicalUri';
import { canonicalQuery } from './canonicalQuery';
import { canonicalHeaders, chooseSignedHeaders, mergeHeaders } from './canonicalHeaders';
import { ALGORITHM, buildCanonicalRequest, buildStringToSign, credentialScope } from './canonicalRequest';
import { deriveSigningKey, signStringToSign } from './signature';
import { regionFromHost } from './region';
import { encodeForWire } from './percentEncoding';

export interface SignRequestInput {
  method: string;
  /** Absolute URL; the path and query may be percent-encoded already (they usually are). */
  url: string;
  /** A record, or name/value pairs when a header repeats. A Host header is ignored: the URL's host is signed. */
  headers?: Record<string, string> | HeaderList;
  /** Hashed as UTF-8; undefined means an empty body. */
  body?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials: sent as X-Amz-Security-Token and signed (the suite's "before" way). */
  sessionToken?: string;
  /** 'execute-api' for the metrics API, 'athena' for Athena. */
  service: string;
  /** Defaults to the region in an execute-api/athena host name, else us-east-1. */
  region?: string;
  /** 'YYYYMMDDTHHMMSSZ'; defaults to now. */
  datetime?: string;
  /** Defaults to 'double', what every non-S3 service expects. 'single' is the test suite's mode. */
  uriEncoding?: UriEncoding;
  /**
   * Sign every given header, including content-type, user-agent and the other headers aws4fetch
   * leaves unsigned by default. Off by default so Authorization matches aws4fetch's.
   */
  signAllHeaders?: boolean;
}

export interface SignedRequest {
  /**
   * The URL to send. Equal to the input, except that characters which cannot go on the wire raw
   * (spaces, non-ASCII, …) are percent-encoded and `.`/`..` segments resolved, exactly what was
   * signed. Send this one: an HTTP client that encodes differently would break the signature.
   */
  url: string;
  /** The input headers (minus Host) plus X-Amz-Date, X-Amz-Security-Token when given, and Authorization. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
}

const DATETIME_FORMAT = /^\d{8}T\d{6}Z$/;

/** Now as 'YYYYMMDDTHHMMSSZ'. */
export function amzDatetime(date: Date = new Date()): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/** Headers the signer sets itself, so any copy given by the caller is replaced. */
function isReplacedHeader(lowerName: string, hasSessionToken: boolean): boolean {
  return lowerName === 'host' || lowerName === 'authorization' || lowerName === 'x-amz-date' || (hasSessionToken && lowerName === 'x-amz-security-token');
}

export function signRequest(input: SignRequestInput, crypto: SigV4Crypto): SignedRequest {
  const url = parseUrl(input.url);
  const datetime = input.datetime ?? amzDatetime();
  if (!DATETIME_FORMAT.test(datetime)) throw new Error(`datetime must be YYYYMMDDTHHMMSSZ, got ${datetime}`);
  const region = input.region || regionFromHost(url.host);
  const hasSessionToken = Boolean(input.sessionToken);

  const given: HeaderList = Array.isArray(input.headers) ? (input.headers as HeaderList) : Object.entries(input.headers ?? {});
  const kept = given.filter(([name]) => !isReplacedHeader(name.toLowerCase(), hasSessionToken));
  const added: Array<[string, string]> = [['X-Amz-Date', datetime]];
  if (hasSessionToken) added.push(['X-Amz-Security-Token', input.sessionToken ?? '']);
  const sent: HeaderList = [...kept, ...added];

  const values = mergeHeaders(sent);
  const signedNames = chooseSignedHeaders(values.keys(), input.signAllHeaders ?? false);
  const signedHeaders = signedNames.join(';');
  // A caller-supplied X-Amz-Content-Sha256 is trusted as the payload hash, as aws4fetch does.
  const payloadHash = values.get('x-amz-content-sha256') || crypto.sha256Hex(input.body ?? '');

  const canonicalRequest = buildCanonicalRequest({
    method: input.method,
    canonicalUri: canonicalUri(url.path, input.uriEncoding ?? 'double'),
    canonicalQuery: canonicalQuery(url.query),
    canonicalHeaders: canonicalHeaders(signedNames, (name) => (name === 'host' ? url.host : (values.get(name) ?? ''))),
    signedHeaders,
    payloadHash,
  });
  const date = datetime.slice(0, 8);
  const scope = credentialScope(date, region, input.service);
  const stringToSign = buildStringToSign(datetime, scope, crypto.sha256Hex(canonicalRequest));
  const signingKey = deriveSigningKey(input.secretAccessKey, date, region, input.service, crypto);
  const signature = signStringToSign(signingKey, stringToSign, crypto);
  const authorization = `${ALGORITHM} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;

  return {
    url: wireUrl(url.protocol, url.host, url.path, url.query),
    headers: headerRecord([...sent, ['Authorization', authorization]]),
    canonicalRequest,
    stringToSign,
    signature,
    authorization,
  };
}

function wireUrl(protocol: string, host: string, path: string, query: string): string {
  return `${protocol}//${host}${wirePath(path)}${query === '' ? '' : '?' + encodeForWire(query, 'query')}`;
}

/** Headers as a record for UrlFetchApp/fetch; a repeated header is sent once, its values joined by ',' as signed. */
function headerRecord(headers: HeaderList): Record<string, string> {
  const record: Record<string, string> = {};
  const spelling = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = spelling.get(name.toLowerCase());
    if (key === undefined) {
      spelling.set(name.toLowerCase(), name);
      record[name] = value;
    } else {
      record[key] = `${record[key]},${value}`;
    }
  }
  return record;
}
