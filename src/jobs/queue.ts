import { type Kysely, sql } from 'kysely';
import { jsonRows } from '../db/json-rows.js';
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

export interface JobSpec {
  task: string;
  payload: Record<string, unknown>;
  opts?: EnqueueOptions;
}

/** Enqueues several jobs in one statement (graphile_worker.add_jobs), with add_job's job-key semantics. */
export async function enqueueAll(executor: Kysely<Database>, jobs: JobSpec[]): Promise<void> {
  if (jobs.length === 0) return;
  await sql`select ${addJobs(jobs)}`.execute(executor);
}

/** The add_jobs call enqueueing these jobs, for a statement that does more (a CTE, a select list). */
export function addJobs(jobs: JobSpec[]) {
  const specs = jobs.map((j) => ({
    identifier: j.task,
    payload: j.payload,
    run_at: j.opts?.runAt ?? null,
    max_attempts: j.opts?.maxAttempts ?? null,
    job_key: j.opts?.jobKey ?? null,
  }));
  return sql`graphile_worker.add_jobs(array(
    select row(j.identifier, j.payload, null, j.run_at, j.max_attempts, j.job_key, null, null)::graphile_worker.job_spec
    from json_to_recordset(${jsonRows(specs)}::json)
      as j(identifier text, payload json, run_at timestamptz, max_attempts int, job_key text)
  ))`;
}
