/** The per-person throttle on the real path: held notifications are folded into one digest, never dropped. */
import { sql } from 'kysely';
import t from 'tap';
import { buildTaskList } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { queueNotifications } from '../../src/notify/outbox.js';
import { notifySettings } from '../../src/notify/settings.js';
import { openTestDatabase } from '../helper.js';
import { runDueJobs } from '../support/jobs.js';
import { drainJobs, makeIncident, makeJobsDue, notifications } from '../support/notify.js';
import { startSmtp } from '../support/receivers.js';

const log = createLogger('silent');
const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-000000000b0b';

t.test('over the limit: held, recorded on the timeline, then sent as one digest', async (t) => {
  const { db, pool } = await openTestDatabase(t);
  const smtp = await startSmtp(t);
  const notify = notifySettings({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, KLAXON_THROTTLE_LIMIT: 2 });
  const taskList = buildTaskList(db, { revokedKeyRetentionDays: 30, deliveryRetentionDays: 7, deliveryBodyMax: 8192, notify }, log);

  const incidents: Awaited<ReturnType<typeof makeIncident>>[] = [];
  for (let i = 0; i < 4; i++) incidents.push(await makeIncident(db, { title: `Storm ${i}` }));
  const page = (incidentId: string, userId: string, address: string) => ({
    incidentId,
    cycle: 0,
    step: 0,
    channel: 'email' as const,
    target: `user:${userId}`,
    address,
    userId,
    purpose: 'page' as const,
  });
  await db
    .transaction()
    .execute((trx) =>
      queueNotifications(trx, [
        ...incidents.map((i) => page(i.id, ALICE, 'alice@example.com')),
        page(incidents[0]!.id, BOB, 'bob@example.com'),
      ]),
    );
  await runDueJobs(db, pool, taskList);

  const rows = await notifications(db);
  const alice = rows.filter((r) => r.user_id === ALICE);
  t.same(
    alice.map((r) => r.status),
    ['sent', 'sent', 'throttled', 'throttled'],
    'two reach Alice, two are held',
  );
  t.equal(rows.find((r) => r.user_id === BOB)!.status, 'sent', "Bob's page is not held by Alice's throttle");
  t.equal(smtp.mails.length, 3);
  for (const held of alice.slice(2)) {
    const events = await db.selectFrom('incident_events').selectAll().where('incident_id', '=', held.incident_id).execute();
    t.same(
      events.map((e) => e.kind),
      ['notification_throttled'],
      'the hold is on the timeline',
    );
    t.match(events[0]!.data, { notificationId: held.id, digestAt: /^\d{4}-/ });
  }
  const digestJobs = await sql<{ key: string }>`select key from graphile_worker.jobs where task_identifier = 'notification_digest'`.execute(
    db,
  );
  t.same(
    digestJobs.rows.map((j) => j.key),
    [`digest:${ALICE}:email:alice@example.com`],
    'one digest job for Alice',
  );

  await makeJobsDue(db); // the window passes
  await drainJobs(db, pool, taskList);
  t.equal(smtp.mails.length, 4, 'one digest mail');
  const digestMail = smtp.mails[3]!;
  t.match(digestMail.subject, '[Klaxon] 2 notifications held back');
  t.match(digestMail.text, `#${incidents[2]!.number} Storm 2`);
  t.match(digestMail.text, `#${incidents[3]!.number} Storm 3`);
  t.notMatch(digestMail.text, `Storm 0`);

  const after = await notifications(db);
  const digest = after.find((r) => r.purpose === 'digest')!;
  t.match(digest, { status: 'sent', user_id: ALICE, address: 'alice@example.com' });
  t.same(
    after.filter((r) => r.status === 'throttled').map((r) => r.digest_id),
    [digest.id, digest.id],
    'each held notification names its digest',
  );

  // Assembling again finds nothing new: no second digest.
  await sql`select graphile_worker.add_job('notification_digest', ${JSON.stringify({ userId: ALICE, channel: 'email', address: 'alice@example.com' })}::json)`.execute(
    db,
  );
  await drainJobs(db, pool, taskList);
  t.equal(smtp.mails.length, 4);
});
