/**
 * End to end on real receivers: an Alertmanager delivery opens a SEV1 incident, the shipped SEV1
 * policy pages the on-call engineer by email (a real in-process SMTP server) and posts to
 * #incidents (a real HTTP listener); unacknowledged, step 2 re-pages; acknowledged, nothing more.
 */
import { sql } from 'kysely';
import t from 'tap';
import { buildTaskList } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { notifySettings } from '../../src/notify/settings.js';
import { buildTestApp, createIntegration } from '../helper.js';
import { runDueJobs } from '../support/jobs.js';
import { startHttp, startSmtp } from '../support/receivers.js';

const log = createLogger('silent');

t.test('alert → SEV1 incident → on-call email; unacknowledged → step 2; acknowledged → silence', async (t) => {
  const { app, auth, handle } = await buildTestApp(t);
  const smtp = await startSmtp(t);
  const chat = await startHttp(t);
  const admin = await auth('admin');
  const taskList = buildTaskList(
    handle.db,
    {
      revokedKeyRetentionDays: 30,
      deliveryRetentionDays: 7,
      deliveryBodyMax: 8192,
      notify: notifySettings({
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        KLAXON_MAIL_FROM: 'Klaxon <pager@klaxon.test>',
        KLAXON_CHAT_WEBHOOKS: JSON.stringify({ '#incidents': `${chat.url}/incidents` }),
        KLAXON_NOTIFY_TIMEOUT_MS: 5000,
      }),
    },
    log,
  );
  const run = () => runDueJobs(handle.db, handle.pool, taskList);

  const alice = (
    await app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { name: 'Alice', email: 'alice@example.com' } })
  ).json();
  const schedules = (await app.inject({ url: '/v1/schedules', headers: admin })).json().items as { id: string; name: string }[];
  const onCall = schedules.find((s) => s.name === 'On-call engineer')!;
  await app.inject({
    method: 'PATCH',
    url: `/v1/schedules/${onCall.id}`,
    headers: admin,
    payload: {
      layers: [
        { name: 'primary', users: [alice.id], rotation: { unit: 'weeks', length: 1 }, handoffTime: '09:00', startDate: '2020-01-06' },
      ],
    },
  });
  const integration = await createIntegration(app, admin, { name: 'prometheus', kind: 'alertmanager', service: 'checkout' });

  const delivery = await app.inject({
    method: 'POST',
    url: '/v1/webhooks/alertmanager',
    headers: { authorization: `Bearer ${integration.key}`, 'content-type': 'application/json' },
    payload: {
      version: '4',
      receiver: 'klaxon',
      status: 'firing',
      groupKey: '{}:{alertname="CheckoutDown"}',
      groupLabels: { alertname: 'CheckoutDown' },
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://am',
      truncatedAlerts: 0,
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'CheckoutDown', severity: 'page' },
          annotations: { summary: 'Checkout is down' },
          startsAt: new Date(Date.now() - 1000).toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: 'checkout-down',
        },
      ],
    },
  });
  t.equal(delivery.statusCode, 200, delivery.body);
  const incidentId = delivery.json().alerts[0].incidentId as string;

  await run();
  t.equal(smtp.mails.length, 1, 'the on-call engineer is paged at once');
  t.same(smtp.recipients[0], ['alice@example.com']);
  t.match(smtp.mails[0]!.subject, /SEV1/);
  t.equal(smtp.mails[0]!.headers.get('x-klaxon-incident'), incidentId);
  t.equal(chat.received.length, 1, '#incidents is told');
  t.equal(chat.received[0]!.path, '/incidents');

  // Nobody acknowledges: step 2 is due (its 5-minute delay elapses by moving the timer).
  const due = () =>
    sql`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where key = ${`escalation:${incidentId}`}), run_at => now())`.execute(
      handle.db,
    );
  await due();
  await run();
  t.equal(smtp.mails.length, 2, 'step 2 re-pages the on-call engineer');
  t.same(smtp.recipients[1], ['alice@example.com']);
  t.equal(chat.received.length, 1, 'step 2 has no chat target');

  // Acknowledged (directly in the database until the lifecycle API lands): no further page.
  await handle.db.updateTable('incidents').set({ status: 'acknowledged' }).where('id', '=', incidentId).execute();
  await due();
  await run();
  t.equal(smtp.mails.length, 2, 'no page after the acknowledgement');
  const state = await handle.db
    .selectFrom('incident_escalations')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .executeTakeFirstOrThrow();
  t.equal(state.stop_reason, 'acknowledged');
  const sent = await handle.db.selectFrom('notifications').select(['status', 'channel']).where('incident_id', '=', incidentId).execute();
  t.same(sent.map((n) => n.status).sort(), ['sent', 'sent', 'sent'], 'every notification recorded as sent');
});
