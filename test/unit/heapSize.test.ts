/** The cache's byte estimate follows V8's layout, so its budget is real memory (measured: `npm run bench -- memory`). */
import { estimateHeapBytes } from '../../src/api/heapSize';

test('a result of 1,000 rows is counted as V8 holds it: row arrays, string objects, boxed fractions', () => {
  const rows = Array.from({ length: 1_000 }, () => ['2024-01-01', '東京都', 1234.5, 42, null]);
  // Per row: the array (32) + its 5 slots (16 + 40), "2024-01-01" one byte per char (16 + 10 → 32),
  // "東京都" two bytes per char (16 + 6 → 24), 1234.5 boxed (16); 42 and null live in their slots.
  const perRow = 32 + 16 + 5 * 8 + 32 + 24 + 16;
  expect(estimateHeapBytes(rows)).toBe(32 + 16 + 1_000 * 8 + 1_000 * perRow);
  // The old estimate (JSON length × 2) counted well under half of it.
  expect(JSON.stringify(rows).length * 2).toBeLessThan(estimateHeapBytes(rows) / 2);
});

test('objects count their slots and values; shared constants count nothing', () => {
  expect(estimateHeapBytes({ a: 1, b: 'x', c: true })).toBe(24 + 3 * 8 + 24);
  expect(estimateHeapBytes(null)).toBe(0);
  expect(estimateHeapBytes(2 ** 40)).toBe(16);
});
