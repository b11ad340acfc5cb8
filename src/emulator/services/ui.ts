/**
 * What the script showed: menus added to the UI, sidebars, dialogs, alerts and prompts. Alerts and
 * prompts answer from queues the test fills (`answerAlert`, `answerPrompt`), else with the first
 * button of the set ('OK' or 'YES') and an empty text.
 */
import type { AlertRecord, MenuRecord, ShownHtml } from '../protocol';

export class UiRecorder {
  /** Menus by name; adding a menu of the same name again replaces it (as reopening the document would). */
  readonly menus: MenuRecord[] = [];
  /** The HTML of each sidebar shown, in order. */
  readonly sidebars: string[] = [];
  readonly dialogs: Array<ShownHtml & { kind: 'modalDialog' | 'modelessDialog' }> = [];
  /** Every sidebar and dialog in order, with titles and sizes. */
  readonly shown: ShownHtml[] = [];
  readonly alerts: AlertRecord[] = [];
  readonly prompts: AlertRecord[] = [];
  private readonly alertAnswers: string[] = [];
  private readonly promptAnswers: Array<{ text: string; button: string }> = [];

  answerAlert(button: string): void {
    this.alertAnswers.push(button);
  }
  answerPrompt(text: string, button = 'OK'): void {
    this.promptAnswers.push({ text, button });
  }

  addMenu(menu: MenuRecord): void {
    const i = this.menus.findIndex((m) => m.name === menu.name && m.addon === menu.addon);
    if (i >= 0) this.menus.splice(i, 1, menu);
    else this.menus.push(menu);
  }
  show(shown: ShownHtml): void {
    this.shown.push(shown);
    if (shown.kind === 'sidebar') this.sidebars.push(shown.html);
    else this.dialogs.push({ ...shown, kind: shown.kind });
  }
  alert(alert: AlertRecord): string {
    this.alerts.push(alert);
    return this.alertAnswers.shift() ?? (alert.buttons.startsWith('YES') ? 'YES' : 'OK');
  }
  prompt(alert: AlertRecord): { text: string; button: string } {
    this.prompts.push(alert);
    return this.promptAnswers.shift() ?? { text: '', button: alert.buttons.startsWith('YES') ? 'YES' : 'OK' };
  }
}
