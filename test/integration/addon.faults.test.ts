/**
 * Faults that retrying cannot mend, and the one that is nobody's but Google's: the add-on must
 * blame the right party and must not hammer the service. A fake API counts every request.
 */
import { createAppsScriptEnv, type AppsScriptEnv } from '../../src/emulator';
import { CODE_PATH, connectionProperties } from '../support/addonEnv';
import { startScriptedApi, type ScriptedApi } from '../support/scriptedApi';

let api: ScriptedApi;
const envs: AppsScriptEnv[] = [];

beforeEach(async () => {
  api = await startScriptedApi();
});
afterEach(async () => {
  await Promise.all(envs.splice(0).map((env) => env.close()));
  await api.close();
});

async function env(options: { userLocale?: string; urlFetchDailyQuota?: number } = {}): Promise<AppsScriptEnv> {
  const created = await createAppsScriptEnv({
    codePath: CODE_PATH,
    scriptProperties: connectionProperties(api.url),
    workbook: { timeZone: 'Asia/Tokyo', locale: 'ja_JP', sheets: { Sheet1: [[null]] } },
    user: { locale: options.userLocale ?? 'ja' },
    ...(options.urlFetchDailyQuota !== undefined ? { urlFetchDailyQuota: options.urlFetchDailyQuota } : {}),
  });
  envs.push(created);
  return created;
}

const METRIC = ['revenue', '2024-01-01', '2024-03-31'];

describe('UrlFetch’s daily quota is its own sentence, not “cannot reach the host”', () => {
  test('in a cell (the spreadsheet’s language) and in the sidebar (the user’s language)', async () => {
    const gas = await env({ userLocale: 'en', urlFetchDailyQuota: 0 });
    const cell = await gas.run('SNAQ_METRIC', METRIC, { mode: 'customFunction' });
    expect(cell.error).toBe('今日の外部接続の回数（Google の 1 日の上限）を使い切りました。明日もう一度お試しください。');
    const sidebar = await gas.run('snaqListMetrics', [''], { mode: 'rpc' });
    expect(sidebar.error).toBe('The add-on has used up today’s external calls (Google’s daily limit). Try again tomorrow.');
    expect(api.requests).toHaveLength(0);
    // Trying again cannot mend it, so it is not tried again.
    expect(gas.fetchLog.filter((entry) => entry.status === 'error')).toHaveLength(2);
  });
});

describe('a failure that retrying cannot mend is fetched exactly once', () => {
  test.each<[string, number, unknown, string]>([
    [
      '503 marked not retryable',
      503,
      { error: { code: 'ENGINE_UNAVAILABLE', message: 'Athena refused the query', details: { reason: 'athena_refused', retryable: false } } },
      'データ基盤が要求を受け付けませんでした。データチームに連絡してください。',
    ],
    [
      '500 INTERNAL',
      500,
      { error: { code: 'INTERNAL', message: 'Internal error' } },
      '予期しないエラーが起きました。続く場合はデータチームに連絡してください。',
    ],
    [
      '504 query timeout',
      504,
      { error: { code: 'QUERY_TIMEOUT', message: 'The query took too long', details: { reason: 'timeout' } } },
      '集計に時間がかかりすぎたため中断しました。期間や切り口を減らしてください。',
    ],
    [
      '400 scan limit',
      400,
      { error: { code: 'INVALID_ARGUMENT', message: 'Scan limit', details: { reason: 'scan_limit' } } },
      '読み込むデータ量が上限を超えました。期間を短くするか、切り口や絞り込みを見直してください。',
    ],
  ])('%s', async (_name, status, body, sentence) => {
    const gas = await env();
    api.failWith(status, body);
    const cell = await gas.run('SNAQ_METRIC', METRIC, { mode: 'customFunction' });
    expect(cell.error).toBe(sentence);
    expect(api.requests).toHaveLength(1);
  });

  test('a dropped connection is retried and the cell gets its value', async () => {
    const gas = await env();
    api.hangUp(1);
    const cell = await gas.run('SNAQ_METRIC', METRIC, { mode: 'customFunction' });
    expect(cell.error).toBeUndefined();
    expect(api.requests).toHaveLength(2);
    expect(gas.fetchLog.map((entry) => entry.status)).toEqual(['error', 200]);
  });
});

describe('damaged document properties are reported, never silently reset', () => {
  test('a block whose saved state cannot be read says so in the block list; its next refresh records the replacement', async () => {
    const gas = await env();
    const inserted = await gas.run('snaqInsertBlock', [{ metric: 'm1', from: '2024-01', to: '2024-03' }], { mode: 'rpc' });
    const id = (inserted.value as { id: string }).id;
    gas.properties.document.set(`SNAQ_BLOCK_${id}`, '{"status":"fresh","history":[{"at":"2024-'); // cut off mid-write

    const listed = await gas.run('snaqListBlocks', [], { mode: 'rpc' });
    expect(listed.value).toEqual([
      expect.objectContaining({
        id,
        state: expect.objectContaining({
          status: 'error',
          reason: 'このブロックの更新履歴が壊れていて読めません。更新すると新しい履歴になります。',
        }),
      }),
    ]);
    expect(gas.properties.document.get(`SNAQ_BLOCK_${id}`)).toBe('{"status":"fresh","history":[{"at":"2024-'); // listing changes nothing

    const refreshed = await gas.run('snaqRefreshBlock', [id], { mode: 'rpc' });
    const state = (refreshed.value as { state: { status: string; history: Array<{ ok: boolean; reason?: string }> } }).state;
    expect(state.status).toBe('fresh');
    expect(state.history).toEqual([
      expect.objectContaining({ ok: false, reason: '壊れていて読めなかった更新履歴を、この更新で置き換えました。' }),
      expect.objectContaining({ ok: true }),
    ]);
  });

  test('an unreadable schedule is shown in the sidebar (ja/en), left as it is by the trigger, and logged', async () => {
    const gas = await env({ userLocale: 'en' });
    await gas.run('snaqSetSchedule', [{ kind: 'daily', hour: 8 }], { mode: 'rpc' });
    gas.properties.document.set('SNAQ_SCHEDULE', '{"schedule":{"kind":"daily","hour":8},"completedSlot":17'); // truncated

    const view = await gas.run('snaqGetSchedule', [], { mode: 'rpc' });
    expect(view.value).toEqual({
      schedule: null,
      problem: 'The saved schedule is damaged, so scheduled refreshes are paused. Choose the schedule again and save it.',
    });
    const [trigger] = gas.triggers.list();
    const run = await gas.triggers.fire(trigger!.uid);
    expect(run.value).toMatchObject({ due: false, problem: expect.stringMatching(/^保存されたスケジュールが壊れていて読めない/) });
    expect(run.logs.join('\n')).toMatch(/SNAQ_SCHEDULE cannot be read/);
    expect(gas.properties.document.get('SNAQ_SCHEDULE')).toBe('{"schedule":{"kind":"daily","hour":8},"completedSlot":17');
  });
});
