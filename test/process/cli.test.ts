import { spawnSync } from 'node:child_process';
import t from 'tap';
import { freshDatabase, queryUrl as query, urlFor } from '../helper.js';

// `npm run migrate` is this script; run it as a process, the way operators do.
const migrate = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    encoding: 'utf8',
  });

t.test('npm run migrate applies pending migrations and exits 0', async (t) => {
  const { name } = await freshDatabase(t);
  const url = urlFor(name);
  // Nothing of ours left (graphile-worker's schema stays): every migration is pending again.
  const applied = (await query(url, 'select name from kysely_migration order by name')).map((r) => r['name']);
  await query(url, 'drop schema public cascade; create schema public');
  const run = migrate({ DATABASE_URL: url });
  t.equal(run.status, 0, run.stderr);
  const logged = [...run.stdout.matchAll(/"migration":"([^"]+)"/g)].map((m) => m[1]);
  t.strictSame(logged, applied, 'every migration applied and logged, in order');
  t.same(await query(url, `select count(*)::int as n from information_schema.tables where table_name = 'incidents'`), [{ n: 1 }]);
});

t.test('a failing migration exits non-zero and names it', async (t) => {
  const { name } = await freshDatabase(t);
  const url = urlFor(name);
  // Forget the latest migration but keep what it made: running it again must fail.
  const [latest] = await query(url, 'select name from kysely_migration order by name desc limit 1');
  await query(url, `delete from kysely_migration where name = '${latest!['name']}'`);
  const run = migrate({ DATABASE_URL: url });
  t.equal(run.status, 1);
  t.match(run.stdout, `migration ${latest!['name']} failed`);
});

t.test('an unreachable database exits non-zero', async (t) => {
  const run = migrate({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
  t.equal(run.status, 1);
  t.match(run.stdout, /migration failed/);
});
