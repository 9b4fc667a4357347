import t from 'tap';
import { buildTaskList } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { queueNotifications } from '../../src/notify/outbox.js';
import { notifySettings } from '../../src/notify/settings.js';
import { buildTestApp } from '../helper.js';
import { drainJobs, makeIncident } from '../support/notify.js';
import { startHttp, startSmtp } from '../support/receivers.js';

const log = createLogger('silent');
const SMTP_PASSWORD = 'never-show-me-7';
const WEBHOOK_SECRET = 'whsec_never_show_me';

t.test('GET /v1/incidents/{id}/notifications lists every notification with its attempts, paged, secrets kept out', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const smtp = await startSmtp(t);
  const http = await startHttp(t);
  http.status = 404;
  const { db, pool } = handle;
  const notify = notifySettings({ SMTP_URL: `smtp://u:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}` });
  const taskList = buildTaskList(
    db,
    { revokedKeyRetentionDays: 30, deliveryRetentionDays: 7, deliveryBodyMax: 8192, notify, escalateNow: async () => false },
    log,
  );
  const incident = await makeIncident(db);
  await db.transaction().execute((trx) =>
    queueNotifications(trx, [
      {
        incidentId: incident.id,
        cycle: 0,
        step: 0,
        channel: 'email',
        target: 'email:a@example.com',
        address: 'a@example.com',
        purpose: 'page',
      },
      {
        incidentId: incident.id,
        cycle: 0,
        step: 0,
        channel: 'webhook',
        target: 'webhook:ticket',
        address: `${http.url}/hook/sekret-path?token=abc`,
        purpose: 'ticket',
        webhookSecret: WEBHOOK_SECRET,
      },
      {
        incidentId: incident.id,
        cycle: 0,
        step: 1,
        channel: 'email',
        target: 'email:b@example.com',
        address: 'b@example.com',
        purpose: 'page',
      },
    ]),
  );
  await drainJobs(db, pool, taskList);
  const viewer = await auth('viewer');
  const url = `/v1/incidents/${incident.id}/notifications`;

  const all = await app.inject({ url, headers: viewer });
  t.equal(all.statusCode, 200, all.body);
  const body = all.json();
  t.equal(body.items.length, 3);
  t.equal(body.nextCursor, null);
  t.match(body.items[0], {
    incidentId: incident.id,
    channel: 'email',
    target: 'email:a@example.com',
    address: 'a@example.com',
    purpose: 'page',
    status: 'sent',
    attempts: 1,
    lastError: null,
    sentAt: /^\d{4}-/,
    attemptLog: [{ attempt: 1, outcome: 'sent', error: null }],
  });
  t.match(body.items[1], {
    channel: 'webhook',
    address: http.url,
    status: 'failed',
    attempts: 1,
    lastError: /HTTP 404/,
    failedAt: /^\d{4}-/,
    attemptLog: [{ outcome: 'permanent', error: /HTTP 404/ }],
  });
  for (const secret of [SMTP_PASSWORD, WEBHOOK_SECRET, 'token=abc', 'sekret-path'])
    t.notOk(all.body.includes(secret), `no ${secret} in the answer`);

  const first = (await app.inject({ url: `${url}?limit=2`, headers: viewer })).json();
  t.equal(first.items.length, 2);
  t.type(first.nextCursor, 'string');
  const second = (await app.inject({ url: `${url}?limit=2&cursor=${first.nextCursor}`, headers: viewer })).json();
  t.same(
    second.items.map((n: { target: string }) => n.target),
    ['email:b@example.com'],
  );
  t.equal(second.nextCursor, null);

  const bad = await app.inject({ url: `${url}?cursor=nonsense`, headers: viewer });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().code, 'KLX_INVALID_CURSOR');
  t.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  const missing = await app.inject({ url: '/v1/incidents/00000000-0000-4000-8000-000000000000/notifications', headers: viewer });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'KLX_INCIDENT_NOT_FOUND');
  t.equal((await app.inject({ url: '/v1/incidents/not-a-uuid/notifications', headers: viewer })).statusCode, 400);
  t.equal((await app.inject({ url: `${url}?limit=0`, headers: viewer })).statusCode, 400);
  t.equal((await app.inject({ url })).statusCode, 401);
});
