/**
 * Small SigV4-checked doubles for the AWS calls the Lambda makes at cold start, besides Athena:
 * Secrets Manager GetSecretValue (JSON 1.1: POST /, X-Amz-Target secretsmanager.GetSecretValue)
 * and an S3 GetObject of the lake manifest (path-style GET /<bucket>/<key>). Secrets Manager
 * requests are verified with the project's SigV4 verifier; S3 requests (single-encoded paths and
 * UNSIGNED-PAYLOAD, which that verifier does not speak) only for a SigV4 credential scoped to s3.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { verifySigV4 } from '../../src/api/auth/verifySigV4';

export interface AwsDoubleOptions {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Secrets by ARN (or name): their SecretString. */
  secrets?: Record<string, string>;
  /** S3 objects by "<bucket>/<key>". */
  objects?: Record<string, string>;
}

export interface AwsDoubleCall {
  service: 'secretsmanager' | 's3';
  op: string;
  body: Record<string, unknown>;
  status: number;
}

export class AwsDouble {
  readonly calls: AwsDoubleCall[] = [];
  private server?: http.Server;
  private port = 0;

  constructor(private readonly options: AwsDoubleOptions) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const { status, type, body } = this.handle(req, Buffer.concat(chunks));
        res.writeHead(status, { 'Content-Type': type, 'x-amzn-RequestId': randomUUID() });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: http.IncomingMessage, raw: Buffer): { status: number; type: string; body: string } {
    const isS3 = req.method === 'GET';
    const service = isS3 ? 's3' : 'secretsmanager';
    const scope = `${this.options.accessKeyId}/\\d{8}/${this.options.region}/s3/aws4_request`;
    const verdict = isS3
      ? new RegExp(`^AWS4-HMAC-SHA256 Credential=${scope},`).test(String(req.headers.authorization ?? ''))
        ? { ok: true as const }
        : { ok: false as const, reason: 'no SigV4 authorization for s3' }
      : verifySigV4(
          { method: req.method ?? '', rawUrl: req.url ?? '', headers: req.headers, body: raw },
          {
            region: this.options.region,
            service,
            credentials: (id) => (id === this.options.accessKeyId ? { secretAccessKey: this.options.secretAccessKey, principal: 'aws-double' } : undefined),
          },
        );
    const json = (status: number, body: unknown) => ({ status, type: 'application/x-amz-json-1.1', body: JSON.stringify(body) });
    if (!verdict.ok) {
      this.calls.push({ service, op: 'signature', body: {}, status: 403 });
      return isS3
        ? { status: 403, type: 'application/xml', body: '<Error><Code>SignatureDoesNotMatch</Code></Error>' }
        : json(400, { __type: 'InvalidSignatureException', message: verdict.reason });
    }
    if (isS3) {
      const key = decodeURIComponent((req.url ?? '').split('?')[0]!.slice(1));
      const object = this.options.objects?.[key];
      this.calls.push({ service, op: 'GetObject', body: { key }, status: object === undefined ? 404 : 200 });
      if (object === undefined) return { status: 404, type: 'application/xml', body: '<Error><Code>NoSuchKey</Code></Error>' };
      return { status: 200, type: 'application/json', body: object };
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return json(400, { __type: 'SerializationException', message: 'not JSON' });
    }
    const op = target.replace(/^secretsmanager\./, '');
    const refuse = (status: number, type: string, message: string) => {
      this.calls.push({ service, op, body, status });
      return json(status, { __type: type, message });
    };
    if (req.method !== 'POST' || (req.url ?? '') !== '/') return refuse(400, 'InvalidRequestException', 'Secrets Manager takes POST /');
    if (contentType !== 'application/x-amz-json-1.1') return refuse(400, 'InvalidRequestException', 'Content-Type must be application/x-amz-json-1.1');
    if (op !== 'GetSecretValue' || !target.startsWith('secretsmanager.')) return refuse(400, 'InvalidRequestException', `unknown operation ${target}`);
    const unknown = Object.keys(body).filter((name) => !['SecretId', 'VersionId', 'VersionStage'].includes(name));
    if (unknown.length || typeof body.SecretId !== 'string' || body.SecretId.length < 1 || body.SecretId.length > 2048) {
      return refuse(400, 'InvalidParameterException', 'SecretId must be a string of 1–2048 characters; no other members');
    }
    const secret = this.options.secrets?.[body.SecretId];
    if (secret === undefined) return refuse(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    this.calls.push({ service, op, body, status: 200 });
    return json(200, {
      ARN: body.SecretId,
      Name: body.SecretId.split(':').pop(),
      VersionId: '00000000-0000-0000-0000-000000000001',
      SecretString: secret,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1_767_225_600,
    });
  }
}
