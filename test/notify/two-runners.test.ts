/**
 * Two Klaxon job runners on one database (two pools, as two processes have), each
 * notification queued with a duplicate job on top: every page goes out once.
 */
import { sql } from 'kysely';
import t from 'tap';
import { openDatabase } from '../../src/db/client.js';
import { startJobRunner } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { queueNotifications } from '../../src/notify/outbox.js';
import { notifySettings } from '../../src/notify/settings.js';
import { openTestDatabase } from '../helper.js';
import { makeIncident, notifications } from '../support/notify.js';
import { startSmtp } from '../support/receivers.js';

const log = createLogger('silent');
const PAGES = 30;

t.test('two runners, duplicate jobs: each page sent exactly once', async (t) => {
  const first = await openTestDatabase(t);
  const second = openDatabase(first.url, 5);
  t.teardown(() => second.close());
  const smtp = await startSmtp(t);
  const settings = {
    revokedKeyRetentionDays: 30,
    deliveryRetentionDays: 7,
    deliveryBodyMax: 8192,
    notify: notifySettings({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, KLAXON_THROTTLE_LIMIT: 1000 }),
  };
  const incidents: Awaited<ReturnType<typeof makeIncident>>[] = [];
  for (let i = 0; i < PAGES; i++) incidents.push(await makeIncident(first.db));

  const runners = await Promise.all(
    [first, second].map((h) => startJobRunner({ pool: h.pool, db: h.db, log, concurrency: 4, settings, pollInterval: 50 })),
  );
  t.teardown(() => Promise.all(runners.map((r) => r.stop())));
  const ran = [0, 0];
  for (const [i, r] of runners.entries()) r.events.on('job:success', () => ran[i]!++);

  await first.db.transaction().execute(async (trx) => {
    await queueNotifications(
      trx,
      incidents.map((inc) => ({
        incidentId: inc.id,
        cycle: 0,
        step: 0,
        channel: 'email' as const,
        target: 'email:oncall@example.com',
        address: 'oncall@example.com',
        purpose: 'page' as const,
      })),
    );
    // A second job for every row, without a key: as if a retry had been enqueued twice.
    await sql`select graphile_worker.add_job('notification_send', json_build_object('notificationId', id)) from notifications`.execute(trx);
  });

  // Wait until every job has run (each runner reports its own), for 60 s at most.
  const deadline = Date.now() + 60_000;
  while (ran[0]! + ran[1]! < PAGES * 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.equal(ran[0]! + ran[1]!, PAGES * 2, 'every job ran');
  const rows = await notifications(first.db);
  t.equal(rows.length, PAGES);
  t.ok(
    rows.every((r) => r.status === 'sent' && r.attempts === 1),
    'every notification sent, on its first attempt',
  );
  t.equal(smtp.mails.length, PAGES, `${PAGES} mails for ${PAGES} pages and ${PAGES * 2} jobs`);
  const ids = smtp.mails.map((m) => m.headers.get('x-klaxon-incident'));
  t.equal(new Set(ids).size, PAGES, 'one per incident');
  // Which runner took which job is the queue's business: one may drain them all.
  t.comment(`jobs run by each runner: ${ran[0]} and ${ran[1]}`);
});
