import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { SEND_JOB_KEY_PREFIX, SEND_TASK } from './outbox.js';

/**
 * Re-arms notifications a dead process left behind, at runner start and every minute:
 * a `sending` row whose claim will go stale (its process died mid-send; graphile-worker
 * keeps that job locked for hours) gets a fresh job due when the claim expires; a
 * `pending` row with no live job (lost, or locked by a dead worker) gets one now.
 * A live sender loses nothing: the claim decides who sends, so an extra job is a no-op.
 */
export async function requeueStranded(db: Db, claimTimeoutMs: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with stranded as (
      select n.id,
        case when n.status = 'sending' then n.claimed_at + make_interval(secs => ${claimTimeoutMs / 1000}) end as run_at
      from notifications n
      where n.status = 'sending'
         or (n.status = 'pending' and not exists (
              select 1 from graphile_worker.jobs j
              where j.key = ${SEND_JOB_KEY_PREFIX}::text || n.id
                and (j.locked_at is null or j.locked_at > now() - make_interval(secs => ${claimTimeoutMs / 1000}))))
    )
    select count(graphile_worker.add_job(
      identifier => ${SEND_TASK},
      payload => json_build_object('notificationId', id),
      run_at => greatest(run_at, now()),
      max_attempts => 10,
      job_key => ${SEND_JOB_KEY_PREFIX}::text || id
    ))::int as n from stranded`.execute(db);
  return rows[0]!.n;
}
