import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';

t.test('defaults', async (t) => {
  const c = loadConfig({});
  t.match(c, {
    PORT: 8080,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    KLAXON_DATA_DIR: './.klaxon',
    KLAXON_BODY_LIMIT: 1048576,
    KLAXON_MIGRATE_ON_START: true,
    DATABASE_POOL_MAX: 10,
    KLAXON_HEAP_GROWTH_PERCENT: 50,
  });
  t.equal(c.DATABASE_URL, undefined);
  t.equal(c.KLAXON_ADMIN_KEY, undefined);
});

t.test('values are converted from strings; empty means unset; unknown variables are ignored', async (t) => {
  const c = loadConfig({ PORT: '9000', KLAXON_MIGRATE_ON_START: 'false', DATABASE_URL: '', HOME: '/root' });
  t.equal(c.PORT, 9000);
  t.equal(c.KLAXON_MIGRATE_ON_START, false);
  t.equal(c.DATABASE_URL, undefined);
  t.notOk('HOME' in c);
});

t.test('every bad variable is named, secrets are not echoed', async (t) => {
  const err = t.throws(() =>
    loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', KLAXON_ADMIN_KEY: 'short-secret' }),
  ) as ConfigError;
  t.ok(err instanceof ConfigError);
  const text = err.message;
  for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'KLAXON_ADMIN_KEY']) t.match(text, name);
  t.notMatch(text, 'short-secret');
  t.equal(err.problems.length, 4, 'one line per variable');
});
