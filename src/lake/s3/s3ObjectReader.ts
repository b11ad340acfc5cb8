/**
 * Reading one object, and nothing else: what the Lambda's manifest reader needs. S3Client builds
 * on the same pieces and adds listings, uploads and their XML; keeping this apart keeps the XML
 * parser out of the Lambda's bundle. The environment is read here once for both.
 */
import { credentialsFromEnv, type CredentialSource } from './credentials';
import { checkTestEndpoint } from './endpoint';
import { nodeFetch } from './nodeFetch';
import { sleep, stderrOperatorLog } from './operatorLog';
import { errorFromAnswer } from './s3Error';
import { S3Transport } from './s3Transport';
import type { S3ClientOptions } from './s3Client';

/** The signed, retrying transport S3ClientOptions describe. */
export function transportFor(options: S3ClientOptions): S3Transport {
  if (!options.region) throw new Error('S3Client needs a region.');
  if (options.endpoint) checkTestEndpoint(options.endpoint, 'The S3 endpoint');
  return new S3Transport({
    region: options.region,
    credentials: options.credentials,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: Math.max(1, options.maxAttempts ?? 6),
    retryBaseMs: options.retryBaseMs ?? 100,
    maxRetryDelayMs: 5_000,
    idleTimeoutMs: options.requestTimeoutMs ?? 120_000,
    fetch: options.fetch ?? nodeFetch,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? sleep,
    log: options.log ?? stderrOperatorLog,
  });
}

/** The object's bytes; 'not-modified' when its ETag equals `ifNoneMatch`; undefined when there is no such key. */
export async function getObjectWith(
  transport: S3Transport,
  bucket: string,
  key: string,
  options: { ifNoneMatch?: string } = {},
): Promise<{ body: Uint8Array; etag: string } | 'not-modified' | undefined> {
  const answer = await transport.send({
    op: 'GetObject',
    bucket,
    key,
    method: 'GET',
    headers: options.ifNoneMatch ? { 'If-None-Match': options.ifNoneMatch } : {},
    answers: [304, 404],
  });
  if (answer.status === 304) return 'not-modified';
  if (answer.status === 404) {
    const error = errorFromAnswer({ op: 'GetObject', bucket, key }, 404, answer.body);
    if (error.code === 'NoSuchKey' || error.code === 'NotFound') return undefined;
    throw error;
  }
  return { body: answer.body, etag: answer.headers.get('etag') ?? '' };
}

export class S3ObjectReader {
  private readonly transport: S3Transport;

  constructor(options: S3ClientOptions) {
    this.transport = transportFor(options);
  }

  getObject(bucket: string, key: string, options: { ifNoneMatch?: string } = {}): ReturnType<typeof getObjectWith> {
    return getObjectWith(this.transport, bucket, key, options);
  }
}

/**
 * Region from AWS_REGION (else AWS_DEFAULT_REGION), SNAQ_S3_ENDPOINT for a local S3 (https, or http
 * on loopback), credentials from credentialsFromEnv. Throws a sentence naming the variable at fault.
 */
export function s3OptionsFromEnv(env: Record<string, string | undefined>, extra: Partial<S3ClientOptions> = {}): S3ClientOptions {
  const read = (name: string): string | undefined => env[name]?.trim() || undefined;
  let region = extra.region;
  if (region === undefined) {
    const variable = read('AWS_REGION') ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
    region = read(variable);
    if (!region) throw new Error('AWS_REGION is not set: set it to the region of the lake bucket, e.g. ap-northeast-1 (AWS_DEFAULT_REGION is read too).');
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new Error(`${variable} "${region}" is not an AWS region such as ap-northeast-1.`);
  }
  let endpoint = extra.endpoint;
  if (endpoint === undefined) {
    endpoint = read('SNAQ_S3_ENDPOINT');
    if (endpoint) checkTestEndpoint(endpoint, 'SNAQ_S3_ENDPOINT');
  }
  const credentials: CredentialSource =
    extra.credentials ??
    credentialsFromEnv(env, {
      ...(extra.fetch ? { fetch: extra.fetch } : {}),
      ...(extra.now ? { now: extra.now } : {}),
      ...(extra.log ? { log: extra.log } : {}),
    });
  return { ...extra, region, credentials, ...(endpoint ? { endpoint } : {}) };
}

export function s3ObjectReaderFromEnv(env: Record<string, string | undefined>, extra: Partial<S3ClientOptions> = {}): S3ObjectReader {
  return new S3ObjectReader(s3OptionsFromEnv(env, extra));
}
