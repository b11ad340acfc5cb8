/**
 * Reads one secret from AWS Secrets Manager (GetSecretValue, JSON 1.1) with a SigV4-signed
 * aws4fetch call: no SDK in the Lambda bundle. Used once per cold start for the query-token key.
 */
import { AwsClient } from 'aws4fetch';

export interface SecretValueOptions {
  /** The secret's ARN (what the CDK stack passes in SNAQ_QUERY_TOKEN_SECRET). */
  secretId: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Defaults to https://secretsmanager.<region>.amazonaws.com (a loopback double in tests). */
  endpoint?: string;
}

export async function readSecretString(options: SecretValueOptions): Promise<string> {
  const client = new AwsClient({ ...options.credentials, service: 'secretsmanager', region: options.region, retries: 3 });
  const endpoint = options.endpoint ?? `https://secretsmanager.${options.region}.amazonaws.com/`;
  const response = await client.fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'secretsmanager.GetSecretValue' },
    body: JSON.stringify({ SecretId: options.secretId }),
  });
  const text = await response.text();
  if (!response.ok) {
    let type = `HTTP ${response.status}`;
    try {
      type = ((JSON.parse(text) as { __type?: string }).__type ?? type).split('#').pop()!;
    } catch {
      // not JSON: the status says enough
    }
    throw new Error(`Secrets Manager refused GetSecretValue for ${options.secretId} (${type}).`);
  }
  const secret = (JSON.parse(text) as { SecretString?: unknown }).SecretString;
  if (typeof secret !== 'string' || secret.length < 32) throw new Error(`The secret ${options.secretId} holds no SecretString of at least 32 characters.`);
  return secret;
}
