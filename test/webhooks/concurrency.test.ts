import t, { type Test } from 'tap';
import type { openDatabase } from '../../src/db/client.js';
import { buildTestApp, createIntegration, secondInstance } from '../helper.js';

const ZERO = '0001-01-01T00:00:00Z';
const alert = (name: string) => ({
  status: 'firing',
  labels: { alertname: name, job: 'api' },
  annotations: {},
  startsAt: '2026-11-22T10:00:00Z',
  endsAt: ZERO,
});
const body = (names: string[]) =>
  JSON.stringify({
    version: '4',
    receiver: 'r',
    status: 'firing',
    groupKey: '{}:{job="api"}',
    truncatedAlerts: 0,
    alerts: names.map(alert),
  });

// 50 overlapping deliveries: each carries A plus one of B..F, so every alert is both new and repeated somewhere.
const names = ['B', 'C', 'D', 'E', 'F'];
const deliveries = Array.from({ length: 50 }, (_, i) => ['A', names[i % names.length]!]);

async function assertExact(t: Test, db: ReturnType<typeof openDatabase>['db'], integrationId: string) {
  const incidents = await db.selectFrom('incidents').selectAll().where('integration_id', '=', integrationId).execute();
  t.equal(incidents.length, 1, 'exactly one incident');
  t.match(incidents[0], { alert_count: 6, firing_count: 6, status: 'triggered' });
  const alerts = await db
    .selectFrom('alerts')
    .select(['identity', 'receive_count', 'incident_id'])
    .where('integration_id', '=', integrationId)
    .execute();
  t.equal(alerts.length, 6, 'one row per alert identity');
  const total = alerts.reduce((n, a) => n + a.receive_count, 0);
  t.equal(total, 100, 'every sighting counted exactly once');
  t.ok(alerts.every((a) => a.incident_id === incidents[0]!.id));
  const created = await db.selectFrom('incident_events').select('kind').where('incident_id', '=', incidents[0]!.id).execute();
  t.equal(created.filter((e) => e.kind === 'created').length, 1, 'one creation event');
  t.equal(created.filter((e) => e.kind === 'alert_fired').length, 5, 'one event per joining alert, none for repeats');
}

t.test('50 concurrent overlapping deliveries make exactly one incident with exact counts', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const integration = await createIntegration(app, await auth('admin'), { name: 'am', kind: 'alertmanager' });
  const results = await Promise.all(
    deliveries.map((d) =>
      app.inject({
        method: 'POST',
        url: `/v1/webhooks/alertmanager/${integration.key}`,
        headers: { 'content-type': 'application/json' },
        payload: body(d),
      }),
    ),
  );
  t.same([...new Set(results.map((r) => r.statusCode))], [200]);
  const outcomes = results.flatMap((r) => r.json().alerts.map((a: { outcome: string }) => a.outcome));
  t.equal(outcomes.filter((o) => o === 'created').length, 1);
  t.equal(outcomes.filter((o) => o === 'updated').length, 5);
  t.equal(outcomes.filter((o) => o === 'duplicate').length, 94);
  await assertExact(t, handle.db, integration.id);
});

t.test('two Klaxon app instances on one database, over real sockets', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const integration = await createIntegration(app, await auth('admin'), { name: 'am', kind: 'alertmanager' });
  // A second instance with its own pool, as a second process would have.
  const second = await secondInstance(t, handle.url, 5);
  const urls = [await app.listen({ port: 0, host: '127.0.0.1' }), await second.listen({ port: 0, host: '127.0.0.1' })];
  const results = await Promise.all(
    deliveries.map((d, i) =>
      fetch(`${urls[i % 2]}/v1/webhooks/alertmanager`, {
        method: 'POST',
        body: body(d),
        headers: { authorization: `Bearer ${integration.key}`, 'content-type': 'application/json' },
      }).then((r) => r.status),
    ),
  );
  t.same([...new Set(results)], [200]);
  await assertExact(t, handle.db, integration.id);
});
