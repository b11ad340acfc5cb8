/** How SNAQ_FRESHNESS words the quality gate's last result over a table (customFunctions.ts). */
import { qualityText } from '../../src/addon/server/customFunctions';

const run = { at: '2026-11-01T00:00:00Z', runId: 'r1', report: 'quality/r1.json' };

test('passed, failed with the checks that failed on the table, failed without saying which, or nothing yet', () => {
  expect(qualityText({ ...run, passed: true, failedChecks: [] }, 'ja')).toBe('合格');
  expect(qualityText({ ...run, passed: false, failedChecks: ['row_count', 'references'] }, 'en')).toBe('failed: row_count, references');
  expect(qualityText({ ...run, passed: false, failedChecks: ['row_count'] }, 'ja')).toBe('不合格: row_count');
  // The run failed on other tables only, or its line predates per-table results.
  expect(qualityText({ ...run, passed: false, failedChecks: [] }, 'en')).toBe('failed');
  expect(qualityText({ ...run, passed: false, failedChecks: null }, 'ja')).toBe('不合格');
  expect(qualityText(null, 'en')).toBe('');
});
