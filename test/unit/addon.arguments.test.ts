/** What Sheets passes to a custom function, turned into a request — or one sentence to fix it. */
import {
  parseDimensions,
  parseFilters,
  parseGrain,
  parseMetricName,
  parseOptions,
  parseRange,
  type ArgumentContext,
} from '../../src/addon/server/sheetArguments';

// A Sunday; the fiscal year started on 2026-04-01.
const ja: ArgumentContext = { lang: 'ja', today: '2026-11-29', dayOf: (date) => date.toISOString().slice(0, 10) };
const en: ArgumentContext = { ...ja, lang: 'en' };

function sentence(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect((error as Error).name).toBe('UserFacingError');
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseRange', () => {
  test.each<[string, unknown, unknown, { from: string; to: string }]>([
    ['Date cells, inclusive end', new Date('2024-01-01T00:00:00Z'), new Date('2024-12-31T00:00:00Z'), { from: '2024-01-01', to: '2025-01-01' }],
    ['ISO days', '2024-01-01', '2024-12-31', { from: '2024-01-01', to: '2025-01-01' }],
    ['months', '2024-01', '2024-03', { from: '2024-01-01', to: '2024-04-01' }],
    ['slashes and single digits', '2024/1/5', '2024/1/7', { from: '2024-01-05', to: '2024-01-08' }],
    ['years as numbers', 2023, 2024, { from: '2023-01-01', to: '2025-01-01' }],
    ['Sheets date serials', 45292, 45322, { from: '2024-01-01', to: '2024-02-01' }],
    ['one day', '2024-02-29', '2024-02-29', { from: '2024-02-29', to: '2024-03-01' }],
  ])('%s', (_name, from, to, expected) => {
    expect(parseRange(from, to, ja)).toEqual(expected);
  });

  test.each<[string, { from: string; to: string }]>([
    ['this_month', { from: '2026-11-01', to: '2026-11-30' }],
    ['LAST_MONTH', { from: '2026-10-01', to: '2026-11-01' }],
    ['last_3_months', { from: '2026-08-01', to: '2026-11-01' }],
    ['last_12_months', { from: '2025-11-01', to: '2026-11-01' }],
    ['last_24_months', { from: '2024-11-01', to: '2026-11-01' }],
    ['ytd', { from: '2026-01-01', to: '2026-11-30' }],
    ['last_fiscal_year', { from: '2025-04-01', to: '2026-04-01' }],
    ['this_fiscal_year', { from: '2026-04-01', to: '2026-11-30' }],
    ['last_week', { from: '2026-11-16', to: '2026-11-23' }],
    ['this_week', { from: '2026-11-23', to: '2026-11-30' }],
    ['yesterday', { from: '2026-11-28', to: '2026-11-29' }],
    ['last_7_days', { from: '2026-11-23', to: '2026-11-30' }],
  ])('keyword %s', (keyword, expected) => {
    expect(parseRange(keyword, undefined, ja)).toEqual(expected);
    expect(parseRange(` ${keyword} `, '', ja)).toEqual(expected); // an empty cell is ''
  });

  test('Object.prototype member names are not period keywords', () => {
    for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(sentence(() => parseRange(word, '', en))).toBe('Put a date in to.');
      expect(sentence(() => parseRange(word, '2024-01-31', en))).toBe(
        `from "${word}" is not a date. Use a date, "2024-01-31", "2024-01" or a keyword such as this_month.`,
      );
    }
  });

  test('the ten-year limit counts calendar years from a leap day', () => {
    expect(parseRange('2016-02-29', '2026-02-27', ja)).toEqual({ from: '2016-02-29', to: '2026-02-28' });
    expect(sentence(() => parseRange('2016-02-29', '2026-02-28', en))).toBe('The range may span at most 10 years.');
  });

  test('the fiscal year starts in April: in February it is still last year’s', () => {
    expect(parseRange('last_fiscal_year', '', { ...ja, today: '2026-02-10' })).toEqual({ from: '2024-04-01', to: '2025-04-01' });
  });

  test.each<[string, unknown, unknown, string, string]>([
    ['no start', '', '2024-01-01', 'from に日付を入れてください。', 'Put a date in from.'],
    ['no end', '2024-01-01', undefined, 'to に日付を入れてください。', 'Put a date in to.'],
    [
      'a keyword with an end',
      'this_month',
      '2024-01-01',
      '期間キーワード "this_month" を使うときは終了日を空にしてください。',
      'Leave the end date empty when the start is the keyword "this_month".',
    ],
    [
      'an inverted range',
      '2024-03-01',
      '2024-01-31',
      '開始日 2024-03-01 が終了日 2024-01-31 より後です。入れ替えてください。',
      'The start 2024-03-01 is after the end 2024-01-31: swap them.',
    ],
    [
      '2024-02-30',
      '2024-02-30',
      '2024-03-01',
      'from の "2024-02-30" は日付として読めません。日付、"2024-01-31"、"2024-01"、または this_month などのキーワードを入れてください。',
      'from "2024-02-30" is not a date. Use a date, "2024-01-31", "2024-01" or a keyword such as this_month.',
    ],
    [
      'words',
      'next tuesday',
      '2024-03-01',
      'from の "next tuesday" は日付として読めません。日付、"2024-01-31"、"2024-01"、または this_month などのキーワードを入れてください。',
      'from "next tuesday" is not a date. Use a date, "2024-01-31", "2024-01" or a keyword such as this_month.',
    ],
    ['eleven years', '2014-01-01', '2024-12-31', '期間は最長 10 年までです。', 'The range may span at most 10 years.'],
    [
      'an invalid Date',
      new Date('nope'),
      '2024-01-01',
      'from の "Invalid Date" は日付として読めません。日付、"2024-01-31"、"2024-01"、または this_month などのキーワードを入れてください。',
      'from "Invalid Date" is not a date. Use a date, "2024-01-31", "2024-01" or a keyword such as this_month.',
    ],
  ])('%s is refused in one sentence', (_name, from, to, japanese, english) => {
    expect(sentence(() => parseRange(from, to, ja))).toBe(japanese);
    expect(sentence(() => parseRange(from, to, en))).toBe(english);
  });
});

describe('dimensions, filters, options, grain, metric', () => {
  test('dimensions from text or a range', () => {
    expect(parseDimensions('product, category', ja)).toEqual(['product', 'category']);
    expect(parseDimensions([['plan'], ['prefecture'], ['']], ja)).toEqual(['plan', 'prefecture']);
    expect(parseDimensions('', ja)).toEqual([]);
    expect(parseDimensions(undefined, ja)).toEqual([]);
    expect(sentence(() => parseDimensions('a,b,c,d', en))).toBe('Use at most 3 dimensions.');
    expect(
      sentence(() =>
        parseDimensions(
          Array.from({ length: 300 }, () => ['plan']),
          en,
        ),
      ),
    ).toBe('The dimensions range is too large: use at most 200 cells.');
  });

  test('filters from text, a one-column range or a two-column range', () => {
    expect(parseFilters('category=chocolate;plan=biweekly', ja)).toEqual({ category: 'chocolate', plan: 'biweekly' });
    // Normalised: the same filters in another order are the same request (and cache entry).
    expect(JSON.stringify(parseFilters('plan=every4weeks,biweekly;category=chocolate', ja))).toBe(
      JSON.stringify(
        parseFilters(
          [
            ['category', 'chocolate'],
            ['plan', 'biweekly'],
            ['plan', 'every4weeks'],
          ],
          ja,
        ),
      ),
    );
    expect(parseFilters('plan=biweekly,every4weeks', ja)).toEqual({ plan: ['biweekly', 'every4weeks'] });
    expect(
      parseFilters(
        [
          ['prefecture', '東京都'],
          ['prefecture', '大阪府'],
          ['', ''],
        ],
        ja,
      ),
    ).toEqual({ prefecture: ['大阪府', '東京都'] });
    expect(parseFilters([['gender=female'], ['plan=biweekly']], ja)).toEqual({ gender: 'female', plan: 'biweekly' });
    expect(sentence(() => parseFilters('category chocolate', ja))).toBe(
      '絞り込み "category chocolate" が読めません。"plan=biweekly;gender=female" の形で書いてください。',
    );
    expect(sentence(() => parseFilters([['plan', '']], en))).toBe('Can\'t read the filter "plan=". Write it as "plan=biweekly;gender=female".');
  });

  test('filter names that are Object.prototype members are filters like any other (the API refuses unknown ones)', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      for (const written of [`${name}=x`, [[name, 'x']], [[`${name}=x`]]]) {
        const filters = parseFilters(written, ja);
        expect(Object.keys(filters)).toEqual([name]);
        expect(Object.getOwnPropertyDescriptor(filters, name)?.value).toBe('x');
        expect(JSON.parse(JSON.stringify({ filters })).filters).toEqual(JSON.parse(`{"${name}":"x"}`));
      }
    }
    expect(JSON.stringify(parseFilters('constructor=b,a;plan=biweekly', ja))).toBe('{"constructor":["a","b"],"plan":"biweekly"}');
  });

  test('options', () => {
    expect(parseOptions('noheader, limit=50, lang=en', ja)).toEqual({ header: false, notes: true, limit: 50, lang: 'en' });
    expect(parseOptions('nonotes', ja)).toEqual({ header: true, notes: false });
    expect(parseOptions(undefined, ja)).toEqual({ header: true, notes: true });
    expect(sentence(() => parseOptions('limit=0', en))).toBe('limit must be a whole number from 1 to 50000.');
    expect(sentence(() => parseOptions('colour=red', en))).toBe(
      'There is no option "colour=red". Use noheader, nonotes, limit=N, lang=ja or lang=en, compare=previous_year or compare=previous_period.',
    );
  });

  test('grain and metric name', () => {
    expect(parseGrain(' Month ', ja)).toBe('month');
    expect(parseGrain('', ja)).toBeUndefined();
    expect(sentence(() => parseGrain('fortnight', ja))).toBe('粒度 "fortnight" は使えません。day, week, month, quarter, year のどれかにしてください。');
    expect(parseMetricName(' revenue ', ja)).toBe('revenue');
    expect(sentence(() => parseMetricName('', en))).toBe('Put a metric name in the first argument, e.g. "revenue".');
    expect(sentence(() => parseMetricName([['revenue', 'x']], en))).toBe('Put a metric name in the first argument, e.g. "revenue".');
  });
});
