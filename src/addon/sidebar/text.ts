/** Dialog and sidebar text in both languages; the browser's language picks one. */
import type { Lang } from '../../contract/types';

export const TEXT = {
  ja: {
    endpoint: '接続先 URL',
    region: 'リージョン',
    accessKeyId: 'アクセスキー ID',
    secret: 'シークレットアクセスキー',
    secretSaved: '保存済み（変えるときだけ入力）',
    sessionToken: 'セッショントークン（任意）',
    save: '保存',
    test: '接続テスト',
    saved: '保存しました。',
    testing: '接続を確認しています…',
    hint: '管理者だけが設定します。シークレットは表示されず、シートにも書き込まれません。',
  },
  en: {
    endpoint: 'Endpoint URL',
    region: 'Region',
    accessKeyId: 'Access key ID',
    secret: 'Secret access key',
    secretSaved: 'Saved (type only to change it)',
    sessionToken: 'Session token (optional)',
    save: 'Save',
    test: 'Test connection',
    saved: 'Saved.',
    testing: 'Testing the connection…',
    hint: 'For admins. The secret is never shown again or written to the sheet.',
  },
} satisfies Record<Lang, Record<string, string>>;

export function browserLang(): Lang {
  return /^ja/i.test(typeof navigator === 'undefined' ? '' : navigator.language) ? 'ja' : 'en';
}
