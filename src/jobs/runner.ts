import { Logger, type LogLevel, type Runner, run, runMigrations, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import type { Logger as Pino } from 'pino';
import type { Db } from '../db/client.js';
import { buildTaskList, type JobSettings } from './tasks/index.js';

export { buildTaskList, type JobSettings };

const CRONTAB = '17 * * * * maintenance_prune ?max=1';

/** graphile-worker's log lines through pino, at matching levels. */
export function workerLogger(log: Pino): Logger {
  const map: Record<LogLevel, 'error' | 'warn' | 'info' | 'debug'> = {
    error: 'error',
    warning: 'warn',
    info: 'info',
    debug: 'debug',
  } as Record<LogLevel, 'error' | 'warn' | 'info' | 'debug'>;
  const child = log.child({ component: 'jobs' });
  return new Logger(() => (level, message, meta) => child[map[level] ?? 'info'](meta ?? {}, message));
}

/** Installs or upgrades graphile-worker's own schema (idempotent). */
export async function migrateJobQueue(pool: pg.Pool, log: Pino): Promise<void> {
  await runMigrations({ pgPool: pool, logger: workerLogger(log) });
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

/** Starts the runner on the shared pool; signals are handled by the server, not by graphile-worker. */
export function startJobRunner(opts: JobRunnerOptions): Promise<Runner> {
  return run({
    pgPool: opts.pool,
    concurrency: opts.concurrency,
    noHandleSignals: true,
    pollInterval: opts.pollInterval ?? 2000,
    logger: workerLogger(opts.log),
    taskList: opts.taskList ?? buildTaskList(opts.db, opts.settings, opts.log),
    crontab: CRONTAB,
  });
}
