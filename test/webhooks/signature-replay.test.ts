/**
 * A signature is accepted once: a replay inside the 5-minute window changes
 * nothing and is answered like a duplicate; the record lives in PostgreSQL, so
 * another Klaxon process on the same database refuses it too, and is pruned.
 */
import t from 'tap';
import { signBody } from '../../src/ingest/signature.js';
import { prune } from '../../src/jobs/tasks/maintenance-prune.js';
import { buildTestApp, createIntegration, secondInstance } from '../helper.js';

const body = (status: 'firing' | 'resolved', startsAt = '2026-11-22T10:00:00Z') =>
  JSON.stringify({
    receiver: 'klaxon',
    status,
    groupKey: '{}:{alertname="Disk"}',
    alerts: [
      { status, labels: { alertname: 'Disk' }, startsAt, endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-22T10:10:00Z' },
    ],
  });

t.test('a replayed signature changes nothing, on this process or another sharing the database', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const integration = await createIntegration(app, await auth('admin'), { name: 'signed', kind: 'alertmanager', signed: true });
  t.ok(integration.signingSecret, 'the integration is signed');
  const secret = integration.signingSecret!;
  const post = (target: typeof app, payload: string, signature: string) =>
    target.inject({
      method: 'POST',
      url: '/v1/webhooks/alertmanager',
      headers: { authorization: `Bearer ${integration.key}`, 'content-type': 'application/json', 'x-klaxon-signature': signature },
      payload,
    });
  const unix = Math.floor(Date.now() / 1000);
  const fire = signBody(secret, body('firing'), unix);
  const resolve = signBody(secret, body('resolved'), unix);

  const first = await post(app, body('firing'), fire);
  t.equal(first.statusCode, 200, first.body);
  t.equal(first.json().alerts[0].outcome, 'created');
  const incidentId = first.json().alerts[0].incidentId;

  const replay = await post(app, body('firing'), fire);
  t.equal(replay.statusCode, 200, 'a replay still gets a 2xx (an honest retry after a lost answer)');
  t.same(replay.json().alerts, [{ identity: first.json().alerts[0].identity, incidentId, incidentNumber: 1, outcome: 'duplicate' }]);
  t.equal(replay.json().replay, true);

  t.equal((await post(app, body('resolved'), resolve)).json().alerts[0].outcome, 'resolved');
  const counts = async () => {
    const alert = await handle.db.selectFrom('alerts').select(['status', 'receive_count']).executeTakeFirstOrThrow();
    const incident = await handle.db.selectFrom('incidents').select(['status', 'reopen_count']).executeTakeFirstOrThrow();
    const events = await handle.db
      .selectFrom('incident_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return { alert, incident, events: Number(events.n) };
  };
  const before = await counts();

  // A second process (its own pool and app) on the same database: the replay of the firing would reopen.
  const otherApp = await secondInstance(t, handle.url, 2, { KLAXON_BODY_LIMIT: 1024 * 1024 });
  const elsewhere = await post(otherApp, body('firing'), fire);
  t.equal(elsewhere.statusCode, 200);
  t.equal(elsewhere.json().replay, true, 'the other process knows the signature');
  t.same(await counts(), before, 'nothing changed: no reopen, no counter, no event');

  // A new firing, newly signed, is applied.
  const refire = body('firing', '2026-11-22T10:20:00Z');
  const resigned = await post(app, refire, signBody(secret, refire, unix + 1));
  t.equal(resigned.json().alerts[0].outcome, 'reopened');

  const audit = await handle.db.selectFrom('deliveries').select('outcome').orderBy('id').execute();
  t.same(
    audit.map((d) => (d.outcome as { replay?: boolean }).replay ?? false),
    [false, true, false, true, false],
    'replays are audited',
  );
});

t.test('concurrent twins: exactly one is applied', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const integration = await createIntegration(app, await auth('admin'), { name: 'signed', kind: 'alertmanager', signed: true });
  const signature = signBody(integration.signingSecret!, body('firing'), Math.floor(Date.now() / 1000));
  const answers = await Promise.all(
    Array.from({ length: 8 }, () =>
      app.inject({
        method: 'POST',
        url: `/v1/webhooks/alertmanager/${integration.key}`,
        headers: { 'content-type': 'application/json', 'x-klaxon-signature': signature },
        payload: body('firing'),
      }),
    ),
  );
  t.same(
    answers.map((a) => a.statusCode),
    Array(8).fill(200),
  );
  t.equal(answers.filter((a) => !a.json().replay).length, 1, 'one applied');
  const alert = await handle.db.selectFrom('alerts').select('receive_count').executeTakeFirstOrThrow();
  t.equal(alert.receive_count, 1, 'counted once');
});

t.test('signatures are pruned once their window has passed', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const integration = await createIntegration(app, await auth('admin'), { name: 'signed', kind: 'alertmanager', signed: true });
  await handle.db
    .insertInto('webhook_signatures')
    .values([
      { integration_id: integration.id, mac: 'a'.repeat(64), expires_at: new Date(Date.now() - 1000) },
      { integration_id: integration.id, mac: 'b'.repeat(64), expires_at: new Date(Date.now() + 300_000) },
    ])
    .execute();
  const pruned = await prune(handle.db, { revokedKeyRetentionDays: 30, deliveryRetentionDays: 7 });
  t.equal(pruned.signatures, 1);
  const left = await handle.db.selectFrom('webhook_signatures').select('mac').execute();
  t.same(
    left.map((r) => r.mac),
    ['b'.repeat(64)],
  );
});
