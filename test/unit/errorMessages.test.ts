import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { localizeError, PHRASED_REASONS } from '../../src/contract/errorMessages';
import { ERROR_STATUS, type ErrorCode } from '../../src/contract/errors';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
  );
}

describe('localizeError', () => {
  test('every reason the service can give has a Japanese sentence', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.resolve(__dirname, '../../src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/reason: '([a-z_]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((reason) => !PHRASED_REASONS.includes(reason))).toEqual([]);
  });

  test('the unknown-metric sentence suggests the closest name, in Japanese or English', () => {
    const error = {
      code: 'UNKNOWN_METRIC' as const,
      message: 'There is no metric "revnue". Did you mean "revenue"?',
      details: { reason: 'unknown_metric', metric: 'revnue', suggestion: 'revenue' },
    };
    expect(localizeError(error, 'ja')).toBe('指標 "revnue" はありません。もしかして "revenue"?');
    expect(localizeError(error, 'en')).toBe(error.message);
  });

  test.each([
    [{ reason: 'invalid_date', field: 'from' }, '"from" は実在する日付を YYYY-MM-DD 形式で指定してください。'],
    [{ reason: 'pii_dimension', dimension: 'email' }, '"email" は個人情報のため使えません。'],
    [
      { reason: 'invalid_filter_value', field: 'filters.plan', allowed: ['biweekly', 'every4weeks'] },
      '絞り込み "plan" に使える値は biweekly, every4weeks です。',
    ],
    [{ reason: 'grain_not_allowed', allowed: ['month', 'quarter'] }, 'この指標で使える粒度は month, quarter です。'],
  ])('phrases %j', (details, sentence) => {
    expect(localizeError({ code: 'INVALID_ARGUMENT', message: 'x', details }, 'ja')).toBe(sentence);
  });

  test('every code has a Japanese fallback for reasons it does not know', () => {
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      const sentence = localizeError({ code, message: 'x', details: { reason: 'some_future_reason' } }, 'ja');
      expect(sentence).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(sentence).toMatch(/。$/);
    }
  });
});
