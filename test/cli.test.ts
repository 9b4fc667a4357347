import t from 'tap';
import { spawnSync } from 'node:child_process';
import { freshDatabase, queryUrl as query, urlFor } from './helper.js';

// `npm run migrate` is this script; run it as a process, the way operators do.
const migrate = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts'], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, encoding: 'utf8' });


t.test('npm run migrate applies pending migrations and exits 0', async (t) => {
  const { name } = await freshDatabase(t);
  const url = urlFor(name);
  await query(url, 'drop table incident_events, deliveries, silences, alerts, incidents, integration_keys, integrations');
  await query(url, `delete from kysely_migration where name like '%ingestion%'`);
  const run = migrate({ DATABASE_URL: url });
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /"migration":"[^"]*ingestion"/);
  t.same(await query(url, `select count(*)::int as n from information_schema.tables where table_name = 'incidents'`), [{ n: 1 }]);
});

t.test('a failing migration exits non-zero and names it', async (t) => {
  const { name } = await freshDatabase(t);
  const url = urlFor(name);
  // Forget the ingestion migration but keep its tables: running it again must fail.
  await query(url, `delete from kysely_migration where name like '%ingestion%'`);
  const run = migrate({ DATABASE_URL: url });
  t.equal(run.status, 1);
  t.match(run.stdout, /migration 2026-11-22T11-05_ingestion failed/);
});

t.test('an unreachable database exits non-zero', async (t) => {
  const run = migrate({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
  t.equal(run.status, 1);
  t.match(run.stdout, /migration failed/);
});
