/** The settings dialog: an admin enters the endpoint and key; the secret only ever goes in. */
import type { PublicSettings } from '../server/settings';
import { callServer } from './rpc';
import { browserLang, TEXT } from './text';

const text = TEXT[browserLang()];
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function field(id: string, label: string, type = 'text'): string {
  return `<label for="${id}">${label}</label><input id="${id}" type="${type}" autocomplete="off" spellcheck="false">`;
}

function render(): void {
  document.body.innerHTML = `
    <form id="form">
      ${field('endpoint', text.endpoint, 'url')}
      ${field('region', text.region)}
      ${field('accessKeyId', text.accessKeyId)}
      ${field('secret', text.secret, 'password')}
      ${field('sessionToken', text.sessionToken, 'password')}
      <p class="hint">${text.hint}</p>
      <div class="buttons"><button type="submit" id="save">${text.save}</button><button type="button" id="test">${text.test}</button></div>
      <p id="status" role="status"></p>
    </form>`;
}

function show(settings: PublicSettings): void {
  byId<HTMLInputElement>('endpoint').value = settings.endpoint;
  byId<HTMLInputElement>('region').value = settings.region;
  byId<HTMLInputElement>('accessKeyId').value = settings.accessKeyId;
  byId<HTMLInputElement>('secret').value = '';
  byId<HTMLInputElement>('secret').placeholder = settings.hasSecret ? text.secretSaved : '';
  byId<HTMLInputElement>('sessionToken').value = '';
  byId<HTMLInputElement>('sessionToken').placeholder = settings.hasSessionToken ? text.secretSaved : '';
}

function status(message: string, ok: boolean): void {
  const line = byId<HTMLParagraphElement>('status');
  line.textContent = message;
  line.className = ok ? 'ok' : 'error';
}

async function main(): Promise<void> {
  render();
  show(await callServer('snaqGetSettings'));
  byId<HTMLFormElement>('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      show(
        await callServer('snaqSaveSettings', {
          endpoint: byId<HTMLInputElement>('endpoint').value,
          region: byId<HTMLInputElement>('region').value,
          accessKeyId: byId<HTMLInputElement>('accessKeyId').value,
          secretAccessKey: byId<HTMLInputElement>('secret').value,
          sessionToken: byId<HTMLInputElement>('sessionToken').value,
        }),
      );
      status(text.saved, true);
    } catch (error) {
      status((error as Error).message, false);
    }
  });
  byId<HTMLButtonElement>('test').addEventListener('click', async () => {
    status(text.testing, true);
    const report = await callServer('snaqTestConnection');
    status(report.message, report.ok);
  });
}

void main();
