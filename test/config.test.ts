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

t.test('targets and cadences must be positive; the heap growth percent stays in range', async (t) => {
  for (const bad of ['SEV1=0m', 'SEV2=15m,SEV1=00s', 'SEV1=1234567h', 'SEV5=5m', 'SEV1=5d', 'SEV1=5m,']) {
    for (const name of ['KLAXON_UPDATE_CADENCE', 'KLAXON_ACK_TARGETS']) {
      const err = t.throws(() => loadConfig({ [name]: bad }), `${name}=${bad}`) as ConfigError;
      t.match(err.message, name);
    }
  }
  t.equal(loadConfig({ KLAXON_UPDATE_CADENCE: 'SEV1=1s,SEV4=999999h' }).KLAXON_UPDATE_CADENCE, 'SEV1=1s,SEV4=999999h');
  for (const bad of ['-1', '1001', '12.5', '1e2', '0x10', 'lots']) t.throws(() => loadConfig({ KLAXON_HEAP_GROWTH_PERCENT: bad }), bad);
  t.equal(loadConfig({ KLAXON_HEAP_GROWTH_PERCENT: '0' }).KLAXON_HEAP_GROWTH_PERCENT, 0);
});

t.test('an integer is written as one: no fractions, exponents or hex, anywhere', async (t) => {
  for (const bad of ['8080.5', '8e3', '0x1f90']) t.throws(() => loadConfig({ PORT: bad }), `PORT=${bad}`);
  t.equal(loadConfig({ PORT: ' 9000 ' }).PORT, 9000, 'surrounding blanks are forgiven');
});
