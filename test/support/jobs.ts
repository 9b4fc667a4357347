import { runOnce, type TaskList } from 'graphile-worker';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../src/db/client.js';
import { workerLogger } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/logger.js';

const log = createLogger('silent');

/**
 * Runs every job that is due, once, and returns when each has been completed or failed in the queue.
 * graphile-worker's runOnce resolves when its worker finds no more work, but it records a job's success
 * without awaiting it (main.js `completeJob(job)`), so a test that reads the queue straight after runOnce
 * can still see the job locked. Waiting for no locked job makes the queue's state the jobs' outcome.
 */
export async function runDueJobs(db: Db, pool: pg.Pool, taskList: TaskList): Promise<void> {
  await runOnce({ pgPool: pool, taskList, noHandleSignals: true, logger: workerLogger(log) });
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker.jobs where locked_at is not null`.execute(db);
    if (rows[0]!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('jobs stayed locked 5 s after runOnce returned');
}

/** Escalation and notification events: kept out of assertions about what people and alerts did. */
export const isPagingEvent = (e: { kind: string }) => /^(escalat|notification_|update_reminder|pager_callback)/.test(e.kind);
