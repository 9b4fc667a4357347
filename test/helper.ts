/**
 * Test support: a fresh PostgreSQL database per test file, cloned from a migrated
 * template (so files run in parallel), and the app built on it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { type DbHandle, openDatabase } from '../src/db/client.js';
import { migrateToLatest, migrationsFolder } from '../src/db/migrator.js';
import { migrateJobQueue } from '../src/jobs/runner.js';
import { createLogger } from '../src/logger.js';
import type { Role } from '../src/schemas/api-keys.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export const serverUrl = (() => {
  // Read here rather than through loadConfig: this is the test harness's maintenance connection.
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests with `npm test`');
  return url;
})();

export function urlFor(database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs one query on its own connection to `url` and returns the rows. */
export async function queryUrl(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The template's name changes whenever a migration file does, or the job queue's set-up
 * (jobs/runner.ts), so a stale template is never used.
 */
function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder).sort()) hash.update(file).update(readFileSync(path.join(migrationsFolder, file)));
  hash.update(readFileSync(new URL('../src/jobs/runner.ts', import.meta.url)));
  return `klaxon_tpl_${hash.digest('hex').slice(0, 12)}`;
}

const silent = createLogger('silent');

async function ensureTemplate(c: pg.Client, name: string): Promise<void> {
  const exists = await c.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount) return;
  const building = `${name}_build_${randomBytes(3).toString('hex')}`;
  await c.query(`create database ${building}`);
  const handle = openDatabase(urlFor(building), 2);
  try {
    await migrateToLatest(handle.db);
    await migrateJobQueue(handle, silent);
  } finally {
    await handle.close();
  }
  await c.query(`alter database ${building} rename to ${name}`);
}

/** A new, migrated, empty database for this test file; dropped at teardown. */
export async function freshDatabase(t: Teardown): Promise<{ url: string; name: string }> {
  const template = templateName();
  const name = `klaxon_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (c) => {
    // One builder/cloner at a time across parallel test processes.
    await c.query(`select pg_advisory_lock(hashtext('klaxon-test-template'))`);
    try {
      await ensureTemplate(c, template);
      await c.query(`create database ${name} template ${template}`);
    } finally {
      await c.query(`select pg_advisory_unlock(hashtext('klaxon-test-template'))`);
    }
  });
  t.teardown(() => withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)));
  return { url: urlFor(name), name };
}

export async function openTestDatabase(t: Teardown, poolMax = 5): Promise<DbHandle & { url: string }> {
  const { url } = await freshDatabase(t);
  const handle = openDatabase(url, poolMax);
  t.teardown(() => handle.close());
  return { ...handle, url };
}

export interface TestApp {
  app: FastifyInstance;
  handle: DbHandle & { url: string };
  /** Creates an API key with the role and returns the Authorization header for it. */
  auth(role: Role): Promise<{ authorization: string }>;
  /** Everything the app logged at info and above, with `captureLog` (else ''). */
  logged(): string;
}

export async function buildTestApp(
  t: Teardown,
  opts: { bodyLimit?: number; captureLog?: boolean; config?: Partial<ReturnType<typeof loadConfig>> } = {},
): Promise<TestApp> {
  const handle = await openTestDatabase(t);
  let logged = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logged += chunk.toString();
      cb();
    },
  });
  // captureLog keeps the log for assertions; TEST_LOG_LEVEL=error shows what a failing request logged.
  const log = opts.captureLog
    ? createLogger('info', sink)
    : process.env.TEST_LOG_LEVEL
      ? createLogger(process.env.TEST_LOG_LEVEL)
      : undefined;
  const config = { ...loadConfig({}), KLAXON_BODY_LIMIT: opts.bodyLimit ?? 1024 * 1024, ...opts.config };
  const app = await buildApp({ config, db: handle.db, log });
  t.teardown(() => app.close());
  return {
    app,
    handle,
    async auth(role) {
      const key = await createApiKey(handle.db, { name: `test ${role}`, role });
      return { authorization: `Bearer ${key.key}` };
    },
    logged: () => logged,
  };
}

/** Creates an integration through the API; returns its id and key. */
/** Klaxon again on the same database, with its own pool, as a second process would be (closed at teardown). */
export async function secondInstance(t: Teardown, url: string, poolMax = 3, config: Partial<ReturnType<typeof loadConfig>> = {}) {
  const other = openDatabase(url, poolMax);
  t.teardown(() => other.close());
  const app = await buildApp({ config: { ...loadConfig({}), ...config }, db: other.db });
  t.teardown(() => app.close());
  return app;
}

export async function createIntegration(app: FastifyInstance, admin: { authorization: string }, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/v1/integrations', headers: admin, payload: body });
  if (res.statusCode !== 201) throw new Error(`integration not created: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; key: string; signingSecret?: string; webhookUrl: string; webhookUrlWithKey: string };
}
