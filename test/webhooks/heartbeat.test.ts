import { sql } from 'kysely';
import t from 'tap';
import { enqueue } from '../../src/jobs/queue.js';
import { buildTaskList } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { buildTestApp, createIntegration } from '../helper.js';
import { runDueJobs } from '../support/jobs.js';

const log = createLogger('silent');
const settings = { revokedKeyRetentionDays: 30, deliveryRetentionDays: 7, deliveryBodyMax: 8192 };

/** An integration's queued checks: a job that ran to success is deleted, one that failed stays with its error. */
const queued = async (db: Parameters<typeof enqueue>[0], integrationId: string) =>
  (
    await sql<{ task_identifier: string; key: string | null; attempts: number; last_error: string | null; run_at: Date }>`
    select task_identifier, key, attempts, last_error, run_at from graphile_worker.jobs
    where key = ${`heartbeat:${integrationId}`} order by id`.execute(db)
  ).rows;

// One app and database for the file: each subtest has its own heartbeat integration and looks only at its jobs.
const shared = buildTestApp(t);

t.test('a missed heartbeat raises an incident through the job runner; the next beat resolves it', async (t) => {
  const { app, handle, auth } = await shared;
  const admin = await auth('admin');
  const hb = await createIntegration(app, admin, {
    name: 'nightly-backup',
    kind: 'heartbeat',
    heartbeat: { intervalSeconds: 3600, graceSeconds: 300 },
  });
  t.match(hb.webhookUrl, /\/v1\/heartbeats$/);

  const beat = await app.inject({ url: `/v1/heartbeats/${hb.key}` });
  t.equal(beat.statusCode, 200, beat.body);
  const { nextDeadline } = beat.json();
  t.ok(Math.abs(Date.parse(nextDeadline) - Date.now() - 3900_000) < 60_000, 'deadline = beat + interval + grace');
  const jobs = await queued(handle.db, hb.id);
  t.equal(jobs.length, 1, 'one durable check is armed');
  t.equal(jobs[0]!.task_identifier, 'heartbeat_check');
  await app.inject({ method: 'POST', url: `/v1/heartbeats/${hb.key}`, payload: 'anything', headers: { 'content-type': 'text/plain' } });
  t.equal((await queued(handle.db, hb.id)).length, 1, 'a new beat replaces the pending check rather than adding one');

  // Time passes with no beat: move the last beat back and make the check due now.
  await handle.db
    .updateTable('integrations')
    .set({ last_beat_at: new Date(Date.now() - 4000_000) })
    .where('id', '=', hb.id)
    .execute();
  await enqueue(handle.db, 'heartbeat_check', { integrationId: hb.id }, { jobKey: `heartbeat:${hb.id}`, runAt: new Date() });
  await runDueJobs(handle.db, handle.pool, buildTaskList(handle.db, settings, log));
  t.strictSame(await queued(handle.db, hb.id), [], 'the due check ran and succeeded');

  const open = (await app.inject({ url: `/v1/incidents?integration=${hb.id}&status=open`, headers: admin })).json().items;
  t.equal(open.length, 1, 'the missed beat opened an incident');
  t.match(open[0], { severity: 'SEV2', title: /nightly-backup/ });

  const back = await app.inject({ url: `/v1/heartbeats/${hb.key}` });
  const resolved = back.json().resolved;
  t.equal(resolved.length, 1, 'one alert resolved');
  t.match(resolved[0], { outcome: 'resolved', incidentId: open[0].id });
  const after = (await app.inject({ url: `/v1/incidents/${open[0].id}`, headers: admin })).json();
  t.equal(after.status, 'resolved', 'the next beat resolved it');

  t.equal((await app.inject({ url: '/v1/heartbeats/klx_int_unknown' })).statusCode, 401);
  const am = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  t.equal((await app.inject({ url: `/v1/heartbeats/${am.key}` })).statusCode, 401, "another kind's key is refused");
});

t.test('a check that runs after a newer beat does nothing', async (t) => {
  const { app, handle, auth } = await shared;
  const hb = await createIntegration(app, await auth('admin'), {
    name: 'cron',
    kind: 'heartbeat',
    heartbeat: { intervalSeconds: 60, graceSeconds: 0 },
  });
  t.equal((await app.inject({ url: `/v1/heartbeats/${hb.key}` })).statusCode, 200);
  // The check armed by an older beat comes due now, after the newer beat.
  await enqueue(handle.db, 'heartbeat_check', { integrationId: hb.id }, { jobKey: `heartbeat:${hb.id}`, runAt: new Date() });
  const due = await queued(handle.db, hb.id);
  t.equal(due.length, 1, 'one check queued');
  t.match(due[0], { task_identifier: 'heartbeat_check', key: `heartbeat:${hb.id}`, attempts: 0 });
  await runDueJobs(handle.db, handle.pool, buildTaskList(handle.db, settings, log));
  t.strictSame(await queued(handle.db, hb.id), [], 'the check ran and succeeded (a failed one would stay queued with its error)');
  const count = await handle.db
    .selectFrom('incidents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('integration_id', '=', hb.id)
    .executeTakeFirstOrThrow();
  t.equal(count.n, 0);
});
