/** src/lake/s3/s3Url.ts: s3:// locations, S3's bucket naming rules, one sentence per mistake. */
import { bucketNameProblem, isS3Url, parseS3Url } from '../../src/lake/s3/s3Url';

describe('parseS3Url', () => {
  test.each([
    ['s3://snaq-lake', { bucket: 'snaq-lake', prefix: '' }],
    ['s3://snaq-lake/', { bucket: 'snaq-lake', prefix: '' }],
    ['s3://snaq-lake/lake', { bucket: 'snaq-lake', prefix: 'lake/' }],
    ['s3://snaq-lake/lake/', { bucket: 'snaq-lake', prefix: 'lake/' }],
    ['s3://snaq-lake/a/b/c', { bucket: 'snaq-lake', prefix: 'a/b/c/' }],
    ['s3://my.bucket.name/prod lake/', { bucket: 'my.bucket.name', prefix: 'prod lake/' }],
    ['  s3://abc/x  ', { bucket: 'abc', prefix: 'x/' }],
  ])('%j → %j', (url, expected) => {
    expect(parseS3Url(url)).toEqual(expected);
  });

  test.each([
    ['https://bucket/x', /is not an S3 URL: write it as s3:\/\/bucket\/prefix\//],
    ['s3:/bucket', /is not an S3 URL/],
    ['s3://', /bucket name "" .* must be 3 to 63 characters long/],
    ['s3://ab', /must be 3 to 63 characters long/],
    [`s3://${'a'.repeat(64)}`, /must be 3 to 63 characters long/],
    ['s3://My-Bucket', /only lower-case letters, digits/],
    ['s3://my_bucket', /only lower-case letters, digits/],
    ['s3://-bucket', /begin and end with a letter or digit/],
    ['s3://bucket-', /begin and end with a letter or digit/],
    ['s3://my..bucket', /two dots in a row/],
    ['s3://192.168.5.4', /IP address/],
    ['s3://xn--bucket', /must not begin with xn--/],
    ['s3://sthree-bucket', /must not begin with/],
    ['s3://bucket-s3alias', /must not end with/],
    ['s3://bucket--ol-s3', /must not end with/],
    ['s3://bucket/a//b', /empty, "\." or "\.\." segment/],
    ['s3://bucket/a/../b', /empty, "\." or "\.\." segment/],
    ['s3://bucket/./b', /empty, "\." or "\.\." segment/],
    ['s3://bucket//', /empty, "\." or "\.\." segment/],
    ['s3://bucket/a\nb', /control character/],
  ])('%j is refused with one sentence', (url, message) => {
    let error: Error | undefined;
    try {
      parseS3Url(url);
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message.trim().split(/(?<=\.)\s+(?=[A-Z])/)).toHaveLength(1);
  });
});

test('isS3Url says whether a location is meant as S3, even a malformed one', () => {
  expect(isS3Url('s3://bucket/x/')).toBe(true);
  expect(isS3Url('S3://Bucket')).toBe(true);
  expect(isS3Url('s3://')).toBe(true);
  expect(isS3Url('.snaq/lake')).toBe(false);
  expect(isS3Url('/var/lake/s3://x')).toBe(false);
  expect(isS3Url('https://bucket.s3.amazonaws.com/')).toBe(false);
});

test('bucketNameProblem accepts the names S3 accepts', () => {
  for (const name of ['abc', 'snaq-lake-prod', 'a.b.c', '1bucket', 'bucket1', 'a'.repeat(63)]) expect(bucketNameProblem(name)).toBeUndefined();
});
