/**
 * The job runner beside the benchmark's Klaxon, started exactly as src/server.ts starts it
 * (startJobRunner on the app's pool and Kysely instance, the process logger, the config's
 * concurrency and settings), and a wait for its queue to empty.
 */
import type { Runner } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';
import { loadConfig } from '../src/config.js';
import { jobSettings, startJobRunner } from '../src/jobs/runner.js';
import type { KlaxonServer } from './servers.js';

/**
 * `env` as the server's environment would set it (empty: the default config, where email and chat
 * are unconfigured, so notifications fail as "unconfigured"). Undefined when the config's
 * KLAXON_WORKER_CONCURRENCY is 0, as the server then starts none.
 */
export async function startRunner(klaxon: KlaxonServer, log: Logger, env: Record<string, string> = {}): Promise<Runner | undefined> {
  const config = loadConfig(env);
  if (config.KLAXON_WORKER_CONCURRENCY <= 0) return undefined;
  return startJobRunner({
    pool: klaxon.handle.pool,
    db: klaxon.handle.db,
    log,
    concurrency: config.KLAXON_WORKER_CONCURRENCY,
    settings: jobSettings(config),
  });
}

/** Jobs due now that a runner would still run (permanently failed ones stay in the table: not counted). */
export async function dueJobs(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query(
    'select count(*)::int as n from graphile_worker.jobs where run_at <= now() and attempts < max_attempts',
  );
  return Number(rows[0].n);
}

/**
 * Waits until no job is due (escalation steps and notification sends of the incidents opened so far
 * have run); timers due later (a re-page in 5 minutes) do not count. Returns the jobs still due at
 * the timeout (0: drained).
 */
export async function drainJobs(pool: pg.Pool, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let left = await dueJobs(pool);
  while (quiet < 3) {
    if (Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
    left = await dueJobs(pool);
    quiet = left === 0 ? quiet + 1 : 0;
  }
  return 0;
}
