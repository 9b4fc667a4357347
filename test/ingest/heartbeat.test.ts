import t from 'tap';
import { formatSeconds, heartbeatAlert, heartbeatDeadline } from '../../src/ingest/heartbeat.js';

const lastBeatAt = new Date('2026-11-22T02:00:00.250Z');
const now = new Date('2026-11-22T03:10:00Z');
const base = { integrationId: 'int_1', name: 'nightly-backup', lastBeatAt, intervalSeconds: 3600, graceSeconds: 300, now };

t.test('heartbeatDeadline is last beat + interval + grace', async (t) => {
  t.equal(heartbeatDeadline(lastBeatAt, 3600, 300).toISOString(), '2026-11-22T03:05:00.250Z');
  t.equal(heartbeatDeadline(lastBeatAt, 0, 0).getTime(), lastBeatAt.getTime());
  t.throws(() => heartbeatDeadline(lastBeatAt, -1, 0), RangeError);
  t.throws(() => heartbeatDeadline(lastBeatAt, 60, Number.NaN), RangeError);
});

t.test('missed heartbeat fires', async (t) => {
  const a = heartbeatAlert({ ...base, status: 'firing', service: 'backups' });
  t.equal(a.identity, 'heartbeat');
  t.equal(a.groupKey, 'heartbeat');
  t.equal(a.status, 'firing');
  t.equal(a.title, 'Heartbeat "nightly-backup" missed: no beat since 2026-11-22T02:00:00Z (interval 1h, grace 5m)');
  t.same(a.severity, { severity: 'SEV2', reason: 'heartbeat missed → SEV2 (default)' });
  t.equal(a.startsAt?.toISOString(), '2026-11-22T03:05:00.250Z', 'the outage began at the deadline');
  t.equal(a.endsAt, null);
  t.equal(a.service, 'backups');
  t.same(a.labels, { heartbeat: 'nightly-backup', integration_id: 'int_1' });
  t.same(a.annotations, {
    interval_seconds: '3600',
    grace_seconds: '300',
    last_beat_at: '2026-11-22T02:00:00.250Z',
    deadline: '2026-11-22T03:05:00.250Z',
  });
});

t.test('a beat resolves it', async (t) => {
  const a = heartbeatAlert({ ...base, status: 'resolved' });
  t.equal(a.status, 'resolved');
  t.equal(a.startsAt, null);
  t.same(a.endsAt, now);
  t.equal(a.service, undefined);
  t.match(a.title, /^Heartbeat "nightly-backup" beat again at 2026-11-22T03:10:00Z/);
});

t.test('never beaten', async (t) => {
  const a = heartbeatAlert({ ...base, lastBeatAt: null, status: 'firing' });
  t.match(a.title, /no beat received yet \(interval 1h, grace 5m\)$/);
  t.same(a.startsAt, now);
  t.notOk('deadline' in a.annotations);
});

t.test('formatSeconds', async (t) => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [45, '45s'],
    [90, '1m30s'],
    [3600, '1h'],
    [5400, '1h30m'],
    [86400, '1d'],
    [90061, '1d1h1m1s'],
  ];
  for (const [n, want] of cases) t.equal(formatSeconds(n), want, String(n));
});
