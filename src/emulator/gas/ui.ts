/** SpreadsheetApp.getUi(): menus, alerts, prompts, sidebars and dialogs, recorded in the main thread. */
import type { MenuEntry, MenuRecord } from '../protocol';
import { mismatch, type GasContext } from './context';
import { HostObject } from './hostObject';
import { HtmlOutput } from './htmlService';

const BUTTON_SETS = ['OK', 'OK_CANCEL', 'YES_NO', 'YES_NO_CANCEL'];
const BUTTONS = ['CLOSE', 'OK', 'CANCEL', 'YES', 'NO'];

export class Menu extends HostObject {
  readonly gasClass = 'Menu';
  private readonly items: MenuEntry[] = [];
  constructor(
    private readonly ctx: GasContext,
    private readonly name: string,
    private readonly addon: boolean,
  ) {
    super();
  }
  _record(): MenuRecord {
    return {
      name: this.name,
      addon: this.addon,
      items: this.items.map((item) => ('subMenu' in item ? { subMenu: item.subMenu } : item)),
    };
  }
  addItem(caption: unknown, functionName: unknown): Menu {
    if (typeof caption !== 'string' || typeof functionName !== 'string') throw mismatch('Menu.addItem', [caption, functionName]);
    this.items.push({ caption, functionName });
    return this;
  }
  addSeparator(): Menu {
    this.items.push({ separator: true });
    return this;
  }
  addSubMenu(menu: unknown): Menu {
    if (!(menu instanceof Menu)) throw mismatch('Menu.addSubMenu', [menu]);
    this.items.push({ subMenu: menu._record() });
    return this;
  }
  addToUi(): void {
    this.ctx.host.call('uiAddMenu', this._record());
  }
}

export class PromptResponse extends HostObject {
  readonly gasClass = 'PromptResponse';
  constructor(
    private readonly text: string,
    private readonly button: string,
  ) {
    super();
  }
  getResponseText(): string {
    return this.text;
  }
  getSelectedButton(): string {
    return this.button;
  }
}

export class Ui extends HostObject {
  readonly gasClass = 'Ui';
  constructor(private readonly ctx: GasContext) {
    super();
  }
  override _props(): Record<string, unknown> {
    return {
      ButtonSet: Object.fromEntries(BUTTON_SETS.map((b) => [b, b])),
      Button: Object.fromEntries(BUTTONS.map((b) => [b, b])),
    };
  }
  createMenu(caption: unknown): Menu {
    if (typeof caption !== 'string') throw mismatch('Ui.createMenu', [caption]);
    return new Menu(this.ctx, caption, false);
  }
  createAddonMenu(): Menu {
    return new Menu(this.ctx, this.ctx.input.addonName, true);
  }
  /** alert(prompt) | alert(prompt, buttons) | alert(title, prompt, buttons) */
  alert(...args: unknown[]): string {
    const [title, prompt, buttons] = this._dialogArgs('Ui.alert', args);
    return this.ctx.host.call('uiAlert', { ...(title === undefined ? {} : { title }), prompt, buttons });
  }
  prompt(...args: unknown[]): PromptResponse {
    const [title, prompt, buttons] = this._dialogArgs('Ui.prompt', args);
    const answer = this.ctx.host.call('uiPrompt', { ...(title === undefined ? {} : { title }), prompt, buttons });
    return new PromptResponse(answer.text, answer.button);
  }
  private _dialogArgs(method: string, args: unknown[]): [string | undefined, string, string] {
    if (!args.every((a) => typeof a === 'string') || args.length < 1 || args.length > 3) throw mismatch(method, args);
    const strings = args as string[];
    if (strings.length === 3) return [strings[0], strings[1] as string, strings[2] as string];
    if (strings.length === 2) return [undefined, strings[0] as string, strings[1] as string];
    return [undefined, strings[0] as string, 'OK'];
  }
  showSidebar(html: unknown): void {
    if (!(html instanceof HtmlOutput)) throw mismatch('Ui.showSidebar', [html]);
    this.ctx.host.call('uiShow', { kind: 'sidebar', ...html._shown() });
  }
  showModalDialog(html: unknown, title: unknown): void {
    if (!(html instanceof HtmlOutput) || typeof title !== 'string') throw mismatch('Ui.showModalDialog', [html, title]);
    this.ctx.host.call('uiShow', { kind: 'modalDialog', ...html._shown(), title });
  }
  showModelessDialog(html: unknown, title: unknown): void {
    if (!(html instanceof HtmlOutput) || typeof title !== 'string') throw mismatch('Ui.showModelessDialog', [html, title]);
    this.ctx.host.call('uiShow', { kind: 'modelessDialog', ...html._shown(), title });
  }
}
