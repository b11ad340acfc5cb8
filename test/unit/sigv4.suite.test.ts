/**
 * The AWS SigV4 test suite (botocore's copy in ../shared/testdata), read at run time; skipped with
 * the reason when the shared test data is absent (failed under CI).
 * The suite's paths are raw text encoded once, so it runs in 'single' mode and signs every header
 * present in the .req (content-type included); real requests use 'double' and aws4fetch's choice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signRequest } from '../../src/sigv4';
import { nodeCrypto } from '../../src/sigv4/nodeCrypto';
import { describeIfAvailable, sharedTestdata } from '../support/requirements';

const SUITE = sharedTestdata('aws-sig-v4-test-suite');
const SUITE_DIR = SUITE.path;
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const DATETIME = '20150830T123600Z';
/** get-vanilla-with-session-token's .req has no token; the emulator supplies this one (see its .creq). */
const SUITE_SESSION_TOKEN = '6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267';

/** Cases that cannot apply to us, by name, with the reason. Every other case must pass. */
const SKIPPED: Record<string, string> = {
  'get-header-value-multiline':
    'folded (obs-fold) header lines: UrlFetchApp and fetch cannot send them, and Node rejects them, so no client of ours produces this input',
  'post-sts-token/post-sts-header-after':
    "the 'after' mode (token added after signing) is not supported: temporary credentials are always signed the 'before' way",
};

interface SuiteRequest {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body: string;
}

/** Parses a raw HTTP/1.1 request: request line, headers (folded and repeated ones too), blank line, body. */
function parseRawRequest(raw: string): SuiteRequest {
  const lines = raw.split('\n');
  const requestLine = lines[0] ?? '';
  const firstSpace = requestLine.indexOf(' ');
  const versionAt = requestLine.lastIndexOf(' HTTP/');
  const method = requestLine.slice(0, firstSpace);
  // The target may contain raw spaces (normalize-path/get-space), so cut at the last " HTTP/".
  const target = requestLine.slice(firstSpace + 1, versionAt);
  const headers: Array<[string, string]> = [];
  let index = 1;
  for (; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line === '') break;
    const previous = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && previous) {
      previous[1] += ' ' + line; // obs-fold: a continuation of the previous header's value
      continue;
    }
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return { method, target, headers, body: lines.slice(index + 1).join('\n') };
}

/** Every directory holding `<name>.req`, as its path relative to the suite. */
function findCases(dir: string, prefix = ''): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const name = prefix + entry.name;
    if (fs.existsSync(path.join(dir, entry.name, `${entry.name}.req`))) found.push(name);
    found.push(...findCases(path.join(dir, entry.name), name + '/'));
  }
  return found.sort();
}

function readCaseFile(name: string, extension: string): string {
  const base = path.basename(name);
  return fs.readFileSync(path.join(SUITE_DIR, name, `${base}.${extension}`), 'utf8');
}

describeIfAvailable(SUITE, 'the AWS SigV4 test suite', () => {
  const cases = findCases(SUITE_DIR);

  test('the suite is found and every skip names a real case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const name of Object.keys(SKIPPED)) expect(cases).toContain(name);
  });

  describe.each(cases)('%s', (name) => {
    const reason = SKIPPED[name];
    if (reason !== undefined) {
      test.skip(`skipped: ${reason}`, () => undefined);
      return;
    }
    test('canonical request, string to sign and Authorization match', () => {
      const request = parseRawRequest(readCaseFile(name, 'req'));
      const host = request.headers.find(([header]) => header.toLowerCase() === 'host')?.[1].trim();
      expect(host).toBeDefined();
      const signed = signRequest(
        {
          method: request.method,
          url: `https://${host}${request.target}`,
          headers: request.headers,
          body: request.body,
          ...CREDENTIALS,
          sessionToken: name === 'get-vanilla-with-session-token' ? SUITE_SESSION_TOKEN : undefined,
          service: 'service',
          region: 'us-east-1',
          datetime: DATETIME,
          uriEncoding: 'single',
          signAllHeaders: true,
        },
        nodeCrypto,
      );
      expect(signed.canonicalRequest).toBe(readCaseFile(name, 'creq'));
      expect(signed.stringToSign).toBe(readCaseFile(name, 'sts'));
      expect(signed.authorization).toBe(readCaseFile(name, 'authz'));
    });
  });
});
