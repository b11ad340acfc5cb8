/** A block's number formats follow its columns' roles (src/addon/server/blocks/blockTable.ts). */
import { tableOf } from '../../src/addon/server/blocks/blockTable';
import { forecastColumns } from '../../src/api/insights';
import type { Column } from '../../src/contract/types';

const PERIOD: Column = { name: 'period', type: 'date', role: 'period', title: { ja: '期間', en: 'Period' } };
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

test('a forecast block formats its actual, forecast and bounds in the unit, as a query block does its value', () => {
  const table = tableOf({ columns: forecastColumns(PERIOD, 'JPY'), rows: [['2025-01-01', null, 1200.4, 1000, 1400]] }, 'en', day);
  expect(table.values[0]).toEqual(['Period', 'Actual', 'Forecast', 'Lower', 'Upper']);
  expect(table.formats[1]).toEqual(['yyyy-mm-dd', '[$¥]#,##0', '[$¥]#,##0', '[$¥]#,##0', '[$¥]#,##0']);
  const ratio = tableOf({ columns: forecastColumns(PERIOD, 'ratio'), rows: [['2025-01-01', 0.1, null, null, null]] }, 'ja', day);
  expect(ratio.formats[1]!.slice(1)).toEqual(['0.0%', '0.0%', '0.0%', '0.0%']);
});

test('an integer dimension stays a plain number; a value without a unit is a count', () => {
  const columns: Column[] = [
    { name: 'age', type: 'number', role: 'dimension', title: { ja: '年齢', en: 'Age' } },
    { name: 'value', type: 'number', role: 'value', title: { ja: '件数', en: 'Count' } },
  ];
  expect(tableOf({ columns, rows: [[30, 5]] }, 'en', day).formats[1]).toEqual(['0', '#,##0']);
});
