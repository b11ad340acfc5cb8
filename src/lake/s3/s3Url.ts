/**
 * `s3://bucket/prefix/` locations: where a lake lives in S3. The bucket is checked against S3's
 * naming rules here, so a typo fails with a sentence before any request is signed.
 */

export interface S3Location {
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
}

const BUCKET_CHARS = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** True for anything written as an S3 URL (even a malformed one, so parseS3Url can say what is wrong). */
export function isS3Url(value: string): boolean {
  return /^s3:\/\//i.test(value.trim());
}

/** Why `bucket` breaks S3's bucket naming rules, or undefined when it follows them. */
export function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return 'must be 3 to 63 characters long';
  if (!BUCKET_CHARS.test(bucket)) return 'may hold only lower-case letters, digits, "." and "-", and must begin and end with a letter or digit';
  if (bucket.includes('..')) return 'must not hold two dots in a row';
  if (IP_ADDRESS.test(bucket)) return 'must not look like an IP address';
  if (RESERVED_PREFIXES.some((prefix) => bucket.startsWith(prefix))) return `must not begin with ${RESERVED_PREFIXES.join(', ')}`;
  if (RESERVED_SUFFIXES.some((suffix) => bucket.endsWith(suffix))) return `must not end with ${RESERVED_SUFFIXES.join(', ')}`;
  return undefined;
}

/** `s3://bucket[/prefix[/]]` → bucket and a prefix that is '' or ends in '/'; throws one sentence otherwise. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(url.trim());
  if (!match) throw new Error(`"${url}" is not an S3 URL: write it as s3://bucket/prefix/.`);
  const bucket = match[1]!;
  const problem = bucketNameProblem(bucket);
  if (problem) throw new Error(`The bucket name "${bucket}" in ${url} ${problem}.`);
  const path = match[2] ?? '';
  if (path === '') return { bucket, prefix: '' };
  const segments = path.replace(/\/$/, '').split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`The prefix of ${url} has an empty, "." or ".." segment: write it as s3://bucket/a/b/.`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new Error(`The prefix of ${url} holds a control character.`);
  return { bucket, prefix: `${segments.join('/')}/` };
}
