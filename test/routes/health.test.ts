import { sql } from 'kysely';
import t from 'tap';
import { buildTestApp, withAdmin } from '../helper.js';

t.test('live and ready on a migrated database', async (t) => {
  const { app } = await buildTestApp(t);
  const live = await app.inject({ url: '/health/live' });
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: 'ok' });
  const ready = await app.inject({ url: '/health/ready' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready' });
});

t.test('not ready when a migration is missing', async (t) => {
  const { app, handle } = await buildTestApp(t);
  await sql`delete from kysely_migration`.execute(handle.db);
  const res = await app.inject({ url: '/health/ready' });
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.match(res.json(), { status: 503, code: 'KLX_UNAVAILABLE', detail: /migrations/ });
});

t.test('not ready when the database is unreachable', async (t) => {
  const { app, handle } = await buildTestApp(t);
  const name = new URL(handle.url).pathname.slice(1);
  await withAdmin((c) => c.query(`drop database ${name} with (force)`));
  const res = await app.inject({ url: '/health/ready' });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { code: 'KLX_UNAVAILABLE', detail: /database/ });
  const live = await app.inject({ url: '/health/live' });
  t.equal(live.statusCode, 200, 'liveness does not depend on the database');
});
