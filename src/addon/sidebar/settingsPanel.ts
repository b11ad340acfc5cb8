/** The connection settings form, shown in the settings dialog and in the sidebar's Settings tab. */
import type { PublicSettings } from '../server/settings';
import { h } from './dom';
import { callServer } from './rpc';
import { TEXT, type SidebarText } from './text';

function field(id: string, label: string, type = 'text'): HTMLElement[] {
  return [h('label', { for: id }, label), h('input', { id, type, autocomplete: 'off', spellcheck: 'false' })];
}

export function settingsPanel(text: SidebarText = TEXT.en): HTMLFormElement {
  const status = h('p', { id: 'status', role: 'status' });
  const form = h(
    'form',
    { id: 'form' },
    ...field('endpoint', text.endpoint, 'url'),
    ...field('region', text.region),
    ...field('accessKeyId', text.accessKeyId),
    ...field('secret', text.secret, 'password'),
    ...field('sessionToken', text.sessionToken, 'password'),
    // Named when the add-on is built (SNAQ_ADMINS): shown, never edited here.
    h('p', { id: 'admins', class: 'hint' }),
    h('p', { class: 'hint' }, text.hint),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', id: 'save' }, text.save), h('button', { type: 'button', id: 'test' }, text.test)),
    status,
  );
  const input = (id: string) => form.querySelector<HTMLInputElement>(`#${id}`)!;
  const show = (settings: PublicSettings) => {
    input('endpoint').value = settings.endpoint;
    input('region').value = settings.region;
    input('accessKeyId').value = settings.accessKeyId;
    input('secret').value = '';
    input('secret').placeholder = settings.hasSecret ? text.secretSaved : '';
    input('sessionToken').value = '';
    input('sessionToken').placeholder = settings.hasSessionToken ? text.secretSaved : '';
    form.querySelector('#admins')!.textContent = `${text.admins}: ${settings.admins.join(', ') || text.noAdmins}`;
    // Only admins may save; everyone else sees the settings read-only.
    for (const element of form.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, #save')) element.disabled = !settings.canEdit;
    if (!settings.canEdit) say(text.adminOnly, false);
  };
  const say = (message: string, ok: boolean) => {
    status.textContent = message;
    status.className = ok ? 'ok' : 'error';
  };
  void callServer('snaqGetSettings').then(show, (error: Error) => say(error.message, false));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      show(
        await callServer('snaqSaveSettings', {
          endpoint: input('endpoint').value,
          region: input('region').value,
          accessKeyId: input('accessKeyId').value,
          secretAccessKey: input('secret').value,
          sessionToken: input('sessionToken').value,
        }),
      );
      say(text.saved, true);
    } catch (error) {
      say((error as Error).message, false);
    }
  });
  form.querySelector('#test')!.addEventListener('click', async () => {
    say(text.testing, true);
    const report = await callServer('snaqTestConnection');
    say(report.message, report.ok);
  });
  return form;
}
