/**
 * HtmlService: outputs from strings or from `<name>.html` next to the bundle, and minimal templates
 * (`<?= escaped ?>`, `<?!= raw ?>`, `<? code ?>`, evaluated in the script's realm with the
 * template's own properties in scope).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GasException, MSG } from '../messages';
import type { ShownHtml } from '../protocol';
import { forbidInCustomFunction, mismatch, type GasContext } from './context';
import { HostObject } from './hostObject';

export class HtmlOutput extends HostObject {
  readonly gasClass = 'HtmlOutput';
  private title = '';
  private width: number | undefined;
  private height: number | undefined;
  constructor(private content: string) {
    super();
  }
  _shown(): Omit<ShownHtml, 'kind'> {
    return {
      html: this.content,
      ...(this.title ? { title: this.title } : {}),
      ...(this.width === undefined ? {} : { width: this.width }),
      ...(this.height === undefined ? {} : { height: this.height }),
    };
  }
  getContent(): string {
    return this.content;
  }
  setContent(content: unknown): HtmlOutput {
    this.content = String(content);
    return this;
  }
  append(text: unknown): HtmlOutput {
    this.content += String(text);
    return this;
  }
  clear(): HtmlOutput {
    this.content = '';
    return this;
  }
  setTitle(title: unknown): HtmlOutput {
    this.title = String(title);
    return this;
  }
  getTitle(): string {
    return this.title;
  }
  setWidth(width: unknown): HtmlOutput {
    this.width = Number(width);
    return this;
  }
  getWidth(): number | undefined {
    return this.width;
  }
  setHeight(height: unknown): HtmlOutput {
    this.height = Number(height);
    return this;
  }
  getHeight(): number | undefined {
    return this.height;
  }
  setSandboxMode(): HtmlOutput {
    return this;
  }
  setXFrameOptionsMode(): HtmlOutput {
    return this;
  }
  addMetaTag(): HtmlOutput {
    return this;
  }
  setFaviconUrl(): HtmlOutput {
    return this;
  }
}

function templateCode(text: string): string {
  let body = '';
  let last = 0;
  const re = /<\?(!=|=)?([\s\S]*?)\?>/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    body += `__o += ${JSON.stringify(text.slice(last, m.index))};\n`;
    const code = m[2] ?? '';
    if (m[1] === '=') body += `__o += __e(${code});\n`;
    else if (m[1] === '!=') body += `__o += String(${code});\n`;
    else body += `${code}\n`;
    last = m.index + m[0].length;
  }
  body += `__o += ${JSON.stringify(text.slice(last))};\n`;
  return `(function (__t) {
  var __o = '';
  var __e = function (v) { return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'); };
  var __vars = {};
  Object.keys(__t).forEach(function (k) { __vars[k] = __t[k]; });
  with (__vars) {
${body}  }
  return __o;
})`;
}

export class HtmlTemplate extends HostObject {
  readonly gasClass = 'HtmlTemplate';
  constructor(
    private readonly ctx: GasContext,
    private readonly raw: string,
    private readonly name: string,
  ) {
    super();
  }
  getRawContent(): string {
    return this.raw;
  }
  getCode(): string {
    return templateCode(this.raw);
  }
  evaluate(): HtmlOutput {
    const render = this.ctx.sandbox.evaluate(templateCode(this.raw), `${this.name}.html`) as (vars: object) => string;
    return new HtmlOutput(String(render(this.ctx.sandbox.wrap(this))));
  }
}

export class HtmlService extends HostObject {
  readonly gasClass = 'HtmlService';
  constructor(private readonly ctx: GasContext) {
    super();
  }
  override _props(): Record<string, unknown> {
    return {
      SandboxMode: { EMULATED: 'EMULATED', IFRAME: 'IFRAME', NATIVE: 'NATIVE' },
      XFrameOptionsMode: { ALLOWALL: 'ALLOWALL', DEFAULT: 'DEFAULT' },
    };
  }
  private _file(method: string, name: unknown): string {
    forbidInCustomFunction(this.ctx, `HtmlService.${method}`);
    if (typeof name !== 'string') throw mismatch(`HtmlService.${method}`, [name]);
    const base = name.replace(/\.html$/, '');
    try {
      return fs.readFileSync(path.join(this.ctx.input.bundleDir, `${base}.html`), 'utf8');
    } catch {
      throw new GasException(MSG.noHtmlFile(base));
    }
  }
  createHtmlOutput(html?: unknown): HtmlOutput {
    forbidInCustomFunction(this.ctx, 'HtmlService.createHtmlOutput');
    return new HtmlOutput(html === undefined ? '' : String(html));
  }
  createHtmlOutputFromFile(name: unknown): HtmlOutput {
    return new HtmlOutput(this._file('createHtmlOutputFromFile', name));
  }
  createTemplate(html: unknown): HtmlTemplate {
    forbidInCustomFunction(this.ctx, 'HtmlService.createTemplate');
    return new HtmlTemplate(this.ctx, String(html), 'template');
  }
  createTemplateFromFile(name: unknown): HtmlTemplate {
    return new HtmlTemplate(this.ctx, this._file('createTemplateFromFile', name), String(name));
  }
}
