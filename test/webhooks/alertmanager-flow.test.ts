import t from 'tap';
import { buildTestApp, createIntegration } from '../helper.js';

const ZERO = '0001-01-01T00:00:00Z';

function amAlert(name: string, status: 'firing' | 'resolved', extra: Record<string, string> = {}, startsAt = '2026-11-22T10:00:00Z') {
  return {
    status,
    labels: { alertname: name, severity: 'warning', instance: 'db-1', ...extra },
    annotations: { summary: `${name} on db-1` },
    startsAt,
    endsAt: status === 'firing' ? ZERO : '2026-11-22T10:30:00Z',
    generatorURL: 'http://prometheus/graph',
  };
}

function amBody(alerts: object[], truncatedAlerts = 0) {
  const firing = alerts.some((a) => (a as { status: string }).status === 'firing');
  return {
    version: '4',
    receiver: 'klaxon',
    status: firing ? 'firing' : 'resolved',
    groupKey: '{}:{job="db"}',
    groupLabels: { job: 'db' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://am',
    truncatedAlerts,
    alerts,
  };
}

// One app and database for the file: each subtest works in an integration of its own.
const shared = buildTestApp(t);

t.test('fire, repeat, resolve one, resolve all, re-fire: incidents and timeline', async (t) => {
  const { app, handle, auth } = await shared;
  const admin = await auth('admin');
  const viewer = await auth('viewer');
  const integration = await createIntegration(app, admin, { name: 'prod alertmanager', kind: 'alertmanager', service: 'db' });
  const send = async (body: object, url = '/v1/webhooks/alertmanager') => {
    const res = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${integration.key}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    t.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const incident = async (id: string) => (await app.inject({ url: `/v1/incidents/${id}`, headers: viewer })).json();

  const fired = await send(amBody([amAlert('HighLatency', 'firing', { severity: 'critical' }), amAlert('DiskFull', 'firing')]));
  t.same(
    fired.alerts.map((a: { outcome: string }) => a.outcome),
    ['created', 'updated'],
    'the first alert sent opens the incident',
  );
  const id = fired.alerts[0].incidentId;
  t.equal(fired.alerts[1].incidentId, id, 'one incident for the group');
  let inc = await incident(id);
  t.match(inc, {
    title: 'HighLatency on db-1',
    status: 'triggered',
    severity: 'SEV2',
    alertCount: 2,
    firingCount: 2,
    service: 'db',
    groupKey: 'klaxon:{}:{job="db"}',
  });
  t.match(inc.severityReason, /severity="critical"/);
  const eventsAfterFire = inc.timeline.length;

  const repeat = await send(amBody([amAlert('HighLatency', 'firing', { severity: 'critical' }), amAlert('DiskFull', 'firing')]));
  t.same(
    repeat.alerts.map((a: { outcome: string }) => a.outcome),
    ['duplicate', 'duplicate'],
  );
  inc = await incident(id);
  t.equal(inc.timeline.length, eventsAfterFire, 'a repeat adds no event');
  t.same(
    inc.alerts.map((a: { receiveCount: number }) => a.receiveCount),
    [2, 2],
    'counters updated',
  );

  const viaPath = await send(amBody([amAlert('DiskFull', 'resolved')]), `/v1/webhooks/alertmanager/${integration.key}`);
  t.strictSame(
    viaPath.alerts.map((a: { outcome: string; incidentId: string }) => [a.outcome, a.incidentId]),
    [['resolved', id]],
  );
  inc = await incident(id);
  t.match(inc, { status: 'triggered', firingCount: 1 }, 'still open while one alert fires');

  const allResolved = await send(amBody([amAlert('HighLatency', 'resolved', { severity: 'critical' }), amAlert('DiskFull', 'resolved')]));
  t.same(
    allResolved.alerts.map((a: { outcome: string }) => a.outcome),
    ['resolved', 'duplicate'],
  );
  inc = await incident(id);
  t.match(inc, { status: 'resolved', firingCount: 0, severity: 'SEV2' });
  t.ok(inc.resolvedAt);

  const refire = await send(amBody([amAlert('DiskFull', 'firing', {}, '2026-11-22T11:00:00Z')]));
  t.strictSame(
    refire.alerts.map((a: { outcome: string; incidentId: string }) => [a.outcome, a.incidentId]),
    [['reopened', id]],
    'a re-fire within the window reopens',
  );
  inc = await incident(id);
  t.match(inc, { status: 'triggered', reopenCount: 1 });
  // Escalation's own events (docs/escalation.md) interleave; this is the alerts' story.
  const story = inc.timeline.filter((e: { kind: string }) => !e.kind.startsWith('escalat'));
  t.strictSame(
    story.map((e: { kind: string }) => e.kind),
    ['created', 'alert_fired', 'alert_resolved', 'alert_resolved', 'resolved', 'reopened'],
  );
  t.match(story.at(-1).message, /within the 300s reopen window/);

  // Outside the window: a new incident, and its timeline names the old one.
  // The re-fire started at 11:00, so its resolve ends after that (an earlier end would be stale).
  await send(amBody([{ ...amAlert('DiskFull', 'resolved', {}, '2026-11-22T11:00:00Z'), endsAt: '2026-11-22T11:30:00Z' }]));
  await handle.db
    .updateTable('incidents')
    .set({ resolved_at: new Date(Date.now() - 3600_000) })
    .where('id', '=', id)
    .execute();
  const later = await send(amBody([amAlert('DiskFull', 'firing', {}, '2026-11-22T12:00:00Z')]));
  t.equal(later.alerts[0].outcome, 'created');
  t.not(later.alerts[0].incidentId, id);
  const fresh = await incident(later.alerts[0].incidentId);
  t.match(fresh.timeline[0].message, new RegExp(`rather than reopening #${inc.number}`));
});

t.test('a resolve before its firing leaves no phantom incident; a late stale firing does not reopen', async (t) => {
  const { app, handle, auth } = await shared;
  const integration = await createIntegration(app, await auth('admin'), { name: 'am', kind: 'alertmanager' });
  const post = (body: object) => app.inject({ method: 'POST', url: `/v1/webhooks/alertmanager/${integration.key}`, payload: body });
  const res = await post(amBody([amAlert('Flap', 'resolved')]));
  t.equal(res.statusCode, 200);
  t.strictSame(
    res.json().alerts.map((a: { outcome: string; incidentId: string | null }) => [a.outcome, a.incidentId]),
    [['resolved', null]],
  );
  const late = await post(amBody([amAlert('Flap', 'firing', {}, '2026-11-22T10:00:00Z')]));
  t.strictSame(
    late.json().alerts.map((a: { outcome: string; incidentId: string | null }) => [a.outcome, a.incidentId]),
    [['duplicate', null]],
    'a firing that started before the recorded end is stale',
  );
  const rows = await handle.db
    .selectFrom('alerts')
    .select(['status', 'ends_at', 'receive_count'])
    .where('integration_id', '=', integration.id)
    .execute();
  t.equal(rows.length, 1);
  const row = rows[0]!;
  t.match(row, { status: 'resolved', receive_count: 2 });
  t.equal(row.ends_at?.toISOString(), '2026-11-22T10:30:00.000Z', 'the recorded end is kept');
  const count = await handle.db
    .selectFrom('incidents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('integration_id', '=', integration.id)
    .executeTakeFirstOrThrow();
  t.equal(count.n, 0);
});

t.test('never resolves on a group that says resolved while alerts are truncated', async (t) => {
  const { app, auth } = await shared;
  const admin = await auth('admin');
  const integration = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const post = (body: object) => app.inject({ method: 'POST', url: `/v1/webhooks/alertmanager/${integration.key}`, payload: body });
  const fired = (await post(amBody([amAlert('A', 'firing'), amAlert('B', 'firing')], 3))).json();
  const id = fired.alerts[0].incidentId;
  await post(amBody([amAlert('A', 'resolved'), amAlert('B', 'resolved')], 3));
  let inc = (await app.inject({ url: `/v1/incidents/${id}`, headers: admin })).json();
  t.equal(inc.status, 'triggered', 'stays open: 3 alerts were not shown');
  t.equal(inc.truncatedAlerts, 3);
  t.ok(inc.timeline.some((e: { kind: string }) => e.kind === 'resolve_deferred'));
  await post(amBody([amAlert('A', 'resolved'), amAlert('B', 'resolved')], 0));
  inc = (await app.inject({ url: `/v1/incidents/${id}`, headers: admin })).json();
  t.equal(inc.status, 'resolved', 'resolves once nothing is truncated');
});
