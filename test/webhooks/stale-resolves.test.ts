/**
 * A stale or replayed resolve never closes a live incident: for every source, the
 * resolve of an earlier firing re-sent before and after the alert fires again.
 */
import t from 'tap';
import { ingestDelivery } from '../../src/incidents/deliveries.js';
import { DEFAULT_POLICY } from '../../src/incidents/policy.js';
import { ingestContext } from '../../src/integrations/ingest-context.js';
import { buildTestApp, createIntegration } from '../helper.js';

const T = (minute: number) => new Date(Date.UTC(2026, 10, 22, 10, minute));
const iso = (minute: number) => T(minute).toISOString();
const kumaTime = (minute: number) => iso(minute).replace('T', ' ').replace('Z', '');

interface Source {
  kind: 'alertmanager' | 'datadog' | 'health';
  fire(minute: number): object;
  resolve(minute: number): object;
}

const am = (status: 'firing' | 'resolved', startsAt: number, endsAt?: number) => ({
  version: '4',
  receiver: 'klaxon',
  status,
  groupKey: '{}:{alertname="Disk"}',
  groupLabels: { alertname: 'Disk' },
  alerts: [
    {
      status,
      labels: { alertname: 'Disk', severity: 'critical' },
      annotations: {},
      startsAt: iso(startsAt),
      endsAt: endsAt === undefined ? '0001-01-01T00:00:00Z' : iso(endsAt),
    },
  ],
});

const dd = (transition: 'Triggered' | 'Recovered', minute: number) => ({
  alert_id: '42',
  alert_scope: 'host:a',
  alert_transition: transition,
  alert_type: transition === 'Triggered' ? 'error' : 'success',
  alert_title: `[${transition} on {host:a}] Disk`,
  date: String(T(minute).getTime()),
});

// Each source's own notion of time: the firing's start and the resolve's end as the sender reports them.
const SOURCES: Record<string, Source> = {
  alertmanager: { kind: 'alertmanager', fire: (m) => am('firing', m), resolve: (m) => am('resolved', 0, m) },
  datadog: { kind: 'datadog', fire: (m) => dd('Triggered', m), resolve: (m) => dd('Recovered', m) },
  'health check': {
    kind: 'health',
    fire: (m) => ({ check_id: 'db', status: 'down', observed_at: iso(m) }),
    resolve: (m) => ({ check_id: 'db', status: 'up', observed_at: iso(m) }),
  },
  'uptime kuma': {
    kind: 'health',
    fire: (m) => ({ heartbeat: { status: 0, time: kumaTime(m), msg: 'down' }, monitor: { id: 7, name: 'db' }, msg: 'down' }),
    resolve: (m) => ({ heartbeat: { status: 1, time: kumaTime(m), msg: 'up' }, monitor: { id: 7, name: 'db' }, msg: 'up' }),
  },
  'healthchecks.io': {
    kind: 'health',
    fire: (m) => ({ source: 'healthchecks', code: '5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e', name: 'backup', status: 'down', now: iso(m) }),
    resolve: (m) => ({ source: 'healthchecks', code: '5b3e5f3c-9a2c-4c1e-8d7e-2f1a3b4c5d6e', name: 'backup', status: 'up', now: iso(m) }),
  },
};

for (const [name, source] of Object.entries(SOURCES)) {
  t.test(`${name}: the resolve of an earlier firing changes nothing, before or after the re-fire`, async (t) => {
    const { app, handle, auth } = await buildTestApp(t);
    const integration = await createIntegration(app, await auth('admin'), { name, kind: source.kind });
    const send = async (body: object) => {
      const res = await app.inject({ method: 'POST', url: `/v1/webhooks/${source.kind}/${integration.key}`, payload: body });
      t.equal(res.statusCode, 200, res.body);
      return res.json().alerts as Array<{ outcome: string; incidentId: string | null }>;
    };
    const state = async (id: string) => {
      const incident = await handle.db
        .selectFrom('incidents')
        .select(['status', 'firing_count'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const alert = await handle.db.selectFrom('alerts').select(['status', 'receive_count']).executeTakeFirstOrThrow();
      const events = await handle.db.selectFrom('incident_events').select('kind').where('incident_id', '=', id).orderBy('id').execute();
      return { incident, alert, events: events.map((e) => e.kind) };
    };

    const [fired] = await send(source.fire(0));
    t.equal(fired!.outcome, 'created');
    const id = fired!.incidentId!;
    t.same(
      (await send(source.resolve(10))).map((a) => a.outcome),
      ['resolved'],
    );
    t.same(
      (await send(source.resolve(10))).map((a) => a.outcome),
      ['duplicate'],
      'the resolve re-sent before the re-fire',
    );
    t.same((await state(id)).incident, { status: 'resolved', firing_count: 0 });

    t.same(
      (await send(source.fire(20))).map((a) => a.outcome),
      ['reopened'],
    );
    const before = await state(id);
    t.same(
      (await send(source.resolve(10))).map((a) => a.outcome),
      ['duplicate'],
      'the old resolve re-sent after the re-fire',
    );
    const after = await state(id);
    t.same(after.incident, { status: 'triggered', firing_count: 1 }, 'the incident stays open');
    t.equal(after.alert.status, 'firing');
    t.equal(after.alert.receive_count, before.alert.receive_count + 1, 'only the counter moved');
    t.same(after.events, before.events, 'no event recorded');

    t.same(
      (await send(source.resolve(30))).map((a) => a.outcome),
      ['resolved'],
      'the resolve of the current firing applies',
    );
    t.same((await state(id)).incident, { status: 'resolved', firing_count: 0 });
  });
}

t.test('Gatus (no time in the body): arrival order decides', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const created = await createIntegration(app, await auth('admin'), { name: 'gatus', kind: 'health' });
  const row = await handle.db.selectFrom('integrations').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
  const gatus = (status: 'TRIGGERED' | 'RESOLVED') => JSON.stringify({ source: 'gatus', group: 'core', name: 'api', status });
  const deliver = async (status: 'TRIGGERED' | 'RESOLVED', minute: number) => {
    const input = {
      integration: ingestContext(row),
      source: 'health' as const,
      rawBody: gatus(status),
      now: T(minute),
      bodyMax: 8192,
      policy: DEFAULT_POLICY,
    };
    return (await ingestDelivery(handle.db, input)).alerts.map((a) => a.outcome);
  };
  const incident = () => handle.db.selectFrom('incidents').select('status').executeTakeFirstOrThrow();

  t.same(await deliver('TRIGGERED', 0), ['created']);
  t.same(await deliver('RESOLVED', 10), ['resolved']);
  t.same(await deliver('RESOLVED', 11), ['duplicate'], 'a resolve re-sent while resolved');
  t.same(await deliver('TRIGGERED', 13), ['reopened'], 'within the 5-minute reopen window');
  // A resolve that arrived before the re-fire but reached the database after it (a race): stale.
  t.same(await deliver('RESOLVED', 12), ['duplicate']);
  t.equal((await incident()).status, 'triggered', 'the late-applied resolve did not close the incident');
  // A resolve that arrives after the re-fire is the newest word: it resolves.
  t.same(await deliver('RESOLVED', 14), ['resolved']);
  t.equal((await incident()).status, 'resolved');
});

t.test(
  'Alertmanager: a re-fire the fast path counts still moves the start, so the late resolve of the earlier firing is stale',
  async (t) => {
    const { app, handle, auth } = await buildTestApp(t);
    const integration = await createIntegration(app, await auth('admin'), { name: 'am', kind: 'alertmanager' });
    const send = async (body: object) =>
      (await app.inject({ method: 'POST', url: `/v1/webhooks/alertmanager/${integration.key}`, payload: body }))
        .json()
        .alerts.map((a: { outcome: string }) => a.outcome);
    t.same(await send(am('firing', 0)), ['created']);
    // The resolve of the 10:00 firing was lost; the alert fired again at 10:20.
    t.same(await send(am('firing', 20)), ['duplicate']);
    t.same(await send(am('resolved', 0, 10)), ['duplicate'], 'the lost resolve, arriving late, is about the earlier firing');
    const incident = await handle.db.selectFrom('incidents').select('status').executeTakeFirstOrThrow();
    t.equal(incident.status, 'triggered');
  },
);

t.test('sender times out of range: no 500, and a start in the far future does not make real resolves stale', async (t) => {
  const { app, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const datadog = await createIntegration(app, admin, { name: 'dd', kind: 'datadog' });
  const huge = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/datadog/${datadog.key}`,
    payload: { ...dd('Triggered', 0), date: '9999999999999999' }, // beyond what a Date holds
  });
  t.equal(huge.statusCode, 200, huge.body);
  t.same(
    huge.json().alerts.map((a: { outcome: string }) => a.outcome),
    ['created'],
  );

  const alertmanager = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  const send = async (body: object) =>
    (await app.inject({ method: 'POST', url: `/v1/webhooks/alertmanager/${alertmanager.key}`, payload: body }))
      .json()
      .alerts.map((a: { outcome: string }) => a.outcome);
  const future = { ...am('firing', 0), alerts: [{ ...am('firing', 0).alerts[0], startsAt: '9999-12-31T00:00:00Z' }] };
  t.same(await send(future), ['created']);
  t.same(await send(am('resolved', 0, 10)), ['resolved'], 'the wrong year is not believed over the resolve');
});
