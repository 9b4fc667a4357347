/**
 * Named statements (db/prepared.ts) and the job queue's custom plans (jobs/runner.ts), read back
 * from PostgreSQL itself: what a connection holds prepared, and the functions' settings.
 */
import { sql } from 'kysely';
import t from 'tap';
import { executePrepared } from '../../src/db/prepared.js';
import { openTestDatabase } from '../helper.js';

t.test('a prepared query runs as a named statement on its connection, once per text', async (t) => {
  const { db } = await openTestDatabase(t, 1);
  const prepared = (n: number) => sql<{ n: number }>`select ${n}::int + 1 as n /* prepared.test */`;
  const held = await db.transaction().execute(async (trx) => {
    const first = await executePrepared(trx, prepared(1));
    const second = await executePrepared(trx, prepared(41));
    await sql`select ${2}::int + 1 as n /* unnamed.test */`.execute(trx);
    t.same([first.rows, second.rows], [[{ n: 2 }], [{ n: 42 }]], 'each run binds its own values');
    const { rows } = await sql<{ statement: string; from_sql: boolean }>`
      select statement, from_sql from pg_prepared_statements where statement like '%.test */%'`.execute(trx);
    return rows;
  });
  t.same(
    held.map((r) => [r.statement.includes('prepared.test'), r.from_sql]),
    [[true, false]],
    'the prepared text is held once (by the protocol, not PREPARE); the plain query is not held',
  );
});

t.test('migrating the job queue gives add_job and add_jobs custom plans', async (t) => {
  const { db } = await openTestDatabase(t, 1);
  const { rows } = await sql<{ proname: string; proconfig: string[] | null }>`
    select proname, proconfig from pg_proc
    where pronamespace = 'graphile_worker'::regnamespace and proname in ('add_job', 'add_jobs') order by proname`.execute(db);
  t.same(rows, [
    { proname: 'add_job', proconfig: ['plan_cache_mode=force_custom_plan'] },
    { proname: 'add_jobs', proconfig: ['plan_cache_mode=force_custom_plan'] },
  ]);
  const { rows: setting } = await sql<{ mode: string }>`select current_setting('plan_cache_mode') as mode`.execute(db);
  t.equal(setting[0]!.mode, 'auto', "Klaxon's connections keep generic plans for its prepared statements");
});
