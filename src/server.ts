import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ensureAdminKey } from './auth/api-keys.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { openConfiguredDatabase } from './db/setup.js';
import { tuneHeap } from './heap.js';
import { jobSettings, startJobRunner } from './jobs/runner.js';
import { createLogger } from './logger.js';

/** The process: config → database → migrations → app → listen → job runner, and the reverse on shutdown. */
async function main(config: Config): Promise<void> {
  tuneHeap(config.KLAXON_HEAP_GROWTH_PERCENT);
  const log = createLogger(config.LOG_LEVEL);
  const database = await openConfiguredDatabase(config, log, config.KLAXON_MIGRATE_ON_START);
  const { handle } = database;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let runner: Awaited<ReturnType<typeof startJobRunner>> | undefined;

  const shutdown = async () => {
    await app?.close(); // stop accepting, let in-flight requests finish
    await runner?.stop(); // let running jobs finish
    await database.close(); // pool, then the embedded server if we own it
  };

  try {
    const admin = await ensureAdminKey(handle.db, config.KLAXON_ADMIN_KEY);
    if (admin.revoked) log.warn('KLAXON_ADMIN_KEY matches a revoked key; it will not authenticate');
    app = await buildApp({ config, db: handle.db, log });
    const address = await app.listen({ port: config.PORT, host: config.HOST });
    if (config.KLAXON_WORKER_CONCURRENCY > 0) {
      runner = await startJobRunner({
        pool: handle.pool,
        db: handle.db,
        log,
        concurrency: config.KLAXON_WORKER_CONCURRENCY,
        settings: jobSettings(config),
      });
    }
    printBanner(address, database.description, admin.createdSecret);
  } catch (err) {
    log.fatal({ err }, 'start-up failed');
    await shutdown().catch(() => undefined);
    process.exitCode = 1;
    return;
  }

  closeWithGrace({ delay: config.KLAXON_SHUTDOWN_TIMEOUT_MS }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an unexpected error');
    else log.info({ signal }, 'shutting down');
    await shutdown();
    log.info('stopped');
  });
}

function printBanner(address: string, database: string, adminKey?: string): void {
  const base = address.replace('://0.0.0.0', '://localhost').replace('://[::]', '://localhost');
  const lines = [
    '',
    `Klaxon is listening on ${base}`,
    `  API docs:   ${base}/docs   (OpenAPI: ${base}/openapi.json)`,
    `  Database:   ${database}`,
    `  API auth:   Authorization: Bearer <api key>`,
    `  Webhooks:   ${base}/v1/webhooks/{alertmanager|datadog|health} with an integration's key`,
    `              (create one: POST ${base}/v1/integrations; see docs/integrations.md)`,
  ];
  if (adminKey) {
    lines.push(
      '',
      '  An admin API key was created. It is shown only this once; store it now:',
      `    ${adminKey}`,
      `  Try: curl -H "Authorization: Bearer ${adminKey}" ${base}/v1/api-keys`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

try {
  await main(loadConfig());
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
