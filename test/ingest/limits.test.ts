import t from 'tap';
import { clip, isZeroTime, parseTimestamp, pointer, readStringMap, tagsToLabels } from '../../src/ingest/limits.js';
import type { PayloadIssue } from '../../src/ingest/types.js';

t.test('parseTimestamp: RFC 3339 at any precision and offset', async (t) => {
  const iso = (s: string, assumeUtc = false) => parseTimestamp(s, { assumeUtc })?.toISOString() ?? null;
  t.equal(iso('2026-11-22T10:45:41.385486137Z'), '2026-11-22T10:45:41.385Z');
  t.equal(iso('2026-11-22T10:45:41Z'), '2026-11-22T10:45:41.000Z');
  t.equal(iso('2026-11-22T10:45:41.5Z'), '2026-11-22T10:45:41.500Z');
  t.equal(iso('2026-11-22T16:15:41.999999999+05:30'), '2026-11-22T10:45:41.999Z');
  t.equal(iso('2026-11-22T02:45:41.385486137-08:00'), '2026-11-22T10:45:41.385Z');
  t.equal(iso('2026-11-22t10:45:41z'), '2026-11-22T10:45:41.000Z', 'lower-case T and Z');
  t.equal(iso('2026-11-22T03:15:00+0000'), '2026-11-22T03:15:00.000Z', 'colon-less offset');
  t.equal(iso('2024-02-29T00:00:00Z'), '2024-02-29T00:00:00.000Z');
  t.equal(iso('2026-11-22 10:30:00.123'), null, 'no zone is rejected by default');
  t.equal(iso('2026-11-22 10:30:00.123', true), '2026-11-22T10:30:00.123Z', 'unless the format is known to be UTC');
  for (const bad of [
    '2026-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22T10:60:00Z',
    'yesterday',
    '',
    '2026-11-22',
  ]) {
    t.equal(iso(bad), null, bad);
  }
});

t.test('Go zero time in any rendering', async (t) => {
  for (const s of [
    '0001-01-01T00:00:00Z',
    '0001-01-01T00:00:00.000000000Z',
    '0001-01-01T00:00:00+00:00',
    '0001-01-01T01:00:00+01:00',
    '0001-01-01T00:00:00-05:00',
  ]) {
    const d = parseTimestamp(s);
    t.ok(d && isZeroTime(d), s);
  }
  t.equal(parseTimestamp('0001-01-01T00:00:00Z')?.getUTCFullYear(), 1, 'year 1, not 1901');
  t.notOk(isZeroTime(new Date('1970-01-01T00:00:00Z')));
});

t.test('pointer escapes ~ and /', async (t) => {
  t.equal(pointer('/alerts', 0, 'labels', 'a/b~c'), '/alerts/0/labels/a~1b~0c');
  t.equal(pointer(''), '');
});

t.test('readStringMap', async (t) => {
  const issues: PayloadIssue[] = [];
  t.same(readStringMap({ a: 'x', b: '\uDC00' }, '/m', issues), { a: 'x', b: '\uFFFD' });
  t.same(issues, []);
  t.same(readStringMap('nope', '/m', issues), {});
  t.same(issues, [{ path: '/m', message: 'must be an object whose values are strings' }]);
});

t.test('tagsToLabels', async (t) => {
  t.same(tagsToLabels(['env:prod', 'url:https://x:1', ' monitor ', '', 'sg:b', 'sg:a', 'sg:a']), {
    labels: { env: 'prod', url: 'https://x:1', monitor: '', sg: 'a,b' },
    dropped: 0,
  });
  t.same(tagsToLabels([':novalue', 'a\u0000:b']).dropped, 2);
});

t.test('clip never splits a surrogate pair', async (t) => {
  t.equal(clip('abc', 5), 'abc');
  t.equal(clip('abcdef', 5), 'abcd…');
  const s = clip('aaa🚀🚀🚀', 5); // cut lands inside the second rocket's pair
  t.equal(s, 'aaa…');
  t.equal(clip('aaaa🚀🚀', 7), 'aaaa🚀…', 'a pair that fits is kept');
});
