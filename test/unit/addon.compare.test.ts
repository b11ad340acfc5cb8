/** Period comparisons in the add-on, the pure parts: cell options, footnotes, headers, block formats and the formula a block becomes. */
import { parseOptions, type ArgumentContext } from '../../src/addon/server/sheetArguments';
import { comparisonNotes } from '../../src/addon/server/footnotes';
import { tableOf } from '../../src/addon/server/blocks/blockTable';
import { formulaFor } from '../../src/addon/server/formulaText';
import type { QueryResult } from '../../src/contract/types';

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

describe('comparison options in a cell', () => {
  test.each([
    ['compare=previous_year', 'previous_year'],
    ['compare=PREVIOUS_PERIOD', 'previous_period'],
    ['前年比', 'previous_year'],
    ['前期比', 'previous_period'],
    ['nonotes, 前年比', 'previous_year'],
  ])('%s', (text, compare) => {
    expect(parseOptions(text, ja).compare).toBe(compare);
  });

  test('without one there is no comparison', () => {
    expect(parseOptions('noheader', ja)).toEqual({ header: false, notes: true });
  });

  test('a wrong comparison, or a Japanese word with a setting, is one sentence naming the ones that exist', () => {
    expect(sentence(() => parseOptions('compare=last_year', en))).toBe(
      'There is no option "compare=last_year". Use noheader, nonotes, limit=N, lang=ja or lang=en, compare=previous_year or compare=previous_period.',
    );
    expect(sentence(() => parseOptions('前年比=1', ja))).toBe(
      'オプション "前年比=1" はありません。noheader、nonotes、limit=数、lang=ja または lang=en、前年比、前期比 が使えます。',
    );
    // Object.prototype's names are not comparison words.
    expect(sentence(() => parseOptions('constructor', en))).toMatch(/^There is no option "constructor"\./);
  });
});

describe('what a comparison says', () => {
  const meta = (compare: 'previous_year' | 'previous_period', from: string, to: string) => ({ comparison: { compare, from, to } });

  test('the earlier range by its periods for months, quarters and years; by its days otherwise', () => {
    expect(comparisonNotes(meta('previous_year', '2024-01-01', '2024-07-01'), { to: '2025-07-01', grain: 'month' }, 'ja')).toEqual([
      '前年同期（2024-01〜2024-06）と比較しています。',
    ]);
    expect(comparisonNotes(meta('previous_period', '2024-10-01', '2025-04-01'), { to: '2025-07-01', grain: 'quarter' }, 'en')).toEqual([
      'Compared with the previous period (2024 Q4〜2025 Q1).',
    ]);
    expect(comparisonNotes(meta('previous_period', '2024-12-01', '2025-01-01'), { to: '2025-02-01', grain: 'month' }, 'ja')).toEqual([
      '前期（2024-12）と比較しています。',
    ]);
    expect(comparisonNotes(meta('previous_year', '2024-01-08', '2024-03-04'), { to: '2025-03-03', grain: 'week' }, 'en')).toEqual([
      'Compared with the same period last year (2024-01-08〜2024-03-03).',
    ]);
    expect(comparisonNotes({}, { to: '2025-03-03' }, 'en')).toEqual([]);
  });

  test('a range past the data says its partial period is compared like for like', () => {
    const edge = { ...meta('previous_year', '2025-09-01', '2026-01-01'), dataEnd: '2026-11-01T00:00:00.000Z', partialPeriod: '2026-11-01' };
    expect(comparisonNotes(edge, { to: '2027-01-01', grain: 'month' }, 'ja')).toEqual([
      '前年同期（2025-09〜2025-12）と比較しています。',
      '途中までの 2026-11 は、比べる期間も同じところまでで比べています。',
    ]);
    // A range that ends before the data does has no partial period to speak of.
    expect(comparisonNotes(edge, { to: '2026-11-01', grain: 'month' }, 'en')).toHaveLength(1);
  });
});

describe('a block with a comparison', () => {
  const result = (unit: 'JPY' | 'ratio'): Pick<QueryResult, 'columns' | 'rows'> => ({
    columns: [
      { name: 'period', type: 'date', role: 'period', title: { ja: '期間', en: 'Period' } },
      { name: 'value', type: 'number', role: 'value', title: { ja: '値', en: 'Value' }, unit },
      { name: 'comparison', type: 'number', role: 'comparison', title: { ja: '前年同期', en: 'Same period last year' }, unit },
      // A ratio's change is titled as points by the service (api/service.ts): the block shows what it is sent.
      {
        name: 'change',
        type: 'number',
        role: 'change',
        title: unit === 'ratio' ? { ja: '増減（ポイント差）', en: 'Change (pt)' } : { ja: '増減', en: 'Change' },
        unit,
      },
      { name: 'change_ratio', type: 'number', role: 'changeRatio', title: { ja: '増減率', en: 'Change (%)' }, unit: 'ratio' },
    ],
    rows: [['2025-01-01', 120, 100, 20, 0.2]],
  });
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

  test('yen: the comparison as the value, the change with a sign, the ratio as a signed percentage', () => {
    const table = tableOf(result('JPY'), 'ja', day);
    expect(table.values[0]).toEqual(['期間', '値', '前年同期', '増減', '増減率']);
    expect(table.formats[1]).toEqual(['yyyy-mm-dd', '[$¥]#,##0', '[$¥]#,##0', '+[$¥]#,##0;-[$¥]#,##0;[$¥]#,##0', '+0.0%;-0.0%;0.0%']);
  });

  test('a ratio metric: the change in points, said in its header and its format', () => {
    const table = tableOf(result('ratio'), 'en', day);
    expect(table.values[0]![3]).toBe('Change (pt)');
    expect(table.formats[1]![3]).toBe('+0.0%"pt";-0.0%"pt";0.0%"pt"');
  });

  test('inserted as a formula, the comparison becomes an option', () => {
    expect(formulaFor({ metric: 'revenue', from: 'last_12_months', grain: 'month', compare: 'previous_year' })).toBe(
      '=SNAQ_METRIC("revenue", "last_12_months", "", "month", "", "", "compare=previous_year")',
    );
    expect(formulaFor({ metric: 'revenue', from: '2025-01', to: '2025-06', limit: 5, compare: 'previous_period' })).toBe(
      '=SNAQ_METRIC("revenue", "2025-01", "2025-06", "", "", "", "limit=5, compare=previous_period")',
    );
  });
});
