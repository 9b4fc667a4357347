/**
 * Kysely's statements are prepared per connection (src/db/client.ts): a text seen twice runs as a
 * named prepared statement; one seen once, or one that reads `*`, stays unnamed.
 */
import { sql } from 'kysely';
import t from 'tap';
import { NOT_PREPARED, openDatabase } from '../../src/db/client.js';
import { freshDatabase } from '../helper.js';

t.test('a repeated statement is prepared once on its connection; select * never is', async (t) => {
  const { url } = await freshDatabase(t);
  const handle = openDatabase(url, 1); // one connection: every statement runs on it
  t.teardown(() => handle.close());
  const prepared = async () =>
    (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(handle.db)).rows.map((r) => r.statement);
  for (let i = 0; i < 3; i++) {
    const { rows } = await sql<{ n: number }>`select ${i}::int + 1 as n`.execute(handle.db);
    t.equal(rows[0]!.n, i + 1, 'right answers, named or not');
    await sql`select * from (select ${i}::int as x) s`.execute(handle.db);
  }
  const names = await prepared();
  t.equal(names.filter((s) => s.includes('::int + 1 as n')).length, 1, 'the repeated text is prepared, once');
  t.equal(names.filter((s) => s.includes('select * from')).length, 0, 'a select * is not');
  for (let i = 0; i < 3; i++) await sql`${sql.raw(NOT_PREPARED)} select ${i}::int as opted_out`.execute(handle.db);
  t.equal((await prepared()).filter((s) => s.includes('opted_out')).length, 0, 'nor one marked NOT_PREPARED');
  await sql`select ${'once'}::text as only_once`.execute(handle.db);
  t.equal((await prepared()).filter((s) => s.includes('only_once')).length, 0, 'a text seen once is not');
});
