/**
 * The region to sign for when the caller gives none.
 */

/**
 * `<api-id>.execute-api.<region>.amazonaws.com` and `athena.<region>.amazonaws.com` (also
 * `athena-fips.<region>…` and the `.amazonaws.com.cn` partition) name their region, and aws4fetch's
 * guessServiceRegion reads it from there. Any other host (a custom domain, localhost) gives
 * us-east-1, aws4fetch's fallback. Unlike aws4fetch we do not guess for other AWS services.
 */
export function regionFromHost(host: string): string {
  const hostname = host.replace(/:\d*$/, '').toLowerCase();
  const match = /(?:^|\.)(?:execute-api|athena|athena-fips)\.([^.]{1,63})\.amazonaws\.com(?:\.cn)?$/.exec(hostname);
  return match?.[1] ?? 'us-east-1';
}
