/** The settings dialog: an admin enters the endpoint and key; the secret only ever goes in. */
import { settingsPanel } from './settingsPanel';
import { browserLang, TEXT } from './text';

document.body.append(settingsPanel(TEXT[browserLang()]));
