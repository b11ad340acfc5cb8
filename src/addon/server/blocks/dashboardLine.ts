/**
 * The KPI dashboard's freshness line, under its title: the data's time and the last refresh, in JST.
 * Its row carries developer metadata, so it moves with inserted rows like the blocks do, and every
 * successful write of a block on that sheet (inserted, refreshed by hand, by "refresh all" or by the
 * schedule) rewrites it from that answer. A block whose refresh failed says so in its own note.
 */
import { jstMinute } from '../../../contract/dates';
import type { Lang } from '../../../contract/types';
import { say } from '../messages';
import type { SheetLike, SpreadsheetLike } from './sheetTypes';

export const DASHBOARD_KEY = 'snaq.dashboard';

/** Rewrites the line of the dashboard on `sheet`, if it holds one; `at` and `dataAsOf` are ISO instants. */
export function updateDashboardLine(context: { spreadsheet: SpreadsheetLike; lang: Lang }, sheet: SheetLike, at: string, dataAsOf?: string): void {
  for (const metadata of context.spreadsheet.createDeveloperMetadataFinder().withKey(DASHBOARD_KEY).find()) {
    const row = metadata.getLocation().getRow();
    if (row && row.getSheet().getSheetId() === sheet.getSheetId()) {
      const line = say(context.lang, 'dashboardLine', { asOf: dataAsOf ? jstMinute(dataAsOf) : '—', at: jstMinute(at) });
      sheet.getRange(row.getRow(), 1).setValues([[line]]);
    }
  }
}
