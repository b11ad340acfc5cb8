/**
 * Who uses the local workbench. `npm start` builds the add-on with this address among its admins
 * (esbuild.config.ts --workbench), so the workbench's Settings tab can be saved.
 */
export const WORKBENCH_USER = 'you@workbench.local';

/**
 * Who you can be in the workbench (the person picker), so restricted metrics can be seen offline:
 * the local issuer signs each one's ID token. Hanako is in finance in the reviewed policy
 * (catalog/accessPolicy.ts); Jiro and Alex are in no group. You (the admin) have no identity token.
 */
export const WORKBENCH_PEOPLE: ReadonlyArray<{ email: string; locale: 'ja' | 'en'; label: string }> = [
  { email: WORKBENCH_USER, locale: 'ja', label: 'you@workbench.local（管理者・本人確認なし）' },
  { email: 'hanako.sato@snaq.me', locale: 'ja', label: '佐藤 花子（財務）' },
  { email: 'jiro.suzuki@snaq.me', locale: 'ja', label: '鈴木 次郎（グループなし）' },
  { email: 'alex.brown@snaq.me', locale: 'en', label: 'Alex Brown (no group, English)' },
];
