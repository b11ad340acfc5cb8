/**
 * src/sigv4 must run on Apps Script's V8, which has none of URL, TextEncoder, Buffer, crypto,
 * fetch, atob, setTimeout or process, and no modules. Three checks:
 * 1. it type-checks against the ECMAScript library alone (any such global is a compile error);
 * 2. it imports nothing but its own files (nodeCrypto.ts is the one exception, and not re-exported);
 * 3. bundled like the add-on will be, it signs inside a bare V8 context (node:vm: ECMAScript
 *    globals only) with a Utilities-style crypto adapter, exactly as it does on Node.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { createHash, createHmac } from 'node:crypto';
import { buildSync } from 'esbuild';
import { importsOf, typecheckWithEcmaScriptOnly } from '../support/pureModules';
import { signRequest, type SignRequestInput } from '../../src/sigv4';
import { nodeCrypto } from '../../src/sigv4/nodeCrypto';

const REPO = path.resolve(__dirname, '../..');
const SIGV4_DIR = path.join(REPO, 'src/sigv4');
const NODE_ONLY = new Set(['nodeCrypto.ts']);
const pureFiles = fs
  .readdirSync(SIGV4_DIR)
  .filter((file) => file.endsWith('.ts') && !NODE_ONLY.has(file))
  .map((file) => path.join(SIGV4_DIR, file));

test('type-checks with the ECMAScript library only (no DOM, no @types/node)', () => {
  expect(typecheckWithEcmaScriptOnly(pureFiles)).toBe('');
});

test('imports only its own files', () => {
  for (const imported of importsOf(pureFiles)) {
    expect(imported).toMatch(/: \.\/[A-Za-z]+$/);
    expect(imported).not.toMatch(/: \.\/nodeCrypto$/);
  }
});

/**
 * Apps Script's Utilities as far as SigV4 needs it: byte arrays in and out are *signed* Java
 * bytes. Like Java, it rejects values outside -128..127 instead of wrapping them.
 */
function fakeUtilities() {
  const toBuffer = (bytes: number[]) => {
    for (const b of bytes) if (!Number.isInteger(b) || b < -128 || b > 127) throw new Error(`not a Java byte: ${b}`);
    return Buffer.from(bytes.map((b) => b & 0xff));
  };
  const toJavaBytes = (buffer: Buffer) => Array.from(buffer, (b) => (b > 127 ? b - 256 : b));
  return {
    DigestAlgorithm: { SHA_256: 'SHA_256' },
    Charset: { UTF_8: 'UTF_8' },
    computeDigest: (_algorithm: string, value: string | number[]) =>
      toJavaBytes(
        createHash('sha256')
          .update(typeof value === 'string' ? Buffer.from(value, 'utf8') : toBuffer(value))
          .digest(),
      ),
    computeHmacSha256Signature: (value: number[], key: number[]) => toJavaBytes(createHmac('sha256', toBuffer(key)).update(toBuffer(value)).digest()),
  };
}

/** The add-on's adapter, as it will be written there: a few lines thanks to the helpers. */
const APPS_SCRIPT_ADAPTER = `
var appsScriptCrypto = {
  sha256Hex: function (message) {
    return typeof message === 'string'
      ? SigV4.hex(Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, message, Utilities.Charset.UTF_8))
      : SigV4.hex(Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, SigV4.signedBytes(message)));
  },
  hmacSha256: function (key, message) {
    return SigV4.unsignedBytes(Utilities.computeHmacSha256Signature(SigV4.signedBytes(SigV4.utf8Encode(message)), SigV4.signedBytes(key)));
  },
  utf8: SigV4.utf8Encode,
};
`;

test('bundled, it signs in a bare V8 context with a Utilities-based crypto exactly as on Node', () => {
  const bundle = buildSync({
    entryPoints: [path.join(SIGV4_DIR, 'index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'SigV4',
    platform: 'neutral',
    target: 'es2020',
    write: false,
  });
  const code = bundle.outputFiles[0]?.text ?? '';
  const context = vm.createContext({ Utilities: fakeUtilities() });
  const globals = vm.runInContext(
    '[typeof URL, typeof URLSearchParams, typeof TextEncoder, typeof Buffer, typeof crypto, typeof fetch, typeof atob, typeof setTimeout, typeof process, typeof require]',
    context,
  ) as string[];
  expect(new Set(globals)).toEqual(new Set(['undefined']));
  vm.runInContext(code + APPS_SCRIPT_ADAPTER, context);

  const inputs: SignRequestInput[] = [
    {
      method: 'POST',
      url: "https://abc123.execute-api.ap-northeast-1.amazonaws.com/prod/metrics/売上 月次/a%2Fb/!'()*?dims=チャネル&dims=&flag&=x&v=%FF",
      headers: { 'Content-Type': 'application/json', 'X-Snaq-Client': '  sheets   addon ' },
      body: '{"note":"サブスク 🍣"}',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'token/+=',
      service: 'execute-api',
      datetime: '20240607T010203Z',
    },
    {
      method: 'POST',
      url: 'https://athena.us-west-2.amazonaws.com/',
      headers: { 'X-Amz-Target': 'AmazonAthena.StartQueryExecution', 'Content-Type': 'application/x-amz-json-1.1' },
      body: '{"QueryString":"SELECT 1"}',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'ü/日本+=',
      service: 'athena',
      datetime: '20300101T000000Z',
    },
    {
      method: 'GET',
      url: 'https://example.amazonaws.com/example space/./x/../',
      headers: [
        ['My-Header1', 'a'],
        ['my-header1', ' b '],
      ],
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      service: 'service',
      datetime: '20150830T123600Z',
      uriEncoding: 'single',
      signAllHeaders: true,
    },
  ];
  for (const input of inputs) {
    context.input = JSON.parse(JSON.stringify(input));
    const inAppsScript = vm.runInContext('JSON.stringify(SigV4.signRequest(input, appsScriptCrypto))', context) as string;
    expect(JSON.parse(inAppsScript)).toEqual(signRequest(input, nodeCrypto));
  }
  // The default datetime (now) needs nothing beyond Date either.
  context.input = { ...inputs[1], datetime: undefined };
  expect(vm.runInContext('SigV4.signRequest(input, appsScriptCrypto).headers["X-Amz-Date"]', context)).toMatch(/^\d{8}T\d{6}Z$/);
});
