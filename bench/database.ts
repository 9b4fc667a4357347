/**
 * The benchmark's own database: a fresh `klaxon_bench_<random>` on DATABASE_URL's
 * server, or on an embedded PostgreSQL (data in .klaxon-bench) when it is unset;
 * migrated like a real server's (Klaxon's migrations and the job queue's), and
 * dropped again by close().
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { openDatabase, redactUrl } from '../src/db/client.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { migrateJobQueue } from '../src/jobs/runner.js';
import { createLogger } from '../src/logger.js';

export interface BenchDatabase {
  /** URL of the fresh, migrated database. */
  url: string;
  name: string;
  /** Where it lives, for the report (no password). */
  description: string;
  /** The server's version (SHOW server_version). */
  serverVersion: string;
  close(): Promise<void>;
}

/** The embedded server's port: clear of `npm start` (54329) and `npm test` (+10). */
const EMBEDDED_PORT_OFFSET = 20;

export async function openBenchDatabase(log: (msg: string) => void): Promise<BenchDatabase> {
  const config = loadConfig(); // only DATABASE_URL and the embedded port are read here
  let embedded: EmbeddedPostgres | undefined;
  let serverUrl = config.DATABASE_URL;
  if (!serverUrl) {
    log('DATABASE_URL is not set: starting the embedded PostgreSQL in .klaxon-bench');
    embedded = await startEmbeddedPostgres({
      dataDir: '.klaxon-bench',
      port: config.KLAXON_EMBEDDED_PG_PORT + EMBEDDED_PORT_OFFSET,
      database: 'postgres',
      log,
    });
    serverUrl = embedded.url;
  }
  const maintenance = serverUrl;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: maintenance });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  const name = `klaxon_bench_${randomBytes(6).toString('hex')}`;
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  let created = false;
  const close = async () => {
    try {
      if (created) await admin((c) => c.query(`drop database if exists ${c.escapeIdentifier(name)} with (force)`));
    } finally {
      await embedded?.stop();
    }
  };

  try {
    const serverVersion = await admin(async (c) => {
      await c.query(`create database ${c.escapeIdentifier(name)}`);
      created = true;
      return String((await c.query('show server_version')).rows[0]?.server_version ?? '?');
    });
    const handle = openDatabase(url, 2);
    try {
      await migrateToLatest(handle.db);
      await migrateJobQueue(handle, createLogger('silent'));
    } finally {
      await handle.close();
    }
    const where = embedded ? `embedded PostgreSQL in ${embedded.dataDir}` : redactUrl(url);
    return { url, name, description: where, serverVersion, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
