import { loadConfig } from '../config.js';
import { openConfiguredDatabase } from '../db/setup.js';
import { createLogger } from '../logger.js';

// `npm run migrate`: applies every pending migration and exits non-zero on failure.
const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
try {
  const database = await openConfiguredDatabase(config, log, true);
  await database.close();
  log.info('database is migrated to latest');
} catch (err) {
  log.fatal({ err }, 'migration failed');
  process.exitCode = 1;
}
