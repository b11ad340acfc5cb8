/** The add-on menu and what its items do that is not a dialog. */
import type { Lang } from '../../contract/types';
import { say } from './messages';
import type { PropertiesLike } from './platform';
import { EPOCH_PROPERTY } from './sharedResults';

export interface MenuLike {
  addItem(caption: string, functionName: string): MenuLike;
  addSeparator(): MenuLike;
  addToUi(): void;
}

/** Menu items call these global functions (registered in entryPoints.ts). */
export function buildMenu(menu: MenuLike, lang: Lang): void {
  menu
    .addItem(say(lang, 'menuOpenSidebar'), 'snaqOpenSidebar')
    .addItem(say(lang, 'menuRefresh'), 'snaqRefreshFormulas')
    .addItem(say(lang, 'menuDashboard'), 'snaqInsertDashboard')
    .addSeparator()
    .addItem(say(lang, 'menuSettings'), 'snaqOpenSettings')
    .addItem(say(lang, 'menuAbout'), 'snaqAbout')
    .addToUi();
}

export interface FormulaSheet {
  /** The data range always starts at A1, so its indexes are the sheet's. */
  getDataRange(): { getFormulas(): string[][] };
  getRange(row: number, column: number): { setFormula(formula: string): unknown };
}

const SNAQ_FORMULA = /\bSNAQ_[A-Z]+\s*\(/i;

/**
 * Makes Sheets recalculate every SNAQ formula: a new refresh epoch makes their cache keys new, and
 * each formula is rewritten (cleared, flushed, restored), because Sheets recalculates a custom
 * function only when its text or arguments change. Returns how many formulas were refreshed.
 */
export function refreshSnaqFormulas(sheets: readonly FormulaSheet[], documentProperties: PropertiesLike, flush: () => void, now: number): number {
  documentProperties.setProperty(EPOCH_PROPERTY, String(now));
  const found: Array<{ sheet: FormulaSheet; row: number; column: number; formula: string }> = [];
  for (const sheet of sheets) {
    sheet
      .getDataRange()
      .getFormulas()
      .forEach((row, r) =>
        row.forEach((formula, c) => {
          if (SNAQ_FORMULA.test(formula)) found.push({ sheet, row: r + 1, column: c + 1, formula });
        }),
      );
  }
  for (const cell of found) cell.sheet.getRange(cell.row, cell.column).setFormula('');
  flush();
  for (const cell of found) cell.sheet.getRange(cell.row, cell.column).setFormula(cell.formula);
  return found.length;
}
