/**
 * The built add-on bundle, run in the Apps Script emulator against the real local server and a
 * real lake: every SNAQ function's output equals the API's answer, typed as Sheets wants it.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { AppsScriptEnv } from '../../src/emulator';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv, CODE_PATH, jstDate, cellValue } from '../support/addonEnv';
import { createAppsScriptEnv } from '../../src/emulator';
import { buildAddonInto } from '../support/addonBuild';
import type { QueryResult } from '../../src/contract/types';

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.1 });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({ endpoint: api.server.url });
});
afterAll(async () => {
  await gas.close();
  await api.close();
  lake.remove();
});

const cell = (fn: string, args: unknown[]) => cellValue(gas, fn, args);

async function apiAnswer(body: object): Promise<QueryResult> {
  const outcome = await api.service.query(body, 'test');
  if (outcome.status !== 200) throw new Error('expected a synchronous answer');
  return outcome.body;
}

describe('SNAQ_METRIC', () => {
  test('returns the API answer with a Japanese header and periods as dates', async () => {
    const expected = await apiAnswer({ metric: 'revenue', from: '2024-01-01', to: '2025-01-01', grain: 'month' });
    const value = (await cell('SNAQ_METRIC', ['revenue', '2024-01-01', '2024-12-31', 'month'])) as unknown[][];
    expect(value[0]).toEqual(['期間', '売上（定期便＋ショップ）（円）']);
    expect(value.slice(1)).toEqual(expected.rows.map(([period, amount]) => [jstDate(period as string), amount]));
    expect(value[1]![0]).toBeInstanceOf(Date);
  });

  test('takes Date cells, an inclusive end, dimensions and filters from ranges, and options', async () => {
    const expected = await apiAnswer({
      metric: 'box_revenue',
      from: '2024-01-01',
      to: '2024-04-01',
      grain: 'month',
      dimensions: ['plan'],
      filters: { acquisition_channel: ['organic', 'instagram'] },
      limit: 4,
    });
    // Groups large enough to show, so the cell's rows are really compared (and no footnote follows).
    expect(expected.rows.length).toBe(4);
    expect(expected.meta.suppressed).toBeUndefined();
    const value = (await cell('SNAQ_METRIC', [
      'box_revenue',
      jstDate('2024-01-01'),
      jstDate('2024-03-31'),
      'month',
      [['plan']],
      [
        ['acquisition_channel', 'organic'],
        ['acquisition_channel', 'instagram'],
      ],
      'limit=4, lang=en',
    ])) as unknown[][];
    // English words for the plans (the API's codes are biweekly and every4weeks), the header with its unit.
    expect(value[0]).toEqual(['Period', 'Plan', 'Box revenue (JPY)']);
    const PLAN_EN: Record<string, string> = { biweekly: 'Every 2 weeks', every4weeks: 'Every 4 weeks' };
    expect(value.slice(1)).toEqual(expected.rows.map(([period, plan, amount]) => [jstDate(period as string), PLAN_EN[plan as string], amount]));
  });

  test('period keywords become the right half-open range', async () => {
    const value = (await cell('SNAQ_METRIC', ['new_subscribers', 'last_fiscal_year', '', 'quarter', '', '', 'noheader'])) as unknown[][];
    const today = dayOfJst(new Date());
    const fiscalStartYear = Number(today.slice(5, 7)) >= 4 ? Number(today.slice(0, 4)) - 1 : Number(today.slice(0, 4)) - 2;
    const expected = await apiAnswer({ metric: 'new_subscribers', from: `${fiscalStartYear}-04-01`, to: `${fiscalStartYear + 1}-04-01`, grain: 'quarter' });
    expect(value).toHaveLength(4); // four fiscal quarters, no header
    expect(value).toEqual(expected.rows.map(([period, count]) => [jstDate(period as string), count]));
  });
});

function dayOfJst(date: Date): string {
  return new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

describe('the shared cache', () => {
  test('a large result is stored in chunks under 100 KB, served whole from the cache, with a TTL from the data’s freshness', async () => {
    const args = ['product_units', '2024-01-01', '2024-03-31', 'day', 'product'];
    const first = (await cell('SNAQ_METRIC', args)) as unknown[][];
    expect(first.length).toBeGreaterThan(2_000);
    const cache = gas.caches.script;
    const heads = cache.keys().filter((key) => (cache.peek(key) ?? '').startsWith('c:'));
    expect(heads.length).toBe(1);
    const chunkCount = Number(cache.peek(heads[0]!)!.slice(2));
    expect(chunkCount).toBeGreaterThan(1);
    for (let i = 0; i < chunkCount; i++) expect(Buffer.byteLength(cache.peek(`${heads[0]}:${i}`)!)).toBeLessThanOrEqual(100 * 1024);
    // The lake is an old snapshot, so its next export is overdue: re-check after the 5-minute minimum.
    expect(cache.ttlOf(heads[0]!)).toBe(300);
    const requests = gas.fetchLog.length;
    const again = (await cell('SNAQ_METRIC', args)) as unknown[][];
    expect(gas.fetchLog.length).toBe(requests);
    expect(again).toEqual(first);
  });
});

describe('SNAQ_VALUE, SNAQ_METRICS, SNAQ_FRESHNESS', () => {
  test('SNAQ_VALUE is the single number for the whole range', async () => {
    const expected = await apiAnswer({ metric: 'active_subscribers', from: '2024-01-01', to: '2024-07-01', filters: { plan: 'biweekly' } });
    expect(await cell('SNAQ_VALUE', ['active_subscribers', '2024-01', '2024-06', 'plan=biweekly'])).toBe(expected.rows[0]![0]);
  });

  test('SNAQ_METRICS lists the catalog with localised titles', async () => {
    const value = (await cell('SNAQ_METRICS', ['解約'])) as string[][];
    expect(value[0]).toEqual(['指標', '名前', '単位', '粒度', '切り口', '状態', '説明']);
    expect(
      value
        .slice(1)
        .map((row) => row[0])
        .sort(),
    ).toEqual(['churn_rate', 'churned_subscribers']);
    expect(value.find((row) => row[0] === 'churn_rate')![1]).toBe('解約率');
  });

  test('SNAQ_FRESHNESS shows dataAsOf and whether the SLO is met', async () => {
    const value = (await cell('SNAQ_FRESHNESS', ['revenue'])) as unknown[][];
    expect(value[0]).toEqual(['指標', 'データ時点', 'SLO 達成', '', '']);
    expect(value[1]![0]).toBe('revenue');
    expect((value[1]![1] as Date).toISOString()).toBe(lake.manifest.tables.boxes!.snapshotAt);
    expect(value[1]![2]).toBe(false); // the test lake is an old snapshot
    const all = (await cell('SNAQ_FRESHNESS', [])) as unknown[][];
    expect(all).toHaveLength(11); // no footnote: this lake's history is not synthetic
    expect(all[0]).toEqual([
      'テーブル',
      'スナップショット時刻',
      'SLO（時間）',
      '経過（時間）',
      'SLO 達成',
      '最後の品質チェック',
      '30日間の SLO 達成率（0〜1 の割合）',
    ]);
  });
});

describe('the menu and settings', () => {
  test('onOpen builds the add-on menu in the user’s language', async () => {
    const result = await gas.run('onOpen', [{ authMode: 'LIMITED' }]);
    expect(result.error).toBeUndefined();
    const menu = gas.ui.menus.at(-1)!;
    expect(JSON.stringify(menu)).toContain('SNAQ の数式を更新');
    expect(JSON.stringify(menu)).toContain('snaqRefreshFormulas');
  });

  test('settings never show the secret back, and Test connection reports the catalog', async () => {
    const settings = (await gas.run('snaqGetSettings', [], { mode: 'rpc' })).value as Record<string, unknown>;
    expect(settings).toMatchObject({ endpoint: api.server.url, hasSecret: true });
    expect(JSON.stringify(settings)).not.toContain('secret-not-for-production');
    const report = (await gas.run('snaqTestConnection', [], { mode: 'rpc' })).value as { ok: boolean; message: string };
    expect(report.ok).toBe(true);
    expect(report.message).toMatch(/^接続できました。指標 15 件/);
  });

  test('saving keeps the stored secret when the field is left empty, and refuses a plain-http endpoint', async () => {
    const saved = await gas.run('snaqSaveSettings', [{ endpoint: api.server.url, accessKeyId: 'AKIDSNAQLOCALDEV0001', secretAccessKey: '' }], { mode: 'rpc' });
    expect(saved.error).toBeUndefined();
    expect(gas.properties.script.get('SNAQ_SECRET_ACCESS_KEY')).toBe('snaq-local-development-secret-not-for-production');
    const refused = await gas.run('snaqSaveSettings', [{ endpoint: 'http://metrics.example.com', accessKeyId: 'x', secretAccessKey: 'y' }], { mode: 'rpc' });
    expect(refused.error).toMatch(/https:\/\//);
    expect(gas.properties.script.get('SNAQ_ENDPOINT')).toBe(api.server.url);
    expect(gas.properties.document.size).toBe(0); // nothing secret, nothing at all, in document properties
  });

  test('only the admins named at build may change the settings; saving makes nobody an admin', async () => {
    // The test bundle is built with SNAQ_ADMINS naming the emulator user (test/globalSetup.ts).
    expect(gas.properties.script.has('SNAQ_ADMINS')).toBe(false); // the saves above named no one
    const other = await createAppsScriptEnv({ codePath: CODE_PATH, script: gas.script, user: { email: 'someone.else@example.com', locale: 'ja' } });
    try {
      const view = (await other.run('snaqGetSettings', [], { mode: 'rpc' })).value as { canEdit: boolean; admins: string[] };
      expect(view).toMatchObject({ canEdit: false });
      expect(view.admins).toContain('user@example.com');
      const refused = await other.run('snaqSaveSettings', [{ endpoint: 'https://evil.example.com', accessKeyId: 'x', secretAccessKey: 'y' }], { mode: 'rpc' });
      expect(refused.error).toMatch(/^設定を変更できるのは管理者（.*user@example\.com.*）だけです。$/);
      expect(other.properties.script.get('SNAQ_ENDPOINT')).toBe(api.server.url);
      expect(other.properties.script.has('SNAQ_ADMINS')).toBe(false);
    } finally {
      await other.close();
    }
  });

  test('a bundle built without SNAQ_ADMINS has no admins: nobody can save, not even the first to try', async () => {
    const dir = buildAddonInto({});
    const fresh = await createAppsScriptEnv({ codePath: path.join(dir, 'Code.js'), scriptProperties: {} });
    try {
      const view = (await fresh.run('snaqGetSettings', [], { mode: 'rpc' })).value as { canEdit: boolean; admins: string[] };
      expect(view).toMatchObject({ canEdit: false, admins: [] });
      const refused = await fresh.run('snaqSaveSettings', [{ endpoint: api.server.url, accessKeyId: 'AKIDSNAQLOCALDEV0001', secretAccessKey: 's' }], {
        mode: 'rpc',
      });
      expect(refused.error).toBe('ビルド時に管理者（SNAQ_ADMINS）が指定されていないため、設定は誰も変更できません。');
      expect(fresh.properties.script.size).toBe(0);
    } finally {
      await fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('neither saving nor reading the settings answers the secret or the session token', async () => {
    const secret = 'a-new-secret-that-must-stay-inside';
    const token = 'a-session-token-that-must-stay-inside';
    try {
      const saved = await gas.run(
        'snaqSaveSettings',
        [{ endpoint: api.server.url, accessKeyId: 'AKIDSNAQLOCALDEV0001', secretAccessKey: secret, sessionToken: token }],
        { mode: 'rpc' },
      );
      expect(saved.error).toBeUndefined();
      expect(gas.properties.script.get('SNAQ_SECRET_ACCESS_KEY')).toBe(secret);
      const read = await gas.run('snaqGetSettings', [], { mode: 'rpc' });
      for (const answer of [saved.value, read.value]) {
        expect(answer).toMatchObject({ hasSecret: true, hasSessionToken: true });
        expect(JSON.stringify(answer)).not.toContain(secret);
        expect(JSON.stringify(answer)).not.toContain(token);
      }
    } finally {
      const restored = await gas.run(
        'snaqSaveSettings',
        [
          {
            endpoint: api.server.url,
            accessKeyId: 'AKIDSNAQLOCALDEV0001',
            secretAccessKey: 'snaq-local-development-secret-not-for-production',
            clearSessionToken: true,
          },
        ],
        { mode: 'rpc' },
      );
      expect(restored.error).toBeUndefined();
    }
    expect((await gas.run('snaqGetSettings', [], { mode: 'rpc' })).value).toMatchObject({ hasSessionToken: false });
  });
});
