import { sql } from 'kysely';
import t from 'tap';
import { createApiKey } from '../../src/auth/api-keys.js';
import { enqueue } from '../../src/jobs/queue.js';
import { buildTaskList, startJobRunner } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';
import { openTestDatabase } from '../helper.js';
import { runDueJobs } from '../support/jobs.js';

const log = createLogger('silent');
const settings = { revokedKeyRetentionDays: 30, deliveryRetentionDays: 7, deliveryBodyMax: 8192 };

async function oldRevokedKey(db: Parameters<typeof createApiKey>[0]) {
  const key = await createApiKey(db, { name: 'old', role: 'viewer' });
  await sql`update api_keys set revoked_at = now() - interval '40 days' where id = ${key.id}`.execute(db);
  return key.id;
}

const keyExists = async (db: Parameters<typeof createApiKey>[0], id: string) =>
  (await db.selectFrom('api_keys').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

t.test('a job enqueued in a rolled-back transaction never runs; one in a committed transaction does', async (t) => {
  const { db, pool } = await openTestDatabase(t);
  const id = await oldRevokedKey(db);
  const recent = await createApiKey(db, { name: 'recently revoked', role: 'viewer' });
  await sql`update api_keys set revoked_at = now() - interval '1 day' where id = ${recent.id}`.execute(db);

  let runs = 0;
  const real = buildTaskList(db, settings, log);
  const taskList = {
    maintenance_prune: async (...args: Parameters<NonNullable<typeof real.maintenance_prune>>) => {
      runs++;
      await real.maintenance_prune!(...args);
    },
  };

  await db.transaction().execute((trx) => enqueue(trx, 'maintenance_prune'));
  await t.rejects(
    db.transaction().execute(async (trx) => {
      await enqueue(trx, 'maintenance_prune');
      throw new Error('roll back');
    }),
    { message: 'roll back' }, // the enqueue itself succeeded; only the transaction was abandoned
  );
  const queued = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs`.execute(db);
  t.equal(queued.rows[0]!.n, 1, 'only the committed job is in the queue');

  const delivery = (age: string) =>
    sql`insert into deliveries (source, status_code, outcome, body, body_bytes, received_at)
    values ('alertmanager', 200, '{}', '', 0, now() - ${age}::interval)`.execute(db);
  await delivery('8 days');
  await delivery('6 days');

  await runDueJobs(db, pool, taskList);
  t.equal(runs, 1, 'exactly one run: the committed job');
  const kept = await sql<{ n: number }>`select count(*)::int as n from deliveries`.execute(db);
  t.equal(kept.rows[0]!.n, 1, 'deliveries past their 7-day retention are pruned, newer ones kept');
  t.notOk(await keyExists(db, id), 'the committed job pruned the expired key');
  t.ok(await keyExists(db, recent.id), 'a key inside its retention is kept');

  await t.rejects(
    db.transaction().execute(async (trx) => {
      await enqueue(trx, 'maintenance_prune');
      throw new Error('roll back');
    }),
    { message: 'roll back' },
  );
  await runDueJobs(db, pool, taskList);
  t.equal(runs, 1, 'the rolled-back job never ran');
});

t.test('the runner started like the server starts it picks up committed jobs', async (t) => {
  const { db, pool } = await openTestDatabase(t);
  const id = await oldRevokedKey(db);
  const runner = await startJobRunner({ pool, db, log, concurrency: 1, settings, pollInterval: 100 });
  t.teardown(() => runner.stop());
  // A failing job rejects at once rather than leaving the test to time out.
  const done = new Promise<string>((resolve, reject) => {
    // Only the job under test: a crontab task (notification_recover, every minute) may run meanwhile.
    runner.events.on('job:success', ({ job }) => job.task_identifier === 'maintenance_prune' && resolve(job.task_identifier));
    runner.events.on('job:error', ({ job, error }) => reject(new Error(`${job.task_identifier} failed: ${String(error)}`)));
  });
  await db.transaction().execute((trx) => enqueue(trx, 'maintenance_prune', {}, { jobKey: 'prune-now' }));
  t.equal(await done, 'maintenance_prune');
  t.notOk(await keyExists(db, id));
});
