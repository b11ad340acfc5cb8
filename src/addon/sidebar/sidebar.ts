/** The sidebar, for now a pointer to SNAQ_METRICS(); the catalog browser comes next. */
import { say } from '../server/messages';
import { browserLang } from './text';

document.body.innerHTML = `<h1>SNAQ</h1><p>${say(browserLang(), 'sidebarComing')}</p>`;
