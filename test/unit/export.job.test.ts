/**
 * The export job's configuration (src/export/exportJob.ts `jobConfig`): what the task definition
 * gives it, each missing or wrong piece named in one sentence, never the password.
 */
import { jobConfig } from '../../src/export/exportJob';

const PARTS = {
  SNAQ_LAKE: 's3://snaq-lake/aurora-export/snaq/',
  SNAQ_SOURCE_HOST: 'snaq.cluster-ro-abc.ap-northeast-1.rds.amazonaws.com',
  SNAQ_SOURCE_PORT: '3306',
  SNAQ_SOURCE_DATABASE: 'snaq',
  SNAQ_SOURCE_USER: 'snaq_export',
  SNAQ_SOURCE_PASSWORD: 'p@ss:w/rd?#secret',
};

describe('jobConfig', () => {
  test('the source from its parts, the password kept exactly, TLS against the RDS authorities when asked', () => {
    expect(jobConfig({ ...PARTS, SNAQ_SOURCE_TLS: 'rds' })).toEqual({
      lake: PARTS.SNAQ_LAKE,
      source: { host: PARTS.SNAQ_SOURCE_HOST, port: 3306, user: 'snaq_export', password: 'p@ss:w/rd?#secret', database: 'snaq', tls: 'rds' },
    });
    expect(jobConfig(PARTS).source.tls).toBeUndefined();
    expect(jobConfig({ ...PARTS, SNAQ_SOURCE_PORT: undefined }).source.port).toBe(3306);
  });

  test('SNAQ_SOURCE_URL is read when set', () => {
    const source = jobConfig({ SNAQ_LAKE: PARTS.SNAQ_LAKE, SNAQ_SOURCE_URL: 'mysql://u:pw@db.example:3307/shop', SNAQ_SOURCE_TLS: 'rds' }).source;
    expect(source).toEqual({ host: 'db.example', port: 3307, user: 'u', password: 'pw', database: 'shop', tls: 'rds' });
  });

  test.each([
    [{ SNAQ_LAKE: '/tmp/lake' }, /SNAQ_LAKE must name the S3 lake/],
    [{ SNAQ_LAKE: undefined }, /SNAQ_LAKE must name the S3 lake/],
    [{ SNAQ_SOURCE_USER: undefined, SNAQ_SOURCE_PASSWORD: '' }, /set SNAQ_SOURCE_URL, or SNAQ_SOURCE_USER, SNAQ_SOURCE_PASSWORD\./],
    [{ SNAQ_SOURCE_PORT: '33o6' }, /SNAQ_SOURCE_PORT must be a port number/],
    [{ SNAQ_SOURCE_TLS: 'yes' }, /SNAQ_SOURCE_TLS must be "rds"/],
  ])('%j is refused in one sentence', (change, message) => {
    let thrown: unknown;
    try {
      jobConfig({ ...PARTS, ...change });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('secret');
  });
});
