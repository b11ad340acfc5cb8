/** `snaq audit`'s pure parts: the window, torn lines, who and metric, --unused, the printed rows and RFC 4180 CSV. */
import { AUDIT_LINE_TYPE, isAuditLine, type AuditLine } from '../../src/contract/audit';
import { AuditFlagError, auditRow, matchesWho, parseAuditLines, parseSince, selectAuditLines, toCsv, unusedMetrics } from '../../src/api/auditQuery';
import { searchMetrics } from '../../src/catalog/describe';
import { loadCatalog } from '../../src/catalog/catalog';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const HOUR = 3_600_000;

function line(overrides: Partial<AuditLine> = {}): AuditLine {
  return {
    type: AUDIT_LINE_TYPE,
    time: '2026-11-29T00:00:00.000Z',
    principal: 'arn:aws:iam::123456789012:user/snaq-addon',
    method: 'POST',
    route: '/v1/query',
    kind: 'query',
    metric: 'revenue',
    metricVersion: 1,
    from: '2024-01-01',
    to: '2025-01-01',
    status: 200,
    rows: 12,
    cached: false,
    durationMs: 5,
    ...overrides,
  };
}

describe('--since', () => {
  test('relative windows count back from now', () => {
    expect(parseSince('7d', NOW)).toBe(NOW - 7 * 24 * HOUR);
    expect(parseSince('12h', NOW)).toBe(NOW - 12 * HOUR);
    expect(parseSince('2W', NOW)).toBe(NOW - 14 * 24 * HOUR);
  });

  test('a day starts at JST midnight (15:00 UTC the day before); an instant keeps its zone', () => {
    expect(new Date(parseSince('2026-11-23', NOW)).toISOString()).toBe('2026-11-22T15:00:00.000Z');
    expect(new Date(parseSince('2026-11-23T09:30+09:00', NOW)).toISOString()).toBe('2026-11-23T00:30:00.000Z');
    expect(new Date(parseSince('2026-11-23T00:30:05.5Z', NOW)).toISOString()).toBe('2026-11-23T00:30:05.500Z');
  });

  test.each(['yesterday', '7', '7y', '-7d', '2026-02-30', '2026-11-23T09:30', '2026/11/23', ''])('refuses %p with a reason and the text', (text) => {
    try {
      parseSince(text, NOW);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(AuditFlagError);
      expect((error as AuditFlagError).reason).toBe('bad_since');
      expect((error as AuditFlagError).value).toBe(text);
    }
  });
});

describe('reading lines', () => {
  test('torn, foreign and malformed lines are skipped and counted; the rest are kept in order', () => {
    const good = [line({ time: '2026-11-29T00:00:00.000Z' }), line({ time: '2026-11-29T00:00:01.000Z', metric: 'orders' })];
    const text = [
      JSON.stringify(good[0]),
      '{"time":"2026-11-29T00:00:00Z","principal":"x","method":"GET","route":"/v1/health","status":200,"durationMs":1}', // an access line
      JSON.stringify({ ...good[0], status: '200' }), // a field of the wrong type
      '',
      JSON.stringify(good[1]),
      JSON.stringify(good[1]).slice(0, 40), // torn by a crash
    ].join('\n');
    const parsed = parseAuditLines(text);
    expect(parsed.lines).toEqual(good);
    expect(parsed.skipped).toBe(3);
  });

  test('isAuditLine wants the type, a real time and the outcome', () => {
    expect(isAuditLine(line())).toBe(true);
    expect(isAuditLine({ ...line(), type: 'other' })).toBe(false);
    expect(isAuditLine({ ...line(), time: 'soon' })).toBe(false);
    expect(isAuditLine({ ...line(), durationMs: undefined })).toBe(false);
    expect(isAuditLine({ ...line(), filters: [{ values: [] }] })).toBe(false);
    expect(isAuditLine([line()])).toBe(false);
  });
});

describe('selecting', () => {
  const lines = [
    line({ time: '2026-11-20T00:00:00.000Z' }),
    line({ time: '2026-11-28T00:00:00.000Z', email: 'Hanako@Snaq.me' }),
    line({ time: '2026-11-27T00:00:00.000Z', metric: 'orders' }),
    line({ time: '2026-11-29T00:00:00.000Z', principal: 'local-developer' }),
  ];

  test('the window is inclusive of its start, and the result is oldest first', () => {
    const since = Date.parse('2026-11-27T00:00:00.000Z');
    expect(selectAuditLines(lines, { sinceMs: since }).map((l) => l.time)).toEqual([
      '2026-11-27T00:00:00.000Z',
      '2026-11-28T00:00:00.000Z',
      '2026-11-29T00:00:00.000Z',
    ]);
  });

  test('--metric keeps that metric only', () => {
    expect(selectAuditLines(lines, { sinceMs: 0, metric: 'orders' })).toHaveLength(1);
    expect(selectAuditLines(lines, { sinceMs: 0, metric: 'revenue' })).toHaveLength(3);
  });

  test('--who: an e-mail in any case, the full principal, or its last part; never a substring', () => {
    expect(matchesWho(lines[1]!, 'hanako@snaq.me')).toBe(true);
    expect(matchesWho(lines[0]!, 'arn:aws:iam::123456789012:user/snaq-addon')).toBe(true);
    expect(matchesWho(lines[0]!, 'snaq-addon')).toBe(true);
    expect(matchesWho(lines[0]!, 'snaq')).toBe(false);
    expect(matchesWho(lines[0]!, 'hanako@snaq.me')).toBe(false);
    expect(selectAuditLines(lines, { sinceMs: 0, who: 'local-developer' }).map((l) => l.time)).toEqual(['2026-11-29T00:00:00.000Z']);
  });
});

describe('--unused', () => {
  const catalog = searchMetrics(loadCatalog());

  test('a metric is used by a successful query, forecast or anomaly answer only', () => {
    const names = catalog.map((m) => m.name);
    const [a, b, c, d, e] = names;
    const lines = [
      line({ metric: a, kind: 'query' }),
      line({ metric: b, kind: 'forecast', route: '/v1/forecast' }),
      line({ metric: c, kind: 'metric', route: '/v1/metrics/{name}', method: 'GET' }), // reading its page
      line({ metric: d, status: 403, code: 'FORBIDDEN' }), // refused
      line({ metric: e, kind: 'anomalies', route: '/v1/anomalies' }),
    ];
    const unused = unusedMetrics(catalog, lines).map((m) => m.name);
    expect(unused).toEqual(names.filter((name) => ![a, b, e].includes(name)));
    expect(unused).toContain(c);
    expect(unused).toContain(d);
  });

  test('with no lines every metric is unused, in catalog order', () => {
    expect(unusedMetrics(catalog, []).map((m) => m.name)).toEqual(catalog.map((m) => m.name));
  });
});

describe('printing', () => {
  test('a row says when (JST), who (the person first), what and how it went', () => {
    const row = auditRow(
      line({
        time: '2026-11-29T15:30:00.000Z',
        email: 'hanako@snaq.me',
        grain: 'month',
        dimensions: ['plan'],
        filters: [
          { dimension: 'plan', values: ['2w', '4w'] },
          { dimension: 'prefecture', values: ['東京都'] },
        ],
      }),
      'jst',
    );
    expect(row).toEqual([
      '2026-11-30 00:30 JST',
      'hanako@snaq.me',
      'query',
      'revenue v1',
      '[2024-01-01, 2025-01-01)',
      'month',
      'plan',
      'plan=2w|4w; prefecture=東京都',
      '12',
      'no',
      '200',
    ]);
  });

  test('a refusal shows its status, code and reason', () => {
    const row = auditRow(line({ status: 403, code: 'FORBIDDEN', reason: 'restricted_metric', rows: undefined, cached: undefined }), 'iso');
    expect(row[0]).toBe('2026-11-29T00:00:00.000Z');
    expect(row.slice(-3)).toEqual(['', '', '403 FORBIDDEN (restricted_metric)']);
  });

  test('CSV follows RFC 4180: CRLF records, fields with comma, quote, CR or LF quoted, quotes doubled', () => {
    const csv = toCsv([
      ['a', 'b,c', 'say "hi"'],
      ['line\nbreak', 'cr\rhere', ''],
    ]);
    expect(csv).toBe('a,"b,c","say ""hi"""\r\n"line\nbreak","cr\rhere",\r\n');
    expect(parseCsv(csv)).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['line\nbreak', 'cr\rhere', ''],
    ]);
  });
});

/** A strict RFC 4180 reader, to prove the writer's output reads back as written. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') break;
        else if (i >= text.length) throw new Error('unterminated quote');
        else field += text[i++];
      }
      i += 1;
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        field += text[i++];
      }
    }
    if (text[i] === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (text[i] === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  return records;
}
