/**
 * Wrong arguments and failing servers, as a person at the cell sees them: one sentence that says
 * what to fix, never a stack trace and never "Loading..." past the 30 s limit.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppsScriptEnv } from '../../src/emulator';
import { createTestLake, type TestLake } from '../support/lake';
import { startLocalApi, type LocalApi } from '../support/localApi';
import { addonEnv } from '../support/addonEnv';
import { CountingEngine } from '../support/countingEngine';
import { DuckDbEngine } from '../../src/engine/duckdb';
import { ApiError } from '../../src/contract/errors';

let lake: TestLake;
let api: LocalApi;
let gas: AppsScriptEnv;

beforeAll(async () => {
  lake = await createTestLake({ scale: 0.05 });
  api = await startLocalApi(lake.dir);
  gas = await addonEnv({ endpoint: api.server.url });
});
afterAll(async () => {
  await gas.close();
  await api.close();
  lake.remove();
});

async function errorOf(env: AppsScriptEnv, fn: string, args: unknown[]): Promise<{ error?: string; elapsedMs: number }> {
  const result = await env.run(fn, args, { mode: 'customFunction' });
  expect(result.value).toBeUndefined();
  return result;
}

const R = ['revenue', '2024-01-01', '2024-03-31'];

describe('a wrong argument shows one sentence saying what to fix', () => {
  test.each<[string, string, unknown[], string, 'add-on' | 'server']>([
    ['an unknown metric', 'SNAQ_METRIC', ['revnue', '2024-01-01', '2024-03-31'], '指標 "revnue" はありません。もしかして "revenue"?', 'server'],
    [
      'a misspelt metric',
      'SNAQ_VALUE',
      ['activ_subscribers', '2024-01', '2024-03'],
      '指標 "activ_subscribers" はありません。もしかして "active_subscribers"?',
      'server',
    ],
    ['no metric', 'SNAQ_METRIC', ['', '2024-01-01', '2024-03-31'], '1つ目の引数に指標名を入れてください（例: "revenue"）。', 'add-on'],
    [
      'a metric given as a range',
      'SNAQ_METRIC',
      [[['revenue', 'box_revenue']], '2024-01-01', '2024-03-31'],
      '1つ目の引数に指標名を入れてください（例: "revenue"）。',
      'add-on',
    ],
    ['an empty start cell', 'SNAQ_METRIC', ['revenue', '', '2024-03-31'], 'from に日付を入れてください。', 'add-on'],
    ['an empty end cell', 'SNAQ_METRIC', ['revenue', '2024-01-01', ''], 'to に日付を入れてください。', 'add-on'],
    [
      'a date that is not one',
      'SNAQ_METRIC',
      ['revenue', 'next monday', '2024-03-31'],
      'from の "next monday" は日付として読めません。日付、"2024-01-31"、"2024-01"、または this_month などのキーワードを入れてください。',
      'add-on',
    ],
    [
      '2024-02-30',
      'SNAQ_METRIC',
      ['revenue', '2024-01-01', '2024-02-30'],
      'to の "2024-02-30" は日付として読めません。日付、"2024-01-31"、"2024-01"、または this_month などのキーワードを入れてください。',
      'add-on',
    ],
    [
      'an inverted range',
      'SNAQ_METRIC',
      ['revenue', '2024-03-01', '2024-01-31'],
      '開始日 2024-03-01 が終了日 2024-01-31 より後です。入れ替えてください。',
      'add-on',
    ],
    ['a range over ten years', 'SNAQ_METRIC', ['revenue', '2010-01-01', '2024-12-31'], '期間は最長 10 年までです。', 'add-on'],
    [
      'a keyword with an end date',
      'SNAQ_METRIC',
      ['revenue', 'last_month', '2024-03-31'],
      '期間キーワード "last_month" を使うときは終了日を空にしてください。',
      'add-on',
    ],
    [
      'an unknown grain',
      'SNAQ_METRIC',
      [...R, 'fortnight'],
      '粒度 "fortnight" は使えません。day, week, month, quarter, year のどれかにしてください。',
      'add-on',
    ],
    [
      'a grain the metric does not allow',
      'SNAQ_METRIC',
      ['churn_rate', '2024-01-01', '2024-03-31', 'day'],
      'この指標で使える粒度は month, quarter, year です。',
      'server',
    ],
    [
      'an unknown dimension',
      'SNAQ_METRIC',
      [...R, 'month', 'colour'],
      '切り口 "colour" はこの指標にありません。使えるのは prefecture, gender, age_band, acquisition_channel です。',
      'server',
    ],
    ['a personal-data dimension', 'SNAQ_METRIC', [...R, 'month', 'email'], '"email" は個人情報のため使えません。', 'server'],
    ['four dimensions', 'SNAQ_METRIC', [...R, 'month', 'prefecture,gender,acquisition_channel,plan'], '切り口は 3 つまでです。', 'add-on'],
    [
      'a huge range as dimensions',
      'SNAQ_METRIC',
      [...R, 'month', Array.from({ length: 1000 }, () => [''])],
      'dimensions の範囲が大きすぎます。200 セル以内にしてください。',
      'add-on',
    ],
    [
      'a malformed filter',
      'SNAQ_METRIC',
      [...R, 'month', '', 'gender female'],
      '絞り込み "gender female" が読めません。"plan=biweekly;gender=female" の形で書いてください。',
      'add-on',
    ],
    [
      'a filter named __proto__',
      'SNAQ_METRIC',
      [...R, 'month', '', '__proto__=x'],
      '切り口 "__proto__" はこの指標にありません。使えるのは prefecture, gender, age_band, acquisition_channel です。',
      'server',
    ],
    ['constructor as a period keyword', 'SNAQ_METRIC', ['revenue', 'constructor', ''], 'to に日付を入れてください。', 'add-on'],
    [
      'a filter value that does not exist',
      'SNAQ_METRIC',
      [...R, 'month', '', 'gender=unknown'],
      '絞り込み "gender" に使える値は 女性（female）, 男性（male）, その他（other）, 無回答（unanswered） です。',
      'server',
    ],
    ['a 300-character filter value', 'SNAQ_METRIC', [...R, 'month', '', `prefecture=${'東'.repeat(300)}`], '"prefecture" の値が正しくありません。', 'server'],
    [
      'an unknown option',
      'SNAQ_METRIC',
      [...R, 'month', '', '', 'colour=red'],
      'オプション "colour=red" はありません。noheader、nonotes、limit=数、lang=ja または lang=en、前年比、前期比 が使えます。',
      'add-on',
    ],
    [
      'a comparison that does not exist',
      'SNAQ_METRIC',
      [...R, 'month', '', '', 'compare=last_year'],
      'オプション "compare=last_year" はありません。noheader、nonotes、limit=数、lang=ja または lang=en、前年比、前期比 が使えます。',
      'add-on',
    ],
    [
      'a misspelt comparison in SNAQ_VALUE’s options',
      'SNAQ_VALUE',
      [...R, '', '前年'],
      'オプション "前年" はありません。noheader、nonotes、limit=数、lang=ja または lang=en、前年比、前期比 が使えます。',
      'add-on',
    ],
    ['a zero limit', 'SNAQ_METRIC', [...R, 'month', '', '', 'limit=0'], 'limit は 1 から 50000 までの整数にしてください。', 'add-on'],
    ['an unknown metric for freshness', 'SNAQ_FRESHNESS', ['revnue'], '指標 "revnue" はありません。もしかして "revenue"?', 'server'],
  ])('%s', async (_name, fn, args, sentence, caughtBy) => {
    const before = gas.fetchLog.length;
    const { error } = await errorOf(gas, fn, args);
    expect(error).toBe(sentence);
    // Mistakes the add-on can see are caught before any request; the rest cost exactly one.
    expect(gas.fetchLog.length - before).toBe(caughtBy === 'add-on' ? 0 : 1);
  });

  test('in an English spreadsheet the same mistakes read in English', async () => {
    const english = await addonEnv({ endpoint: api.server.url, locale: 'en_US' });
    try {
      expect((await errorOf(english, 'SNAQ_METRIC', ['revnue', '2024-01-01', '2024-03-31'])).error).toBe(
        'There is no metric "revnue". Did you mean "revenue"?',
      );
      expect((await errorOf(english, 'SNAQ_METRIC', ['revenue', '2024-03-01', '2024-01-31'])).error).toBe(
        'The start 2024-03-01 is after the end 2024-01-31: swap them.',
      );
    } finally {
      await english.close();
    }
  });
});

/** A server that answers every request with a fixed status and body. */
async function fixedServer(status: number, body: string, contentType: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a failing server gives a clear message within the time limit', () => {
  test('server down', async () => {
    const gone = await fixedServer(200, '{}', 'application/json');
    await gone.close();
    const env = await addonEnv({ endpoint: gone.url });
    try {
      const { error } = await errorOf(env, 'SNAQ_METRIC', R);
      expect(error).toBe(`指標サービス（${gone.url.slice('http://'.length)}）に接続できません。しばらくしてから再計算してください。`);
    } finally {
      await env.close();
    }
  });

  test('an HTML error page from a proxy', async () => {
    const proxy = await fixedServer(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    const env = await addonEnv({ endpoint: proxy.url });
    try {
      expect((await errorOf(env, 'SNAQ_METRIC', R)).error).toBe('指標サービスから想定外の応答がありました（HTTP 502）。しばらくしてから再計算してください。');
    } finally {
      await env.close();
      await proxy.close();
    }
  });

  test('a 500 from the service', async () => {
    const broken = new CountingEngine(await DuckDbEngine.open({ lakeDir: lake.dir, connections: 1 }));
    broken.execute = async () => {
      throw new Error('disk on fire');
    };
    const failing = await startLocalApi(lake.dir, { engine: broken });
    const env = await addonEnv({ endpoint: failing.server.url });
    try {
      expect((await errorOf(env, 'SNAQ_METRIC', R)).error).toBe('予期しないエラーが起きました。続く場合はデータチームに連絡してください。');
    } finally {
      await env.close();
      await failing.close();
    }
  });

  test('a wrong signature (the secret in Settings is wrong)', async () => {
    const env = await addonEnv({ endpoint: api.server.url, secret: 'not-the-secret' });
    try {
      expect((await errorOf(env, 'SNAQ_METRIC', R)).error).toBe('認証に失敗しました。アクセスキー・リージョンの設定と、端末の時計を確認してください。');
    } finally {
      await env.close();
    }
  });

  test('not configured yet', async () => {
    const env = await addonEnv({ endpoint: api.server.url });
    env.properties.script.clear();
    try {
      expect((await errorOf(env, 'SNAQ_METRIC', R)).error).toBe('接続先が設定されていません。管理者がメニュー「SNAQ › 設定」で設定してください。');
    } finally {
      await env.close();
    }
  });

  test('rate limited for longer than the cell can wait: busy, before the deadline', async () => {
    const limited = await startLocalApi(lake.dir, { config: { rateLimitPerSecond: 0.001, rateLimitBurst: 1 } });
    const env = await addonEnv({ endpoint: limited.server.url });
    try {
      expect((await env.run('SNAQ_VALUE', R, { mode: 'customFunction' })).error).toBeUndefined();
      const { error, elapsedMs } = await errorOf(env, 'SNAQ_VALUE', ['box_revenue', '2024-01-01', '2024-03-31']);
      expect(error).toBe('指標サービスが混み合っています。1分ほどしてから再計算してください。');
      expect(elapsedMs).toBeLessThan(30_000);
    } finally {
      await env.close();
      await limited.close();
    }
  });

  test('a transient 503 is retried with backoff and the cell gets its value', async () => {
    const flaky = new CountingEngine(await DuckDbEngine.open({ lakeDir: lake.dir, connections: 1 }));
    const realExecute = flaky.execute.bind(flaky);
    let failures = 2;
    flaky.execute = async (statement, options) => {
      if (failures-- > 0) throw new ApiError('ENGINE_UNAVAILABLE', 'warming up');
      return realExecute(statement, options);
    };
    const server = await startLocalApi(lake.dir, { engine: flaky });
    const env = await addonEnv({ endpoint: server.server.url });
    try {
      const result = await env.run('SNAQ_VALUE', R, { mode: 'customFunction' });
      expect(result.error).toBeUndefined();
      expect(typeof result.value).toBe('number');
      expect(env.fetchLog.map((entry) => entry.status)).toEqual([503, 503, 200]);
    } finally {
      await env.close();
      await server.close();
    }
  });

  test('a slow query answers "still running" before the 30 s limit, not a timeout', async () => {
    const slow = new CountingEngine(await DuckDbEngine.open({ lakeDir: lake.dir, connections: 1 }));
    const realExecute = slow.execute.bind(slow);
    slow.execute = async (statement, options) => {
      await new Promise((resolve) => setTimeout(resolve, 45_000));
      return realExecute(statement, options);
    };
    const server = await startLocalApi(lake.dir, { engine: slow });
    const env = await addonEnv({ endpoint: server.server.url });
    try {
      const { error, elapsedMs } = await errorOf(env, 'SNAQ_METRIC', R);
      expect(error).toBe('集計中です。1分ほどしてから再計算してください。');
      expect(elapsedMs).toBeLessThan(30_000);
      expect(env.fetchLog.filter((entry) => entry.status === 202).length).toBeGreaterThanOrEqual(2); // POST, then long polls
    } finally {
      await env.close();
      await server.server.close(100);
    }
  }, 60_000);
});
