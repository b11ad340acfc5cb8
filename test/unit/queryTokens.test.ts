/**
 * Signed query ids (src/api/queryTokens.ts): bound to the principal, untamperable, expiring, and
 * short enough for Apps Script's UrlFetch (URL ≤ 2 KB, PLATFORM.md) in the worst realistic case.
 */
import { randomUUID } from 'node:crypto';
import { MAX_QUERY_ID_CHARS, QueryTokens, type QueryTokenPayload } from '../../src/api/queryTokens';
import { parseAnomalyRequest } from '../../src/contract/validate';

const KEY = 'k'.repeat(20) + 'GeneratedBySecretsManager0123456789';
const ME = { principal: 'arn:aws:iam::123456789012:user/snaq-sheets-addon' };
const NOW = Date.UTC(2026, 10, 30, 3, 0, 0);

function payload(overrides: Partial<QueryTokenPayload> = {}): QueryTokenPayload {
  return {
    kind: 'query',
    body: { metric: 'revenue', from: '2024-01-01', to: '2025-01-01', grain: 'month' },
    executions: [['AbCdEfGhIjKlMnOp', randomUUID()]],
    issuedAtMs: NOW,
    expiresAtMs: NOW + 20 * 60_000,
    ...overrides,
  };
}

test('round trip: the same request, executions and times come back for the same principal', () => {
  const tokens = new QueryTokens(KEY);
  const original = payload({ kind: 'anomalies' });
  const id = tokens.sign(original, ME);
  expect(id).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/); // URL-safe as it is: no percent-encoding
  expect(tokens.verify(id, ME, NOW + 1_000)).toEqual(original);
});

test('another principal, another key, a changed byte anywhere, an expired id or garbage: undefined', () => {
  const tokens = new QueryTokens(KEY);
  const id = tokens.sign(payload(), ME);
  expect(tokens.verify(id, { principal: 'arn:aws:iam::123456789012:user/other' }, NOW)).toBeUndefined();
  expect(tokens.verify(id, { ...ME, person: 'someone@snaq.me' }, NOW)).toBeUndefined(); // the identity seam binds too
  expect(new QueryTokens(`${KEY}x`).verify(id, ME, NOW)).toBeUndefined();
  for (let i = 0; i < id.length; i += 7) {
    const flipped = id.slice(0, i) + (id[i] === 'A' ? 'B' : 'A') + id.slice(i + 1);
    if (flipped !== id) expect(tokens.verify(flipped, ME, NOW)).toBeUndefined();
  }
  expect(tokens.verify(id, ME, NOW + 20 * 60_000)).toBeUndefined(); // expired
  expect(tokens.verify(id, ME, NOW + 20 * 60_000 - 1_000)).toBeDefined();
  for (const junk of ['', '.', 'abc', 'abc.def', `${id}.x`, '…'.repeat(10_000)]) expect(tokens.verify(junk, ME, NOW)).toBeUndefined();
  expect(() => new QueryTokens('short')).toThrow(/at least 32 bytes/);
});

test('worst realistic case fits a 2 KB URL: anomalies, 3 dimensions, filters, 4 executions', () => {
  const body = parseAnomalyRequest({
    metric: 'box_revenue',
    from: '2018-01-01',
    to: '2028-01-01',
    grain: 'week',
    dimensions: ['plan', 'prefecture', 'acquisition_channel'],
    filters: {
      prefecture: [
        '北海道',
        '青森県',
        '岩手県',
        '宮城県',
        '秋田県',
        '山形県',
        '福島県',
        '茨城県',
        '栃木県',
        '群馬県',
        '埼玉県',
        '千葉県',
        '東京都',
        '神奈川県',
      ],
      gender: ['female', 'male', 'unanswered'],
      acquisition_channel: ['instagram', 'referral', 'ads', 'gift'],
    },
    sensitivity: 'high',
  });
  const id = new QueryTokens(KEY).sign(
    payload({ kind: 'anomalies', body, executions: Array.from({ length: 4 }, (_, i) => [`statementKey000${i}`, randomUUID()]) }),
    ME,
  );
  const url = `https://abcde12345.execute-api.ap-northeast-1.amazonaws.com/prod/v1/query/${id}`;
  process.stdout.write(`worst-case query id: ${id.length} characters, URL ${url.length} of 2048\n`);
  expect(id.length).toBeLessThanOrEqual(MAX_QUERY_ID_CHARS);
  expect(url.length).toBeLessThan(2048);
});

test('an id that would not fit is refused when signing, with a reason the caller can act on', () => {
  const filters = { prefecture: Array.from({ length: 100 }, (_, i) => `${randomUUID()}${i}`) };
  expect(() => new QueryTokens(KEY).sign(payload({ body: { metric: 'revenue', filters } }), ME)).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ reason: 'too_large_to_poll' }) }),
  );
});
