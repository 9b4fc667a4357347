import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

export interface EnqueueOptions {
  /** Jobs with the same key replace each other while pending: the idempotency handle. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * Enqueues a durable job through graphile_worker.add_job on the given executor.
 * Pass a transaction and the job exists only if that transaction commits.
 */
export async function enqueue(
  executor: Kysely<Database>,
  task: string,
  payload: Record<string, unknown> = {},
  opts: EnqueueOptions = {},
): Promise<void> {
  await sql`select graphile_worker.add_job(
    identifier => ${task},
    payload => ${JSON.stringify(payload)}::json,
    run_at => ${opts.runAt ?? null}::timestamptz,
    max_attempts => ${opts.maxAttempts ?? null}::int,
    job_key => ${opts.jobKey ?? null}::text
  )`.execute(executor);
}
