/**
 * A notification's final failure uses the next step at once, through the real escalation
 * engine: an alert opens a SEV1 incident, step 1's webhook answers 422, and step 2
 * (an hour later by its delay) emails straight away.
 */
import t from 'tap';
import { verifySignature } from '../../src/ingest/signature.js';
import { buildTaskList } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { notifySettings } from '../../src/notify/settings.js';
import { buildTestApp, createIntegration } from '../helper.js';
import { runDueJobs } from '../support/jobs.js';
import { startHttp, startSmtp } from '../support/receivers.js';

const log = createLogger('silent');
const SECRET = 'whsec_0123456789abcdef';

t.test('a permanent 4xx from a webhook: recorded as failed, and the next step fires at once', async (t) => {
  const { app, auth, handle } = await buildTestApp(t);
  const smtp = await startSmtp(t);
  const hooks = await startHttp(t);
  hooks.status = 422;
  const admin = await auth('admin');
  const taskList = buildTaskList(
    handle.db,
    {
      revokedKeyRetentionDays: 30,
      deliveryRetentionDays: 7,
      deliveryBodyMax: 8192,
      notify: notifySettings({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }),
    },
    log,
  );
  const policy = await app.inject({
    method: 'POST',
    url: '/v1/escalation-policies',
    headers: admin,
    payload: {
      name: 'payments SEV1',
      match: { severities: ['SEV1'], services: ['payments'] },
      repeat: 0,
      steps: [
        { delaySeconds: 0, targets: [{ type: 'webhook', url: `${hooks.url}/page`, secret: SECRET, purpose: 'notify' }] },
        { delaySeconds: 3600, targets: [{ type: 'email', address: 'boss@example.com' }] },
      ],
    },
  });
  t.equal(policy.statusCode, 201, policy.body);
  const integration = await createIntegration(app, admin, { name: 'prometheus', kind: 'alertmanager', service: 'payments' });
  const delivery = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/alertmanager/${integration.key}`,
    headers: { 'content-type': 'application/json' },
    payload: {
      version: '4',
      receiver: 'klaxon',
      status: 'firing',
      groupKey: '{}:{alertname="PaymentsDown"}',
      groupLabels: { alertname: 'PaymentsDown' },
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://am',
      truncatedAlerts: 0,
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'PaymentsDown', severity: 'page' },
          annotations: { summary: 'Payments are down' },
          startsAt: new Date(Date.now() - 1000).toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: 'payments-down',
        },
      ],
    },
  });
  t.equal(delivery.statusCode, 200, delivery.body);
  const incidentId = delivery.json().alerts[0].incidentId as string;

  // The step fires, its webhook refuses, the failure escalates, step 2 fires and its email goes: no time passes.
  for (let i = 0; i < 5 && smtp.mails.length === 0; i++) await runDueJobs(handle.db, handle.pool, taskList);
  t.equal(hooks.received.length, 1, 'the webhook was tried once (a 4xx is not retried)');
  t.ok(verifySignature(hooks.received[0]!.headers['x-klaxon-signature'] as string, SECRET, hooks.received[0]!.body, new Date()).ok);
  t.equal(smtp.mails.length, 1, 'step 2 emailed without waiting for its hour');
  t.same(smtp.recipients[0], ['boss@example.com']);

  const list = (await app.inject({ url: `/v1/incidents/${incidentId}/notifications`, headers: admin })).json();
  t.equal(list.items.length, 2, 'no more and no fewer');
  t.match(list.items, [
    { channel: 'webhook', step: 0, status: 'failed', attempts: 1, lastError: /HTTP 422/ },
    { channel: 'email', step: 1, status: 'sent' },
  ]);
  const kinds = (
    await handle.db.selectFrom('incident_events').select('kind').where('incident_id', '=', incidentId).orderBy('id').execute()
  ).map((e) => e.kind);
  const failed = kinds.indexOf('notification_failed');
  t.ok(failed >= 0 && failed < kinds.lastIndexOf('notification_sent'), `failed, then sent: ${kinds.join(', ')}`);
});

t.test('a channel Klaxon has no address for is recorded as failed but does not re-page at once', async (t) => {
  const { app, auth, handle } = await buildTestApp(t);
  const smtp = await startSmtp(t);
  const admin = await auth('admin');
  // No KLAXON_CHAT_WEBHOOKS: the chat post beside the page cannot go anywhere.
  const taskList = buildTaskList(
    handle.db,
    {
      revokedKeyRetentionDays: 30,
      deliveryRetentionDays: 7,
      deliveryBodyMax: 8192,
      notify: notifySettings({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }),
    },
    log,
  );
  const policy = await app.inject({
    method: 'POST',
    url: '/v1/escalation-policies',
    headers: admin,
    payload: {
      name: 'search SEV1',
      match: { severities: ['SEV1'], services: ['search'] },
      repeat: 0,
      steps: [
        {
          delaySeconds: 0,
          targets: [
            { type: 'email', address: 'oncall@example.com' },
            { type: 'chat', channel: '#incidents' },
          ],
        },
        { delaySeconds: 3600, targets: [{ type: 'email', address: 'boss@example.com' }] },
      ],
    },
  });
  t.equal(policy.statusCode, 201, policy.body);
  const declared = await app.inject({
    method: 'POST',
    url: '/v1/incidents',
    headers: admin,
    payload: { title: 'Search down', severity: 'SEV1', service: 'search' },
  });
  const incidentId = declared.json().id as string;
  for (let i = 0; i < 5; i++) await runDueJobs(handle.db, handle.pool, taskList);

  t.same(smtp.recipients, [['oncall@example.com']], 'the on-call paged once; step 2 still waits for its hour');
  const list = (await app.inject({ url: `/v1/incidents/${incidentId}/notifications`, headers: admin })).json();
  t.strictSame(list.items.map((n: { channel: string; status: string }) => `${n.channel}:${n.status}`).sort(), [
    'chat:failed',
    'email:sent',
  ]);
  t.match(
    list.items.find((n: { channel: string }) => n.channel === 'chat'),
    { lastError: /KLAXON_CHAT_WEBHOOKS/ },
  );
  const kinds = (await handle.db.selectFrom('incident_events').select('kind').where('incident_id', '=', incidentId).execute()).map(
    (e) => e.kind,
  );
  t.notOk(kinds.includes('escalated'), 'no escalation at once');
});
