/** Test support for notifications: an incident to notify about, and running the queue until it settles. */
import type { TaskList } from 'graphile-worker';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../src/db/client.js';
import type { Severity } from '../../src/vocabulary.js';
import { runDueJobs } from './jobs.js';

let seq = 0;

/** Inserts an integration (once per call) and a triggered incident; returns the incident. */
export async function makeIncident(db: Db, opts: { severity?: Severity; title?: string } = {}) {
  const integration = await db
    .insertInto('integrations')
    .values({ name: `src-${++seq}`, kind: 'alertmanager', severity_rules: '[]' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return db
    .insertInto('incidents')
    .values({
      integration_id: integration.id,
      group_key: `g${seq}`,
      title: opts.title ?? `Checkout is down ${seq}`,
      status: 'triggered',
      severity: opts.severity ?? 'SEV1',
      severity_reason: 'test',
      service: 'checkout',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Runs due jobs, waiting for scheduled ones (retries, digests), until the queue is empty or `rounds` run out. */
export async function drainJobs(db: Db, pool: pg.Pool, taskList: TaskList, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await runDueJobs(db, pool, taskList);
    const { rows } = await sql<{ n: number; next: Date | null }>`
      select count(*)::int as n, min(run_at) as next from graphile_worker.jobs where attempts < max_attempts`.execute(db);
    if (rows[0]!.n === 0) return;
    const wait = Math.max(1, Math.min(200, (rows[0]!.next?.getTime() ?? 0) - Date.now() + 5));
    await new Promise((r) => setTimeout(r, wait));
  }
  throw new Error('the job queue did not settle');
}

export const notifications = (db: Db, incidentId?: string) => {
  let q = db.selectFrom('notifications').selectAll().orderBy('seq');
  if (incidentId) q = q.where('incident_id', '=', incidentId);
  return q.execute();
};

/** Time passes for the queue: every scheduled job (a retry's backoff, a digest's window) is due now. */
export async function makeJobsDue(db: Db): Promise<void> {
  await sql`update graphile_worker._private_jobs set run_at = now() where run_at > now()`.execute(db);
}
