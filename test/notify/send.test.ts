/**
 * The outbox end to end on real receivers: queueNotifications in a transaction, the
 * notification_send job, a real SMTP server and real HTTP listeners.
 */
import { sql } from 'kysely';
import t from 'tap';
import { verifySignature } from '../../src/ingest/signature.js';
import { buildTaskList } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { type NotificationRequest, queueNotifications } from '../../src/notify/outbox.js';
import { notifySettings } from '../../src/notify/settings.js';
import { openTestDatabase } from '../helper.js';
import { runDueJobs } from '../support/jobs.js';
import { drainJobs, makeIncident, makeJobsDue, notifications } from '../support/notify.js';
import { startHttp, startSmtp } from '../support/receivers.js';

const log = createLogger('silent');
const base = { revokedKeyRetentionDays: 30, deliveryRetentionDays: 7, deliveryBodyMax: 8192 };
const SMTP_PASSWORD = 'sm7p-pa55word';

async function setup(t: { teardown(fn: () => unknown): void }, extra: Record<string, unknown> = {}) {
  const handle = await openTestDatabase(t);
  const smtp = await startSmtp(t);
  const hooks = await startHttp(t);
  const escalations: { incidentId: string; reason: string }[] = [];
  const notify = {
    ...notifySettings({
      SMTP_URL: `smtp://klaxon:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}`,
      KLAXON_MAIL_FROM: 'Klaxon <pager@klaxon.test>',
      KLAXON_CHAT_WEBHOOKS: JSON.stringify({ '#incidents': `${hooks.url}/chat/incidents` }),
      KLAXON_PAGER_URL: `${hooks.url}/pager`,
      KLAXON_NOTIFY_RETRY_BASE_MS: 1,
      KLAXON_NOTIFY_RETRY_MAX_MS: 20,
      KLAXON_NOTIFY_MAX_ATTEMPTS: 4,
      KLAXON_NOTIFY_TIMEOUT_MS: 5000,
    }),
    ...extra,
  };
  const taskList = buildTaskList(
    handle.db,
    {
      ...base,
      notify,
      escalateNow: async (_trx, incidentId, reason) => {
        escalations.push({ incidentId, reason });
        return true;
      },
    },
    log,
  );
  return { ...handle, smtp, hooks, escalations, taskList };
}

const request = (incidentId: string, over: Partial<NotificationRequest> = {}): NotificationRequest => ({
  incidentId,
  cycle: 0,
  step: 0,
  channel: 'email',
  target: 'user:00000000-0000-4000-8000-000000000001',
  address: 'alice@example.com',
  purpose: 'page',
  ...over,
});

t.test('queueing is idempotent and transactional', async (t) => {
  const { db } = await setup(t);
  const incident = await makeIncident(db);
  t.equal(await db.transaction().execute((trx) => queueNotifications(trx, [request(incident.id)])), 1);
  t.equal(
    await db.transaction().execute((trx) => queueNotifications(trx, [request(incident.id)])),
    0,
    'the same key again inserts nothing',
  );
  await t.rejects(
    db.transaction().execute(async (trx) => {
      await queueNotifications(trx, [request(incident.id, { step: 1 })]);
      throw new Error('roll back');
    }),
  );
  t.equal((await notifications(db)).length, 1, 'one row: the repeat and the rolled-back one left nothing');
  const jobs = await sql<{ task_identifier: string; key: string }>`select task_identifier, key from graphile_worker.jobs`.execute(db);
  t.same(
    jobs.rows.map((j) => j.task_identifier),
    ['notification_send'],
    'one send job',
  );
  t.equal((await notifications(db))[0]!.idempotency_key, `${incident.id}:0:0:user:00000000-0000-4000-8000-000000000001:email`);
});

t.test('email: subject, headers and bodies from the templates, through a real SMTP server', async (t) => {
  const { db, pool, smtp, taskList } = await setup(t);
  const incident = await makeIncident(db, { severity: 'SEV1', title: 'Orders API <500s>' });
  await db.transaction().execute((trx) => queueNotifications(trx, [request(incident.id)]));
  await drainJobs(db, pool, taskList);

  t.equal(smtp.mails.length, 1, 'one mail');
  const mail = smtp.mails[0]!;
  t.equal(mail.subject, `[SEV1] #${incident.number} Orders API <500s>`);
  t.equal(mail.headers.get('x-klaxon-incident'), incident.id);
  t.same(smtp.recipients[0], ['alice@example.com']);
  t.match(mail.from?.text, /pager@klaxon\.test/);
  t.match(mail.text, /^INCIDENT DECLARED: Orders API <500s>\nSeverity: SEV1\nIncident: #\d+\n/);
  t.match(mail.text, /Acknowledge within: 5 minutes/);
  t.match(mail.text, /Next update: every 15 minutes/);
  t.match(mail.html, /<h2>INCIDENT DECLARED: Orders API &#60;500s&#62;<\/h2>/, 'HTML body, escaped');
  t.same(smtp.logins, [{ username: 'klaxon', password: SMTP_PASSWORD }], 'logged in with the credentials of SMTP_URL');

  const [row] = await notifications(db);
  t.match(row, { status: 'sent', attempts: 1, last_error: null });
  t.ok(row!.sent_at);
  const events = await db.selectFrom('incident_events').selectAll().where('incident_id', '=', incident.id).execute();
  t.same(
    events.map((e) => e.kind),
    ['notification_sent'],
  );
  t.match(events[0]!.data, { notificationId: row!.id, channel: 'email', address: 'alice@example.com', purpose: 'page' });
});

t.test('chat, pager and a signed webhook reach real HTTP listeners', async (t) => {
  const { db, pool, hooks, taskList } = await setup(t);
  const incident = await makeIncident(db, { severity: 'SEV2' });
  const secret = 'whsec_0123456789';
  await db.transaction().execute((trx) =>
    queueNotifications(trx, [
      request(incident.id, { channel: 'chat', target: 'chat:#incidents', address: '#incidents', purpose: 'notify', userId: undefined }),
      request(incident.id, { channel: 'pager', address: 'PD-ROUTING-KEY', userId: undefined }),
      request(incident.id, {
        channel: 'webhook',
        target: 'webhook:ticket',
        address: `${hooks.url}/tickets?token=abc`,
        purpose: 'ticket',
        webhookSecret: secret,
      }),
    ]),
  );
  await drainJobs(db, pool, taskList);
  const byPath = (p: string) => hooks.received.filter((r) => r.path.startsWith(p));

  t.equal(byPath('/chat/incidents').length, 1, 'one chat message');
  const chat = JSON.parse(byPath('/chat/incidents')[0]!.body);
  t.match(chat.text, `[SEV2] #${incident.number}`);
  t.ok(Array.isArray(chat.blocks), 'Slack blocks');

  t.equal(byPath('/pager').length, 1, 'one pager call');
  const page = JSON.parse(byPath('/pager')[0]!.body);
  t.match(page, {
    routing_key: 'PD-ROUTING-KEY',
    event_action: 'trigger',
    dedup_key: incident.id,
    payload: { severity: 'error', source: 'klaxon' },
  });

  t.equal(byPath('/tickets').length, 1, 'one webhook event');
  const hook = byPath('/tickets')[0]!;
  const check = verifySignature(hook.headers['x-klaxon-signature'] as string, secret, hook.body, new Date());
  t.ok(check.ok, "signed in Klaxon's inbound scheme");
  t.notOk(verifySignature(hook.headers['x-klaxon-signature'] as string, 'other', hook.body, new Date()).ok, 'and not with another secret');
  t.match(JSON.parse(hook.body), { type: 'incident.ticket', incident: { id: incident.id, severity: 'SEV2' } });

  const rows = await notifications(db);
  t.same(
    rows.map((r) => r.status),
    ['sent', 'sent', 'sent'],
  );
  const events = await db
    .selectFrom('incident_events')
    .select(['kind', 'data', 'message'])
    .where('incident_id', '=', incident.id)
    .execute();
  t.notOk(JSON.stringify(events).includes('token=abc'), "the webhook URL's query (a credential) is not on the timeline");
  t.notOk(JSON.stringify(events).includes(secret), 'nor its secret');
});

t.test('SMTP down, then up: delivered once after retries', async (t) => {
  // Retries an hour apart: the test moves them to now, one at a time.
  const { db, pool, smtp, taskList } = await setup(t, { retryBaseMs: 3_600_000, retryMaxMs: 7_200_000 });
  await smtp.close();
  const incident = await makeIncident(db);
  await db.transaction().execute((trx) => queueNotifications(trx, [request(incident.id)]));
  await runDueJobs(db, pool, taskList);
  let [row] = await notifications(db);
  t.match(row, { status: 'pending', attempts: 1, last_error: /ECONNREFUSED|connect/i }, 'first attempt failed, retry scheduled');
  t.notOk(row!.last_error!.includes(SMTP_PASSWORD), 'the SMTP password is not in the error');
  t.ok(row!.next_attempt_at! > new Date(), 'the retry waits for its backoff');
  await runDueJobs(db, pool, taskList);
  t.match((await notifications(db))[0], { attempts: 1 }, 'nothing runs before the backoff ends');
  await makeJobsDue(db);
  await runDueJobs(db, pool, taskList);
  [row] = await notifications(db);
  t.match(row, { status: 'pending', attempts: 2 }, 'second attempt failed too');

  await smtp.listen(); // the same port
  await makeJobsDue(db);
  await drainJobs(db, pool, taskList);
  [row] = await notifications(db);
  t.match(row, { status: 'sent', attempts: 3 });
  t.equal(smtp.mails.length, 1, 'delivered once');
  const attempts = await db
    .selectFrom('notification_attempts')
    .selectAll()
    .where('notification_id', '=', row!.id)
    .orderBy('attempt')
    .execute();
  t.same(
    attempts.map((a) => a.outcome),
    ['retryable', 'retryable', 'sent'],
    'every attempt recorded',
  );
});

t.test('a permanent 4xx from a webhook: recorded as failed at once, on the timeline, and escalated', async (t) => {
  const { db, pool, hooks, escalations, taskList } = await setup(t);
  hooks.status = 422;
  const incident = await makeIncident(db);
  await db
    .transaction()
    .execute((trx) =>
      queueNotifications(trx, [
        request(incident.id, { channel: 'webhook', target: 'webhook:t', address: `${hooks.url}/x`, purpose: 'page' }),
      ]),
    );
  await drainJobs(db, pool, taskList);
  t.equal(hooks.received.length, 1, 'tried once: a 4xx is not retried');
  const [row] = await notifications(db);
  t.match(row, { status: 'failed', attempts: 1, last_error: /HTTP 422/ });
  t.ok(row!.failed_at);
  const events = await db.selectFrom('incident_events').selectAll().where('incident_id', '=', incident.id).execute();
  t.same(
    events.map((e) => e.kind),
    ['notification_failed'],
  );
  t.match(events[0]!.data, { error: /HTTP 422/ });
  t.equal(escalations.length, 1, 'the next step is asked for');
  t.equal(escalations[0]!.incidentId, incident.id);
});

t.test('retryable failures stop at the attempt limit, then fail and escalate', async (t) => {
  const { db, pool, hooks, escalations, taskList } = await setup(t);
  hooks.status = 503;
  const incident = await makeIncident(db);
  await db.transaction().execute((trx) => queueNotifications(trx, [request(incident.id, { channel: 'pager', address: 'KEY' })]));
  await drainJobs(db, pool, taskList);
  t.equal(hooks.received.length, 4, 'KLAXON_NOTIFY_MAX_ATTEMPTS attempts');
  const [row] = await notifications(db);
  t.match(row, { status: 'failed', attempts: 4, last_error: /HTTP 503/ });
  t.equal(escalations.length, 1);
});

t.test('unconfigured channels and unknown chat channels fail permanently, naming the setting', async (t) => {
  const { db, pool, taskList } = await setup(t, { smtpUrl: undefined, pagerUrl: undefined });
  const incident = await makeIncident(db);
  await db
    .transaction()
    .execute((trx) =>
      queueNotifications(trx, [
        request(incident.id),
        request(incident.id, { channel: 'chat', target: 'chat:#nowhere', address: '#nowhere', userId: undefined }),
        request(incident.id, { channel: 'pager', address: 'K', userId: undefined }),
      ]),
    );
  await drainJobs(db, pool, taskList);
  const rows = await notifications(db);
  t.equal(rows.length, 3, 'no more and no fewer');
  t.match(rows, [
    { status: 'failed', last_error: /SMTP_URL/ },
    { status: 'failed', last_error: /KLAXON_CHAT_WEBHOOKS/ },
    { status: 'failed', last_error: /KLAXON_PAGER_URL/ },
  ]);
});

t.test('a page for an incident acknowledged or resolved before it went out is cancelled, not sent', async (t) => {
  const { db, pool, smtp, taskList } = await setup(t);
  const acked = await makeIncident(db);
  const resolved = await makeIncident(db);
  await db
    .transaction()
    .execute((trx) =>
      queueNotifications(trx, [
        request(acked.id),
        request(resolved.id),
        request(acked.id, { channel: 'email', purpose: 'reminder', step: -1 }),
      ]),
    );
  await db.updateTable('incidents').set({ status: 'acknowledged' }).where('id', '=', acked.id).execute();
  await db.updateTable('incidents').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', resolved.id).execute();
  await drainJobs(db, pool, taskList);
  const rows = await notifications(db);
  t.equal(rows.length, 3, 'no more and no fewer');
  t.match(rows, [
    { status: 'cancelled', last_error: /acknowledged/ },
    { status: 'cancelled', last_error: /resolved/ },
    { status: 'sent', purpose: 'reminder' },
  ]);
  t.equal(smtp.mails.length, 1, 'only the reminder went out');
  t.match(smtp.mails[0]!.subject, /update due/);
});

t.test('a job whose payload does not fit is dropped, not retried', async (t) => {
  const { db, pool, taskList } = await setup(t);
  await sql`select graphile_worker.add_job('notification_send', '{"notificationId": 42}'::json)`.execute(db);
  await runDueJobs(db, pool, taskList);
  const left = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs`.execute(db);
  t.equal(left.rows[0]!.n, 0);
});
