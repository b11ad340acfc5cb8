/**
 * The building blocks, pinned with hand-checked values, and the places where we knowingly differ
 * from aws4fetch (each asserted here so a change on either side is noticed).
 */
import { AwsV4Signer } from 'aws4fetch';
import {
  canonicalHeaderValue,
  canonicalQuery,
  canonicalUri,
  chooseSignedHeaders,
  hex,
  mergeHeaders,
  parseUrl,
  regionFromHost,
  signRequest,
  signedBytes,
  unsignedBytes,
  utf8Encode,
  wirePath,
} from '../../src/sigv4';
import { nodeCrypto } from '../../src/sigv4/nodeCrypto';

describe('parseUrl', () => {
  test.each([
    ['https://abc.execute-api.ap-northeast-1.amazonaws.com/prod/x?a=1#frag', 'https:', 'abc.execute-api.ap-northeast-1.amazonaws.com', '/prod/x', 'a=1'],
    ['HTTPS://Example.COM:443', 'https:', 'example.com', '/', ''],
    ['http://localhost:80/?', 'http:', 'localhost', '/', ''],
    ['http://localhost:8787/a b?q=売上', 'http:', 'localhost:8787', '/a b', 'q=売上'],
    ['https://user:pass@host:8443/p', 'https:', 'host:8443', '/p', ''],
    ['http://[::1]:3000/x', 'http:', '[::1]:3000', '/x', ''],
    ['https://h/p#frag?not=query', 'https:', 'h', '/p', ''],
    ['https://h?only=query', 'https:', 'h', '/', 'only=query'],
    [' https://h/a\tb\n ', 'https:', 'h', '/ab', ''],
  ])('%s', (url, protocol, host, path, query) => {
    expect(parseUrl(url)).toEqual({ protocol, host, path, query });
  });

  test('rejects a relative URL', () => {
    expect(() => parseUrl('/prod/x')).toThrow(/Not an absolute URL/);
  });
});

describe('canonical URI', () => {
  test.each([
    // path as given, wire form, double, single
    ['/', '/', '/', '/'],
    ['/prod/metrics', '/prod/metrics', '/prod/metrics', '/prod/metrics'],
    ['/a b/売上', '/a%20b/%E5%A3%B2%E4%B8%8A', '/a%2520b/%25E5%25A3%25B2%25E4%25B8%258A', '/a%20b/%E5%A3%B2%E4%B8%8A'],
    ['/a%20b', '/a%20b', '/a%2520b', '/a%20b'],
    ['/a%2Fb/a%2fb', '/a%2Fb/a%2fb', '/a%252Fb/a%252fb', '/a%2Fb/a%2Fb'],
    ["/!'()*:@,;=+$&", "/!'()*:@,;=+$&", '/%21%27%28%29%2A%3A%40%2C%3B%3D%2B%24%26', '/%21%27%28%29%2A%3A%40%2C%3B%3D%2B%24%26'],
    ['/-._~', '/-._~', '/-._~', '/-._~'],
    ['/100%/%zz', '/100%/%zz', '/100%25/%25zz', '/100%25/%25zz'],
    ['/"<>`{}|[]', '/%22%3C%3E%60%7B%7D|[]', '/%2522%253C%253E%2560%257B%257D%7C%5B%5D', '/%22%3C%3E%60%7B%7D%7C%5B%5D'],
    ['/a/./b/../c', '/a/c', '/a/c', '/a/c'],
    ['/a/%2e%2E/b/c/.%2e', '/b/', '/b/', '/b/'],
    ['/a/b/..', '/a/', '/a/', '/a/'],
    ['/..', '/', '/', '/'],
    ['//a//b//', '//a//b//', '/a/b/', '/a/b/'],
    ['/a//../b', '/a/b', '/a/b', '/a/b'], // dots are resolved before slashes collapse, as aws4fetch does
    ['/a\\b', '/a/b', '/a/b', '/a/b'],
  ])('%s', (path, wire, double, single) => {
    expect(wirePath(path)).toBe(wire);
    expect(canonicalUri(path, 'double')).toBe(double);
    expect(canonicalUri(path, 'single')).toBe(single);
  });
});

describe('canonical query', () => {
  test.each([
    ['', ''],
    ['Param2=value2&Param1=value1', 'Param1=value1&Param2=value2'],
    ['Param1=value2&Param1=Value1', 'Param1=Value1&Param1=value2'],
    ['b=1&B=2&a=', 'B=2&a=&b=1'], // code-point order: upper case first
    ['flag&x=1', 'flag=&x=1'],
    ['=v&a=1', '=v&a=1'], // empty key kept (aws4fetch drops it)
    ['a=1&&b=2&', 'a=1&b=2'], // empty segments carry nothing
    ['a+b=c+d', 'a%20b=c%20d'], // "+" is a space, as in every form/URLSearchParams parser
    ['a%2Bb=%2b', 'a%2Bb=%2B'],
    ['x=y=z', 'x=y%3Dz'],
    ['%E1%88%B4=bar&ሴ=baz', '%E1%88%B4=bar&%E1%88%B4=baz'],
    ["q=!'()*~", 'q=%21%27%28%29%2A~'],
    ['q=100%&r=%zz', 'q=100%25&r=%25zz'],
    ['v=%FF&v=%FE', 'v=%FE&v=%FF'], // invalid UTF-8 stays byte-exact
  ])('%p → %p', (query, canonical) => {
    expect(canonicalQuery(query)).toBe(canonical);
  });
});

describe('canonical headers', () => {
  test('values are trimmed and inner whitespace collapsed', () => {
    expect(canonicalHeaderValue('  a   b\t\tc  ')).toBe('a b c');
    expect(canonicalHeaderValue('"a   b   c"')).toBe('"a b c"');
    expect(canonicalHeaderValue('')).toBe('');
  });

  test('repeated headers are joined with "," in order, by lower-case name', () => {
    expect([
      ...mergeHeaders([
        ['My-Header1', 'value4'],
        ['my-header1', ' value1 '],
        ['X', 'y'],
        ['MY-HEADER1', 'value3'],
      ]),
    ]).toEqual([
      ['my-header1', 'value4,value1,value3'],
      ['x', 'y'],
    ]);
  });

  test("by default the signed headers are aws4fetch's: host, x-amz-*, custom ones; not content-type, user-agent…", () => {
    const names = ['Content-Type', 'X-Amz-Date', 'User-Agent', 'X-Snaq-Client', 'Content-Length', 'Range', 'Authorization', 'X-Amz-Target'];
    expect(chooseSignedHeaders(names, false)).toEqual(['host', 'x-amz-date', 'x-amz-target', 'x-snaq-client']);
    expect(chooseSignedHeaders(names, true)).toEqual([
      'content-length',
      'content-type',
      'host',
      'range',
      'user-agent',
      'x-amz-date',
      'x-amz-target',
      'x-snaq-client',
    ]);
  });
});

describe('region', () => {
  test.each([
    ['abc123.execute-api.ap-northeast-1.amazonaws.com', 'ap-northeast-1'],
    ['ABC.EXECUTE-API.EU-WEST-1.AMAZONAWS.COM:443', 'eu-west-1'],
    ['athena.us-west-2.amazonaws.com', 'us-west-2'],
    ['athena-fips.us-east-2.amazonaws.com', 'us-east-2'],
    ['abc.execute-api.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['sts.eu-west-1.amazonaws.com', 'us-east-1'], // aws4fetch would say eu-west-1; we only read our two services
    ['metrics.example.com', 'us-east-1'],
    ['localhost:8787', 'us-east-1'],
  ])('%s → %s', (host, region) => {
    expect(regionFromHost(host)).toBe(region);
  });
});

describe('bytes', () => {
  test('utf8Encode agrees with Buffer, lone surrogates included', () => {
    for (const text of ['', 'abc', 'é', '売上', '🍣', '\ud800', 'a\udc00b', '\ud83c', '\u0000\u007f\u0080\u07ff\u0800\uffff']) {
      expect(utf8Encode(text)).toEqual(Array.from(Buffer.from(text, 'utf8')));
    }
  });

  test('hex and the Java signed-byte conversions', () => {
    expect(hex([0, 15, 16, 255])).toBe('000f10ff');
    expect(hex([-1, -128, 127])).toBe('ff807f');
    expect(signedBytes([0, 127, 128, 255])).toEqual([0, 127, -128, -1]);
    expect(unsignedBytes(signedBytes([0, 127, 128, 255]))).toEqual([0, 127, 128, 255]);
  });
});

describe('signRequest', () => {
  const base = {
    method: 'POST',
    url: 'https://abc.execute-api.ap-northeast-1.amazonaws.com/prod/売上?b=2&a=1',
    body: '{}',
    accessKeyId: 'AKID',
    secretAccessKey: 'secret',
    service: 'execute-api',
    datetime: '20240607T010203Z',
  };

  test('returns the headers to send and the URL to send', () => {
    const signed = signRequest(
      {
        ...base,
        headers: { Host: 'ignored', 'x-amz-date': 'stale', authorization: 'old', 'Content-Type': 'application/json', 'x-amz-security-token': 'old' },
        sessionToken: 'tok',
      },
      nodeCrypto,
    );
    expect(signed.url).toBe('https://abc.execute-api.ap-northeast-1.amazonaws.com/prod/%E5%A3%B2%E4%B8%8A?b=2&a=1');
    expect(signed.headers).toEqual({
      'Content-Type': 'application/json',
      'X-Amz-Date': '20240607T010203Z',
      'X-Amz-Security-Token': 'tok',
      Authorization: signed.authorization,
    });
    expect(signed.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKID/20240607/ap-northeast-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=${signed.signature}`,
    );
    expect(signed.canonicalRequest).toBe(
      [
        'POST',
        '/prod/%25E5%25A3%25B2%25E4%25B8%258A',
        'a=1&b=2',
        'host:abc.execute-api.ap-northeast-1.amazonaws.com',
        'x-amz-date:20240607T010203Z',
        'x-amz-security-token:tok',
        '',
        'host;x-amz-date;x-amz-security-token',
        nodeCrypto.sha256Hex('{}'),
      ].join('\n'),
    );
    expect(signed.stringToSign).toBe(
      `AWS4-HMAC-SHA256\n20240607T010203Z\n20240607/ap-northeast-1/execute-api/aws4_request\n${nodeCrypto.sha256Hex(signed.canonicalRequest)}`,
    );
  });

  test('signAllHeaders signs content-type too; a given X-Amz-Content-Sha256 is the payload hash', () => {
    const signed = signRequest(
      { ...base, headers: { 'Content-Type': 'application/json', 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' }, signAllHeaders: true },
      nodeCrypto,
    );
    expect(signed.authorization).toContain('SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,');
    expect(signed.canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD')).toBe(true);
  });

  test('an explicit region wins over the host; an unknown host defaults to us-east-1', () => {
    expect(signRequest({ ...base, region: 'us-west-2' }, nodeCrypto).authorization).toContain('/us-west-2/execute-api/');
    expect(signRequest({ ...base, url: 'http://localhost:8787/x' }, nodeCrypto).authorization).toContain('/us-east-1/execute-api/');
  });

  test('rejects a malformed datetime and defaults to now', () => {
    expect(() => signRequest({ ...base, datetime: '2024-06-07T01:02:03Z' }, nodeCrypto)).toThrow(/YYYYMMDDTHHMMSSZ/);
    const { datetime: _omit, ...withoutDatetime } = base;
    const signed = signRequest(withoutDatetime, nodeCrypto);
    const sent = signed.headers['X-Amz-Date'] ?? '';
    const sentAt = Date.UTC(+sent.slice(0, 4), +sent.slice(4, 6) - 1, +sent.slice(6, 8), +sent.slice(9, 11), +sent.slice(11, 13), +sent.slice(13, 15));
    expect(Math.abs(sentAt - Date.now())).toBeLessThan(5000);
  });
});

describe('known differences from aws4fetch', () => {
  const input = {
    method: 'GET',
    accessKeyId: 'AKID',
    secretAccessKey: 'secret',
    service: 'execute-api',
    region: 'us-east-1',
    datetime: '20240607T010203Z',
  };
  const theirCanonical = (url: string, headers: Record<string, string> = {}) => new AwsV4Signer({ ...input, url, headers }).canonicalString();

  test('one header name given twice with different case in a record: fetch joins with ", ", SigV4 with ","', async () => {
    const headers = { 'X-Snaq-A': 'one', 'x-snaq-a': 'two' };
    expect(signRequest({ ...input, url: 'https://h/', headers }, nodeCrypto).canonicalRequest).toContain('\nx-snaq-a:one,two\n');
    expect(await theirCanonical('https://h/', headers)).toContain('\nx-snaq-a:one, two\n');
  });

  test('empty query keys: kept by us, dropped by aws4fetch', async () => {
    expect(signRequest({ ...input, url: 'https://h/?=x&a=1' }, nodeCrypto).canonicalRequest.split('\n')[2]).toBe('=x&a=1');
    expect((await theirCanonical('https://h/?=x&a=1')).split('\n')[2]).toBe('a=1');
  });

  test('query escapes that are not UTF-8: bytes kept by us, U+FFFD in aws4fetch (so %FF and %FE sign alike there)', async () => {
    expect(signRequest({ ...input, url: 'https://h/?v=%FF' }, nodeCrypto).canonicalRequest.split('\n')[2]).toBe('v=%FF');
    expect((await theirCanonical('https://h/?v=%FF')).split('\n')[2]).toBe('v=%EF%BF%BD');
    expect(await theirCanonical('https://h/?v=%FE')).toBe(await theirCanonical('https://h/?v=%FF'));
  });
});
