import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { migrateJobQueue } from '../jobs/runner.js';
import { type DbHandle, openDatabase, redactUrl } from './client.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded.js';
import { migrateToLatest } from './migrator.js';

export interface DatabaseSetup {
  handle: DbHandle;
  embedded?: EmbeddedPostgres;
  /** What the banner says: the embedded data directory or the URL without its password. */
  description: string;
  close(): Promise<void>;
}

type DbConfig = Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_MAX' | 'KLAXON_DATA_DIR' | 'KLAXON_EMBEDDED_PG_PORT'>;

/** DATABASE_URL's server, or the embedded one; migrated (ours and the job queue's) when asked. */
export async function openConfiguredDatabase(config: DbConfig, log: Logger, migrate: boolean): Promise<DatabaseSetup> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.KLAXON_DATA_DIR,
      port: config.KLAXON_EMBEDDED_PG_PORT,
      log: (msg) => log.info({ component: 'embedded-postgres' }, msg),
    });
    url = embedded.url;
  }
  const handle = openDatabase(url, config.DATABASE_POOL_MAX, log);
  const close = async () => {
    await handle.close();
    await embedded?.stop();
  };
  try {
    if (migrate) {
      const result = await migrateToLatest(handle.db);
      for (const r of result.results ?? []) log.info({ migration: r.migrationName }, 'migration applied');
      await migrateJobQueue(handle, log);
    }
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  const description = embedded ? `embedded PostgreSQL in ${embedded.dataDir}` : redactUrl(url);
  return { handle, embedded, description, close };
}
