import t from 'tap';
import { sql } from 'kysely';
import { runOnce } from 'graphile-worker';
import { enqueue } from '../../src/jobs/queue.js';
import { buildTaskList, workerLogger } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { buildTestApp, createIntegration } from '../helper.js';

const log = createLogger('silent');

t.test('a missed heartbeat raises an incident through the job runner; the next beat resolves it', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const admin = await auth('admin');
  const hb = await createIntegration(app, admin, { name: 'nightly-backup', kind: 'heartbeat', heartbeat: { intervalSeconds: 3600, graceSeconds: 300 } });
  t.match(hb.webhookUrl, /\/v1\/heartbeats$/);

  const beat = await app.inject({ url: `/v1/heartbeats/${hb.key}` });
  t.equal(beat.statusCode, 200, beat.body);
  const { nextDeadline } = beat.json();
  t.ok(Math.abs(Date.parse(nextDeadline) - Date.now() - 3900_000) < 60_000, 'deadline = beat + interval + grace');
  const jobs = await sql<{ task_identifier: string; run_at: Date }>`select task_identifier, run_at from graphile_worker.jobs`.execute(handle.db);
  t.equal(jobs.rows.length, 1, 'one durable check is armed');
  t.equal(jobs.rows[0]!.task_identifier, 'heartbeat_check');
  await app.inject({ method: 'POST', url: `/v1/heartbeats/${hb.key}`, payload: 'anything', headers: { 'content-type': 'text/plain' } });
  const rearmed = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs`.execute(handle.db);
  t.equal(rearmed.rows[0]!.n, 1, 'a new beat replaces the pending check rather than adding one');

  // Time passes with no beat: move the last beat back and make the check due now.
  await handle.db.updateTable('integrations').set({ last_beat_at: new Date(Date.now() - 4000_000) }).where('id', '=', hb.id).execute();
  await enqueue(handle.db, 'heartbeat_check', { integrationId: hb.id }, { jobKey: `heartbeat:${hb.id}`, runAt: new Date() });
  const settings = { revokedKeyRetentionDays: 30, deliveryRetentionDays: 7, deliveryBodyMax: 8192 };
  await runOnce({ pgPool: handle.pool, taskList: buildTaskList(handle.db, settings, log), noHandleSignals: true, logger: workerLogger(log) });

  const open = (await app.inject({ url: `/v1/incidents?integration=${hb.id}&status=open`, headers: admin })).json().items;
  t.equal(open.length, 1, 'the missed beat opened an incident');
  t.match(open[0], { severity: 'SEV2', title: /nightly-backup/ });

  const back = await app.inject({ url: `/v1/heartbeats/${hb.key}` });
  t.match(back.json().resolved, [{ outcome: 'resolved', incidentId: open[0].id }]);
  const after = (await app.inject({ url: `/v1/incidents/${open[0].id}`, headers: admin })).json();
  t.equal(after.status, 'resolved', 'the next beat resolved it');

  t.equal((await app.inject({ url: '/v1/heartbeats/klx_int_unknown' })).statusCode, 401);
  const am = await createIntegration(app, admin, { name: 'am', kind: 'alertmanager' });
  t.equal((await app.inject({ url: `/v1/heartbeats/${am.key}` })).statusCode, 401, 'another kind\'s key is refused');
});

t.test('a check that runs after a newer beat does nothing', async (t) => {
  const { app, handle, auth } = await buildTestApp(t);
  const hb = await createIntegration(app, await auth('admin'), { name: 'cron', kind: 'heartbeat', heartbeat: { intervalSeconds: 60, graceSeconds: 0 } });
  await app.inject({ url: `/v1/heartbeats/${hb.key}` });
  await enqueue(handle.db, 'heartbeat_check', { integrationId: hb.id }, { jobKey: `heartbeat:${hb.id}`, runAt: new Date() });
  const settings = { revokedKeyRetentionDays: 30, deliveryRetentionDays: 7, deliveryBodyMax: 8192 };
  await runOnce({ pgPool: handle.pool, taskList: buildTaskList(handle.db, settings, log), noHandleSignals: true, logger: workerLogger(log) });
  const count = await handle.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.equal(count.n, 0);
});
