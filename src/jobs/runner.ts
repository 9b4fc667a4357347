import { Logger, type LogLevel, type Runner, run, runMigrations, type TaskList } from 'graphile-worker';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Logger as Pino } from 'pino';
import type { Config } from '../config.js';
import type { Db, DbHandle } from '../db/client.js';
import { requeueStranded } from '../notify/recover.js';
import { notifySettings } from '../notify/settings.js';
import { buildTaskList, type JobSettings } from './tasks/index.js';

export { buildTaskList, type JobSettings };

// Hourly prune; every minute, re-arm notifications a dead process left behind (notify/recover.ts).
const CRONTAB = ['17 * * * * maintenance_prune ?max=1', '* * * * * notification_recover ?max=1'].join('\n');

/** graphile-worker's log lines through pino, at matching levels. */
export function workerLogger(log: Pino): Logger {
  const map: Record<LogLevel, 'error' | 'warn' | 'info' | 'debug'> = {
    error: 'error',
    warning: 'warn',
    info: 'info',
    debug: 'debug',
  } as Record<LogLevel, 'error' | 'warn' | 'info' | 'debug'>;
  const child = log.child({ component: 'jobs' });
  // Each job's success (with the whole job row) at debug: at info it was a line per job, a storm's
  // thousands of escalation steps and sends a second.
  return new Logger(() => (level, message, meta) => child[meta?.success === true ? 'debug' : (map[level] ?? 'info')](meta ?? {}, message));
}

/**
 * The job queue's functions plan their statements for each call's values. PostgreSQL otherwise
 * keeps a generic plan after five calls, and the ones add_jobs made while the job table was nearly
 * empty kept scanning it whole as a storm filled it (auto_explain: 2.7–4 ms per call over ~3,000
 * rows) until autovacuum's next ANALYZE. Set on the functions, not on every connection, so that
 * Klaxon's own prepared statements keep their generic plans (db/prepared.ts). Under a lock, as
 * several processes may start at once.
 */
const JOB_QUEUE_CUSTOM_PLANS = sql`do $$ begin
  perform pg_advisory_xact_lock(hashtext('klaxon:job-queue-plans'));
  alter function graphile_worker.add_job set plan_cache_mode = force_custom_plan;
  alter function graphile_worker.add_jobs set plan_cache_mode = force_custom_plan;
end $$`;

/** Installs or upgrades graphile-worker's own schema (idempotent). */
export async function migrateJobQueue({ db, pool }: Pick<DbHandle, 'db' | 'pool'>, log: Pino): Promise<void> {
  await runMigrations({ pgPool: pool, logger: workerLogger(log) });
  // A server without the setting (before PostgreSQL 12) or a later graphile-worker that renamed
  // the functions keeps the defaults: slower enqueueing in a storm, never a failed start.
  await JOB_QUEUE_CUSTOM_PLANS.execute(db).catch((err: unknown) => log.warn({ err }, 'job queue functions keep default query plans'));
}

export interface JobRunnerOptions {
  pool: pg.Pool;
  db: Db;
  log: Pino;
  concurrency: number;
  settings: JobSettings;
  /** Override the task list (tests add probe tasks). */
  taskList?: TaskList;
  pollInterval?: number;
}

/** The job settings the configuration gives (the server's and the benchmark's runner alike). */
export function jobSettings(config: Config): JobSettings {
  return {
    revokedKeyRetentionDays: config.KLAXON_REVOKED_KEY_RETENTION_DAYS,
    deliveryRetentionDays: config.KLAXON_DELIVERY_RETENTION_DAYS,
    deliveryBodyMax: config.KLAXON_DELIVERY_BODY_MAX,
    notify: notifySettings(config),
  };
}

/** Starts the runner on the shared pool; signals are handled by the server, not by graphile-worker. */
export async function startJobRunner(opts: JobRunnerOptions): Promise<Runner> {
  // Before taking work: what the last process left mid-send is due again once its claim expires.
  await requeueStranded(opts.db, (opts.settings.notify ?? notifySettings({})).claimTimeoutMs);
  return run({
    pgPool: opts.pool,
    concurrency: opts.concurrency,
    noHandleSignals: true,
    pollInterval: opts.pollInterval ?? 2000,
    // Unnamed statements, planned for each call's values: get_job's generic plan, made while the
    // job table was nearly empty, scanned it whole as a storm filled it.
    noPreparedStatements: true,
    logger: workerLogger(opts.log),
    taskList: opts.taskList ?? buildTaskList(opts.db, opts.settings, opts.log),
    crontab: CRONTAB,
  });
}
