/**
 * Endpoint overrides (SNAQ_S3_ENDPOINT, SNAQ_ATHENA_ENDPOINT, …) exist for local doubles only.
 * Lives in src/lake so the lake's S3 client can use it without importing src/engine.
 */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An endpoint override must be https, or plain http on loopback (a local double). */
export function checkTestEndpoint(endpoint: string, variable: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`${variable} is not a URL.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error(`${variable} must be https (plain http only on loopback).`);
  }
}
